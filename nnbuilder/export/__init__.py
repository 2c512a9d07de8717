"""Out of the app: readable PyTorch code, ONNX, safetensors and a torchrun script.

Pure and Qt-free; the CLI (``nnbuilder export``), the Code tab and File > Export all call these::

    from nnbuilder.export import export_project
    export_project(project, "python", "out/", weights="trained.safetensors")
    export_project(project, "onnx", "m.onnx", weights=StateWeights(model.state_dict(), "the last training run"))
    plan = plan_export(project, "python", "out/")  # nothing written yet: plan.changed_files(), then plan.write()

Importing this package does not import torch; the exporters do when they run.
"""

from __future__ import annotations

from .errors import ExportError
from .exporters import TARGETS, ExportPlan, ExportResult, export_project, plan_export, python_code
from .pytorch import ModelSource, model_source, pick_graph
from .weights import StateWeights

__all__ = ["TARGETS", "ExportError", "ExportPlan", "ExportResult", "ModelSource", "StateWeights", "export_project",
           "model_source", "pick_graph", "plan_export", "python_code"]

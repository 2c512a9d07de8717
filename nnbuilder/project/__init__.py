"""The project document and its file format; pure Python (no torch, no Qt)."""

from .errors import ProjectError
from .io import dumps_project, load_project, loads_project, project_to_dict, save_project
from .model import (
    FORMAT_NAME,
    FORMAT_VERSION,
    DataConfig,
    EarlyStoppingConfig,
    Edge,
    GANConfig,
    Graph,
    Node,
    OptimizerConfig,
    Project,
    TrainingConfig,
)

__all__ = [
    "FORMAT_NAME", "FORMAT_VERSION", "DataConfig", "Edge", "EarlyStoppingConfig", "GANConfig", "Graph", "Node",
    "OptimizerConfig", "Project", "ProjectError", "TrainingConfig", "dumps_project", "load_project",
    "loads_project", "project_to_dict", "save_project",
]

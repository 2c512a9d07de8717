"""The four export targets behind one entry point, so the CLI and the app offer the same thing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..fileio import atomic_write
from ..project.model import Graph, Project
from .errors import ExportError
from .names import safe_text
from .pytorch import ModelSource, model_source, pick_graph
from .weights import CLI_WEIGHTS_HINT, Weights

TARGETS = ("python", "onnx", "safetensors", "torchrun")
GAN_ROLES = ("generator", "discriminator")


@dataclass
class ExportResult:
    """What was written, and notes worth telling the user (e.g. which weights went in)."""

    target: str
    path: Path
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def python_code(project: Project, graph: str | Graph | None = None, source_name: str = "") -> str:
    """Exactly the ``model.py`` that ``export --to python`` writes (the Code tab shows this).

    ``source_name`` is the project file's name, as the export passes it, for the file's first line.
    """
    return model_source(project, graph, source_name=source_name).code


def _prepare_dir(path: Path) -> Path:
    if path.exists() and not path.is_dir():
        raise ExportError(f"'{path}' is a file; give a folder for this export.")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"The folder '{path}' could not be created: {exc.strerror or exc}.") from exc
    return path


def export_project(project: Project, target: str, out: str | Path, *, weights: Weights = None,
                   graph: str | None = None, base_dir: str | Path | None = None,
                   source_name: str = "", weights_hint: str = CLI_WEIGHTS_HINT) -> ExportResult:
    """Write ``project`` as ``target`` (python, onnx, safetensors, torchrun) to ``out``.

    python and torchrun write a folder; onnx and safetensors one file. ``weights`` is a weights file, a
    state dict in memory (``StateWeights``: the app's last run) or None for the seeded initial weights;
    ``weights_hint`` ends the note that says so (the CLI's "pass --weights…", the app's own words).
    ``base_dir`` resolves the data set's relative paths (the project file's folder). Raises ExportError
    with a sentence on failure.
    """
    target = str(target).lower()
    if target not in TARGETS:
        raise ExportError(f"Unknown export target '{safe_text(target)}'; choose {', '.join(TARGETS)}.")
    g = pick_graph(project, graph)
    source = model_source(project, g, source_name=source_name)
    out = Path(out)
    base = Path(base_dir) if base_dir is not None else None
    try:
        if target in ("python", "torchrun"):
            return _export_folder(project, source, out, weights, base, ddp=target == "torchrun")
        if target == "safetensors":
            return _export_safetensors(project, source, out, weights, weights_hint)
        from .onnx import export_onnx

        return export_onnx(project, source, out, weights, weights_hint)
    except OSError as exc:
        raise ExportError(f"Writing '{out}' failed: {exc.strerror or exc}.") from exc


def _metadata(project: Project, source: ModelSource) -> dict[str, str]:
    return {"format": "nnbuilder-export", "project": safe_text(project.name), "graph": safe_text(source.graph.name),
            "class": source.class_name}


def _export_safetensors(project: Project, source: ModelSource, out: Path, weights: Any,
                        hint: str = CLI_WEIGHTS_HINT) -> ExportResult:
    from .weights import exported_state, model_with_weights, save_exported

    if out.is_dir():
        out = out / "weights.safetensors"
    model, note = model_with_weights(project, source, weights, hint)
    state = exported_state(model, source)
    out.parent.mkdir(parents=True, exist_ok=True)
    written = save_exported(state, out, _metadata(project, source))
    return ExportResult("safetensors", written, [written], [note] if note else [])


def _export_folder(project: Project, source: ModelSource, out: Path, weights: Any, base: Path | None,
                   ddp: bool) -> ExportResult:
    from ..compiler import infer
    from .data import load_project_dataset, plan_data, write_npz
    from .ddp_script import ddp_source
    from .readme import readme_text
    from .train_script import plan_training, train_source
    from .weights import exported_state, model_with_weights, save_exported

    if any(g.role in GAN_ROLES for g in project.graphs):
        return _export_gan_graph(project, source, out, weights, ddp)
    errors = infer(source.graph, project.training).errors()
    if errors:
        raise ExportError(f"The training script cannot be written: {errors[0].message}")
    dataset = load_project_dataset(project, base)
    data = plan_data(dataset)
    plan = plan_training(project, source, data)
    texts = {"model.py": source.code, "train.py": train_source(project, source, data, plan)}
    if ddp:
        texts["train_ddp.py"] = ddp_source(project, source, data, plan)
    texts["README.md"] = readme_text(project, source, data, ddp, weights is not None)
    state = None
    if weights is not None:  # read before anything is written: a wrong file leaves no half export
        model, _ = model_with_weights(project, source, weights)
        state = exported_state(model, source)
    folder = _prepare_dir(out)
    files = [atomic_write(folder / name, text) for name, text in texts.items()]
    files.append(write_npz(data, folder / "data.npz"))
    if state is not None:
        files.append(save_exported(state, folder / "weights.safetensors", _metadata(project, source)))
    return ExportResult("torchrun" if ddp else "python", folder, files, [])


def _export_gan_graph(project: Project, source: ModelSource, out: Path, weights: Any, ddp: bool) -> ExportResult:
    """A GAN's graph as model.py (and its weights): the two-network training stays in nnbuilder."""
    from .weights import exported_state, model_with_weights, save_exported

    if ddp:
        raise ExportError("A GAN project trains two networks against each other, which train_ddp.py does not do; "
                          "export its graphs with --to python or --to onnx.")
    state = None
    if weights is not None:
        model, _ = model_with_weights(project, source, weights)
        state = exported_state(model, source)
    folder = _prepare_dir(out)
    files = [atomic_write(folder / "model.py", source.code)]
    if state is not None:
        files.append(save_exported(state, folder / "weights.safetensors", _metadata(project, source)))
    note = (f"Only the graph '{safe_text(source.graph.name)}' was written (model.py): a GAN's training of two "
            "networks runs in nnbuilder, so there is no train.py.")
    return ExportResult("python", folder, files, [note])

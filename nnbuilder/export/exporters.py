"""The four export targets behind one entry point, so the CLI and the app offer the same thing.

An export is worked out in memory first (``plan_export``: every file's bytes, nothing on disk) and then
written (``ExportPlan.write``). ``export_project`` does both; the app stops in between to ask before it
replaces files that differ from what it would write (a model.py the user edited), so "Cancel" writes nothing.
"""

from __future__ import annotations

import io
import zipfile
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


def _check_dir(path: Path) -> Path:
    if path.exists() and not path.is_dir():
        raise ExportError(f"'{path}' is a file; give a folder for this export.")
    return path


def _prepare_dir(path: Path) -> Path:
    _check_dir(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"The folder '{path}' could not be created: {exc.strerror or exc}.") from exc
    return path


def _zip_members(blob: bytes) -> dict[str, bytes] | None:
    """A zip's (an .npz's) members by name, or None when ``blob`` is not a zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as z:
            return {info.filename: z.read(info) for info in z.infolist()}
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def same_content(path: Path, data: bytes) -> bool:
    """Whether the file at ``path`` already holds what an export would write there.

    Byte for byte, except a .npz: numpy stamps each member with the time it was written, so the same arrays
    exported twice differ in their bytes, and asking to "replace" a data.npz nobody changed would teach users
    to click Replace without reading. A file that cannot be read counts as different (asking is the safe side).
    """
    try:
        on_disk = path.read_bytes()
    except OSError:
        return False
    if on_disk == data:
        return True
    if path.suffix.lower() != ".npz":
        return False
    members = _zip_members(on_disk)
    return members is not None and members == _zip_members(data)


@dataclass
class ExportPlan:
    """An export worked out in memory: the bytes of every file it writes, and nothing written yet.

    ``changed_files`` lists the files already on disk that the export would replace with something different
    (an edited model.py, another project's export), so the app can ask once before any of them is lost;
    ``write`` then puts every file in place, each atomically.
    """

    result: ExportResult  # what ``write`` returns, with the paths the files will have
    contents: dict[Path, bytes]
    out: Path  # the path as the user gave it, for the sentence when writing fails
    folder: Path | None = None  # the folder a python or torchrun export creates

    @property
    def files(self) -> list[Path]:
        """Every file this export writes, in the order it writes them."""
        return list(self.contents)

    def existing_files(self) -> list[Path]:
        """The files this export writes that are already there (same content or not)."""
        return [p for p in self.contents if p.exists() or p.is_symlink()]

    def changed_files(self) -> list[Path]:
        """The files already there whose content differs from what this export writes: writing loses them."""
        return [p for p in self.existing_files() if not same_content(p, self.contents[p])]

    def write(self) -> ExportResult:
        """Write every file (creating the folders); raises ExportError with a sentence on failure."""
        written: dict[Path, Path] = {}
        if self.folder is not None:
            _prepare_dir(self.folder)
        try:
            for path, data in self.contents.items():
                path.parent.mkdir(parents=True, exist_ok=True)
                written[path] = atomic_write(path, data)
        except OSError as exc:
            raise ExportError(f"Writing '{self.out}' failed: {exc.strerror or exc}.") from exc
        r = self.result
        return ExportResult(r.target, written.get(r.path, r.path), list(written.values()), list(r.notes))


def export_project(project: Project, target: str, out: str | Path, *, weights: Weights = None,
                   graph: str | None = None, base_dir: str | Path | None = None,
                   source_name: str = "", weights_hint: str = CLI_WEIGHTS_HINT) -> ExportResult:
    """Write ``project`` as ``target`` (python, onnx, safetensors, torchrun) to ``out``.

    python and torchrun write a folder; onnx and safetensors one file. ``weights`` is a weights file, a
    state dict in memory (``StateWeights``: the app's last run) or None for the seeded initial weights;
    ``weights_hint`` ends the note that says so (the CLI's "pass --weights…", the app's own words).
    ``base_dir`` resolves the data set's relative paths (the project file's folder). Raises ExportError
    with a sentence on failure. Existing files are replaced; ``plan_export`` tells which first.
    """
    return plan_export(project, target, out, weights=weights, graph=graph, base_dir=base_dir,
                       source_name=source_name, weights_hint=weights_hint).write()


def plan_export(project: Project, target: str, out: str | Path, *, weights: Weights = None,
                graph: str | None = None, base_dir: str | Path | None = None,
                source_name: str = "", weights_hint: str = CLI_WEIGHTS_HINT) -> ExportPlan:
    """Everything ``export_project`` does except writing: the files and their bytes (see ``ExportPlan``).

    The slow part (the data set, an ONNX conversion and its check) happens here, so the app runs it on a
    worker thread, asks about ``changed_files()`` and then writes, or writes nothing.
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
        from .onnx import plan_onnx

        return plan_onnx(project, source, out, weights, weights_hint)
    except OSError as exc:
        raise ExportError(f"Writing '{out}' failed: {exc.strerror or exc}.") from exc


def _metadata(project: Project, source: ModelSource) -> dict[str, str]:
    return {"format": "nnbuilder-export", "project": safe_text(project.name), "graph": safe_text(source.graph.name),
            "class": source.class_name}


def _export_safetensors(project: Project, source: ModelSource, out: Path, weights: Any,
                        hint: str = CLI_WEIGHTS_HINT) -> ExportPlan:
    from .weights import exported_bytes, exported_state, model_with_weights

    given = out
    if out.is_dir():
        out = out / "weights.safetensors"
    model, note = model_with_weights(project, source, weights, hint)
    data = exported_bytes(exported_state(model, source), _metadata(project, source))
    return ExportPlan(ExportResult("safetensors", out, [out], [note] if note else []), {out: data}, given)


def _export_folder(project: Project, source: ModelSource, out: Path, weights: Any, base: Path | None,
                   ddp: bool) -> ExportPlan:
    from ..compiler import infer
    from .data import load_project_dataset, npz_bytes, plan_data
    from .ddp_script import ddp_source
    from .readme import readme_text
    from .train_script import plan_training, train_source
    from .weights import exported_bytes, exported_state, model_with_weights

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
    folder = _check_dir(out)
    contents = {folder / name: text.encode("utf-8") for name, text in texts.items()}
    contents[folder / "data.npz"] = npz_bytes(data)
    if weights is not None:  # read before anything is written: a wrong file leaves no half export
        model, _ = model_with_weights(project, source, weights)
        contents[folder / "weights.safetensors"] = exported_bytes(exported_state(model, source),
                                                                 _metadata(project, source))
    result = ExportResult("torchrun" if ddp else "python", folder, list(contents), [])
    return ExportPlan(result, contents, out, folder)


def _export_gan_graph(project: Project, source: ModelSource, out: Path, weights: Any, ddp: bool) -> ExportPlan:
    """A GAN's graph as model.py (and its weights): the two-network training stays in nnbuilder."""
    from .weights import exported_bytes, exported_state, model_with_weights

    if ddp:
        raise ExportError("A GAN project trains two networks against each other, which train_ddp.py does not do; "
                          "export its graphs with --to python or --to onnx.")
    folder = _check_dir(out)
    contents = {folder / "model.py": source.code.encode("utf-8")}
    if weights is not None:
        model, _ = model_with_weights(project, source, weights)
        contents[folder / "weights.safetensors"] = exported_bytes(exported_state(model, source),
                                                                 _metadata(project, source))
    note = (f"Only the graph '{safe_text(source.graph.name)}' was written (model.py): a GAN's training of two "
            "networks runs in nnbuilder, so there is no train.py.")
    return ExportPlan(ExportResult("python", folder, list(contents), [note]), contents, out, folder)

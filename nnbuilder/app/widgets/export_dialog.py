"""File ▸ Export…: the four export targets of ``nnbuilder export`` in one small dialog.

The dialog only collects choices; ``nnbuilder.export.export_project`` does the work, on a worker thread
(an ONNX export runs torch.export and onnxruntime checks for several seconds). The result, or the
exporter's one-sentence reason, is shown in the dialog itself.

Weights: after a run in this session the default is that run's weights (the model the Test tab and the
sketch pad use), handed to the exporter as a state dict, so nothing is written beside the project; a
weights file and the network's initial weights stay a choice away.

Existing files: the worker first works the export out in memory (``plan_export``) and compares it with what
is on disk. When files it would replace differ (a model.py the user edited since the last export), the
dialog asks once, naming them, before anything is written; Cancel writes nothing. A file the Save dialog
already asked about (Browse… for an ONNX or weights file) is not asked about twice.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QThread
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..document import Document

if TYPE_CHECKING:
    from ...export import ExportPlan

TARGETS = (
    ("python", "PyTorch code (model.py, train.py, data)"),
    ("onnx", "ONNX file"),
    ("safetensors", "Weights (safetensors)"),
    ("torchrun", "PyTorch code + torchrun script (several GPUs or machines)"),
)
FOLDER_TARGETS = ("python", "torchrun")
WEIGHTS_SUFFIX = ".weights.safetensors"
LAST_RUN = "the last training run"
#: The GUI's end of the exporter's note about untrained weights (the CLI says "pass --weights …").
INITIAL_HINT = "choose the last training run or a weights file under Weights to export trained ones"
UNTRAINED_HINT = "train the network first, or choose a weights file under Weights, to export trained ones"


def file_stem(name: str, fallback: str = "model") -> str:
    """A project's name as a file name stem: ``Fashion-MNIST MLP`` -> ``fashion_mnist_mlp``."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    stem = re.sub(r"[^0-9A-Za-z]+", "_", text).strip("_").lower()[:60].rstrip("_")
    return stem or fallback


def default_output(project_path: Path | None, target: str, name: str = "") -> Path:
    """Beside the project: ``spiral_python/``, ``spiral.onnx``, ``spiral.export.safetensors``, ``spiral_torchrun/``.

    A project without a file of its own (an opened example, a new one) goes to the home folder under
    ``name`` (the example's file name or the project's name), made file-safe.
    """
    if project_path is not None:
        folder, stem = project_path.resolve().parent, project_path.stem
    else:
        folder, stem = Path.home(), file_stem(Path(name).stem if name.endswith(".nnb") else name)
    if target in FOLDER_TARGETS:
        return folder / f"{stem}_{target}"
    return folder / (f"{stem}.onnx" if target == "onnx" else f"{stem}.export.safetensors")


#: How many file names the question lists before "and N more".
NAMES_SHOWN = 6


def plan_and_compare(*args: Any, **kwargs: Any) -> tuple[ExportPlan, list[Path]]:
    """``plan_export`` and the existing files it would change, both on the worker thread: comparing a large
    data.npz with the one on disk takes a moment, and the GUI thread only asks the question."""
    from ...export import plan_export

    plan = plan_export(*args, **kwargs)
    return plan, plan.changed_files()


def replace_question(files: list[Path]) -> tuple[str, str]:
    """(question, details) for files an export would replace: "Replace 3 files in exp_out?" and their names.

    Names are relative to the folder they share, so the user recognises model.py and README.md at a glance.
    """
    folder = Path(os.path.commonpath([str(p.parent) for p in files])) if files else Path()
    names = [os.path.relpath(p, folder) for p in files]
    listed = ", ".join(names[:NAMES_SHOWN]) + (f" and {len(names) - NAMES_SHOWN} more" if len(names) > NAMES_SHOWN
                                                else "")
    count = "1 file" if len(files) == 1 else f"{len(files)} files"
    question = f"Replace {count} in {folder.name or folder}? {listed}"
    details = (f"{'It differs' if len(files) == 1 else 'They differ'} from what this export writes (edited since "
               f"the last export, or another export's). Replace overwrites {'it' if len(files) == 1 else 'them'}; "
               "Cancel writes nothing.")
    return question, details


def trained_modules(trainer: Any) -> dict[str, Any]:
    """graph name -> the trained module of ``trainer`` (the last run): the model, or a GAN's two networks."""
    if trainer is None:
        return {}
    step = getattr(trainer, "step", None)
    if getattr(step, "kind", "") == "gan":
        return {step.gen_graph.name: step.generator, step.disc_graph.name: step.discriminator}  # type: ignore[union-attr]
    graph = getattr(trainer, "graph", None)
    model = getattr(trainer, "model", None)
    return {} if graph is None or model is None else {graph.name: model}


class ExportDialog(QDialog):
    """Choose what to export, where, and with which weights; Export runs it off the GUI thread."""

    def __init__(self, document: Document, parent: QWidget | None = None, *, trainer: Any = None) -> None:
        """``trainer``: the training controller's last run (``TrainingController.trainer``), or None."""
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.doc = document
        self.trainer = trainer
        self.result_path: Path | None = None
        self._thread: QThread | None = None
        self._worker: Any = None
        self._weights_note = ""
        self._planned: tuple[ExportPlan, list[Path]] | None = None  # a plan waiting for the question
        #: The file the Save dialog of Browse… already asked to replace (it asks for the one file it returns).
        self._confirmed_by_file_dialog: Path | None = None
        self.target = QComboBox(self)
        for key, text in TARGETS:
            self.target.addItem(text, key)
        self.graph = QComboBox(self)
        for g in document.project.graphs:
            self.graph.addItem(f"{g.name} ({g.role})" if len(document.project.graphs) > 1 else g.name, g.name)
        from ...export import pick_graph

        self.graph.setCurrentIndex(max(0, self.graph.findData(pick_graph(document.project).name)))
        self.graph.setEnabled(len(document.project.graphs) > 1)
        seed = int(document.project.training.seed)
        self.weights_choice = QComboBox(self)
        if self._trained_available():
            self.weights_choice.addItem("The last training run (in this session)", "run")
        self.weights_choice.addItem("A weights file", "file")
        self.weights_choice.addItem(f"None: the network's initial weights (seed {seed})", "initial")
        self.weights = QLineEdit(self)
        self.weights.setPlaceholderText("a .safetensors file (Save weights, train --out, an exported train.py)")
        saved = self._saved_weights()
        if saved is not None:
            self.weights.setText(str(saved))
        default = "run" if self._trained_available() else "file" if saved is not None else "initial"
        self.weights_choice.setCurrentIndex(self.weights_choice.findData(default))
        self.output = QLineEdit(self)
        self._default_output = ""
        form = QFormLayout()
        form.addRow("Export as", self.target)
        form.addRow("Graph", self.graph)
        form.addRow("Weights", self.weights_choice)
        form.addRow("Weights file", self._with_browse(self.weights, self._browse_weights))
        form.addRow("Save to", self._with_browse(self.output, self._browse_output))
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.clicked.connect(self.start_export)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.status)
        lay.addWidget(self.buttons)
        self.target.currentIndexChanged.connect(self._on_target_current_index_changed)
        self.weights_choice.currentIndexChanged.connect(self._on_weights_choice_current_index_changed)
        self.weights.textChanged.connect(self._on_weights_text_changed)
        self._on_target_current_index_changed()
        self._on_weights_choice_current_index_changed()
        self.resize(620, self.sizeHint().height())

    def _with_browse(self, edit: QLineEdit, slot: Any) -> QWidget:
        box = QWidget(self)
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(edit, 1)
        button = QPushButton("Browse…", box)
        button.clicked.connect(slot)
        row.addWidget(button)
        return box

    def _saved_weights(self) -> Path | None:
        path = self.doc.path
        if path is None:
            return None
        candidate = path.with_name(path.stem + WEIGHTS_SUFFIX)
        return candidate if candidate.is_file() else None

    def _trained_available(self) -> bool:
        """A finished run of this session to export (not one that is training now)."""
        return bool(trained_modules(self.trainer)) and not bool(getattr(self.trainer, "is_running", False))

    def _on_weights_choice_current_index_changed(self, *_args: object) -> None:
        self.weights.setEnabled(self.weights_choice.currentData() == "file")

    def _on_weights_text_changed(self, text: str) -> None:
        if text.strip():  # typed, pasted or browsed: the file is what to export
            self.weights_choice.setCurrentIndex(self.weights_choice.findData("file"))

    def _on_target_current_index_changed(self, *_args: object) -> None:
        # Only the default follows the format: a path the user typed or chose stays.
        default = str(default_output(self.doc.path, self.target.currentData(),
                                     self.doc.suggested_name or self.doc.project.name))
        if self.output.text().strip() in ("", self._default_output):
            self.output.setText(default)
        self._default_output = default
        hints = {
            "python": "A folder that runs with torch, numpy and safetensors alone: python train.py.",
            "onnx": "Checked against PyTorch with onnxruntime before it is written (needs the onnx extra).",
            "safetensors": "The weights under the layer names of the exported model.py.",
            "torchrun": "Also train_ddp.py: torchrun --nproc_per_node=N train_ddp.py (see its README).",
        }
        self.status.setText(hints[self.target.currentData()])

    def _browse_weights(self) -> None:
        start = str(self.doc.path.parent) if self.doc.path else ""
        path, _ = QFileDialog.getOpenFileName(self, "Weights to export", start, "Weights (*.safetensors *.pt *.pth)")
        if path:
            self.weights.setText(path)

    def _browse_output(self) -> None:
        if self.target.currentData() in FOLDER_TARGETS:
            path = QFileDialog.getExistingDirectory(self, "Export into folder", self.output.text())
        else:
            path, _ = QFileDialog.getSaveFileName(self, "Export to", self.output.text())
            # The Save dialog asked before returning an existing file: that one is not asked about again.
            self._confirmed_by_file_dialog = Path(path) if path and Path(path).exists() else None
        if path:
            self.output.setText(path)

    @property
    def busy(self) -> bool:
        return self._thread is not None

    def start_export(self) -> None:
        """Work the export out on a worker thread; then ask about changed files, write, and say what happened."""
        from ..workers.function_worker import FunctionWorker

        if self.busy:
            return
        out = self.output.text().strip()
        if not out:
            self.status.setText("Choose where to save the export.")
            return
        try:
            weights, hint, note = self._chosen_weights()
        except ValueError as exc:
            self.status.setText(str(exc))
            return
        self._weights_note = note
        base = self.doc.path.parent if self.doc.path else None
        source = self.doc.path.name if self.doc.path else ""
        self.export_button.setEnabled(False)
        self.status.setText("Exporting…")
        worker = FunctionWorker(plan_and_compare, self.doc.project.copy(), self.target.currentData(), Path(out),
                                weights=weights, graph=self.graph.currentData(), base_dir=base, source_name=source,
                                weights_hint=hint)
        worker.returned.connect(self._on_plan_worker_returned)
        self._run(worker)

    def _run(self, worker: Any) -> None:
        from ..workers.function_worker import start_in_thread

        worker.errored.connect(self._on_worker_errored)
        self._worker = worker
        self._thread = start_in_thread(worker, self._on_thread_finished)

    def _on_plan_worker_returned(self, planned: tuple[ExportPlan, list[Path]]) -> None:
        """Keep the plan until the thread has finished: a modal question asked now would run the thread's
        clean-up inside its event loop, with the dialog half way between two exports."""
        self._planned = planned

    def _to_ask_about(self, changed: list[Path]) -> list[Path]:
        """The changed files the user has not already agreed to replace in the Save dialog."""
        confirmed = self._confirmed_by_file_dialog
        if confirmed is None or Path(self.output.text().strip()) != confirmed:
            return list(changed)
        return [p for p in changed if not _same_file(p, confirmed)]

    def _write_or_ask(self, plan: ExportPlan, changed: list[Path]) -> None:
        """Ask once about files that would be replaced (if any), then write on a worker thread, or write nothing."""
        from ..workers.function_worker import FunctionWorker

        ask = self._to_ask_about(changed)
        if ask and not self.confirm_replace(ask):
            folder = Path(os.path.commonpath([str(p.parent) for p in ask]))
            self.status.setText(f"Nothing was exported: the files in {folder} are as they were.")
            self.export_button.setEnabled(True)
            return
        self._confirmed_by_file_dialog = None  # the Save dialog's answer was for this export only
        self.status.setText("Writing…")
        worker = FunctionWorker(plan.write)
        worker.returned.connect(self._on_worker_returned)
        self._run(worker)

    def confirm_replace(self, files: list[Path]) -> bool:
        """Ask whether to replace ``files`` (existing, and different from what the export writes); True to write.

        Cancel is the default button: an edit the user made by hand is not lost to a stray Enter.
        """
        question, details = replace_question(files)
        box = QMessageBox(QMessageBox.Icon.Warning, "Replace files?", question, parent=self)
        box.setInformativeText(details)
        replace = box.addButton("Replace", QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.exec()
        return box.clickedButton() is replace

    def _chosen_weights(self) -> tuple[Any, str, str]:
        """(weights for export_project, the hint for an untrained export, a note for the result), or ValueError
        with the sentence to show instead of exporting."""
        choice = self.weights_choice.currentData()
        if choice == "file":
            text = self.weights.text().strip()
            if not text:
                raise ValueError("Choose the weights file to export (Browse…), or other weights.")
            return text, INITIAL_HINT, ""
        if choice == "run":
            from ...export import StateWeights

            if bool(getattr(self.trainer, "is_running", False)):
                raise ValueError("The network is training: export its weights when the run has finished.")
            module = trained_modules(self.trainer).get(self.graph.currentData())
            if module is None:
                raise ValueError(f"The last training run did not train the graph '{self.graph.currentData()}'; "
                                 "choose a weights file or the initial weights for it.")
            # A copy on the CPU, taken here in the GUI thread: the export thread never touches the live model.
            state = {k: v.detach().to("cpu").clone() for k, v in module.state_dict().items()}
            return StateWeights(state, LAST_RUN), INITIAL_HINT, f"The weights are those of {LAST_RUN}."
        return None, INITIAL_HINT if self._trained_available() else UNTRAINED_HINT, ""

    def _on_worker_returned(self, result: Any) -> None:
        self.result_path = result.path
        notes = "".join(f"\n{n}" for n in [*result.notes, *([self._weights_note] if self._weights_note else [])])
        self.status.setText(f"Exported to {result.path}.{notes}")

    def _on_worker_errored(self, message: str, _kind: str) -> None:
        self.status.setText(message)

    def _on_thread_finished(self) -> None:
        if self._thread is not None:
            self._thread.wait()
        self._thread = None
        self._worker = None
        planned, self._planned = self._planned, None
        if planned is not None:
            self._write_or_ask(*planned)
            return
        self.export_button.setEnabled(True)

    def reject(self) -> None:
        if self.busy:  # a running export finishes first; closing mid-write would leave the thread orphaned
            self.status.setText("Wait for the export to finish.")
            return
        super().reject()


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (a symlink, a relative path or ``..`` may spell it differently)."""
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b

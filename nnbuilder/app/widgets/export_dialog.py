"""File ▸ Export…: the four export targets of ``nnbuilder export`` in one small dialog.

The dialog only collects choices; ``nnbuilder.export.export_project`` does the work, on a worker thread
(an ONNX export runs torch.export and onnxruntime checks for several seconds). The result, or the
exporter's one-sentence reason, is shown in the dialog itself.

Weights: after a run in this session the default is that run's weights (the model the Test tab and the
sketch pad use), handed to the exporter as a state dict, so nothing is written beside the project; a
weights file and the network's initial weights stay a choice away.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

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
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..document import Document

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
        if path:
            self.output.setText(path)

    @property
    def busy(self) -> bool:
        return self._thread is not None

    def start_export(self) -> None:
        """Run the export on a worker thread; ``finished`` or the status line report the outcome."""
        from ...export import export_project
        from ..workers.function_worker import FunctionWorker, start_in_thread

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
        worker = FunctionWorker(export_project, self.doc.project.copy(), self.target.currentData(), Path(out),
                                weights=weights, graph=self.graph.currentData(), base_dir=base, source_name=source,
                                weights_hint=hint)
        worker.returned.connect(self._on_worker_returned)
        worker.errored.connect(self._on_worker_errored)
        self._worker = worker
        self._thread = start_in_thread(worker, self._on_thread_finished)

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
        self.export_button.setEnabled(True)

    def reject(self) -> None:
        if self.busy:  # a running export finishes first; closing mid-write would leave the thread orphaned
            self.status.setText("Wait for the export to finish.")
            return
        super().reject()

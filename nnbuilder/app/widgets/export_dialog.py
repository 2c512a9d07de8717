"""File ▸ Export…: the four export targets of ``nnbuilder export`` in one small dialog.

The dialog only collects choices; ``nnbuilder.export.export_project`` does the work, on a worker thread
(an ONNX export runs torch.export and onnxruntime checks for several seconds). The result, or the
exporter's one-sentence reason, is shown in the dialog itself.
"""

from __future__ import annotations

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


def default_output(project_path: Path | None, target: str) -> Path:
    """Beside the project: ``spiral_python/``, ``spiral.onnx``, ``spiral.export.safetensors``, ``spiral_torchrun/``."""
    folder = project_path.parent if project_path is not None else Path.home()
    stem = project_path.stem if project_path is not None else "model"
    if target in FOLDER_TARGETS:
        return folder / f"{stem}_{target}"
    return folder / (f"{stem}.onnx" if target == "onnx" else f"{stem}.export.safetensors")


class ExportDialog(QDialog):
    """Choose what to export, where, and with which weights; Export runs it off the GUI thread."""

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.doc = document
        self.result_path: Path | None = None
        self._thread: QThread | None = None
        self._worker: Any = None
        self.target = QComboBox(self)
        for key, text in TARGETS:
            self.target.addItem(text, key)
        self.graph = QComboBox(self)
        for g in document.project.graphs:
            self.graph.addItem(f"{g.name} ({g.role})" if len(document.project.graphs) > 1 else g.name, g.name)
        from ...export import pick_graph

        self.graph.setCurrentIndex(max(0, self.graph.findData(pick_graph(document.project).name)))
        self.graph.setEnabled(len(document.project.graphs) > 1)
        self.weights = QLineEdit(self)
        self.weights.setPlaceholderText("none: the network's initial weights")
        saved = self._saved_weights()
        if saved is not None:
            self.weights.setText(str(saved))
        self.output = QLineEdit(self)
        form = QFormLayout()
        form.addRow("Export as", self.target)
        form.addRow("Graph", self.graph)
        form.addRow("Weights", self._with_browse(self.weights, self._browse_weights))
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
        self._on_target_current_index_changed()
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

    def _on_target_current_index_changed(self, *_args: object) -> None:
        self.output.setText(str(default_output(self.doc.path, self.target.currentData())))
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
        weights = self.weights.text().strip() or None
        base = self.doc.path.parent if self.doc.path else None
        source = self.doc.path.name if self.doc.path else ""
        self.export_button.setEnabled(False)
        self.status.setText("Exporting…")
        worker = FunctionWorker(export_project, self.doc.project.copy(), self.target.currentData(), Path(out),
                                weights=weights, graph=self.graph.currentData(), base_dir=base, source_name=source)
        worker.returned.connect(self._on_worker_returned)
        worker.errored.connect(self._on_worker_errored)
        self._worker = worker
        self._thread = start_in_thread(worker, self._on_thread_finished)

    def _on_worker_returned(self, result: Any) -> None:
        self.result_path = result.path
        notes = "".join(f"\n{n}" for n in result.notes)
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

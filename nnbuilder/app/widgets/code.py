"""The Code panel: the PyTorch module of the current graph, built with ``compiler.build_module``.

torch takes over a second to import, so it is never imported at start-up: the panel builds only
while it is visible, after a short pause in editing, and the first time it imports torch on a
background thread (the GUI keeps responding) before building on the GUI thread.
"""

from __future__ import annotations

import sys
import threading
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from ..document import Document

BUILD_DELAY_MS = 300


def render_module_code(model: Any) -> str:
    """A readable class for an fx GraphModule: submodules in ``__init__`` and the generated forward."""
    lines = [
        "# Generated from the drawing: the layers as submodules, then the forward pass torch.fx built.",
        "import torch",
        "from torch import nn",
        "",
        "",
        f"class {type(model).__name__}(nn.Module):",
        "    def __init__(self):",
        "        super().__init__()",
    ]
    children = list(model.named_children())
    for name, child in children:
        rep = repr(child).splitlines()
        lines.append(f"        self.{name} = {rep[0]}")
        lines.extend("        " + r for r in rep[1:])
    if not children:
        lines.append("        pass")
    forward = model.code.strip("\n").splitlines()
    lines.append("")
    lines.extend("    " + ln if ln.strip() else "" for ln in forward)
    return "\n".join(lines) + "\n"


class CodePanel(QWidget):
    _torch_loaded = Signal()

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = document
        self.editor = QPlainTextEdit(self)
        self.editor.setReadOnly(True)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setStyleHint(QFont.StyleHint.TypeWriter)
        self.editor.setFont(font)
        self.status = QLabel(self)
        self.status.setEnabled(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.editor, 1)
        lay.addWidget(self.status)
        self.active = False
        self.stale = True
        self.builds = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(BUILD_DELAY_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._loading = False
        self._torch_loaded.connect(self._on_torch_loaded, Qt.ConnectionType.QueuedConnection)
        document.project_changed.connect(self._on_document_project_changed)
        document.current_graph_changed.connect(self._on_document_project_changed)
        self.editor.setPlainText("# The PyTorch code appears here while this panel is open.\n")

    def set_active(self, active: bool) -> None:
        """Build only while the panel can be seen (the dock is visible)."""
        self.active = active
        if active and self.stale:
            self._timer.start()

    def _on_document_project_changed(self, *args: object) -> None:
        self.stale = True
        if self.active:
            self._timer.start()

    def _on_timer_timeout(self) -> None:
        if "torch" not in sys.modules:
            if not self._loading:
                self._loading = True
                self.status.setText("Loading PyTorch…")
                threading.Thread(target=self._import_torch, name="import-torch", daemon=True).start()
            return
        self.refresh_now()

    def _import_torch(self) -> None:
        import torch  # noqa: F401 - warm the import cache off the GUI thread

        self._torch_loaded.emit()

    def _on_torch_loaded(self) -> None:
        self._loading = False
        if self.active and self.stale:
            self.refresh_now()

    def refresh_now(self) -> str:
        """Build the module now (imports torch if needed) and show its code; returns the text."""
        from ...compiler import CompileError, build_module

        self.stale = False
        self.builds += 1
        g = self.doc.current_graph
        inf = self.doc.inference()
        if not inf.ok:
            errs = inf.errors()
            text = "# The network cannot be built yet:\n" + "".join(f"#  - {p.message}\n" for p in errs[:10])
            if len(errs) > 10:
                text += f"#  ... and {len(errs) - 10} more (see Problems)\n"
            self.status.setText("Fix the errors to see the code.")
        else:
            try:
                model = build_module(g, self.doc.project.training, inf)
                text = render_module_code(model)
                self.status.setText(f"Module of graph '{g.name}' (torch.fx); updated after every edit.")
            except CompileError as exc:
                text = f"# {exc}\n"
                self.status.setText("The network cannot be built.")
            except Exception as exc:  # noqa: BLE001 - a layer builder failing must not take the app down
                text = f"# Building the module failed: {type(exc).__name__}: {exc}\n"
                self.status.setText("Building failed.")
        bar = self.editor.verticalScrollBar()
        pos = bar.value()
        self.editor.setPlainText(text)
        bar.setValue(pos)
        return text

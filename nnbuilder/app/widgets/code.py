"""The Code panel: the stand-alone ``model.py`` that File > Export (``--to python``) writes, kept live.

The text comes from ``nnbuilder.export.python_code``, which reads the graph and the layer catalog only
(no torch), so the panel costs a few milliseconds per edit. It still rebuilds only while it is visible,
after a short pause in editing.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from ..document import Document

BUILD_DELAY_MS = 300


class CodePanel(QWidget):
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
        if self.active:
            self.refresh_now()

    def refresh_now(self) -> str:
        """Write the current graph's model.py now and show it; returns the text."""
        from ...compiler import infer
        from ...export import ExportError, python_code

        self.stale = False
        self.builds += 1
        g = self.doc.current_graph
        try:
            text = python_code(self.doc.project, g, self.doc.path.name if self.doc.path else "")
            self.status.setText(f"model.py of graph '{g.name}', as File ▸ Export… writes it; updated after every "
                                "edit.")
        except ExportError as exc:
            errs = [p.message for p in infer(g).errors()] or [str(exc)]
            text = "# The network cannot be exported yet:\n" + "".join(f"#  - {m}\n" for m in errs[:10])
            if len(errs) > 10:
                text += f"#  ... and {len(errs) - 10} more (see Problems)\n"
            self.status.setText("Fix the errors to see the code.")
        except Exception as exc:  # noqa: BLE001 - a code-generation bug must not take the app down
            text = f"# Writing the code failed: {type(exc).__name__}: {exc}\n"
            self.status.setText("Writing the code failed.")
        bar = self.editor.verticalScrollBar()
        pos = bar.value()
        self.editor.setPlainText(text)
        bar.setValue(pos)
        return text

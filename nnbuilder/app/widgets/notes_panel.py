"""The project's notes: the text a teacher writes for the class, shown beside the network and editable.

Every example carries notes (what it shows, what was measured, what differs from the lecture); they live in
the project file's ``notes``. A mention of a teaching view ("Teach → Backprop stepper") becomes a link that
opens the view, so an example opens the views it uses.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

#: The view a phrase names -> the Teach menu key that opens it.
VIEW_LINKS = {
    "optimizer race": "race",
    "backprop stepper": "backprop",
    "sketch pad": "sketch",
    "data first": "data",
    "replay and compare runs": "timeline",
}
_MENTION = re.compile(r"Teach\s*(?:→|▸|->|>)\s*(" + "|".join(re.escape(k) for k in VIEW_LINKS) + r")",
                      re.IGNORECASE)
EMPTY = ("No notes yet. Press Edit to write what this network shows, for your class or for yourself; "
         "they are saved in the project file.")


def notes_html(text: str) -> str:
    """The notes as rich text: paragraphs at blank lines, line breaks kept, Teach mentions as links."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    out = []
    for paragraph in paragraphs:
        escaped = html.escape(paragraph, quote=False)
        linked = _MENTION.sub(lambda m: f'<a href="teach:{VIEW_LINKS[m.group(1).lower()]}">{m.group(0)}</a>', escaped)
        out.append("<p>" + linked.replace("\n", "<br>") + "</p>")
    return "".join(out)


def mentioned_views(text: str) -> list[str]:
    """Teach menu keys of the views the notes mention, in order, once each."""
    keys: list[str] = []
    for m in _MENTION.finditer(text):
        key = VIEW_LINKS[m.group(1).lower()]
        if key not in keys:
            keys.append(key)
    return keys


class NotesPanel(QWidget):
    """Read the notes (links open teaching views) or edit them (one undoable step per edit)."""

    def __init__(self, document: Any, open_view: Callable[[str], Any] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notesPanel")
        self.document = document
        self.open_view = open_view
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: 600;")
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setOpenExternalLinks(False)
        self.browser.anchorClicked.connect(self._on_browser_anchor_clicked)
        self.editor = QPlainTextEdit()
        self.editor.setPlaceholderText("Notes for the class: what this network shows, what to try, what to watch.")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.browser)
        self.stack.addWidget(self.editor)
        self.edit_button = QPushButton("Edit")
        self.edit_button.setToolTip("Write or change the notes (saved with the project; Undo takes an edit back)")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setVisible(False)
        row = QHBoxLayout()
        row.addWidget(self.title, 1)
        row.addWidget(self.cancel_button)
        row.addWidget(self.edit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.addLayout(row)
        layout.addWidget(self.stack, 1)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        document.project_replaced.connect(self._on_document_changed)
        document.notes_changed.connect(self._on_document_changed)
        self._on_document_changed()

    @property
    def editing(self) -> bool:
        return self.stack.currentWidget() is self.editor

    def text(self) -> str:
        return self.document.project.notes

    def start_editing(self) -> None:
        self.editor.setPlainText(self.text())
        self.stack.setCurrentWidget(self.editor)
        self.edit_button.setText("Done")
        self.cancel_button.setVisible(True)
        self.editor.setFocus()

    def finish_editing(self, keep: bool = True) -> None:
        """Leave the editor; ``keep`` stores what was typed (one undoable step if it changed)."""
        if not self.editing:
            return
        text = self.editor.toPlainText()
        self.stack.setCurrentWidget(self.browser)
        self.edit_button.setText("Edit")
        self.cancel_button.setVisible(False)
        if keep:
            self.document.set_notes(text)
        self._show()

    def _show(self) -> None:
        project = self.document.project
        self.title.setText(project.name or "Untitled")
        text = project.notes.strip()
        self.browser.setHtml(notes_html(text) if text else f"<p style='color:#777'>{html.escape(EMPTY)}</p>")

    def _on_document_changed(self) -> None:
        if self.editing and self.sender() is not None and self.document.project.notes == self.editor.toPlainText():
            return
        if self.editing:  # another project, or Undo: the editor would overwrite it with stale text
            self.stack.setCurrentWidget(self.browser)
            self.edit_button.setText("Edit")
            self.cancel_button.setVisible(False)
        self._show()

    def _on_edit_button_clicked(self) -> None:
        if self.editing:
            self.finish_editing(keep=True)
        else:
            self.start_editing()

    def _on_cancel_button_clicked(self) -> None:
        self.finish_editing(keep=False)

    def _on_browser_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() == "teach" and self.open_view is not None:
            self.open_view(url.path())

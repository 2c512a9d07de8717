"""The hints strip above the tabs: what looks wrong with the run (a GAN's discriminator winning outright,
its generator's loss exploding, samples collapsing onto a few modes), in words a student can act on.

It is a banner rather than a tab because a hint matters whatever the student is looking at; it hides itself
while there is nothing to say.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from ..workers.messages import Hint, ViewFrame
from .panel import ViewPanel


class HintsBanner(ViewPanel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setWordWrap(True)
        # Always rich text: with one hint there is no tag in it, and Qt's guess would show its escapes raw.
        self.label.setTextFormat(Qt.TextFormat.RichText)
        # A word-wrapped label makes its layout "height for width", and then the dashboard's scroll area
        # sizes the whole dashboard from the tabs' preferred height: the plots grew past the dock and a
        # scroll bar appeared whenever a hint showed. The banner sets its own height from the text instead.
        policy = self.label.sizePolicy()
        policy.setHeightForWidth(False)
        self.label.setSizePolicy(policy)
        self.label.setObjectName("trainingHints")
        self.label.setStyleSheet("QLabel#trainingHints { background:#fff4d6; color:#5a4300; border:1px solid #e8cf8a;"
                                 " padding:4px 8px; }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.label)
        self.hints: list[Hint] = []
        self._shown: list[Hint] | None = None
        self.setVisible(False)

    def _fit_height(self) -> None:
        margins = self.layout().contentsMargins()
        width = max(50, self.width() - margins.left() - margins.right())
        self.setFixedHeight(self.label.heightForWidth(width) + margins.top() + margins.bottom())
        # A banner shown again at the height it already had gets no resize event, and its layout kept the
        # label at the size of an earlier, taller hint (215 px in 42): the text, centred in the label, fell
        # below what the banner shows, an empty yellow strip on screen. Place the label for this height now.
        self.layout().setGeometry(self.rect())

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt API: the height is set by _fit_height
        return False

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._fit_height()

    def begin_run(self, label: str) -> None:
        self.hints = []
        self.dirty = True
        self.refresh()

    def add_frame(self, frame: ViewFrame) -> None:
        """The frame's payload is the run's current hints (a list of Hint or plain sentences); it replaces the
        previous list, so a hint that no longer applies goes away."""
        hints = []
        for item in frame.payload or []:
            hints.append(item if isinstance(item, Hint) else Hint(key=str(item), text=str(item)))
        self.hints = hints
        self.dirty = True

    def texts(self) -> list[str]:
        return [h.text for h in self.hints]

    def refresh(self) -> None:
        self.dirty = False
        if self._shown == self.hints:
            return
        self._shown = list(self.hints)
        if not self.hints:
            self.label.clear()
            self.setVisible(False)
            return
        self.label.setText("<br>".join(f"⚠ {_escape(h.text)}" if h.severity == "warning" else _escape(h.text)
                                       for h in self.hints))
        self.setVisible(True)
        self._fit_height()


def _escape(text: str) -> str:
    """Escape for Qt rich text: <, > and &, but not quotes (Qt shows some numeric entities as typed)."""
    return html.escape(text, quote=False)

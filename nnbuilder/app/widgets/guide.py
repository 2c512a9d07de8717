"""Help ▸ User guide: the bundled Markdown guide in a window of its own, pictures included, no browser or
network needed (classrooms are often offline)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QTextCursor
from PySide6.QtWidgets import QDialog, QTextBrowser, QVBoxLayout, QWidget

from ...paths import resources_dir

GUIDE_NAME = "user_guide_editor.md"
IMAGE_WIDTH = 760  # screenshots are 1440 px wide: at full size the reader scrolled sideways through them


def guide_path() -> Path | None:
    """The guide beside the resources (packaged app) or in the source tree's docs/ folder."""
    res = resources_dir()
    for folder in (res / "docs", res.parent / "docs"):
        if (folder / GUIDE_NAME).is_file():
            return folder / GUIDE_NAME
    return None


class GuideWindow(QDialog):
    """A non-modal reader: the student keeps it open beside the canvas while following the steps."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("nnbuilder user guide")
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        self.browser = QTextBrowser(self)
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._on_browser_anchor_clicked)
        self.browser.setSearchPaths([str(path.parent)])
        self.browser.setMarkdown(path.read_text(encoding="utf-8"))
        self._fit_images(IMAGE_WIDTH)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.browser)
        self.resize(820, 760)

    def _fit_images(self, width: int) -> None:
        """Show every picture at ``width`` pixels (height follows the aspect ratio)."""
        doc = self.browser.document()
        block = doc.begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                frag = it.fragment()
                fmt = frag.charFormat()
                if fmt.isImageFormat():
                    image = fmt.toImageFormat()
                    image.setWidth(width)
                    cursor = QTextCursor(doc)
                    cursor.setPosition(frag.position())
                    cursor.setPosition(frag.position() + frag.length(), QTextCursor.MoveMode.KeepAnchor)
                    cursor.setCharFormat(image)
                it += 1
            block = block.next()

    def image_widths(self) -> list[float]:
        """The width each picture is shown at (tests read it)."""
        out = []
        block = self.browser.document().begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fmt = it.fragment().charFormat()
                if fmt.isImageFormat():
                    out.append(fmt.toImageFormat().width())
                it += 1
            block = block.next()
        return out

    def _on_browser_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)  # the one thing that needs a network, and only when clicked
        elif url.hasFragment() and not url.path():
            self.browser.scrollToAnchor(url.fragment())

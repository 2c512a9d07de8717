"""Help ▸ User guide: the bundled Markdown guide in a window of its own, pictures included, no browser or
network needed (classrooms are often offline).

Links between the shipped documents (``examples.md`` from the guide, a picture from ``examples.md``) open in
the same window, with Back to return; a link to a file that is not shipped with the app opens nothing and
the line under the text says so. Web links go to the system's browser.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import (
    QAction,
    QDesktopServices,
    QImageReader,
    QKeySequence,
    QTextCursor,
    QTextDocument,
    QTextLength,
    QTextTable,
)
from PySide6.QtWidgets import QDialog, QLabel, QTextBrowser, QToolBar, QVBoxLayout, QWidget

from ...paths import resources_dir

GUIDE_NAME = "user_guide_editor.md"
IMAGE_WIDTH = 760  # screenshots are 1440 px wide: at full size the reader scrolled sideways through them
PAGE_SUFFIXES = (".md",)
PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg")
BACK_SHORTCUT = "Alt+Left"

_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_BR_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)
_ATTR = re.compile(r'(\w+)\s*=\s*"([^"]*)"')


def guide_path() -> Path | None:
    """The guide beside the resources (packaged app) or in the source tree's docs/ folder."""
    res = resources_dir()
    for folder in (res / "docs", res.parent / "docs"):
        if (folder / GUIDE_NAME).is_file():
            return folder / GUIDE_NAME
    return None


def readable_markdown(text: str) -> str:
    """``text`` with the bits of HTML that Qt's Markdown reader cannot show rewritten as Markdown.

    docs/examples.md puts ``<img src=… width=240><br>`` thumbnails in its table cells for GitHub; Qt's reader
    dropped everything after the first one (every later heading came out empty) and never shows a picture in
    a table cell. In a table row a thumbnail becomes a link to the picture; elsewhere a Markdown image.
    """
    out = []
    for line in text.splitlines():
        in_table = line.lstrip().startswith("|")

        def image(match: re.Match[str], in_table: bool = in_table) -> str:
            attrs = dict(_ATTR.findall(match.group(0)))
            src = attrs.get("src", "")
            if not src:
                return ""
            if in_table:
                return f"[picture]({src}) · "
            return f"![{attrs.get('alt', '')}]({src})"

        line = _IMG_TAG.sub(image, line)
        out.append(_BR_TAG.sub(" ", line))
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


def heading_slug(text: str) -> str:
    """The anchor GitHub gives a heading ("Keyboard shortcuts" -> "keyboard-shortcuts"), so one link works in
    both places."""
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


class GuideWindow(QDialog):
    """A non-modal reader: the student keeps it open beside the canvas while following the steps."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("nnbuilder user guide")
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        self.docs_dir = path.parent.resolve()  # links open only what ships in this folder
        self.path = path
        self.history: list[tuple[Path, int]] = []  # (page, scroll position) to go back to
        self.toolbar = QToolBar(self)
        self.back_action = QAction("◀ Back", self)
        self.back_action.setShortcut(QKeySequence(BACK_SHORTCUT))
        self.back_action.setToolTip(f"Back to the page you came from ({BACK_SHORTCUT})")
        self.back_action.triggered.connect(self.go_back)
        self.toolbar.addAction(self.back_action)
        self.page_label = QLabel(self)
        self.page_label.setContentsMargins(8, 0, 0, 0)
        self.toolbar.addWidget(self.page_label)
        self.browser = QTextBrowser(self)
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._on_browser_anchor_clicked)
        self.status_label = QLabel(self)  # what a click did not do, and why
        self.status_label.setObjectName("guideStatus")
        self.status_label.setWordWrap(True)
        self.status_label.setContentsMargins(8, 4, 8, 4)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label.hide()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.toolbar)
        lay.addWidget(self.browser)
        lay.addWidget(self.status_label)
        self._load(path)
        self.resize(820, 760)

    # ------------------------------------------------------------------ pages
    def _load(self, path: Path) -> None:
        """Show ``path`` (a shipped page or picture) at its top."""
        self.path = path
        self.browser.setSearchPaths([str(path.parent)])
        picture = path.suffix.lower() in PICTURE_SUFFIXES
        text = f"![{path.name}](<{path.name}>)\n" if picture else readable_markdown(path.read_text(encoding="utf-8"))
        # A new document each time, sized before the browser shows it: set into the shown browser's own
        # document, a page was laid out lazily, so Back's scroll position fell short and pictures covered text.
        doc = QTextDocument(self.browser)  # the browser is the parent that loads its pictures (search paths)
        doc.setMarkdown(text)
        self._fit_images(IMAGE_WIDTH, doc)
        old = self.browser.document()
        ours = old.parent() is self.browser  # a page made here; the browser deletes its own first document itself
        self.browser.setDocument(doc)
        if ours:
            old.deleteLater()
        self._fit_tables()
        title = path.name if picture else (self._first_heading() or path.name)
        self.browser.verticalScrollBar().setValue(0)
        self.setWindowTitle("nnbuilder user guide" if path.name == GUIDE_NAME else f"nnbuilder user guide — {title}")
        self.page_label.setText(title)
        self.back_action.setEnabled(bool(self.history))

    def open_page(self, path: Path, fragment: str = "") -> None:
        """Go to a shipped page (``fragment``: a heading's anchor), keeping where the reader was for Back."""
        self.history.append((self.path, self.browser.verticalScrollBar().value()))
        self._load(path)
        if fragment:
            self.scroll_to(fragment)
        self.show_status("")

    def go_back(self) -> bool:
        """Back to the previous page, scrolled to where the reader left it; False when there is none."""
        if not self.history:
            return False
        path, scroll = self.history.pop()
        self._load(path)
        self.browser.verticalScrollBar().setValue(scroll)
        self.show_status("")
        return True

    def scroll_to(self, fragment: str) -> bool:
        """Scroll to an anchor, or to the heading whose GitHub anchor is ``fragment``."""
        doc = self.browser.document()
        block = doc.begin()
        while block.isValid():
            if block.blockFormat().headingLevel() and heading_slug(block.text()) == fragment.lower():
                top = doc.documentLayout().blockBoundingRect(block).top()
                self.browser.verticalScrollBar().setValue(int(top))
                return True
            block = block.next()
        self.browser.scrollToAnchor(fragment)  # an explicit <a name=…> anchor, if the page has one
        return False

    def show_status(self, text: str) -> None:
        self.status_label.setText(text)
        self.status_label.setVisible(bool(text))

    def _first_heading(self) -> str:
        block = self.browser.document().begin()
        while block.isValid():
            if block.blockFormat().headingLevel():
                return block.text()
            block = block.next()
        return ""

    # ------------------------------------------------------------------ pictures
    def _fit_images(self, width: int, doc: QTextDocument | None = None) -> None:
        """Show every picture at most ``width`` pixels wide, height in proportion; a smaller one keeps its own
        size. Both are set: with the width alone, a page shown again was laid out before its pictures were
        read, and a picture covered the paragraph and heading under it."""
        doc = doc or self.browser.document()
        block = doc.begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                frag = it.fragment()
                fmt = frag.charFormat()
                if fmt.isImageFormat():
                    image = fmt.toImageFormat()
                    size = QImageReader(str(self.path.parent / image.name())).size()
                    if size.width() > 0 and size.height() > 0:
                        shown = min(width, size.width())
                        image.setWidth(shown)
                        image.setHeight(size.height() * shown / size.width())
                    else:
                        image.setWidth(width)
                    cursor = QTextCursor(doc)
                    cursor.setPosition(frag.position())
                    cursor.setPosition(frag.position() + frag.length(), QTextCursor.MoveMode.KeepAnchor)
                    cursor.setCharFormat(image)
                it += 1
            block = block.next()

    def _fit_tables(self) -> None:
        """A table as wide as the page (examples.md's) is set to 99 % of it: laid out to its own width it came
        out a pixel wider than the page, and a sideways scroll bar appeared for that pixel."""
        doc = self.browser.document()
        page = doc.textWidth() - 2 * doc.documentMargin()
        for frame in doc.rootFrame().childFrames():
            if isinstance(frame, QTextTable) and doc.documentLayout().frameBoundingRect(frame).width() >= page:
                fmt = frame.format()
                fmt.setWidth(QTextLength(QTextLength.Type.PercentageLength, 99))
                frame.setFormat(fmt)

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

    # ------------------------------------------------------------------ links
    def shipped_file(self, url: QUrl) -> Path | None:
        """The file a relative link (or a file: URL) points at, when it is a page or picture shipped beside the
        guide; None for anything else."""
        if url.scheme() not in ("", "file") or not url.path():
            return None
        target = Path(url.toLocalFile()) if url.scheme() == "file" else self.path.parent / url.path()
        try:
            target = target.resolve()
            target.relative_to(self.docs_dir)
        except (OSError, ValueError):
            return None
        if target.suffix.lower() not in PAGE_SUFFIXES + PICTURE_SUFFIXES or not target.is_file():
            return None
        return target

    def _on_browser_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https", "mailto"):
            # the one thing that needs a network, and only when clicked
            if not QDesktopServices.openUrl(url):
                self.show_status(f"No web browser could be started for {url.toString()}.")
            return
        if url.hasFragment() and not url.path():
            self.scroll_to(url.fragment())
            return
        target = self.shipped_file(url)
        if target is None:
            name = url.path() or url.toString()
            self.show_status(f"“{name}” is not part of the documents that come with nnbuilder, so it cannot be "
                             "shown here.")
            return
        self.open_page(target, url.fragment())

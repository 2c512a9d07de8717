"""Help ▸ Keyboard shortcuts and Help ▸ User guide: the list says every key the app really binds, and nothing
it does not; the guide's table agrees with it; links between the shipped documents open in the guide."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QAction, QKeySequence, QTextCursor
from PySide6.QtTest import QTest

from nnbuilder.app.main_window import SHORTCUTS_TEXT, MainWindow
from nnbuilder.app.widgets.guide import GuideWindow, guide_path, heading_slug, readable_markdown

PORTABLE = QKeySequence.SequenceFormat.PortableText
DOCS = Path(__file__).resolve().parents[2] / "docs"
# Keys in the list that Qt binds on some platforms only: Quit is Ctrl+Q on Linux and macOS, nothing on Windows
# (and nothing on the offscreen test platform).
PLATFORM_KEYS = {"Ctrl+Q": QKeySequence.StandardKey.Quit}


def _key(text: str) -> str:
    """A key as written in the list, in Qt's portable spelling ("Delete" -> "Del"); "" when it is no key."""
    return QKeySequence(text.strip()).toString(PORTABLE)


def _split_keys(cell: str) -> list[str]:
    return [k for k in re.split(r",\s+|\s+/\s+", cell.strip()) if k]


def listed_keys() -> dict[str, str]:
    """key -> its line, for the lines of SHORTCUTS_TEXT's "Commands" block ("Keys — what they do")."""
    block = SHORTCUTS_TEXT.split("\n\n")[0].splitlines()
    assert block[0] == "Commands", "SHORTCUTS_TEXT starts with the Commands block"
    out = {}
    for line in block[1:]:
        keys, sep, _what = line.partition(" — ")
        assert sep, f"no ' — ' in the shortcut line {line!r}"
        for k in _split_keys(keys):
            assert _key(k), f"{k!r} in {line!r} is not a key Qt knows"
            out[_key(k)] = line
    return out


def guide_table_keys() -> set[str]:
    """The keys of the user guide's "Keyboard shortcuts" table."""
    text = (DOCS / "user_guide_editor.md").read_text(encoding="utf-8")
    section = text.split("## Keyboard shortcuts", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| Keys")
            and not line.startswith("| ---")]
    assert rows, "the guide has a shortcuts table"
    keys = set()
    for row in rows:
        for k in _split_keys(row.split("|")[1]):
            assert _key(k), f"{k!r} in the guide's table is not a key Qt knows"
            keys.add(_key(k))
    return keys


@pytest.fixture
def full_window(window: MainWindow) -> MainWindow:
    """The window as the app has it: with the training controller, and the user guide opened once."""
    window.load_extensions()
    assert window.open_user_guide()
    return window


def bound_shortcuts(window: MainWindow) -> dict[str, str]:
    """key -> action text, for every action of the window (and the windows it owns) that has a shortcut."""
    out = {}
    for action in window.findChildren(QAction):
        for seq in action.shortcuts():
            if not seq.isEmpty():
                out[seq.toString(PORTABLE)] = action.text().replace("&", "")
    return out


def test_every_shortcut_of_the_app_is_in_the_shortcuts_list(full_window: MainWindow) -> None:
    bound = bound_shortcuts(full_window)
    assert {"F5", "Ctrl+Return", "Shift+F5", "F1", "Ctrl+E", "Ctrl+Shift+S", "Ctrl+A"} <= set(bound)
    listed = listed_keys()
    missing = {key: action for key, action in bound.items() if key not in listed}
    assert not missing, f"Help ▸ Keyboard shortcuts does not list: {missing}"


def test_the_shortcuts_list_names_no_key_the_app_does_not_bind(full_window: MainWindow) -> None:
    bound = bound_shortcuts(full_window)
    for key, line in listed_keys().items():
        if key in PLATFORM_KEYS and not QKeySequence.keyBindings(PLATFORM_KEYS[key]):
            continue  # bound on other platforms (the list says where)
        assert key in bound, f"the shortcuts list says {line!r}, but no action has {key}"


def test_the_guides_shortcuts_table_agrees_with_the_list() -> None:
    assert guide_table_keys() == set(listed_keys())


def test_the_shortcuts_dialog_shows_the_list(full_window: MainWindow, dialogs: Any) -> None:
    full_window.shortcuts_action.trigger()
    assert dialogs.calls[-1][:3] == ("info", "Keyboard shortcuts", SHORTCUTS_TEXT)


# ---------------------------------------------------------------------------------------------- the guide
def _link_point(guide: GuideWindow, href: str) -> QPoint:
    """Where the link ``href`` is drawn in the guide's viewport (scrolled into view)."""
    doc = guide.browser.document()
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            if frag.charFormat().isAnchor() and frag.charFormat().anchorHref() == href:
                cursor = QTextCursor(doc)
                cursor.setPosition(frag.position() + frag.length() // 2)
                guide.browser.setTextCursor(cursor)
                guide.browser.ensureCursorVisible()
                return guide.browser.cursorRect(cursor).center()
            it += 1
        block = block.next()
    raise AssertionError(f"no link to {href!r} in {guide.path.name}")


def _guide(window: MainWindow, qtbot: Any) -> GuideWindow:
    window.guide_action.trigger()
    guide = window._guide
    qtbot.waitUntil(guide.isVisible)
    return guide


def test_clicking_examples_md_in_the_guide_opens_it_there_and_back_returns(window: MainWindow, qtbot: Any) -> None:
    guide = _guide(window, qtbot)
    assert not guide.back_action.isEnabled()
    point = _link_point(guide, "examples.md")
    scrolled = guide.browser.verticalScrollBar().value()
    QTest.mouseClick(guide.browser.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    qtbot.waitUntil(lambda: guide.path.name == "examples.md")
    text = guide.browser.toPlainText()
    assert "Examples and teaching views" in guide.windowTitle()
    # Qt's Markdown reader lost everything after the first <img> of examples.md's table; all of it is there now
    for heading in ("Optimizer race", "Backprop stepper", "Sketch pad", "Data first"):
        assert heading in text
    assert guide.back_action.isEnabled() and not guide.status_label.isVisible()
    guide.activateWindow()
    qtbot.waitUntil(guide.isActiveWindow)
    QTest.keyClick(guide.browser, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)  # Back
    assert guide.path.name == "user_guide_editor.md"
    assert guide.browser.verticalScrollBar().value() == scrolled  # where the reader was
    assert not guide.back_action.isEnabled()


def test_a_link_to_a_heading_of_another_page_scrolls_to_it(window: MainWindow, qtbot: Any) -> None:
    guide = _guide(window, qtbot)
    guide.browser.anchorClicked.emit(QUrl("examples.md#sketch-pad"))
    assert guide.path.name == "examples.md"
    top = guide.browser.cursorForPosition(QPoint(10, 10)).block().text()
    assert top == "Sketch pad"


def test_a_picture_link_opens_the_picture_in_the_guide(window: MainWindow, qtbot: Any) -> None:
    guide = _guide(window, qtbot)
    guide.open_page(DOCS / "examples.md")
    guide.browser.anchorClicked.emit(QUrl("screenshots/gan_fashion_grid.png"))
    assert guide.path.name == "gan_fashion_grid.png"
    assert len(guide.image_widths()) == 1
    assert guide.go_back() and guide.path.name == "examples.md"


@pytest.mark.parametrize("href", ["../README.md", "missing.md", "make_screenshots.py", "ftp://example.org/x"])
def test_a_link_to_a_document_that_is_not_shipped_says_so(window: MainWindow, qtbot: Any, href: str) -> None:
    guide = _guide(window, qtbot)
    before = guide.path
    guide.browser.anchorClicked.emit(QUrl(href))
    assert guide.path == before and not guide.history  # nothing opened
    assert guide.status_label.isVisible()
    assert "not part of the documents that come with nnbuilder" in guide.status_label.text()


def test_every_link_in_the_guide_leads_somewhere() -> None:
    """Relative links in the guide point at shipped documents (or headings in them)."""
    text = (DOCS / "user_guide_editor.md").read_text(encoding="utf-8")
    for href in re.findall(r"\]\(([^)\s]+)\)", text):
        if href.startswith(("http:", "https:", "mailto:")):
            continue
        path, _, fragment = href.partition("#")
        target = DOCS / path
        assert target.is_file(), f"the guide links to {href}, which is not in docs/"
        if fragment and target.suffix == ".md":
            headings = [heading_slug(h) for h in re.findall(r"^#+\s+(.*)$", target.read_text(encoding="utf-8"),
                                                              re.M)]
            assert fragment in headings, f"{path} has no heading for #{fragment}"


def test_html_thumbnails_become_links_qt_can_show() -> None:
    md = '| a |\n|---|\n| <img src="s/x.png" width="240" alt=""><br>**X** — y |\n\n<img src="s/y.png" alt="Y">\n'
    out = readable_markdown(md)
    assert "[picture](s/x.png) · " in out and "<br>" not in out and "![Y](s/y.png)" in out


def test_the_guide_is_found_beside_the_resources() -> None:
    path = guide_path()
    assert path is not None and path.name == "user_guide_editor.md" and (path.parent / "examples.md").is_file()

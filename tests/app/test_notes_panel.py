"""The project's notes are shown beside the network, link to the teaching views they mention, and edit undoably."""

from __future__ import annotations

from PySide6.QtCore import QUrl

from nnbuilder.app.teach.backprop_view import BackpropStepperView
from nnbuilder.app.widgets.notes_panel import mentioned_views, notes_html
from nnbuilder.project import load_project


def test_teach_mentions_become_links_and_text_is_escaped() -> None:
    text = "Try it: Teach → Backprop stepper, then Teach ▸ sketch pad.\n\nA <b> & c"
    assert mentioned_views(text) == ["backprop", "sketch"]
    shown = notes_html(text)
    assert '<a href="teach:backprop">Teach → Backprop stepper</a>' in shown
    assert '<a href="teach:sketch">Teach ▸ sketch pad</a>' in shown
    assert "A &lt;b&gt; &amp; c" in shown and shown.count("<p>") == 2


def test_an_example_shows_its_notes_and_opens_the_views_they_name(window, examples_dir, qtbot) -> None:  # type: ignore[no-untyped-def]
    path = examples_dir / "spiral_playground.nnb"
    assert window.open_example(path, ask_to_save=False)
    panel = window.notes_panel
    dock = window.docks["notesDock"]
    qtbot.waitUntil(lambda: dock.isVisible() and not dock.visibleRegion().isEmpty(), timeout=5000)
    notes = load_project(path).notes
    assert panel.browser.toPlainText().startswith(notes.split(".")[0])
    assert "backprop" in mentioned_views(notes)
    panel.browser.anchorClicked.emit(QUrl("teach:backprop"))  # the link a click on "Teach → Backprop…" sends
    view = window.teach.views["backprop"]
    assert isinstance(view, BackpropStepperView) and view.isVisible()
    view.close()


def test_notes_are_edited_in_one_undoable_step_and_saved(window, tmp_path, qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = window.notes_panel
    assert "No notes yet" in panel.browser.toPlainText()
    panel.edit_button.click()
    assert panel.editing and panel.edit_button.text() == "Done"
    panel.editor.setPlainText("Week 3: watch the boundary.\n\nThen Teach → Optimizer race.")
    panel.edit_button.click()
    assert not panel.editing and window.document.project.notes.startswith("Week 3")
    assert window.document.is_modified and "Optimizer race" in panel.browser.toPlainText()
    panel.edit_button.click()  # Cancel leaves the notes as they were
    panel.editor.setPlainText("scratch")
    panel.cancel_button.click()
    assert window.document.project.notes.startswith("Week 3")
    target = tmp_path / "week3.nnb"
    window.show_dialog.answers["save_file"] = str(target)
    assert window.save_as()
    assert load_project(target).notes == "Week 3: watch the boundary.\n\nThen Teach → Optimizer race."
    window.document.undo_stack.undo()
    assert window.document.project.notes == "" and "No notes yet" in panel.browser.toPlainText()

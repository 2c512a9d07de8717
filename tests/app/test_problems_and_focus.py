"""The Problems panel, the Inspector and the toolbar as a student uses them: nothing stale, nothing hidden,
nothing that jumps."""

from __future__ import annotations

from typing import Any

from nnbuilder.app.main_window import MainWindow


def test_a_training_failure_goes_away_when_the_network_is_edited(window: MainWindow) -> None:
    d = window.document
    dense = d.add_node("Dense")
    window.report_problem("The network cannot be built yet: dense_2 needs an input.")
    assert "Training: The network cannot be built yet" in window.problems_panel.rows()[0][1]
    d.set_param(dense, "units", 8)
    assert not any(r[1].startswith("Training:") for r in window.problems_panel.rows())


def test_a_training_failure_does_not_follow_into_another_project(window: MainWindow, examples_dir: Any) -> None:
    window.report_problem("The network cannot be built yet: dense_2 needs an input.")
    assert "error" in window.counts_label.text()
    assert window.open_example(examples_dir / "spiral_playground.nnb")
    assert window.problems_panel.runtime == []
    assert "valid" in window.counts_label.text()


def test_the_problems_title_counts_every_listed_row(window: MainWindow, examples_dir: Any) -> None:
    assert window.open_example(examples_dir / "spiral_playground.nnb")  # softmax + cross-entropy: a note
    window.report_problem("Training diverged.")  # an error
    rows = window.problems_panel.rows()
    assert {r[0] for r in rows} >= {"info", "error"}
    assert window.docks["problemsDock"].windowTitle() == f"Problems ({len(rows)})"

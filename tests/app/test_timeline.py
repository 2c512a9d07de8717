"""The timeline: replay a finished run, restart from the same initial weights, compare two runs (A/B)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from nnbuilder.app.dashboard import Dashboard
from nnbuilder.app.dashboard.runs import SnapshotStore
from nnbuilder.app.dashboard.timeline import STEPS
from nnbuilder.app.workers.messages import BoundaryUpdate, ViewFrame
from nnbuilder.project import load_project

from .helpers import Harness, shown_harness

ROOT = Path(__file__).resolve().parents[2]


def _frame(position: float, size: int = 10) -> ViewFrame:
    probs = np.full((size, size), position, dtype=np.float32)
    return ViewFrame("boundary", int(position) + 1, 0, position, BoundaryUpdate(probs, (0, 1, 0, 1), 1, position))


def test_the_store_finds_the_moment_and_stays_bounded() -> None:
    store = SnapshotStore(per_stream=50, budget=10**9)
    for i in range(400):
        store.add(_frame(i / 10))
    positions = store.positions("boundary")
    assert len(positions) <= 50
    assert positions[0] == 0.0 and positions[-1] == 39.9  # the first and the newest always stay
    assert max(np.diff(positions)) < 1.7  # still spread over the whole run
    frame = store.at("boundary", 20.05)
    assert frame.position <= 20.05 and frame.position == max(p for p in positions if p <= 20.05)
    assert store.at("boundary", -1.0).position == 0.0
    assert store.at("nothing", 3.0) is None
    # a byte budget thins the largest stream as well
    small = SnapshotStore(per_stream=10_000, budget=200_000)
    for i in range(300):
        small.add(_frame(float(i), size=40))  # 6.4 kB each
    assert small.nbytes <= 200_000 and small.positions("boundary")[-1] == 299.0


def _window(qtbot: Any, epochs: int = 40, example: str = "spiral_playground") -> Harness:
    project = load_project(ROOT / "resources" / "examples" / f"{example}.nnb")
    project.training.epochs = epochs
    harness = shown_harness(qtbot, project)
    harness.controller.warm_up()
    return harness


def _train(qtbot: Any, harness: Harness, start: Any = None) -> Any:
    c = harness.controller
    with qtbot.waitSignal(c.run_finished, timeout=90_000):
        assert (c.restart_from(start) if start is not None else c.train())
    qtbot.waitUntil(lambda: not c.is_busy, timeout=30_000)
    return c.dashboard.current


def test_a_finished_run_replays_its_curves_and_boundary(qtbot: Any) -> None:
    harness = _window(qtbot)
    dash = harness.controller.dashboard
    bar = dash.timeline
    assert not bar.isVisible()  # nothing to replay yet
    c = harness.controller
    with qtbot.waitSignal(c.run_finished, timeout=90_000):
        assert c.train()  # the curves tab is the one shown: the boundary tab stays hidden
        QApplication.processEvents()  # the layout as the first run shows it while it trains
        # the bar is there, disabled, while the first run trains: had it appeared at the run's end, the tabs and
        # plots would jump down under a pointer about to click them
        assert bar.isVisible() and not bar.slider.isEnabled() and bar.position_label.text() == "replay after the run"
        tabs_top = dash.tabs.mapTo(dash, QPoint(0, 0)).y()
    qtbot.waitUntil(lambda: not c.is_busy, timeout=30_000)
    run = dash.current
    assert bar.isVisible() and bar.slider.isEnabled() and bar.run() is run
    assert dash.tabs.mapTo(dash, QPoint(0, 0)).y() == tabs_top
    kept = run.snapshots.positions("boundary")
    assert len(kept) >= 3 and kept[0] == 0.0 and kept[-1] == 40.0  # kept though its tab was hidden

    dash.tabs.setCurrentIndex(Dashboard.TAB_BOUNDARY)
    dash.refresh_now()
    final = np.array(dash.boundary.image.image, copy=True)
    bar.slider.setFocus()
    QTest.keyClick(bar.slider, Qt.Key.Key_Home)  # back to the start of the run, with the keyboard
    assert bar.slider.value() == 0 and dash.replaying
    untrained = np.array(dash.boundary.image.image, copy=True)
    assert np.abs(untrained - final).max() > 0.2  # the picture of the untrained network
    assert "epoch 0" in dash.boundary.plot.titleLabel.text
    assert "Replay of run 1" in dash.status_label.full_text()

    bar.slider.setValue(STEPS // 2)
    position = bar.position()
    assert 19.0 < position < 21.0
    dash.tabs.setCurrentIndex(Dashboard.TAB_CURVES)
    dash.refresh_now()
    curves = dash.curves._curves[(run.index, "loss")]
    epochs_drawn = curves.train.getData()[0]
    batches_drawn = curves.batch.getData()[0]
    assert len(epochs_drawn) == int(position) and epochs_drawn.max() <= position  # the curves so far
    assert batches_drawn.max() <= position + 1e-5 and len(batches_drawn) < len(run.batch_x)

    bar.slider.setValue(STEPS)  # the end: the trained picture and every point again
    dash.refresh_now()
    assert not dash.replaying and len(curves.train.getData()[0]) == 40
    dash.tabs.setCurrentIndex(Dashboard.TAB_BOUNDARY)
    dash.refresh_now()
    assert np.abs(dash.boundary.image.image - final).max() < 1e-6

    bar.play_button.click()  # Play runs from the start to the end by itself
    assert bar.play_timer.isActive() and bar.slider.value() < STEPS
    qtbot.waitUntil(lambda: bar.slider.value() == STEPS, timeout=20_000)
    assert not bar.play_timer.isActive() and bar.play_button.text() == "▶ Play"


def test_restart_from_the_same_initial_weights_and_compare(qtbot: Any) -> None:
    harness = _window(qtbot, epochs=6)
    c = harness.controller
    dash = c.dashboard
    first = _train(qtbot, harness)
    assert first.initial_state is not None and dash.timeline.restart_button.isEnabled()

    # unchanged settings: restarting gives the very same run (to the rounding of the live interval means,
    # whose grouping follows the clock; the headless test checks exact equality)
    again = _train(qtbot, harness, start=first)
    assert again.label == "run 2: same start as run 1"
    for key in ("loss", "val_loss", "val_accuracy"):
        np.testing.assert_allclose([r[key] for r in again.epoch_rows], [r[key] for r in first.epoch_rows],
                                   rtol=1e-6)

    # another seed: other initial weights, another run
    c.project.training.seed = 5
    other = _train(qtbot, harness)
    assert not torch.equal(other.initial_state["model"][next(iter(other.initial_state["model"]))],
                           first.initial_state["model"][next(iter(first.initial_state["model"]))])

    # change the learning rate and restart run 1 by its button: same start, compared with run 1
    c.lr_spin.setValue(c.lr_spin.value() / 4)
    bar = dash.timeline
    bar.run_combo.setCurrentIndex(0)
    assert bar.run() is first and "run 1" in bar.restart_button.text()
    with qtbot.waitSignal(c.run_finished, timeout=90_000):
        bar.restart_button.click()
    qtbot.waitUntil(lambda: not c.is_busy, timeout=30_000)
    fourth = dash.current
    assert fourth.label.startswith("run 4: same start as run 1, lr ")  # what differs from run 1, not run 3
    model = fourth.initial_state["model"]
    assert all(torch.equal(model[k], first.initial_state["model"][k]) for k in model)
    assert bar.run() is fourth and bar.compare() is first  # A/B: the two runs, the others hidden
    curves = dash.curves._curves
    assert curves[(fourth.index, "loss")].train.isVisible() and curves[(first.index, "loss")].train.isVisible()
    assert not curves[(other.index, "loss")].train.isVisible() and not curves[(2, "loss")].train.isVisible()
    legend = [label.text for _sample, label in dash.curves.legend.items]
    assert len(legend) == 2 and any("run 4" in t for t in legend) and any("run 1" in t for t in legend)
    assert abs(fourth.epoch_rows[-1]["loss"] - first.epoch_rows[-1]["loss"]) > 1e-4  # the change shows

    dash.tabs.setCurrentIndex(Dashboard.TAB_BOUNDARY)  # the two trained boundaries, side by side
    dash.refresh_now()
    boundary = dash.boundary
    assert boundary.plot_b.isVisible()
    assert boundary.plot.titleLabel.text.startswith("run 4 (epoch") and boundary.plot_b.titleLabel.text.startswith(
        "run 1 (epoch")
    assert np.abs(boundary.image.image.astype(float) - boundary.image_b.image.astype(float)).max() > 0
    x0, x1, y0, y1 = boundary.extent
    for plot in (boundary.plot, boundary.plot_b):  # both frame the data, not a runaway range
        (vx0, vx1), (vy0, vy1) = plot.getViewBox().viewRange()
        assert vx0 <= x0 and x1 <= vx1 and vy0 <= y0 and y1 <= vy1  # (aspect-locked: one side may have room)
        assert min((vx1 - vx0) / (x1 - x0), (vy1 - vy0) / (y1 - y0)) < 1.5
    QTest.keyClick(bar.slider, Qt.Key.Key_Home)  # the same start: the same picture
    dash.refresh_now()
    assert np.array_equal(boundary.image.image, boundary.image_b.image)
    dash.tabs.setCurrentIndex(Dashboard.TAB_CURVES)
    bar.slider.setValue(STEPS // 2)  # both cut at the same epoch
    dash.refresh_now()
    for run in (first, fourth):
        assert curves[(run.index, "loss")].train.getData()[0].max() <= bar.position()
    bar.compare_combo.setCurrentIndex(0)  # no other run: every run again
    assert curves[(other.index, "loss")].train.isVisible()
    dash.tabs.setCurrentIndex(Dashboard.TAB_BOUNDARY)
    dash.refresh_now()
    assert not boundary.plot_b.isVisible()

    # a run that continued another's weights has no start of its own to restart from
    c.continue_action.setChecked(True)
    continued = _train(qtbot, harness)
    assert continued.initial_state is None and continued.continued
    assert bar.run() is continued and not bar.restart_button.isEnabled()
    assert "continued" in bar.restart_button.toolTip()

    dash.clear_runs()
    assert not bar.isVisible() and dash.curves.shown_runs is None


def test_a_graph_run_replays_its_colouring_after_another_run(qtbot: Any) -> None:
    harness = _window(qtbot, 30, "karate_club_gcn")
    dash = harness.controller.dashboard
    first = _train(qtbot, harness)
    second = _train(qtbot, harness, start=first)
    assert len(first.snapshots.positions("graph")) >= 2
    bar = dash.timeline
    bar.run_combo.setCurrentIndex(0)  # run 1, drawn over run 2's layout until now
    dash.show_view("graph")
    QTest.keyClick(bar.slider, Qt.Key.Key_Home)
    dash.refresh_now()
    # the run's first picture (before any prediction), drawn on run 1's own layout
    assert dash.graph.plot.titleLabel.text.startswith("Graph: nodes coloured by their true class")
    bar.slider.setValue(STEPS - 1)
    dash.refresh_now()
    assert "wrong (red ring)" in dash.graph.plot.titleLabel.text
    assert harness.errors == [] and second.finished


def test_a_gan_run_replays_its_samples_and_gan_lab(qtbot: Any) -> None:
    harness = _window(qtbot, 20, "gan_ring_2d")
    dash = harness.controller.dashboard
    run = _train(qtbot, harness)
    assert run.snapshots.positions("gan_samples") and run.snapshots.positions("gan_lab")
    bar = dash.timeline
    samples = dash.panels["gan_samples"]
    kept = run.snapshots.positions("gan_samples")  # the grid goes at most twice a second: a few of them
    assert len(kept) >= 3
    dash.show_view("curves")
    # scrubbed on another tab (just past a kept grid, beyond the slider's step), then Samples is opened
    bar.set_position(kept[len(kept) // 2] + 0.05)
    dash.show_view("gan_samples")
    dash.refresh_now()
    middle = run.snapshots.at("gan_samples", bar.position()).payload
    assert middle.epoch >= 1 and samples.position_label.text() == (
        f"replay: epoch {middle.epoch}, generator step {middle.steps}")
    assert np.array_equal(samples.fake_points.getData()[0], middle.points[:, 0])
    QTest.keyClick(bar.slider, Qt.Key.Key_Home)
    dash.refresh_now()
    assert samples.position_label.text().startswith("replay: epoch 0")
    start = np.array(samples.fake_points.getData()[0], copy=True)
    QTest.keyClick(bar.slider, Qt.Key.Key_End)
    dash.refresh_now()
    assert samples.follow and np.abs(np.array(samples.fake_points.getData()[0]) - start).max() > 0
    dash.show_view("gan_lab")
    QTest.keyClick(bar.slider, Qt.Key.Key_Home)
    dash.refresh_now()
    assert harness.errors == []


def test_long_run_labels_leave_the_slider_its_room_and_epochs_read_plainly(qtbot: Any) -> None:
    """Grown to a long run label, the run and compare pickers left the scrub slider no room; a run stopped early
    in its first epoch ended at "epoch 0.1099"."""
    from nnbuilder.app.dashboard.runs import RunRecord
    from nnbuilder.app.dashboard.timeline import TimelineBar

    bar = TimelineBar()
    qtbot.addWidget(bar)
    bar.resize(1340, 30)
    bar.show()
    qtbot.waitExposed(bar)
    long = RunRecord(index=2, label="run 2: generator lr 0.001 → 0.0002, discriminator lr 0.001 → 0.004", color=(0, 0, 0))
    short = RunRecord(index=1, label="run 1", color=(0, 0, 0))
    for run, end in ((short, 40.0), (long, 0.1099)):
        run.finished = True
        run.epoch_rows.append({"epoch": end})
    bar.set_runs([short, long], select=long, compare=short)
    qtbot.wait(20)
    assert bar.slider.width() >= 300, bar.slider.width()
    assert bar.run_combo.currentText() == long.label and bar.run_combo.toolTip() == long.label  # whole in the tip
    assert bar.describe() == "end of run 2 (epoch 0.1)"
    bar.run_combo.setCurrentIndex(0)
    assert bar.describe() == "end of run 1 (epoch 40)"


def test_the_compare_list_never_offers_the_run_replayed(qtbot: Any) -> None:
    """Run 2 could be "compared with run 2", which showed run 2 alone."""
    from nnbuilder.app.dashboard.runs import RunRecord
    from nnbuilder.app.dashboard.timeline import TimelineBar

    bar = TimelineBar()
    qtbot.addWidget(bar)
    runs = [RunRecord(index=i, label=f"run {i}", color=(0, 0, 0)) for i in (1, 2)]
    for run in runs:
        run.finished = True
        run.epoch_rows.append({"epoch": 5.0})
    bar.set_runs(runs, select=runs[1], compare=runs[0])
    model = bar.compare_combo.model()
    offered = [bar.compare_combo.itemText(i) for i in range(bar.compare_combo.count()) if model.item(i).isEnabled()]
    assert offered == ["no other run", "run 1"] and bar.compare() is runs[0]
    bar.run_combo.setCurrentIndex(0)  # replay run 1 now: its own comparison goes, run 2 is offered
    offered = [bar.compare_combo.itemText(i) for i in range(bar.compare_combo.count()) if model.item(i).isEnabled()]
    assert offered == ["no other run", "run 2"] and bar.compare_combo.currentText() == "no other run"


def test_a_narrow_bar_puts_compare_and_restart_on_a_second_row(qtbot: Any) -> None:
    """Squeezed into one row, a 700 px dock drew "end of run 1 (epoch 1.1)" over "Compare with" and cut the
    restart button to "m run 1's…"; below the width one row needs, that half moves under the first."""
    from nnbuilder.app.dashboard.timeline import TimelineBar

    bar = TimelineBar()
    qtbot.addWidget(bar)
    bar.resize(1340, 30)
    bar.show()
    qtbot.waitExposed(bar)
    assert not bar.two_rows
    assert bar.compare_label.geometry().top() == bar.play_button.geometry().top() or \
        abs(bar.compare_label.geometry().center().y() - bar.play_button.geometry().center().y()) < 8
    bar.resize(700, 60)
    qtbot.waitUntil(lambda: bar.two_rows, timeout=2000)
    qtbot.wait(50)
    first = [bar.run_combo, bar.play_button, bar.slider, bar.position_label]
    second = [bar.compare_label, bar.compare_combo, bar.restart_button]
    assert min(w.geometry().top() for w in second) >= max(w.geometry().bottom() for w in first)
    widgets = first + second
    for i, a in enumerate(widgets):  # nothing drawn over anything else, and the restart button whole
        for b in widgets[i + 1:]:
            assert not a.geometry().intersects(b.geometry()), (a, b)
    assert bar.restart_button.width() >= bar.restart_button.sizeHint().width()
    bar.resize(1340, 60)
    qtbot.waitUntil(lambda: not bar.two_rows, timeout=2000)

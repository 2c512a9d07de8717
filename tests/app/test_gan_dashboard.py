"""The GAN views on their own: the pure functions that compute their frames, and the panels that draw them.

Frames here come from the same functions the worker uses, fed with made-up generator and discriminator
outputs; the runs with a real GAN step are in test_gan_training.py.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
import pytest

from nnbuilder.app.dashboard import Dashboard
from nnbuilder.app.dashboard.panel import PANELS, ViewPanel, register_panel
from nnbuilder.app.dashboard.samples import MAX_KEPT, SamplesPanel
from nnbuilder.app.workers.messages import (
    STREAM_GAN_LAB,
    STREAM_HINTS,
    STREAM_SAMPLES,
    DataView,
    Hint,
    SampleGrid,
    ViewFrame,
)
from nnbuilder.app.workers.views import gan
from nnbuilder.training.events import TrainingStarted


def _ring(n: int = 400, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    angles = 2 * np.pi * rng.integers(0, 8, n) / 8
    return (np.stack([2 * np.cos(angles), 2 * np.sin(angles)], 1) + rng.normal(0, 0.05, (n, 2))).astype(np.float32)


def _gan_view(two_d: bool = True) -> DataView:
    real = _ring()
    shape = (2,) if two_d else (784,)
    views = ["curves", "weights", "gan_samples", "hints"] + (["gan_lab"] if two_d else [])
    return DataView("ring8", "generation", "none", shape, None, len(real), 0, 0, train_points=real if two_d else None,
                    extent=gan.points_extent(real) if two_d else None, views=views, kind="gan")


@pytest.fixture
def dashboard(qtbot) -> Dashboard:
    d = Dashboard()
    qtbot.addWidget(d)
    d.resize(1000, 640)
    d.show()
    return d


def _start_gan(d: Dashboard, two_d: bool = True) -> None:
    d.begin_run("run 1")
    d.set_data_view(_gan_view(two_d))
    d.on_started(TrainingStarted(10, 20, 400, 0, "cpu", "generation", ["D_x", "D_G_z"], step="gan",
                                 losses=["loss_D", "loss_G"], views=_gan_view(two_d).views))


def _lab_frame(epoch: int, spread: float) -> ViewFrame:
    real = _ring()
    extent = gan.points_extent(real)
    fake = np.random.default_rng(epoch).normal(0, spread, (64, 2)).astype(np.float32)
    plane = gan.plane_grid(extent, 30)
    d_on_plane = np.exp(-((np.linalg.norm(plane, axis=1) - 2) ** 2))  # "real" on the ring, "fake" off it
    frame = gan.gan_lab_frame(real, fake, d_on_plane, -fake, extent, epoch, float(epoch), d_steps=epoch * 20,
                              g_steps=epoch * 10, coverage=(5, 8, 0.4))
    return ViewFrame(STREAM_GAN_LAB, epoch, 20, float(epoch), frame)


def extent_of(panel) -> tuple[float, float, float, float]:
    return panel.last.extent


def test_a_gan_run_shows_its_own_tabs_and_curves(dashboard: Dashboard) -> None:
    _start_gan(dashboard)
    tabs = dashboard.tabs
    visible = {tabs.tabText(i) for i in range(tabs.count()) if tabs.isTabVisible(i)}
    assert {"Curves", "Weights", "Samples", "GAN Lab"} <= visible
    assert not visible & {"Decision boundary", "Images", "Predictions", "Test"}  # nothing to score on a test split
    x = np.arange(1, 11, dtype=np.float32) / 10
    from nnbuilder.app.workers.messages import BatchUpdate
    from nnbuilder.training.events import EpochEnd

    logs = {"loss_D": 1.2, "loss_G": 0.8, "D_x": 0.6, "D_G_z": 0.4}
    dashboard.add_batches(BatchUpdate(1, 10, 10, 10, x, {k: np.full(10, v, np.float32) for k, v in logs.items()},
                                      100.0, 10, 100, [EpochEnd(1, 10, logs, 0.1)]))
    dashboard.tabs.setCurrentIndex(dashboard.tab_index("curves"))
    dashboard.refresh_now()
    curves = dashboard.curves
    # both losses in the loss plot, D(x) and D(G(z)) together in their own; no empty plain-loss curve
    assert curves._keys["loss"] == ["loss_D", "loss_G"] and curves._keys["d_output"] == ["D_x", "D_G_z"]
    assert len(curves._curves[(1, "loss_G")].batch.getData()[0]) == 10
    assert len(curves._curves[(1, "D_G_z")].train.getData()[0]) == 1
    legend = [label.text for _, label in curves.legend.items]
    assert legend == ["loss D", "loss G"]  # one run: each value in its own colour, named in the key


def _gan_epochs(d: Dashboard, shift: float) -> None:
    from nnbuilder.app.workers.messages import BatchUpdate
    from nnbuilder.training.events import EpochEnd

    for e in range(1, 4):
        x = (e - 1 + np.arange(1, 11) / 10).astype(np.float32)
        logs = {"loss_D": 1.2 + shift, "loss_G": 0.8 + shift, "D_x": 0.6, "D_G_z": 0.4}
        d.add_batches(BatchUpdate(e, 10, 10, 3, x, {k: np.full(10, v, np.float32) for k, v in logs.items()},
                                  100.0, 10 * e, 30, [EpochEnd(e, 3, logs, 0.1)]))


def test_several_gan_runs_tell_runs_apart_by_colour_and_values_by_line(dashboard: Dashboard) -> None:
    """Every run drew loss D in the same red and loss G in the same blue, and a key row per value and run
    ("loss D · run 2: generator lr 0.001 → 0.0002, discriminator lr 0.001 → 0.004") made the keys so wide
    that the last of the four plots was pushed off the tab."""
    from PySide6.QtCore import Qt

    d = dashboard
    d.resize(1340, 300)
    _start_gan(d)
    _gan_epochs(d, 0.0)
    d.end_run("finished")
    long = "run 2: generator lr 0.001 → 0.0002, discriminator lr 0.001 → 0.004"
    d.begin_run(long)
    d.on_started(TrainingStarted(3, 10, 400, 0, "cpu", "generation", ["D_x", "D_G_z"], step="gan",
                                 losses=["loss_D", "loss_G"]))
    _gan_epochs(d, 0.1)
    d.end_run("finished")
    d.tabs.setCurrentIndex(d.tab_index("curves"))
    d.refresh_now()
    curves = d.curves
    runs = d.runs
    for key in ("loss_D", "loss_G", "D_x", "D_G_z"):  # each run in its own colour ...
        pens = [curves._curves[(r.index, key)].train.opts["pen"] for r in runs]
        assert [pen.color().getRgb()[:3] for pen in pens] == [r.color for r in runs], key
    styles = {k: curves._curves[(1, k)].train.opts["pen"].style() for k in ("loss_D", "loss_G")}
    assert styles == {"loss_D": Qt.PenStyle.SolidLine, "loss_G": Qt.PenStyle.DashLine}  # ... each value its line
    key = [label.text for _, label in curves.legend.items]
    assert key[:2] == ["loss D", "loss G"] and key[2] == "run 1" and key[3].startswith("run 2: generator lr")
    assert len(key[3]) <= 30 and key[3].endswith("…") and len(key) == 4
    d_key = [label.text for _, label in curves.plots["d_output"].legend.items]
    assert d_key == ["D(x) real", "D(G(z)) generated"]
    for plot in curves.plots.values():  # every plot within the tab
        right = plot.mapRectToScene(plot.boundingRect()).right()
        assert right <= curves.view.width() + 1, (plot.titleLabel.text, right, curves.view.width())

    d.curves.show_runs({2})  # A/B or one run picked: one run again, values in their own colours
    d.refresh_now()
    assert [label.text for _, label in curves.legend.items] == ["loss D", "loss G"]


def test_gan_lab_draws_heatmap_points_and_arrows(dashboard: Dashboard) -> None:
    _start_gan(dashboard)
    panel = dashboard.panels["gan_lab"]
    dashboard.add_frame(_lab_frame(1, 0.3))
    assert panel.updates == 0  # hidden tab: nothing drawn yet
    assert dashboard.show_view("gan_lab")
    assert panel.updates == 1
    heat = panel.heat.image
    assert heat.shape == (30, 30) and heat.dtype == np.float32 and 0 <= heat.min() and heat.max() <= 1
    ring = int(round((2 - extent_of(panel)[0]) / (extent_of(panel)[1] - extent_of(panel)[0]) * 29))
    assert heat[15, 15] < 0.1 and heat[15, ring] > 0.8  # the centre is "fake", the ring "real"
    assert len(panel.real_points.data) == 400 and len(panel.fake_points.data) == 64
    xs, ys = panel.arrows.getData()
    assert len(xs) == 64 * 6  # a shaft and two barbs per generated point
    # each shaft starts at its point and points the way the gradient does (here: towards the centre)
    fake = panel.last.fake
    shaft = np.stack([xs, ys], 1).reshape(64, 6, 2)[:, :2]
    assert np.allclose(shaft[:, 0], fake, atol=1e-5)
    assert np.all(np.sum((shaft[:, 1] - shaft[:, 0]) * -fake, axis=1) >= -1e-6)
    assert "Modes covered: 5 of 8" in panel.side.text and "G steps: 10" in panel.side.text
    assert "High quality: 40 % of the 64 shown" in panel.side.text  # the share of these points, said so
    # the heading is over the text beside the plane: over the plane, only as wide as its data, it read
    # "The g… (epoch 60)" in the default window and took the plane 20 px of its height
    assert panel.side.text.startswith("<b>The game on the plane</b>") and "<b>Epoch 1</b>" in panel.side.text
    assert not panel.plot.titleLabel.isVisible() and panel.plot.titleLabel.text == ""


def test_gan_lab_moves_its_points_to_each_new_frame(dashboard: Dashboard, qtbot) -> None:
    _start_gan(dashboard)
    panel = dashboard.panels["gan_lab"]
    assert dashboard.show_view("gan_lab")
    dashboard.add_frame(_lab_frame(1, 0.3))
    dashboard.refresh_now()
    first = panel.grab().toImage()
    dashboard.add_frame(_lab_frame(2, 1.5))  # the same 64 points, spread wider
    dashboard.refresh_now()
    xs, ys = panel.fake_points.getData()
    assert np.allclose(np.stack([xs, ys], 1), panel.last.fake)
    x0, x1, y0, y1 = panel.fake_points.dataBounds(0) + panel.fake_points.dataBounds(1)
    assert x1 - x0 > 2 * 0.3 * 2  # the bounds follow the points, so the view does not clip them
    assert "Epoch 2" in panel.side.text
    assert panel.grab().toImage() != first  # and the window shows it
    dashboard.add_frame(_lab_frame(3, 0.3))
    panel.last = None
    dashboard.refresh_now()
    assert "Epoch 3" in panel.side.text


def test_step_buttons_work_only_while_paused(dashboard: Dashboard, qtbot) -> None:
    _start_gan(dashboard)
    panel = dashboard.panels["gan_lab"]
    dashboard.show_view("gan_lab")
    buttons = panel.buttons
    assert set(buttons) == {"D", "G", "both"} and not any(b.isEnabled() for b in buttons.values())
    dashboard.set_paused(True)
    assert all(b.isEnabled() for b in buttons.values())
    with qtbot.waitSignal(dashboard.command_requested) as asked:
        buttons["G"].click()
    assert asked.args == ["gan_lab", "G"]
    dashboard.set_paused(False)
    assert not buttons["D"].isEnabled()
    dashboard.set_paused(True)
    dashboard.end_run("stopped by you")
    assert not buttons["both"].isEnabled()


def test_sample_grid_follows_the_run_and_scrubs_back(dashboard: Dashboard) -> None:
    _start_gan(dashboard, two_d=False)
    panel = dashboard.panels["gan_samples"]
    dashboard.show_view("gan_samples")
    rng = np.random.default_rng(0)
    for step in range(5):
        images = np.tanh(rng.normal(step, 1, (64, 784))).astype(np.float32)
        grid = gan.sample_grid(images, step + 1, float(step + 1), 10 * step)
        dashboard.add_frame(ViewFrame(STREAM_SAMPLES, step + 1, 1, float(step + 1), grid))
    dashboard.refresh_now()
    rows, cols = ((n + 1) // 29 for n in panel.image.image.shape)  # laid out to the panel's shape
    assert rows == -(-64 // cols) and panel.image.image.dtype == np.uint8
    # the grid gets the panel's height (the hidden 2-D plot below it takes none of it)
    box = panel.box.geometry()
    assert box.height() >= 0.9 * (panel.view.height() - box.top()) and panel.plot.geometry().height() == 0
    newest = np.array(panel.image.image)
    assert panel.slider.isEnabled() and panel.slider.maximum() == 4 and panel.slider.value() == 4
    assert "(live)" in panel.position_label.text()
    panel.slider.setValue(0)  # back to the first grid: a different picture, no longer following
    assert not panel.follow and "epoch 1" in panel.position_label.text()
    assert np.abs(panel.image.image.astype(int) - newest).max() > 50
    dashboard.add_frame(ViewFrame(STREAM_SAMPLES, 6, 1, 6.0, grid))
    dashboard.refresh_now()
    assert panel.slider.value() == 0 and "epoch 1" in panel.position_label.text()  # stays where the student is
    panel.slider.setValue(panel.slider.maximum())
    assert panel.follow


def test_sample_history_is_bounded_and_spans_the_run(qtbot: Any) -> None:
    panel = SamplesPanel()
    qtbot.addWidget(panel)
    mosaic = np.zeros((8, 8), dtype=np.uint8)
    for i in range(10 * MAX_KEPT + 7):  # a long run: ten times more grids than are kept
        panel.add_frame(ViewFrame(STREAM_SAMPLES, 1 + i // 100, 0, i / 100, SampleGrid(1 + i // 100, i / 100, i,
                                                                                   mosaic=mosaic, count=1)))
    steps = [grid.steps for grid in panel.history]
    assert len(steps) <= MAX_KEPT and steps[0] == 0 and steps[-1] == 10 * MAX_KEPT + 6  # first and newest
    gaps = np.diff(steps[:-1])
    assert gaps.min() == gaps.max()  # evenly spread: the start of the run is not thinned away


def test_two_d_samples_are_points_over_the_real_data(dashboard: Dashboard) -> None:
    _start_gan(dashboard)
    panel = dashboard.panels["gan_samples"]
    dashboard.show_view("gan_samples")
    grid = gan.sample_grid(_ring(64, seed=3), 2, 2.0, 40)
    assert grid.points is not None and grid.mosaic is None
    dashboard.add_frame(ViewFrame(STREAM_SAMPLES, 2, 1, 2.0, grid))
    dashboard.refresh_now()
    assert len(panel.fake_points.data) == 64 and len(panel.real_points.data) == 400
    assert panel.plot.isVisible() and not panel.box.isVisible()


def test_hints_banner_shows_and_clears(dashboard: Dashboard) -> None:
    _start_gan(dashboard)
    banner = dashboard.panels["hints"]
    assert not banner.isVisible()
    text = "The discriminator wins outright (loss D near 0): lower its learning rate or give G more steps."
    dashboard.add_frame(ViewFrame(STREAM_HINTS, 3, 0, 3.0, [Hint("d_collapse", text)]))
    dashboard.refresh_now()
    assert banner.isVisible() and text in banner.label.text()
    dashboard.add_frame(ViewFrame(STREAM_HINTS, 4, 0, 4.0, []))
    dashboard.refresh_now()
    assert not banner.isVisible()


def test_mosaic_scales_tanh_output_and_pads() -> None:
    images = np.stack([np.full((4, 4), -1.0), np.full((4, 4), 1.0), np.zeros((4, 4))]).astype(np.float32)
    mosaic = gan.tile_mosaic(images, columns=2)
    assert mosaic.shape == (9, 9) and mosaic.dtype == np.uint8
    assert mosaic[0, 0] == 0 and mosaic[0, 5] == 255 and 126 <= mosaic[5, 0] <= 129  # -1 black, 1 white, 0 grey
    assert mosaic[4, 0] == 255  # the padding row
    assert gan.sample_grid(np.zeros((5, 7)), 1, 1.0, 1) is None  # a table of 7 columns is no picture


def test_arrows_keep_relative_lengths() -> None:
    g = np.array([[3.0, 4.0], [0.3, 0.4], [0.0, 0.0]], np.float32)
    a = gan.scale_arrows(g, (-2.0, 2.0, -2.0, 2.0), share=0.1)
    lengths = np.linalg.norm(a, axis=1)
    assert lengths[0] == pytest.approx(0.4) and lengths[1] == pytest.approx(0.04) and lengths[2] == 0
    assert np.all(np.isfinite(gan.scale_arrows(np.array([[np.nan, 1.0]]), (0, 1, 0, 1))))


def test_a_new_view_is_one_panel_and_one_registration(qtbot) -> None:
    class CountPanel(ViewPanel):
        def __init__(self) -> None:
            super().__init__()
            self.seen: list[object] = []

        def add_frame(self, frame: ViewFrame) -> None:
            self.seen.append(frame.payload)

    register_panel("count", CountPanel, title="Count")
    try:
        d = Dashboard()
        qtbot.addWidget(d)
        d.begin_run("run 1")
        d.set_data_view(DataView("x", "classification", "none", (3,), None, 1, 0, 0, views=["curves", "count"]))
        assert d.tabs.isTabVisible(d.tab_index("count"))
        d.add_frame(ViewFrame("count", 1, 1, 1.0, 42))
        assert d.panels["count"].seen == [42]
    finally:
        del PANELS["count"]


def test_after_a_gan_another_projects_run_has_only_its_own_curves(dashboard: Dashboard) -> None:
    from .test_training_dashboard import _feed_run

    _start_gan(dashboard)
    dashboard.end_run("finished")
    assert {"d_output"} <= set(dashboard.curves.plots)
    dashboard.clear_runs(keep_model=False)  # what opening another project does
    _feed_run(dashboard, "run 1")
    dashboard.refresh_now(all_panels=True)
    curves = dashboard.curves
    assert set(curves.plots) == {"loss", "accuracy"}
    assert {key for _index, key in curves._curves} == {"loss", "accuracy"}
    assert [label.text for _sample, label in curves.legend.items] == ["run 1"]


def test_a_mosaic_is_laid_out_again_tile_for_tile() -> None:
    images = np.random.default_rng(0).uniform(0, 1, (10, 4, 3)).astype(np.float32)
    square = gan.tile_mosaic(images, columns=4)
    wide = gan.retile(square, 10, 4, 5)
    np.testing.assert_array_equal(wide, gan.tile_mosaic(images, columns=5))
    assert gan.columns_to_fit(64, 1300, 190) == 22  # 22 × 3: tiles of 59 px instead of 8 × 8's 24 px
    assert gan.columns_to_fit(64, 600, 600) == 8


def test_samples_fill_a_short_wide_tab(qtbot) -> None:  # type: ignore[no-untyped-def]
    """64 samples in a short, wide dock were an 8 × 8 square of ~20 px a sample; in a few long rows they are
    more than twice as large, and a tall tab gets a tall layout."""
    panel = SamplesPanel()
    qtbot.addWidget(panel)
    panel.resize(1370, 260)
    panel.show()
    qtbot.waitExposed(panel)
    images = np.random.default_rng(0).uniform(0, 1, (64, 28, 28)).astype(np.float32)
    grid = gan.sample_grid(images, 1, 1.0, 10)
    assert grid is not None and grid.columns == 8
    panel.add_frame(ViewFrame("samples", 1, 1, 1.0, grid))
    panel.refresh()
    qtbot.wait(20)
    shown = panel.image.image
    rows, cols = ((n + 1) // 29 for n in shown.shape)
    assert cols > 3 * rows and rows == -(-64 // cols)  # wide: a few long rows, every sample in them
    np.testing.assert_array_equal(shown, gan.tile_mosaic(images, columns=cols))
    tile_px = min(panel.box.width() / cols, panel.box.height() / rows)  # screen pixels per sample
    assert tile_px > 1.5 * (panel.box.height() / 8)  # larger than an 8 × 8 square's tiles could be

    panel.resize(500, 900)  # a tall tab: no wider than it is tall
    qtbot.wait(50)
    panel.refresh()
    assert panel.image.image.shape[1] <= panel.image.image.shape[0]


def test_after_a_run_a_resized_samples_tab_lays_its_grid_out_again(qtbot) -> None:  # type: ignore[no-untyped-def]
    """After a run the dashboard's refresh timer is off: a Training dock dragged taller kept the grid in two
    long rows with empty space around it until the tab was shown again. And "(live)" is said only while a run
    sends frames."""
    panel = SamplesPanel()
    qtbot.addWidget(panel)
    panel.resize(1370, 260)
    panel.show()
    qtbot.waitExposed(panel)
    panel.begin_run("run 1")
    images = np.random.default_rng(0).uniform(0, 1, (64, 28, 28)).astype(np.float32)
    panel.add_frame(ViewFrame("samples", 1, 1, 1.0, gan.sample_grid(images, 1, 1.0, 10)))
    panel.refresh()
    assert "(live)" in panel.position_label.text()
    panel.end_run("finished")
    panel.refresh()
    assert panel.position_label.text() == "epoch 1, generator step 10 · 1 kept"
    wide = panel.image.image.shape
    slider_width = panel.slider.width()
    panel.resize(700, 800)  # nobody calls refresh(): the panel does, once the layout has its new size
    qtbot.waitUntil(lambda: panel.image.image.shape != wide, timeout=2000)
    tall = panel.image.image.shape
    assert tall[0] >= tall[1]  # no longer a few long rows
    panel.resize(1370, 260)
    qtbot.waitUntil(lambda: panel.image.image.shape == wide, timeout=2000)
    assert panel.slider.width() == slider_width  # the label's text does not move the slider's end


def test_a_conditional_gan_grid_keeps_one_class_per_column_with_its_name(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Whatever the tab's shape, each column holds one class (8 noise vectors, one per row), named above it; a
    short, wide tab shows the rows in blocks side by side, each block with its names; a grid of another run
    has no names over it."""
    from nnbuilder.app.dashboard.samples import CLASS_GAP

    names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
             "Ankle boot"]
    panel = SamplesPanel()
    qtbot.addWidget(panel)
    panel.resize(1370, 260)  # short and wide
    panel.show()
    qtbot.waitExposed(panel)
    panel.begin_run("run 1")
    images = np.random.default_rng(0).uniform(0, 1, (80, 28, 28)).astype(np.float32)
    grid = gan.sample_grid(images, 1, 1.0, 10, names)
    assert grid is not None and grid.columns == 10 and grid.count == 80
    panel.add_frame(ViewFrame("samples", 1, 1, 1.0, grid))
    panel.refresh()
    mosaic = gan.tile_mosaic(images, columns=10)
    assert panel._blocks == 2  # two blocks of 4 rows: twice the size of one block of 8 in this box
    np.testing.assert_array_equal(panel.image.image, gan.class_blocks(mosaic, 80, 10, 2, gap=CLASS_GAP))
    assert [item.toolTip() for item in panel.class_heads] == names * 2
    shown = [item.textItem.toPlainText() for item in panel.class_heads]
    assert "Bag" in shown and all(s == n or s.endswith("…") for s, n in zip(shown, names * 2, strict=True))
    xs = [item.pos().x() for item in panel.class_heads]
    assert xs == sorted(xs) and xs[0] == pytest.approx(14, abs=1) and xs[10] == pytest.approx(289 + CLASS_GAP + 14,
                                                                                               abs=1)
    assert "epoch 1: a row per noise vector, a column per class" in panel.title.text
    panel.resize(500, 900)  # a tall tab: one block, the ten columns as they came
    qtbot.wait(50)
    panel.refresh()
    assert panel._blocks == 1
    np.testing.assert_array_equal(panel.image.image, mosaic)
    assert [item.textItem.toPlainText() for item in panel.class_heads][:2] == ["T-shirt/top", "Trouser"]
    panel.resize(560, 880)  # the narrowest dashboard, narrower than the title: the title is cut, not the picture
    qtbot.wait(50)
    panel.refresh()
    assert panel.title.text.endswith("…") and panel.view.width() <= 560
    (x0, x1), _ = panel.box.viewRange()
    assert x0 <= 0 and x1 >= panel.image.image.shape[1]  # every column in sight
    assert panel.box.mapViewToScene(pg.Point(panel.image.image.shape[1], 0)).x() <= panel.view.width()
    panel.begin_run("run 2")  # another run: no names until its own grid says so
    assert panel.class_heads == []
    panel.add_frame(ViewFrame("samples", 1, 1, 1.0, gan.sample_grid(images[:64], 1, 1.0, 10)))
    panel.refresh()
    assert panel.class_heads == [] and "64 samples" in panel.title.text


def test_class_blocks_deal_rows_into_blocks_that_keep_their_columns() -> None:
    images = np.arange(6 * 3 * 4, dtype=np.float32).reshape(6 * 3, 1, 2, 2) % 7 / 6  # 6 rows of 3 classes
    mosaic = gan.tile_mosaic(images[:, 0], columns=3)
    out = gan.class_blocks(mosaic, 18, 3, 2, gap=4)
    assert out.shape == (3 * 3 - 1, 2 * (3 * 3 - 1) + 4)
    tile = mosaic[0:2, 0:2]  # row 0, class 0: top left of block 1
    np.testing.assert_array_equal(out[0:2, 0:2], tile)
    np.testing.assert_array_equal(out[0:2, 8 + 4 + 3:8 + 4 + 5], mosaic[9:11, 3:5])  # row 3, class 1: block 2
    assert (out[:, 8:12] == 255).all()  # the gap
    assert gan.class_blocks(mosaic, 18, 3, 1) is mosaic
    assert gan.blocks_to_fit(8, 10, 1200, 190) == 2 and gan.blocks_to_fit(8, 10, 400, 900) == 1

"""The dashboard on its own, fed the messages a training worker sends: drawing, tabs, exports, helpers."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from nnbuilder.app.dashboard import Dashboard, GrowingArray, RunRecord
from nnbuilder.app.training_controller import format_duration, run_label, run_settings, weights_path_for
from nnbuilder.app.workers.messages import (
    VIEW_2D,
    VIEW_CLASSES,
    VIEW_IMAGES,
    VIEW_SERIES,
    BatchUpdate,
    BoundaryUpdate,
    DataView,
    GalleryUpdate,
    PredictionResult,
    SeriesUpdate,
    WeightsUpdate,
)
from nnbuilder.app.workers.training_worker import (
    HIST_BINS,
    as_images,
    describe_exception,
    filter_mosaic,
    merge_histogram,
)
from nnbuilder.project import load_project
from nnbuilder.training.events import EpochEnd, TrainingStarted

ROOT = Path(__file__).resolve().parents[2]


def _spiral_view(n: int = 200) -> DataView:
    rng = np.random.default_rng(0)
    pts = rng.uniform(-6, 6, size=(n, 2)).astype(np.float32)
    lab = (pts[:, 0] * pts[:, 1] > 0).astype(np.int64)
    cut = n * 4 // 5
    return DataView("Spiral", "classification", VIEW_2D, (2,), ["class 0", "class 1"], cut, n - cut, 0,
                    pts[:cut], lab[:cut], pts[cut:], lab[cut:], (-6.0, 6.0, -6.0, 6.0))


def _feed_run(d: Dashboard, label: str, epochs: int = 4, batches: int = 10, slope: float = 0.3) -> None:
    d.begin_run(label)
    d.set_data_view(_spiral_view())
    d.on_started(TrainingStarted(epochs, batches, 160, 40, "cpu", "classification", ["accuracy"]))
    gx, gy = np.meshgrid(np.linspace(-6, 6, 20), np.linspace(-6, 6, 20))
    for e in range(1, epochs + 1):
        x = (e - 1 + np.arange(1, batches + 1) / batches).astype(np.float32)
        loss = np.exp(-slope * x).astype(np.float32)
        logs = {"loss": float(loss.mean()), "accuracy": 1 - float(loss.mean()) / 2,
                "val_loss": float(loss.mean()) + 0.1, "val_accuracy": 0.9 - float(loss.mean()) / 2}
        d.add_batches(BatchUpdate(e, batches, batches, epochs, x, {"loss": loss, "accuracy": 1 - loss / 2}, 500.0,
                                  e * batches, epochs * batches, [EpochEnd(e, epochs, logs, 0.1)]))
        w = np.random.default_rng(e).normal(0, 0.5 * e, size=(8, 2)).astype(np.float32)
        counts, _ = np.histogram(w, bins=HIST_BINS, range=(-4, 4))
        d.add_weights(WeightsUpdate(
            epoch=e, position=float(e), histograms={"hidden1": counts.astype(np.float32)}, hist_ranges={"hidden1": 4.0},
            matrices={"hidden1": w}, shapes={"hidden1": (8, 2)}, filters=filter_mosaic(np.ones((4, 1, 3, 3), np.float32)),
            filters_layer="conv1", grad_norms={"hidden1": 1.0 / e}, dead_units={"relu1": 0.25}))
        probs = 1 / (1 + np.exp(-gx * gy / e))
        d.set_boundary(BoundaryUpdate(probs.astype(np.float32), (-6.0, 6.0, -6.0, 6.0), e, float(e)))
    d.end_run("finished")


@pytest.fixture
def dashboard(qtbot) -> Dashboard:
    d = Dashboard()
    qtbot.addWidget(d)
    d.resize(1000, 640)
    d.show()
    return d



def test_a_stopped_run_s_axis_spans_what_it_did_not_what_it_planned(dashboard: Dashboard) -> None:
    """A run of 3,000 epochs stopped at epoch 4 left the axis at 3,000: the run, and every later run, were
    slivers at its left edge."""
    d = dashboard
    d.begin_run("run 1")
    d.on_started(TrainingStarted(3000, 10, 160, 40, "cpu", "classification", ["accuracy"]))
    for e in range(1, 5):
        x = (e - 1 + np.arange(1, 11) / 10).astype(np.float32)
        loss = np.exp(-0.3 * x).astype(np.float32)
        d.add_batches(BatchUpdate(e, 10, 10, 3000, x, {"loss": loss}, 500.0, e * 10, 30000,
                                  [EpochEnd(e, 3000, {"loss": float(loss.mean())}, 0.1)]))
    d.tabs.setCurrentIndex(Dashboard.TAB_CURVES)
    d.refresh_now()
    box = d.curves.plots["loss"].getViewBox()
    assert box.viewRange()[0][1] == pytest.approx(3000)  # while it trains: the whole run, never rescaling
    d.end_run("stopped")
    assert box.viewRange()[0][1] == pytest.approx(4)
    _feed_run(d, "run 2", epochs=6)  # a later, longer run widens it to its own end
    d.refresh_now()
    assert box.viewRange()[0][1] == pytest.approx(6)


def test_the_curves_key_promises_validation_curves_only_where_a_run_has_them(dashboard: Dashboard) -> None:
    """A GAN has no validation data, yet the key above its curves read "dashed ▲: validation, per epoch"."""
    d = dashboard
    d.begin_run("run 1")
    d.on_started(TrainingStarted(3, 10, 160, 0, "cpu", "generation", ["D_x", "D_G_z"], step="gan",
                                 losses=["loss_D", "loss_G"]))
    key = d.curves.key.text
    assert "solid ●: per epoch" in key and "validation" not in key and "dashed" not in key
    d.end_run("finished")
    _feed_run(d, "run 2")  # a classifier with a validation split, overlaid
    assert "dashed ▲: validation, per epoch" in d.curves.key.text

def test_runs_overlay_with_labels_and_export_csv(dashboard: Dashboard, tmp_path: Path) -> None:
    _feed_run(dashboard, "run 1")
    _feed_run(dashboard, "run 2: lr 0.01 → 0.001", slope=0.1)
    assert [r.label for r in dashboard.runs] == ["run 1", "run 2: lr 0.01 → 0.001"]
    assert len(dashboard.runs[1].batch_x) == 40 and len(dashboard.runs[1].epoch_rows) == 4
    dashboard.tabs.setCurrentIndex(Dashboard.TAB_CURVES)
    dashboard.refresh_now(all_panels=True)
    legend_texts = [label.text for _, label in dashboard.curves.legend.items]
    assert legend_texts == ["run 1", "run 2: lr 0.01 → 0.001"]
    # both plots exist and every run's epoch curve holds its points
    assert set(dashboard.curves.plots) == {"loss", "accuracy"}
    curves = dashboard.curves._curves[(2, "accuracy")]
    assert len(curves.val.getData()[0]) == 4 and len(curves.batch.getData()[0]) == 40
    dashboard.log_check.setChecked(True)
    assert dashboard.curves.plots["loss"].ctrl.logYCheck.isChecked()

    rows = dashboard.export_history_csv(tmp_path / "m.csv")
    assert rows == 8
    with open(tmp_path / "m.csv", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert table[0]["label"] == "run 1" and table[-1]["epoch"] == "4"
    assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(table[0])


def test_a_flat_curve_gets_readable_axis_ticks(dashboard: Dashboard) -> None:
    """8 of 8 modes covered all run long once had the axis 7.99999995 .. 8.00000005."""
    dashboard.begin_run("run 1")
    dashboard.set_data_view(_spiral_view())
    dashboard.on_started(TrainingStarted(3, 2, 160, 40, "cpu", "classification", ["accuracy"]))
    for e in range(1, 4):
        x = np.array([e - 0.5, e], dtype=np.float32)
        flat = np.full(2, 8.0, dtype=np.float32)
        dashboard.add_batches(BatchUpdate(e, 2, 2, 3, x, {"loss": flat / 8, "accuracy": flat / 8}, 500.0, e * 2, 6,
                                          [EpochEnd(e, 3, {"loss": 1.0, "accuracy": 1.0}, 0.1)]))
    dashboard.tabs.setCurrentIndex(Dashboard.TAB_CURVES)
    dashboard.refresh_now(all_panels=True)
    y0, y1 = dashboard.curves.plots["accuracy"].getViewBox().viewRange()[1]
    assert y0 < 1.0 < y1 and y1 - y0 > 0.01  # ticks such as 0.995 / 1 / 1.005, not 0.9999999


def test_every_tab_exports_png_and_svg(dashboard: Dashboard, tmp_path: Path) -> None:
    _feed_run(dashboard, "run 1")
    for tab in (Dashboard.TAB_CURVES, Dashboard.TAB_WEIGHTS, Dashboard.TAB_BOUNDARY, Dashboard.TAB_TEST):
        png = dashboard.export_plot(tmp_path / f"tab{tab}.png", tab=tab)
        svg = dashboard.export_plot(tmp_path / f"tab{tab}.svg", tab=tab)
        assert png.stat().st_size > 2000, tab
        assert svg.read_text(encoding="utf-8").lstrip().startswith("<?xml"), tab


def test_tabs_follow_the_data_set(dashboard: Dashboard) -> None:
    tabs = dashboard.tabs
    dashboard.set_view(_spiral_view())
    assert tabs.isTabVisible(Dashboard.TAB_BOUNDARY) and not tabs.isTabVisible(Dashboard.TAB_IMAGES)
    assert not tabs.isTabVisible(Dashboard.TAB_PREDICTIONS)
    images = DataView("Fashion", "classification", VIEW_IMAGES, (784,), [str(i) for i in range(10)], 10, 10, 10)
    dashboard.set_view(images)
    assert tabs.isTabVisible(Dashboard.TAB_IMAGES) and not tabs.isTabVisible(Dashboard.TAB_BOUNDARY)
    series = DataView("Power", "regression", VIEW_SERIES, (24, 3), None, 10, 10, 10)
    dashboard.set_view(series)
    assert tabs.isTabVisible(Dashboard.TAB_PREDICTIONS) and not tabs.isTabVisible(Dashboard.TAB_IMAGES)
    table = DataView("Iris", "classification", VIEW_CLASSES, (4,), ["a", "b", "c"], 10, 10, 10)
    dashboard.set_view(table)
    assert tabs.isTabVisible(Dashboard.TAB_IMAGES) and tabs.tabText(Dashboard.TAB_IMAGES) == "Confusion matrix"


def test_decision_boundary_and_weights_are_drawn(dashboard: Dashboard) -> None:
    _feed_run(dashboard, "run 1")
    assert dashboard.boundary.updates == 0 and dashboard.boundary.received == 4  # hidden tabs wait
    dashboard.tabs.setCurrentIndex(Dashboard.TAB_BOUNDARY)  # drawn when shown
    assert dashboard.boundary.updates == 1
    img = dashboard.boundary.image.image
    assert img.shape == (20, 20) and img.dtype == np.float32
    assert dashboard.boundary.image.levels is not None
    assert len(dashboard.boundary.train_points.data) == 160 and len(dashboard.boundary.held_points.data) == 40
    dashboard.tabs.setCurrentIndex(Dashboard.TAB_WEIGHTS)
    dashboard.weights.dirty = True
    dashboard.refresh_now()
    assert dashboard.weights.layer_combo.currentText() == "hidden1"
    assert dashboard.weights.hist_image.image.shape == (HIST_BINS, 4)
    assert dashboard.weights.matrix_image.image.shape == (8, 2)
    assert "relu1 25 %" in dashboard.weights.dead_label.text()


def test_gallery_marks_wrong_predictions_and_counts_confusion(dashboard: Dashboard) -> None:
    names = [f"c{i}" for i in range(10)]
    dashboard.begin_run("run 1")
    dashboard.set_data_view(DataView("Digits", "classification", VIEW_IMAGES, (784,), names, 100, 100, 100))
    predicted = np.arange(25) % 10
    true = predicted.copy()
    true[:3] = (true[:3] + 1) % 10
    confusion = np.eye(10, dtype=np.int64) * 9
    dashboard.set_gallery(GalleryUpdate(2, np.random.default_rng(0).random((25, 28, 28), dtype=np.float32),
                                        predicted, true, np.ones(25, np.float32), confusion, 90))
    dashboard.tabs.setCurrentIndex(Dashboard.TAB_IMAGES)
    dashboard.refresh_now()
    labels = [cell[0].text for cell in dashboard.images.cells]
    assert sum("✗" in t for t in labels) == 3 and "c1 (c2)" in labels[1]
    assert "3 wrong" in dashboard.images.gallery_title.text
    assert dashboard.images.confusion_image.image.shape == (10, 10)
    assert "accuracy 100.0 %" in dashboard.images.confusion_plot.titleLabel.text


def test_series_and_prediction_views(dashboard: Dashboard) -> None:
    dashboard.begin_run("run 1")
    dashboard.set_data_view(DataView("Power", "regression", VIEW_SERIES, (24, 3), None, 100, 50, 20))
    t = np.arange(50, dtype=np.float32)
    dashboard.set_series(SeriesUpdate(1, t, np.sin(t), np.sin(t) + 0.1, scatter=False))
    dashboard.tabs.setCurrentIndex(Dashboard.TAB_PREDICTIONS)
    dashboard.refresh_now()
    assert len(dashboard.predictions.predicted.getData()[0]) == 50
    assert "MAE 0.1" in dashboard.predictions.plot.titleLabel.text
    dashboard.end_run("finished", True, {"test": 20, "validation": 50, "training": 100})
    assert dashboard.evaluate.evaluate_button.isEnabled()
    dashboard.show_prediction(PredictionResult("test", 3, np.array([0.2, 0.7, 0.1], np.float32), 2, ["a", "b", "c"]))
    assert "b" in dashboard.evaluate.predict_label.text() and "true class c" in dashboard.evaluate.predict_label.text()
    dashboard.show_evaluation({"loss": 0.25, "accuracy": 0.875})
    assert "87.50 %" in dashboard.evaluate.evaluate_label.text()


def test_the_refresh_timer_bounds_drawing(dashboard: Dashboard, qtbot) -> None:
    """Many events between two ticks become one draw; the timer runs only while a run is live."""
    dashboard.begin_run("run 1")
    assert dashboard.timer.isActive() and dashboard.timer.interval() >= 33
    frames = dashboard.frames
    for i in range(200):
        dashboard.add_batches(BatchUpdate(1, i + 1, 200, 1, np.array([i / 200], np.float32),
                                          {"loss": np.array([1.0], np.float32)}, 1.0, i + 1, 200))
    assert dashboard.frames == frames  # nothing drawn from the events themselves
    qtbot.waitUntil(lambda: dashboard.frames > frames, timeout=1000)
    dashboard.end_run("finished")
    assert not dashboard.timer.isActive()


# -- helpers ----------------------------------------------------------------------------------------------
def test_merge_histogram_is_exact() -> None:
    rng = np.random.default_rng(1)
    w = rng.normal(size=1000)
    small, _ = np.histogram(w, bins=HIST_BINS, range=(-4, 4))
    big, _ = np.histogram(w, bins=HIST_BINS, range=(-8, 8))
    assert np.array_equal(merge_histogram(small), big)


def test_growing_array_and_smoothing() -> None:
    g = GrowingArray(2)
    for i in range(10):
        g.append(i)
    g.extend([10, 11])
    assert g.view().tolist() == list(range(12)) and g.view().flags["C_CONTIGUOUS"]
    run = RunRecord(1, "run 1", (0, 0, 0))
    run.add_batches(np.arange(3, dtype=np.float32), {"loss": np.array([1.0, 1.0, 1.0], np.float32)})
    assert np.allclose(run.batch_smooth["loss"].view(), 1.0)  # the debiased EMA of a constant is the constant


def test_a_batch_point_that_covers_one_batch_moves_the_smoothed_trace_by_little() -> None:
    """Batch points are paced by time: the XOR perceptron's (batch 1, 200 batches an epoch) came as whole
    epochs, loss about 0.5, and now and then as one batch cut off by an epoch's end, loss 0 or 1. Weighed like
    the others, that one threw the thin line to 0.69, a spike no epoch had."""
    run = RunRecord(1, "run 1", (0, 0, 0))
    run.add_batches(np.arange(1, 11, dtype=np.float32), {"loss": np.full(10, 0.5, np.float32)})  # epochs 1-10
    run.add_batches(np.array([10.005, 11.0], np.float32), {"loss": np.array([1.0, 0.5], np.float32)})
    smooth = run.batch_smooth["loss"].view()
    assert len(smooth) == 12 and abs(smooth[10] - 0.5) < 0.02, smooth  # one batch of 200: it moved 0.2
    run.add_batches(np.array([12.0], np.float32), {"loss": np.array([1.0], np.float32)})  # a whole epoch at 1.0
    assert run.batch_smooth["loss"].view()[-1] > 0.65  # still follows what whole intervals say


def test_points_that_each_cover_an_epoch_are_not_smoothed_into_a_lag() -> None:
    """Moons: a point per epoch or so, a loss falling from 0.7 to 0.2; the thin line trailed two epochs behind
    the epoch means (0.27 at epoch 2 where the epoch said 0.195)."""
    run = RunRecord(1, "run 1", (0, 0, 0))
    losses = np.array([0.7, 0.195, 0.15, 0.12], np.float32)
    run.add_batches(np.arange(1, 5, dtype=np.float32), {"loss": losses})
    assert np.allclose(run.batch_smooth["loss"].view(), losses, atol=0.01), run.batch_smooth["loss"].view()
    fine = RunRecord(2, "run 2", (0, 0, 0))  # a hundred points an epoch: smoothed as before
    noisy = np.tile(np.array([0.4, 0.6], np.float32), 50)
    fine.add_batches(np.arange(1, 101, dtype=np.float32) / 100, {"loss": noisy})
    assert np.ptp(fine.batch_smooth["loss"].view()[20:]) < 0.1


def test_images_are_recognised() -> None:
    assert as_images(np.zeros((2, 784))).shape == (2, 28, 28)
    assert as_images(np.zeros((2, 1, 28, 28))).shape == (2, 28, 28)
    assert as_images(np.zeros((2, 3, 32, 32))).shape == (2, 32, 32, 3)
    assert as_images(np.zeros((2, 2))) is None and as_images(np.zeros((2, 24, 3))) is None
    mosaic = filter_mosaic(np.ones((5, 3, 3, 3), np.float32))
    assert mosaic.shape == (7, 11) and np.isnan(mosaic).any() and np.nanmax(mosaic) == 1.0


def test_run_labels_say_what_changed() -> None:
    project = load_project(ROOT / "resources" / "examples" / "spiral_playground.nnb")
    a = run_settings(project, epochs=60, batch_size=16, lr=0.01, device="auto")
    assert run_label(1, None, a) == "run 1"
    b = run_settings(project, epochs=60, batch_size=16, lr=0.001, device="auto")
    assert run_label(2, a, b) == "run 2: lr 0.01 → 0.001"
    project.graph().node("hidden1").params["units"] = 32
    c = run_settings(project, epochs=60, batch_size=16, lr=0.001, device="auto")
    assert run_label(3, b, c) == "run 3: hidden1.units 16 → 32"
    assert run_label(4, c, c, continued=True) == "run 4: continued, same settings"
    assert weights_path_for("/x/spiral.nnb") == Path("/x/spiral.weights.safetensors")
    assert format_duration(75) == "1:15" and format_duration(float("nan")) == "–"
    assert format_duration(0.42) == "0.4 s" and format_duration(1.2) == "0:01"  # not "finished after 0:00"


def test_exceptions_become_sentences_with_a_kind() -> None:
    class DataError(Exception):
        pass

    assert describe_exception(DataError("The file x.csv is missing."))[1] == "data"
    assert describe_exception(RuntimeError("CUDA out of memory. Tried to allocate"))[1] == "oom"
    message, kind = describe_exception(IndexError("index out of range in self"))
    assert kind == "runtime" and "IndexError" in message


def test_the_next_runs_curves_are_built_ahead_and_dressed_for_it(dashboard: Dashboard, qtbot) -> None:
    """A run's start only colours curves built while nothing trained; they look as if built for it."""
    _feed_run(dashboard, "run 1")
    panel = dashboard.curves
    qtbot.waitUntil(lambda: all(len(panel._spares.get(n, [])) >= 1 for n in panel.plots), timeout=2000)
    spare = panel._spares["loss"][-1]
    assert not spare.train.isVisible() and not spare.batch.isVisible()
    dashboard.batch_check.setChecked(False)  # the student hides the per-batch lines before the next run

    _feed_run(dashboard, "run 2", slope=0.1)
    second = panel._curves[(2, "loss")]
    assert second is spare
    assert second.train.isVisible() and second.val.isVisible()
    assert not second.batch.isVisible()  # batches stay off for the new run too
    assert second.train.opts["pen"].color().getRgb()[:3] == tuple(dashboard.runs[1].color)
    dashboard.refresh_now(all_panels=True)
    assert [label.text for _, label in panel.legend.items] == ["run 1", "run 2"]
    assert len(second.train.getData()[0]) == 4


def _assert_newest_values_clear(d: Dashboard, labels: list[str], whole: bool = True) -> None:
    """The right end of the loss plot area (the newest epochs, at every height) is clear of the legend, every
    run's last point is in view, the legend says what it always said and (``whole``) fits inside its plot."""
    from PySide6.QtCore import QPointF

    panel = d.curves
    plot = panel.plots["loss"]
    box = plot.getViewBox()
    legend = panel.legend
    assert legend is not None and legend.isVisible()
    assert [label.text for _, label in legend.items] == labels
    area = box.sceneBoundingRect()
    assert 20 < area.height() < 140  # a short plot indeed, yet a real one
    shown = legend.sceneBoundingRect()
    newest = area.adjusted(area.width() * 0.8, 0, 0, 0)  # the last fifth of the epochs
    assert not shown.intersects(newest), (shown, newest)
    for index in range(1, len(labels) + 1):
        xs, ys = panel._curves[(index, "loss")].train.getData()
        last = box.mapViewToScene(QPointF(float(xs[-1]), float(ys[-1])))
        assert area.adjusted(-1, -1, 1, 1).contains(last) and not shown.contains(last)
    # readable: not spilling over the plot below, the neighbouring plot or the window's edge
    if whole:
        assert plot.sceneBoundingRect().adjusted(-1, -1, 1, 1).contains(shown), (shown, plot.sceneBoundingRect())


@pytest.mark.parametrize("runs", [1, 6, 10])
def test_the_legend_never_hides_the_newest_values_in_a_short_dock(qtbot, runs: int) -> None:
    """The newest values are drawn at the right end of a plot, and the legend used to be anchored right
    there, inside the plot area: in a short dock (the window at its default size), or with several runs
    overlaid, a student could not see the latest loss. Whatever the height and the number of runs, the
    right end of the plot area must stay clear, and the legend must still be whole and say the same."""
    d = Dashboard()
    qtbot.addWidget(d)
    d.resize(1000, 330)  # about the Training dock's height in a default-sized window
    d.show()
    qtbot.waitExposed(d)
    labels = [f"run {i}: lr 0.0{i} → 0.00{i}" if i > 1 else "run 1" for i in range(1, runs + 1)]
    for i, label in enumerate(labels):
        _feed_run(d, label, slope=0.1 + 0.15 * i)
    d.tabs.setCurrentIndex(Dashboard.TAB_CURVES)
    d.refresh_now(all_panels=True)
    qtbot.wait(50)  # let the layouts settle, as a real window does between frames
    _assert_newest_values_clear(d, labels)

    # the student drags the dock shorter still: the entries re-flow into columns; ten long labels beside a
    # plot four rows tall would need more than 70 % of its width, so there the legend runs off the bottom
    # instead, but even then it stays off the curves
    d.resize(1000, 260)
    qtbot.wait(50)
    _assert_newest_values_clear(d, labels, whole=runs <= 6)


def test_the_curves_log_scale_keeps_its_labels_apart(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Log scale on the Curves tab: an accuracy axis from 0.12 to 1 labelled 1, 0.9, 0.8 ... touching."""
    from nnbuilder.app.dashboard.curves import CurvesPanel

    panel = CurvesPanel()
    qtbot.addWidget(panel)
    panel.set_log_y(True)
    axis = panel.ensure_plot("accuracy").getAxis("left")
    assert axis.logMode
    labelled = axis.tickValues(np.log10(0.12), 0.0, 200)[0][1]
    assert [round(10 ** v, 6) for v in labelled] == [0.2, 0.5, 1.0]
    gaps = np.diff(labelled) * 200 / (0.0 - np.log10(0.12))
    assert (gaps >= 14).all()


def test_the_curves_x_axis_labels_the_last_epoch(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A 5-epoch run's axis read 0.5 ... 4.5: pyqtgraph hid the label at the axis' end, half of it past the end."""
    from PySide6.QtGui import QImage, QPainter

    from nnbuilder.app.dashboard.curves import CurvesPanel

    panel = CurvesPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 300)
    panel.show()
    qtbot.waitExposed(panel)
    for end in (5, 10, 40, 200):
        for name in ("loss", "accuracy"):
            plot = panel.ensure_plot(name)
            plot.getViewBox().setRange(xRange=(0, end), yRange=(0, 1), padding=0.0)
        qtbot.wait(20)
        for name in ("loss", "accuracy"):
            axis = panel.plots[name].getAxis("bottom")
            image = QImage(10, 10, QImage.Format.Format_ARGB32)
            painter = QPainter(image)
            try:
                specs = {text: rect for rect, _flags, text in axis.generateDrawSpecs(painter)[2]}
            finally:
                painter.end()
            assert str(end) in specs, (name, end, list(specs))
            # and whole: not cut off by the window's edge ("100" read "10")
            visible = panel.view.mapToScene(panel.view.viewport().rect()).boundingRect()
            assert visible.contains(axis.mapRectToScene(specs[str(end)])), (name, end)


def test_a_gan_s_four_curve_plots_stand_in_one_row_in_a_short_dock(qtbot) -> None:  # type: ignore[no-untyped-def]
    """In a default window's Training dock a GAN's four plots in two rows were ~40 px high each, their axis
    labels piled on each other; side by side each gets the dock's height. A tall dock keeps two a row."""
    from nnbuilder.app.dashboard.curves import CurvesPanel

    panel = CurvesPanel()
    qtbot.addWidget(panel)
    panel.resize(1370, 230)
    panel.show()
    qtbot.waitExposed(panel)
    for key in ("loss_D", "loss_G", "D_x", "D_G_z", "modes", "high_quality"):
        panel.ensure_key(key)
    qtbot.wait(50)
    assert list(panel.plots) == ["loss", "d_output", "modes", "high_quality"]
    boxes = [plot.getViewBox().sceneBoundingRect() for plot in panel.plots.values()]
    assert len({round(box.top()) for box in boxes}) == 1  # one row
    assert all(box.height() >= 100 for box in boxes), [box.height() for box in boxes]
    assert all(a.right() <= b.left() for a, b in zip(boxes, boxes[1:], strict=False))
    widths = [plot.sceneBoundingRect().width() for plot in panel.plots.values()]
    assert max(widths) - min(widths) < 2, widths  # even columns: the loss plot was squeezed to 70 px
    assert panel.key.sceneBoundingRect().bottom() <= boxes[0].top()  # the caption above them, whole

    panel.resize(1370, 700)  # the student drags the dock taller: two a row again
    qtbot.wait(50)
    tops = sorted({round(plot.getViewBox().sceneBoundingRect().top()) for plot in panel.plots.values()})
    assert len(tops) == 2

    panel.resize(1370, 230)
    qtbot.wait(50)
    panel.clear_runs()  # another project: the loss plot alone, across the row as before
    qtbot.wait(50)
    assert list(panel.plots) == ["loss"]
    assert panel.plots["loss"].getViewBox().sceneBoundingRect().height() >= 100


def test_the_decision_boundary_is_as_wide_as_its_data(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Axes locked 1:1 in a short, wide dock stretched the x axis instead: the spiral (±6) sat in the middle of
    an axis from -55 to 55. The plot is now as wide as the data at its height, centred, its key beside it."""
    from nnbuilder.app.dashboard.boundary import BoundaryPanel
    from nnbuilder.app.workers.messages import BoundaryUpdate, DataView

    panel = BoundaryPanel()
    qtbot.addWidget(panel)
    panel.resize(1370, 230)
    panel.show()
    qtbot.waitExposed(panel)
    rng = np.random.default_rng(0)
    points = rng.uniform(-6, 6, (200, 2)).astype(np.float32)
    labels = (points[:, 0] > 0).astype(np.int64)
    panel.set_data(DataView("spiral", "classification", "boundary", (2,), ["0", "1"], 160, 40, 0,
                            train_points=points[:160], train_labels=labels[:160], held_points=points[160:],
                            held_labels=labels[160:], extent=(-6.0, 6.0, -6.0, 6.0)))
    panel.set_boundary(BoundaryUpdate(np.full((20, 20), 0.5, np.float32), (-6.0, 6.0, -6.0, 6.0), 1, 1.0))
    panel.refresh()
    qtbot.wait(50)
    (x0, x1), (y0, y1) = panel.plot.getViewBox().viewRange()
    assert -8 < x0 < -5.5 and 5.5 < x1 < 8, (x0, x1)  # the data's range, not -55 ... 55
    assert -8 < y0 < -5.5 and 5.5 < y1 < 8, (y0, y1)
    plot = panel.plot.sceneBoundingRect()
    middle = panel.view.width() / 2
    assert abs(plot.center().x() - middle) < 0.1 * panel.view.width()  # centred in the tab
    key = panel.legend.sceneBoundingRect()
    assert not key.intersects(panel.plot.getViewBox().sceneBoundingRect())  # the key beside the data
    # the title over the plot and its key, whole: over the plot alone it read "Decision… (epoch 100)"
    panel.set_boundary(BoundaryUpdate(np.full((20, 20), 0.5, np.float32), (-6.0, 6.0, -6.0, 6.0), 100, 100.0))
    panel.refresh()
    qtbot.wait(50)
    title = panel.plot.titleLabel
    assert title.text == "Decision boundary (epoch 100)" and title.toolTip() == ""  # no tooltip: nothing cut
    assert title.sceneBoundingRect().bottom() <= key.top() + 1  # and the key below it, not beside it

    panel.resize(400, 700)  # tall and narrow: the width limits the plot, the y range grows instead
    qtbot.wait(50)
    (x0, x1), (y0, y1) = panel.plot.getViewBox().viewRange()
    assert -8 < x0 < -5.5 and 5.5 < x1 < 8 and y1 - y0 > 16, (x0, x1, y0, y1)


def test_a_narrow_plot_s_title_keeps_its_epoch(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A title too wide for its plot ends in '…' instead of widening the plot, and keeps its closing
    '(epoch N)', the part that changes; the whole title stays in the tooltip."""
    import pyqtgraph as pg

    from nnbuilder.app.dashboard.style import prepare_axes

    view = pg.GraphicsLayoutWidget()
    qtbot.addWidget(view)
    plot = view.addPlot(title="Decision boundary")
    prepare_axes(plot)
    view.resize(230, 200)
    view.show()
    qtbot.waitExposed(view)
    plot.setTitle("Decision boundary (epoch 100)")
    qtbot.wait(20)
    title = plot.titleLabel
    shown = title.item.toPlainText()
    assert shown.endswith("… (epoch 100)") and shown.startswith("Dec"), shown
    assert title.itemRect().width() <= title.rect().width() + 1
    assert title.text == title.toolTip() == "Decision boundary (epoch 100)"
    for epoch in (101, 9, 1000, 100000):  # each epoch's title fits and ends in its own epoch
        plot.setTitle(f"Decision boundary (epoch {epoch})")
        shown = title.item.toPlainText()
        assert shown.endswith(f"(epoch {epoch})") and title.itemRect().width() <= title.rect().width() + 1, shown
    plot.setTitle("Decision boundary (epoch 100)")
    view.resize(600, 200)  # room again: the whole title, no tooltip
    qtbot.wait(20)
    assert title.item.toPlainText() == "Decision boundary (epoch 100)" and title.toolTip() == ""
    view.resize(160, 200)  # room for the epoch only: no stump of a word before it
    qtbot.wait(20)
    assert title.item.toPlainText() == "(epoch 100)"



def test_a_narrow_two_line_title_cuts_only_its_first_line(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The Graph tab's title has a second, small line ("large nodes: the labelled training nodes ..."). Cut as
    one text, a narrow tab lost the whole second line with the end of the first."""
    import pyqtgraph as pg

    from nnbuilder.app.dashboard.style import prepare_axes

    view = pg.GraphicsLayoutWidget()
    qtbot.addWidget(view)
    plot = view.addPlot()
    prepare_axes(plot)
    view.resize(420, 300)
    view.show()
    qtbot.waitExposed(view)
    first = "Epoch 100: 90 of the 400 shown (2,708 in the graph) wrong (red ring) — nodes coloured by predicted class"
    plot.setTitle(f"{first}<br><span style='font-size:8pt'>large nodes: the labelled training nodes</span>")
    qtbot.wait(20)
    title = plot.titleLabel
    top, _, bottom = title.item.toPlainText().partition("\n")
    assert top.startswith("Epoch 100: 90 of") and top.endswith("…") and len(top) < len(first), top
    assert bottom == "large nodes: the labelled training nodes"
    assert title.itemRect().width() <= title.rect().width() + 1

def test_the_gan_lab_and_test_tabs_fit_a_short_dock(qtbot) -> None:  # type: ignore[no-untyped-def]
    """With the GAN Lab (or the Test tab) current, the dashboard grew to its preferred 627 px inside a 290 px
    dock (their word-wrapped labels gave it a height for each width): the lower half of the plane and the
    step buttons were below the dock's edge."""
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QScrollArea

    from nnbuilder.app.workers.messages import DataView

    dash = Dashboard()
    dash.setMinimumSize(560, 300)  # as the training controller sets it
    scroller = QScrollArea()
    scroller.setWidgetResizable(True)
    scroller.setWidget(dash)
    qtbot.addWidget(scroller)
    scroller.resize(1370, 330)
    scroller.show()
    qtbot.waitExposed(scroller)
    dash.set_project_kind("gan")
    dash.begin_run("run 1")
    points = np.random.default_rng(0).normal(size=(100, 2)).astype(np.float32)
    dash.set_data_view(DataView("ring8", "gan", "points", (2,), None, 100, 0, 0, train_points=points,
                                extent=(-2.5, 2.5, -2.5, 2.5), views=["samples", "gan_lab"], kind="gan"))
    for name in ("GAN Lab", "Test"):
        index = next(i for i in range(dash.tabs.count()) if dash.tabs.tabText(i) == name)
        dash.tabs.setTabVisible(index, True)
        dash.tabs.setCurrentIndex(index)
        qtbot.wait(50)
        assert dash.height() <= scroller.viewport().height() + 1, (name, dash.height())
    lab = dash.tabs.widget(next(i for i in range(dash.tabs.count()) if dash.tabs.tabText(i) == "GAN Lab"))
    dash.tabs.setCurrentWidget(lab)
    qtbot.wait(50)
    viewport = scroller.viewport().rect()
    for button in lab.buttons.values():  # the step buttons: on screen, not below the dock's edge
        corner = button.mapTo(scroller.viewport(), QPoint(button.width(), button.height()))
        assert viewport.contains(corner), (button.text(), corner, viewport)
    # the text beside the plane, all its lines with a run's figures in them, within the tab: its last line
    # ("D cannot tell and says ½ everywhere") fell below the tab in a default window
    from nnbuilder.app.workers.messages import ViewFrame
    from nnbuilder.app.workers.views import gan as gan_views

    plane = gan_views.plane_grid((-2.5, 2.5, -2.5, 2.5), 20)
    dash.add_frame(ViewFrame("gan_lab", 60, 10, 60.0, gan_views.gan_lab_frame(
        points, points[:64], np.full(len(plane), 0.4, np.float32), -points[:64], (-2.5, 2.5, -2.5, 2.5), 60, 60.0,
        d_steps=1860, g_steps=1860, coverage=(8, 8, 0.77))))
    dash.refresh_now()
    qtbot.wait(50)
    text = lab.side.item.mapRectToScene(lab.side.item.boundingRect())
    assert "everywhere" in lab.side.item.toPlainText()
    assert text.bottom() <= lab.view.sceneRect().bottom() + 1, (text, lab.view.sceneRect())


@pytest.mark.parametrize("panel_name", ["samples", "gan_lab"])
def test_the_gan_planes_are_as_wide_as_their_data(qtbot, panel_name: str) -> None:  # type: ignore[no-untyped-def]
    """The ring (±2.5) on the Samples and GAN Lab tabs sat on an x axis from -20 to 20 in a short, wide dock."""
    from nnbuilder.app.dashboard.gan_lab import GanLabPanel
    from nnbuilder.app.dashboard.samples import SamplesPanel
    from nnbuilder.app.workers.messages import DataView

    panel = SamplesPanel() if panel_name == "samples" else GanLabPanel()
    qtbot.addWidget(panel)
    panel.resize(1370, 260)
    panel.show()
    qtbot.waitExposed(panel)
    points = np.random.default_rng(0).normal(size=(100, 2)).astype(np.float32)
    panel.set_data(DataView("ring8", "gan", "points", (2,), None, 100, 0, 0, train_points=points,
                            extent=(-2.5, 2.5, -2.5, 2.5), views=["samples", "gan_lab"], kind="gan"))
    qtbot.wait(50)
    (x0, x1), (y0, y1) = panel.plot.getViewBox().viewRange()
    assert -3.5 < x0 < -2.4 and 2.4 < x1 < 3.5, (x0, x1)
    assert -3.5 < y0 < -2.4 and 2.4 < y1 < 3.5, (y0, y1)
    short = panel.plot.getViewBox().sceneBoundingRect()

    panel.resize(1370, 700)  # the dock dragged taller: the plane grows with it, the ring still fills it
    qtbot.wait(50)
    (x0, x1), (y0, y1) = panel.plot.getViewBox().viewRange()
    assert -3.5 < y0 < -2.4 and 2.4 < y1 < 3.5, (y0, y1)  # it read -4 ... 4: empty bands above and below
    tall = panel.plot.getViewBox().sceneBoundingRect()
    assert tall.width() > 2 * short.width(), (short, tall)
    assert abs(tall.center().x() - panel.view.width() / 2) < 0.2 * panel.view.width()  # still centred


def test_a_short_dock_shows_fewer_pictures_large_enough_to_see(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The 5 × 5 gallery in a default window's Training dock drew each picture ~12 px high: a short dock
    now shows fewer rows, each picture at least 48 px, and the title counts what it shows."""
    from nnbuilder.app.dashboard.images import ImagesPanel

    panel = ImagesPanel()
    qtbot.addWidget(panel)
    panel.resize(1370, 260)
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_classes([f"c{i}" for i in range(10)])
    predicted = np.arange(25) % 10
    true = predicted.copy()
    true[[0, 20]] = 9  # one wrong in the first row, one in the last
    panel.set_gallery(GalleryUpdate(2, np.random.default_rng(0).random((25, 28, 28), dtype=np.float32),
                                    predicted, true, np.ones(25, np.float32), np.eye(10, dtype=np.int64), 10))
    panel.refresh()
    qtbot.wait(50)
    panel.refresh()
    shown = panel.rows_shown * 5
    assert 5 <= shown < 25
    assert panel.gallery_title.text.startswith(f"First {shown} validation images") and "— 1 wrong" in panel.gallery_title.text
    for _label, box, image in panel.cells[:shown]:
        assert image.image is not None and box.sceneBoundingRect().height() >= 40

    panel.resize(1370, 800)  # a tall dock: all 25
    qtbot.wait(50)
    panel.refresh()
    assert panel.rows_shown == 5 and "First 25 validation images" in panel.gallery_title.text
    assert "— 2 wrong" in panel.gallery_title.text


def test_without_held_out_points_the_boundary_key_and_test_tab_say_nothing_of_them(dashboard: Dashboard) -> None:
    """The perceptron examples keep no validation split: the key still named "validation / test (hollow)"
    points beside none, and the Test tab pointed at validation scores the curves did not have."""
    d = dashboard
    rng = np.random.default_rng(0)
    pts = rng.uniform(-1, 1, size=(40, 2)).astype(np.float32)
    lab = (pts[:, 0] > 0).astype(np.int64)
    d.begin_run("run 1")
    d.set_data_view(DataView("Blobs", "classification", VIEW_2D, (2,), ["a", "b"], 40, 0, 0, pts, lab,
                             pts[:0], lab[:0], (-1.0, 1.0, -1.0, 1.0)))
    keys = [label.text for _sample, label in d.boundary.legend.items]
    assert keys == ["training (filled)"]
    d.end_run("finished", True, {"training": 40})
    assert d.evaluate.evaluate_label.text().startswith("This data set has no test split; the scores on the "
                                                      "training data are in the curves")
    _feed_run(d, "run 2")  # the spiral keeps a validation split: its hollow points are named again
    keys = [label.text for _sample, label in d.boundary.legend.items]
    assert keys == ["training (filled)", "validation / test (hollow)"]
    d.evaluate.set_available(True, {"training": 160, "validation": 40})
    assert d.evaluate.evaluate_label.text() == ("This data set has no test split; the validation scores are in "
                                                "the curves.")

"""The Weights tab's axes: the weight histogram on a linear epoch axis, whole-number ticks on the cells of a
weight matrix, and a 1-D convolution's filters drawn large enough to read, with a title and a colour key."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QRectF

from nnbuilder.app.dashboard.weights import WeightsPanel
from nnbuilder.app.workers.messages import WeightsUpdate
from nnbuilder.app.workers.views.weights import filter_mosaic

from .helpers import shown

BINS = 64


def _shown_panel(qtbot, width: int = 900, height: int = 400) -> WeightsPanel:  # type: ignore[no-untyped-def]
    return shown(qtbot, WeightsPanel(), width, height)


def _snapshot(i: int, position: float) -> WeightsUpdate:
    """Snapshot number ``i``: all its weights in bin 2 + i, so a drawn column tells which snapshot it is."""
    counts = np.zeros(BINS, dtype=np.float32)
    counts[2 + i % 60] = 5
    return WeightsUpdate(epoch=max(1, int(np.ceil(position))), position=position, histograms={"w": counts},
                         hist_ranges={"w": 1.0}, matrices={"w": np.ones((3, 2), np.float32)}, shapes={"w": (3, 2)})


def _feed(qtbot, panel: WeightsPanel, positions: list[float]) -> None:  # type: ignore[no-untyped-def]
    for i, position in enumerate(positions):
        panel.add(_snapshot(i, position))
    panel.refresh()
    qtbot.wait(50)  # let the layouts settle, as a real window does between frames


def _image_rect(item: pg.ImageItem) -> QRectF:
    """Where an image item is drawn, in its plot's coordinates."""
    return item.mapRectToParent(item.boundingRect())


def _drawn_columns(panel: WeightsPanel) -> tuple[np.ndarray, np.ndarray]:
    """The histogram as drawn: each image column's centre on the epoch axis and the snapshot it shows."""
    img = panel.hist_image.image
    rect = _image_rect(panel.hist_image)
    n = img.shape[1]
    centres = rect.left() + (np.arange(n) + 0.5) * rect.width() / n
    return centres, np.argmax(img, axis=0) - 2


def _ticks(axis: pg.AxisItem) -> tuple[float, list[float], list[str]]:
    """An axis' labelled ticks as it draws them: (spacing, values, texts)."""
    lo, hi = axis.range
    spacing, values = axis.tickValues(lo, hi, axis.width() if axis.orientation in ("top", "bottom")
                                      else axis.height())[0]
    return spacing, list(values), axis.tickStrings(values, axis.scale, spacing)


def _assert_linear_round_ticks(axis: pg.AxisItem) -> list[float]:
    spacing, values, texts = _ticks(axis)
    assert len(values) >= 3, values
    assert np.allclose(np.diff(values), spacing), values  # evenly spaced
    mantissa = spacing / 10 ** np.floor(np.log10(spacing))
    assert min(abs(mantissa - m) for m in (1, 2, 2.5, 5)) < 1e-6, spacing  # a round step
    assert np.allclose(np.round(np.asarray(values) / spacing), np.asarray(values) / spacing)  # on its multiples
    assert [float(t) for t in texts] == pytest.approx(values), (values, texts)  # each label at its own value
    return values


@pytest.mark.parametrize("positions", [
    [0.5, 3.2, 7.0, 14.0, 17.0, 21.0, 23.0, 30.0],  # skip-connection moons: snapshots paced by time, 30 epochs
    [1.0, 18.0, 30.0],  # the same, three snapshots
    [0.1, 0.4, 0.7, 1.0, 1.3, 1.4],  # a CNN stopped after 1.4 epochs
    [0.08, 0.2, 0.31, 0.5, 0.55, 1.0, 1.12, 1.5, 2.0, 2.4, 2.5, 3.5, 3.57, 4.0],  # an LSTM's uneven snapshots
    [1.0, 9.0, 21.0, 31.0, 43.0, 56.0, 66.0, 77.0, 87.0, 99.0, 100.0],  # Cora's GCN, 100 epochs
    [*range(1, 21), *range(25, 101, 5)],  # one a second: every epoch at first, every fifth later
    [1.0, 100.0],  # a karate-club run of 100 epochs in 0.4 s
    [1.0, 11.005, 20.0],  # the perceptron: a snapshot one batch into epoch 12
    [i / 12 for i in range(1, 13)],  # a CNN's first epoch: a dozen snapshots within it
])
def test_each_histogram_column_covers_the_epochs_it_stands_for(qtbot, positions: list[float]) -> None:  # type: ignore[no-untyped-def]
    """The columns were one image pixel each, labelled with their snapshots' epochs: the axis was not to scale
    (half an epoch 35 px in one place, 63 px in another; 3 columns of a 30-epoch run labelled 1, 18, 30).
    Each column now spans the training since the snapshot before it, on a linear epoch axis."""
    panel = _shown_panel(qtbot)
    _feed(qtbot, panel, positions)
    rect = _image_rect(panel.hist_image)
    assert rect.left() == pytest.approx(np.ceil(positions[0]) - 1)  # from the first snapshot's epoch's start
    assert rect.right() == pytest.approx(positions[-1])  # to the newest snapshot
    centres, shown = _drawn_columns(panel)
    edges = [rect.left(), *positions]
    for x, i in zip(centres, shown, strict=True):
        assert edges[i] <= x <= edges[i + 1], (x, i, edges)  # the snapshot drawn at x is the one for x
    # each snapshot drawn once: one block of columns, in order, none left out
    runs = [int(i) for k, i in enumerate(shown) if k == 0 or i != shown[k - 1]]
    assert runs == list(range(len(positions))), runs
    step = rect.width() / len(shown)
    for i in range(len(positions)):  # as wide as its stretch of training, to within one image column
        assert np.count_nonzero(shown == i) * step == pytest.approx(edges[i + 1] - edges[i], abs=step + 1e-9)
    axis = panel.hist_plot.getAxis("bottom")
    assert axis.labelText == "epoch"
    ticks = _assert_linear_round_ticks(axis)
    assert ticks[0] >= rect.left() - 1e-9 and ticks[-1] <= rect.right() + 1e-9


def test_evenly_spaced_snapshots_are_one_image_column_each(qtbot) -> None:  # type: ignore[no-untyped-def]
    """One snapshot an epoch (the lecture MLP): the image is drawn as it is, each snapshot once, epoch e's
    column over (e - 1, e]."""
    panel = _shown_panel(qtbot)
    _feed(qtbot, panel, [1.0, 2.0, 3.0, 4.0, 5.0])
    assert panel.hist_image.image.shape == (BINS, 5)
    assert list(_drawn_columns(panel)[1]) == [0, 1, 2, 3, 4]
    rect = _image_rect(panel.hist_image)
    assert (rect.left(), rect.right()) == pytest.approx((0.0, 5.0))
    texts = _ticks(panel.hist_plot.getAxis("bottom"))[2]
    assert texts[0] == "0" and all(t.isdigit() for t in texts) and int(texts[-1]) >= 4, texts  # not "1.0"


def test_a_run_continued_from_epoch_30_starts_its_histogram_there(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = _shown_panel(qtbot)
    _feed(qtbot, panel, [30.25, 30.5, 31.0, 32.0])
    rect = _image_rect(panel.hist_image)
    assert (rect.left(), rect.right()) == pytest.approx((30.0, 32.0))


def test_a_snapshot_at_the_same_place_replaces_the_last_column(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A snapshot asked for at an epoch's last batch and one at its end share a position: the newer one is drawn
    (the older would be a column without width)."""
    panel = _shown_panel(qtbot)
    _feed(qtbot, panel, [0.5, 1.0, 1.0, 1.5])
    assert list(_drawn_columns(panel)[1]) == [0, 2, 3]


def test_a_new_run_forgets_the_old_columns(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = _shown_panel(qtbot)
    _feed(qtbot, panel, [1.0, 2.0, 10.0])
    panel.clear()
    assert panel.hist_image.image is None
    _feed(qtbot, panel, [0.5, 1.0])
    rect = _image_rect(panel.hist_image)
    assert (rect.left(), rect.right()) == pytest.approx((0.0, 1.0))


def test_the_update_stays_small_with_many_uneven_snapshots(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Live during training: the resampled image stays a few thousand columns however thin a snapshot's
    stretch (one batch of 3,475 between a timed snapshot and an epoch's end)."""
    panel = _shown_panel(qtbot)
    positions = sorted({round(p, 6) for p in np.cumsum(np.full(390, 0.05))} | {float(e) + 1 / 3475
                                                                               for e in range(1, 10)})
    _feed(qtbot, panel, positions)
    assert panel.hist_image.image.shape[0] == BINS and panel.hist_image.image.shape[1] <= 2048
    shown = _drawn_columns(panel)[1]
    runs = [int(i) for k, i in enumerate(shown) if k == 0 or i != shown[k - 1]]
    # in order (snapshot numbers are told apart modulo 60 here), skipping at most a sub-pixel one in between
    assert all(1 <= (b - a) % 60 <= 2 for a, b in zip(runs, runs[1:], strict=False)), runs


def _matrix_panel(qtbot, matrix: np.ndarray, shape: tuple[int, int] | None = None) -> WeightsPanel:  # type: ignore[no-untyped-def]
    panel = _shown_panel(qtbot)
    counts = np.zeros(BINS, dtype=np.float32)
    counts[BINS // 2] = 1
    panel.add(WeightsUpdate(epoch=1, position=1.0, histograms={"dense": counts}, hist_ranges={"dense": 1.0},
                            matrices={"dense": matrix}, shapes={"dense": shape or matrix.shape}))
    panel.refresh()
    qtbot.wait(50)
    return panel


@pytest.mark.parametrize(("rows", "cols"), [(16, 2), (1, 2), (10, 10)])
def test_weight_matrix_ticks_are_whole_numbers_on_the_cells(qtbot, rows: int, cols: int) -> None:  # type: ignore[no-untyped-def]
    """A 16×2 matrix's inputs read 0, 0.5, 1.0, 1.5, 2.0 and a 10×10 matrix 0 ... 10, as if it had 11 units."""
    w = np.arange(rows * cols, dtype=np.float32).reshape(rows, cols) - rows * cols / 2
    panel = _matrix_panel(qtbot, w)
    rect = _image_rect(panel.matrix_image)
    for name, n in (("bottom", cols), ("left", rows)):
        _spacing, values, texts = _ticks(panel.matrix_plot.getAxis(name))
        assert texts and all(t.isdigit() for t in texts), texts
        indices = [int(t) for t in texts]
        assert indices[0] == 0 and n - 1 - indices[-1] < max(np.diff(indices), default=1), indices
        assert len(set(np.diff(indices))) <= 1, indices  # every index, or every 2nd, 5th ...
        if n <= 2:
            assert indices == list(range(n))
        start, size = (rect.left(), rect.width()) if name == "bottom" else (rect.top(), rect.height())
        for value, index in zip(values, indices, strict=True):  # at the centre of its cell
            assert value == pytest.approx(start + (index + 0.5) * size / n)


def test_a_large_matrix_gets_fewer_whole_number_ticks(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Strided for display (64×392 of 64×1568), the inputs were numbered 0 ... 392 by the shown columns."""
    panel = _matrix_panel(qtbot, np.ones((64, 392), np.float32), shape=(64, 1568))  # strided for display
    for name, n in (("bottom", 1568), ("left", 64)):
        axis = panel.matrix_plot.getAxis(name)
        spacing, values, texts = _ticks(axis)
        assert all(t.isdigit() and 0 <= int(t) < n for t in texts), texts
        assert int(texts[-1]) >= n - n // 4, texts  # the real matrix's indices (1,568 inputs), not the 392 shown
        assert [float(t) for t in texts] == pytest.approx(values)  # index i at i: stretched over the real indices
        length = axis.width() if name == "bottom" else axis.height()
        px = spacing * length / abs(axis.range[1] - axis.range[0])
        assert px >= (16 if name == "left" else 8 * len(str(n - 1)) + 10) - 1e-6, (name, px)  # labels apart


def _filters_panel(qtbot, w: np.ndarray) -> WeightsPanel:  # type: ignore[no-untyped-def]
    panel = _shown_panel(qtbot, 1000, 600)
    counts = np.zeros(BINS, dtype=np.float32)
    counts[BINS // 2] = 1
    panel.add(WeightsUpdate(epoch=1, position=1.0, histograms={"conv_1d_1": counts},
                            hist_ranges={"conv_1d_1": 1.0}, shapes={"conv_1d_1": tuple(w.shape)},
                            filters=filter_mosaic(w), filters_layer="conv_1d_1"))
    panel.refresh()
    qtbot.wait(50)
    return panel


def _cell_px(panel: WeightsPanel) -> tuple[float, float]:
    """One image cell's width and height on screen, in pixels."""
    img = panel.filter_image.image
    scene = panel.filter_image.mapRectToScene(panel.filter_image.boundingRect())
    return scene.width() / img.shape[1], scene.height() / img.shape[0]


def test_a_conv1d_s_filters_are_rows_of_taps_with_a_title_and_a_colour_key(qtbot) -> None:  # type: ignore[no-untyped-def]
    """21 filters of 7 taps were 1-pixel-wide strips about 50 px tall, with nothing saying what they were."""
    rng = np.random.default_rng(0)
    w = rng.normal(0, 0.3, size=(21, 1, 7)).astype(np.float32)
    panel = _filters_panel(qtbot, w)
    assert panel.filter_plot.isVisible()
    title = panel.filter_plot.titleLabel.text
    assert "conv_1d_1" in title and "21 filters × 7 taps" in title, title
    image = panel.filter_image.image
    assert image.shape == (21, 7)
    np.testing.assert_array_equal(image, w[:, 0, :])  # filter i is row i, tap j column j, in the weights' units
    width, height = _cell_px(panel)
    assert width >= 12 and height >= 4, (width, height)  # each filter a row of readable cells
    left, bottom = panel.filter_plot.getAxis("left"), panel.filter_plot.getAxis("bottom")
    assert left.isVisible() and bottom.isVisible()
    assert left.labelText == "filter" and bottom.labelText == "tap"
    assert _ticks(bottom)[2] == [str(j) for j in range(7)]
    (x0, x1), (y0, y1) = panel.filter_plot.getViewBox().viewRange()  # the view fits the filters, no empty band
    rect = _image_rect(panel.filter_image)
    assert x0 <= rect.left() and x1 >= rect.right() and (x1 - x0) < 1.2 * rect.width()
    assert y0 <= rect.top() and y1 >= rect.bottom() and (y1 - y0) < 1.2 * rect.height()
    key = panel.filter_key
    peak = float(np.abs(w).max())
    assert key.isVisible() and key.levels() == pytest.approx((-peak, peak))
    assert panel.filter_image.levels == pytest.approx([-peak, peak])
    blue, red = key.colorMap().map([0.0, 1.0], mode="byte")[:, :3]  # the key's low end blue, its high end red
    assert blue[2] > blue[0] and red[0] > red[2]


@pytest.mark.parametrize(("shape", "words", "bottom"), [
    ((21, 7, 1), "21 filters × 7 input channels (kernel size 1)", "input channel"),  # household power: lecture
    ((21, 1, 1), "21 filters, kernel size 1 on 1 input channel: one weight each", "input channel"),  # LSTM
])
def test_kernel_size_1_filters_say_what_their_cells_are(qtbot, shape: tuple[int, ...], words: str,  # type: ignore[no-untyped-def]
                                                        bottom: str) -> None:
    """With kernel size 1 the filters were a grid of coloured squares with nothing explaining them."""
    w = np.linspace(-1, 2, int(np.prod(shape)), dtype=np.float32).reshape(shape)
    panel = _filters_panel(qtbot, w)
    assert words in panel.filter_plot.titleLabel.text
    assert panel.filter_image.image.shape == (shape[0], shape[1])
    assert panel.filter_plot.getAxis("bottom").labelText == bottom
    assert panel.filter_key.isVisible() and panel.filter_key.levels() == pytest.approx((-2.0, 2.0))
    width, height = _cell_px(panel)
    assert width >= 12 and height >= 4, (width, height)


def test_conv1d_input_channels_lie_side_by_side() -> None:
    w = np.arange(4 * 3 * 5, dtype=np.float32).reshape(4, 3, 5)
    image = filter_mosaic(w)
    assert image.shape == (4, 3 * 5 + 2)
    assert np.isnan(image[:, [5, 11]]).all() and not np.isnan(np.delete(image, [5, 11], axis=1)).any()
    np.testing.assert_array_equal(image[:, 6:11], w[:, 1, :])


def test_2d_filters_stay_a_square_mosaic_with_a_colour_key(qtbot) -> None:  # type: ignore[no-untyped-def]
    w = np.random.default_rng(1).normal(0, 0.2, size=(16, 3, 3, 3)).astype(np.float32)
    panel = _filters_panel(qtbot, w)
    assert "16 filters, 3×3, mean over 3 input channels" in panel.filter_plot.titleLabel.text
    assert not panel.filter_plot.getAxis("left").isVisible()
    assert panel.filter_plot.getViewBox().state["aspectLocked"]
    peak = float(np.nanmax(np.abs(filter_mosaic(w))))
    assert panel.filter_key.isVisible() and panel.filter_key.levels() == pytest.approx((-peak, peak))


def test_another_project_finds_the_weights_tab_as_before_any_run(qtbot) -> None:  # type: ignore[no-untyped-def]
    """After a run, opening another project left the histogram on epochs -1.5 ... 1.5 and weights 0 ... -2
    and the gradient norms on the old run's epochs, over empty plots with nothing to say why."""
    from nnbuilder.app.dashboard.weights import EMPTY_NOTE

    panel = _shown_panel(qtbot)
    assert panel.hist_note.isVisible() and panel.hist_note.toPlainText() == EMPTY_NOTE
    for i, position in enumerate((0.5, 1.5, 3.0)):
        panel.add(_snapshot(i, position))
    panel.refresh()
    qtbot.wait(20)
    assert not panel.hist_note.isVisible()
    panel.clear()
    panel.refresh()
    qtbot.wait(20)
    assert panel.hist_note.isVisible()
    for plot in (panel.hist_plot, panel.grad_plot):
        (x0, x1), (y0, y1) = plot.getViewBox().viewRange()
        assert (x0, x1) == (0.0, 1.0), (x0, x1)

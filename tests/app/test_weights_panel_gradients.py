"""The Weights tab's gradient plot for runs without gradients (the perceptron rule)."""

from __future__ import annotations

import numpy as np
import pytest

from nnbuilder.app.dashboard.weights import WeightsPanel
from nnbuilder.app.workers.messages import WeightsUpdate


def _snapshot(epoch: int, grad_norms: dict[str, float]) -> WeightsUpdate:
    counts = np.zeros(32, dtype=np.float32)
    counts[16] = 3
    return WeightsUpdate(epoch=epoch, position=float(epoch), histograms={"neuron": counts},
                         hist_ranges={"neuron": 1.0}, matrices={"neuron": np.ones((1, 2), np.float32)},
                         shapes={"neuron": (1, 2)}, grad_norms=grad_norms)


def test_perceptron_run_says_why_the_gradient_plot_is_empty(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = WeightsPanel()
    qtbot.addWidget(panel)
    assert panel.grad_plot.titleLabel.text == "Gradient norm per layer"  # nothing trained yet: no excuse shown
    panel.add(_snapshot(1, {}))  # the perceptron rule: weights move, no gradients
    panel.refresh()
    assert "perceptron rule" in panel.grad_plot.titleLabel.text
    assert not panel.grad_plot.getAxis("left").style["showValues"]  # no squashed log labels on an empty plot

    panel.clear()  # a new run with backpropagation draws its curves under the plain title
    panel.add(_snapshot(1, {"neuron": 0.5}))
    panel.refresh()
    assert panel.grad_plot.titleLabel.text == "Gradient norm per layer"
    assert panel.grad_plot.getAxis("left").style["showValues"]


def test_the_gradient_legend_names_every_layer_beside_the_curves(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Anchored inside the plot's top right, the legend covered the newest epochs' gradient norms, and in the
    Weights tab of a short Training dock it was cut off after two of the CNN's four layers."""
    from PySide6.QtCore import QPointF

    panel = WeightsPanel()
    qtbot.addWidget(panel)
    panel.resize(1000, 330)  # the Training dock's height in a default-sized window
    panel.show()
    qtbot.waitExposed(panel)
    layers = ["conv1", "conv2", "hidden", "output"]
    for epoch in range(1, 31):
        panel.add(_snapshot(epoch, {name: 0.1 * (i + 1) * (1 + 1 / epoch) for i, name in enumerate(layers)}))
    panel.refresh()
    qtbot.wait(50)  # let the layouts settle, as a real window does between frames
    legend = panel.grad_legend
    assert [label.text for _, label in legend.items] == layers
    shown = legend.sceneBoundingRect()
    box = panel.grad_plot.getViewBox()
    area = box.sceneBoundingRect()
    assert not shown.intersects(area.adjusted(area.width() * 0.8, 0, 0, 0)), (shown, area)  # newest epochs clear
    for curve in panel._grad_curves.values():
        xs, ys = curve.getData()  # as drawn: log10 of the norms on the log axis
        last = box.mapViewToScene(QPointF(float(xs[-1]), float(ys[-1])))
        assert np.isfinite([last.x(), last.y()]).all()
        assert area.adjusted(-1, -1, 1, 1).contains(last) and not shown.contains(last)
    # every entry readable: the legend fits inside the plot, not cut off at its bottom
    assert panel.grad_plot.sceneBoundingRect().adjusted(-1, -1, 1, 1).contains(shown)


def test_the_gradient_axis_labels_never_run_into_each_other(qtbot) -> None:  # type: ignore[no-untyped-def]
    """In a short Training dock the log axis labelled 0.002, 0.003 ... 0.2 on top of each other (pyqtgraph
    labels every multiple once its spacing drops below a decade): the labels drawn must fit the axis' height,
    and there is always at least one to read the scale by."""
    panel = WeightsPanel()
    qtbot.addWidget(panel)
    axis = panel.grad_plot.getAxis("left")
    assert axis.logMode and axis.style["maxTextLevel"] == 0  # only the first level of ticks gets text
    for lo, hi in [(-2.46, -0.16), (-0.5, -0.1), (-8.0, 2.0), (-3.0, -2.0)]:
        for height in (40, 55, 120, 300):
            labelled = axis.tickValues(lo, hi, height)[0][1]
            assert labelled, (lo, hi, height)
            gaps = np.diff(sorted(labelled)) * height / (hi - lo)  # pixels between neighbouring labels
            assert (gaps >= 14).all(), (lo, hi, height, labelled)
    # a part of one decade too short for both of its multiples: the one that fits, at its true place
    assert [round(10 ** v, 6) for v in axis.tickValues(np.log10(0.3), np.log10(0.45), 20)[0][1]] == [0.3]
    # decades first: 0.01 and 0.1 label a short 0.0035 ... 0.7 axis; a tall one adds 2 and 5 times them
    assert [round(v, 6) for v in axis.tickValues(-2.46, -0.16, 55)[0][1]] == [-2.0, -1.0]
    assert [round(10 ** v, 6) for v in axis.tickValues(-2.46, -0.16, 300)[0][1]] == [
        0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5]



def test_a_short_wide_dock_puts_the_plots_side_by_side(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A default window's Training dock is ~230 px tall: in two rows each plot area was 20-30 px high and its
    axis labels piled on each other. Side by side each gets the dock's height; a tall dock keeps two rows."""
    panel = WeightsPanel()
    qtbot.addWidget(panel)
    panel.resize(1370, 230)
    panel.show()
    qtbot.waitExposed(panel)
    for epoch in range(1, 6):
        panel.add(_snapshot(epoch, {"neuron": 0.5 / epoch}))
    panel.refresh()
    qtbot.wait(50)
    plots = [panel.hist_plot, panel.matrix_plot, panel.grad_plot]
    boxes = [p.getViewBox().sceneBoundingRect() for p in plots]
    assert all(box.height() >= 100 for box in boxes), [box.height() for box in boxes]
    assert boxes[0].right() <= boxes[1].left() and boxes[1].right() <= boxes[2].left()  # one row, left to right
    assert not panel.filter_plot.isVisible()  # no convolution: no empty filters panel in the row

    panel.resize(1000, 700)  # the student drags the dock taller: two rows again
    qtbot.wait(50)
    hist, grad = (p.getViewBox().sceneBoundingRect() for p in (panel.hist_plot, panel.grad_plot))
    assert grad.top() > hist.bottom() and grad.width() > 1.5 * hist.width()  # the gradients across the width


def test_a_cnn_s_four_plots_and_the_gradient_legend_fit_a_short_dock(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Four plots in a row asked for their titles' full widths, more than the window had: the gradient legend
    ran off the right edge. Titles now give way ("…", the whole title in the tooltip)."""
    panel = WeightsPanel()
    qtbot.addWidget(panel)
    panel.resize(1100, 250)
    panel.show()
    qtbot.waitExposed(panel)
    layers = ["conv1", "conv2", "hidden", "output"]
    counts = np.zeros(32, dtype=np.float32)
    counts[16] = 3
    for epoch in range(1, 4):
        panel.add(WeightsUpdate(epoch=epoch, position=float(epoch), histograms={"hidden": counts},
                                hist_ranges={"hidden": 0.5}, matrices={"hidden": np.ones((64, 392), np.float32)},
                                shapes={"hidden": (64, 1568)}, grad_norms={n: 0.5 for n in layers},
                                filters=np.ones((16, 3, 3), np.float32), filters_layer="conv1"))
    panel.refresh()
    qtbot.wait(50)
    assert panel.filter_plot.isVisible()
    width = panel.view.width()
    rows = {round(p.sceneBoundingRect().top()) for p in (panel.hist_plot, panel.matrix_plot, panel.filter_plot,
                                                          panel.grad_plot)}
    assert len(rows) == 1  # side by side
    for plot in (panel.hist_plot, panel.matrix_plot, panel.filter_plot, panel.grad_plot):
        assert plot.sceneBoundingRect().right() <= width + 1, plot.titleLabel.text
        title = plot.titleLabel
        assert title.itemRect().width() <= title.rect().width() + 1  # the title stays over its own plot
        shown = title.item.toPlainText()
        assert shown == title.text or ("…" in shown and title.toolTip() == title.text)
    assert panel.grad_legend.sceneBoundingRect().right() <= width
    assert [label.text for _, label in panel.grad_legend.items] == layers
    assert panel.matrix_plot.titleLabel.text.startswith("Weight matrix: hidden 64×1568")


def _shown_panel(qtbot) -> WeightsPanel:  # type: ignore[no-untyped-def]
    panel = WeightsPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 400)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def _axis_labels(panel: WeightsPanel) -> list[tuple[float, str]]:
    """The histogram's time-axis labels as drawn: (x on the image, text)."""
    axis = panel.hist_axis
    lo, hi = axis.range
    values = [v for _spacing, vs in axis.tickValues(lo, hi, axis.width()) for v in vs]
    return list(zip(values, axis.tickStrings(values, 1.0, 1.0), strict=True))


def test_the_weight_histogram_is_labelled_in_epochs_not_snapshots(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Snapshots are paced by time: a karate-club run of 100 epochs in 0.4 s leaves five of them. Counted in
    snapshots (0 ... 5), the axis could not say which epochs the columns show."""
    panel = _shown_panel(qtbot)
    for epoch in [*range(1, 21), *range(25, 101, 5)]:  # one a second: every epoch at first, every fifth later
        panel.add(_snapshot(epoch, {"neuron": 0.5}))
    panel.refresh()
    qtbot.wait(50)
    assert panel.hist_plot.getAxis("bottom").labelText == "epoch"
    labels = _axis_labels(panel)
    texts = [t for _x, t in labels]
    assert len(texts) >= 3 and all(t.isdigit() for t in texts), texts
    epochs = [int(t) for t in texts]
    assert epochs == sorted(epochs) and 1 <= epochs[0] and 80 <= epochs[-1] <= 100, epochs
    xs = [x for x, _t in labels]
    # each label sits at its epoch's column, or between the columns taken before and after it: epoch 30's column
    # is the 22nd (21 ... 22 on the image), 27.5 lies halfway between 25's and 30's, 100's is the last
    for x, epoch in zip(xs, epochs, strict=True):
        assert panel.hist_axis.epoch_at(x) == pytest.approx(epoch)
    assert panel.hist_axis.column_of(30) == pytest.approx(21.5)
    assert panel.hist_axis.column_of(27.5) == pytest.approx(21.0)
    assert panel.hist_axis.column_of(100) == pytest.approx(35.5)
    width = panel.hist_plot.getViewBox().width() / (panel.hist_axis.range[1] - panel.hist_axis.range[0])
    assert all((b - a) * width >= panel.hist_axis.LABEL_PX - 0.5 for a, b in zip(xs, xs[1:], strict=False))

    panel.clear()  # a new run forgets the old columns' epochs
    assert _axis_labels(panel) == []


def test_the_weight_histogram_labels_parts_of_an_epoch_in_a_one_epoch_run(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = _shown_panel(qtbot)
    for i in range(1, 13):  # a CNN's first epoch: a dozen snapshots within it
        update = _snapshot(1, {"neuron": 0.5})
        update.position = i / 12
        panel.add(update)
    panel.refresh()
    qtbot.wait(50)
    texts = [t for _x, t in _axis_labels(panel)]
    assert len(texts) >= 2 and all(0 < float(t) <= 1 for t in texts), texts
    assert len(set(texts)) == len(texts), texts  # no label says the same epoch twice


def test_a_few_snapshots_are_each_labelled_with_their_own_epoch(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Two snapshots (a karate-club run that took 0.4 s): the labels name the two columns' epochs, not round
    epochs squeezed between them."""
    panel = _shown_panel(qtbot)
    for epoch in (1, 100):
        panel.add(_snapshot(epoch, {"neuron": 0.5}))
    panel.refresh()
    qtbot.wait(50)
    assert _axis_labels(panel) == [(0.5, "1"), (1.5, "100")]


def test_a_snapshot_just_past_an_epoch_start_reads_as_that_epoch(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The perceptron's snapshots at 1, 11.005 and 20 were labelled "1, 11.005, 20"."""
    panel = _shown_panel(qtbot)
    for position in (1.0, 11.005, 20.0):
        update = _snapshot(int(position), {})
        update.position = position
        panel.add(update)
    panel.refresh()
    qtbot.wait(50)
    assert [t for _x, t in _axis_labels(panel)] == ["1", "11", "20"]
    panel.clear()
    for epoch in range(1, 6):  # the lecture MLP: one snapshot an epoch, labelled 1 ... 5, not 1.0 ... 5.0
        panel.add(_snapshot(epoch, {}))
    panel.refresh()
    qtbot.wait(50)
    assert [t for _x, t in _axis_labels(panel)] == ["1", "2", "3", "4", "5"]

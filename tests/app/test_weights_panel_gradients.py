"""The Weights tab's gradient plot for runs without gradients (the perceptron rule)."""

from __future__ import annotations

import numpy as np

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

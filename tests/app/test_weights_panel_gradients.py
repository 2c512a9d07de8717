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

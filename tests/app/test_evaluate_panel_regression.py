"""The Test tab for a regression model (the household-power forecast): no class wording, bars from zero."""

from __future__ import annotations

import numpy as np

from nnbuilder.app.dashboard.evaluate import EvaluatePanel
from nnbuilder.app.workers.messages import PredictionResult


def test_regression_prediction_is_never_called_class_probabilities(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = EvaluatePanel()
    qtbot.addWidget(panel)
    panel.set_available(True, {"test": 10})
    assert "Class probabilities" not in panel.bar_plot.titleLabel.text  # before Predict: task unknown yet

    values = np.array([0.13, 0.135, 0.12, 0.09], dtype=np.float32)
    panel.show_prediction(PredictionResult(split="test", index=0, values=values, true=0.02,
                                           class_names=None, regression=True))
    assert panel.bar_plot.titleLabel.text == "Predicted value"
    low, high = panel.bar_plot.viewRange()[1]
    assert low <= 0.0 < 0.135 <= high  # bar heights compare from zero, not from the smallest value

    panel.clear_answers()  # Clear runs: back to the neutral title
    assert "Class probabilities" not in panel.bar_plot.titleLabel.text

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


def test_a_forecast_is_shown_in_kw_with_its_true_values(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Predict on the power forecast showed one number in the scaled units the LSTM trains on ("predicted
    0.1013, true 0.02269") while the Predictions tab speaks kW: now every step ahead, in kW, with the truth."""
    from pathlib import Path

    from nnbuilder.project import load_project

    from .helpers import shown_harness

    examples = Path(__file__).resolve().parents[2] / "resources" / "examples"
    project = load_project(examples / "household_power_lstm.nnb")
    project.training.epochs = 1
    harness = shown_harness(qtbot, project)
    c = harness.controller
    with qtbot.waitSignal(c.run_finished, timeout=120_000):
        assert c.train()
    qtbot.waitUntil(lambda: not c.is_busy, timeout=60_000)
    assert c.predict("test", 3)
    qtbot.waitUntil(lambda: not c.is_busy and c.dashboard.evaluate.predict_label.text() != "", timeout=60_000)

    panel = c.dashboard.evaluate
    ds = c.trainer.dataset
    extra = ds.extra
    scale, offset = extra["target_scale"], extra["target_offset"]
    raw = np.asarray(c.trainer.predict(np.asarray(ds.x_test[3:4])), dtype=np.float32).reshape(-1)
    true_kw = np.asarray(ds.y_test[3], dtype=np.float32).reshape(-1) * scale + offset
    bars = np.asarray(panel.bars.opts["height"], dtype=np.float32)
    assert len(bars) == 10 and np.allclose(bars, raw * scale + offset, rtol=1e-5)  # kW, every step ahead
    marks = panel.truth_marks.getData()[1]
    assert np.allclose(marks, true_kw, rtol=1e-5)
    title = panel.bar_plot.titleLabel.text
    assert "Global_active_power (kW)" in title and "next 10 steps" in title and "true values" in title
    text = panel.predict_label.text()
    assert f"predicted {bars[0]:.4g} … {bars[-1]:.4g}" in text and f"true {true_kw[0]:.4g}" in text and "kW" in text
    low, high = panel.bar_plot.viewRange()[1]
    assert low <= min(0.0, float(marks.min())) and high >= float(max(bars.max(), marks.max()))

    panel.clear_answers()  # another project opened: nothing of the forecast stays behind
    assert len(panel.truth_marks.getData()[0]) == 0 and len(panel.bars.opts["height"]) == 0
    assert panel.bar_plot.getAxis("bottom")._tickLevels is None  # the +1 ... +10 step labels are gone
    low, high = panel.bar_plot.viewRange()[1]
    assert abs(low) < 0.05 and abs(high - 1.0) < 0.05 and "kW" not in panel.bar_plot.titleLabel.text

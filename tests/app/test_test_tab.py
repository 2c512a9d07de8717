"""The Test tab as a tester met it in a real window: readable class names, a labelled input window for a
time series, nothing of the previous project, honest words during a run, a split combo that shows its
items, and test scores that say their units."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtGui import QPainter, QPicture
from PySide6.QtWidgets import QApplication, QComboBox

from nnbuilder.app.dashboard import Dashboard
from nnbuilder.app.dashboard.evaluate import IDLE_TITLE, EvaluatePanel
from nnbuilder.app.workers.messages import PredictionResult
from nnbuilder.project import load_project

from .helpers import shown, shown_harness

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"
CORA = ["Case_Based", "Genetic_Algorithms", "Neural_Networks", "Probabilistic_Methods", "Reinforcement_Learning",
        "Rule_Learning", "Theory"]
POWER_COLUMNS = ["Global_active_power", "Global_reactive_power", "Voltage", "Global_intensity", "Sub_metering_1",
                 "Sub_metering_2", "Sub_metering_3"]
MINMAX_POWER = {"time_series": True, "columns": POWER_COLUMNS, "scaling": "minmax", "target_scale": 9.08,
                "target_offset": 0.076, "target": "Global_active_power", "target_unit": "kW"}


def shown_panel(qtbot: Any, width: int = 1000, height: int = 420) -> EvaluatePanel:
    return shown(qtbot, EvaluatePanel(), width, height)


def settle() -> None:
    for _ in range(4):  # pyqtgraph lays out and then resizes axes to their text, one event round each
        QApplication.processEvents()


def drawn_labels(panel: EvaluatePanel) -> list[tuple[float, float, str]]:
    """(left, right, text) of every label the bar plot's bottom axis draws, measured as it draws them."""
    axis = panel.bar_plot.getAxis("bottom")
    picture = QPicture()
    painter = QPainter(picture)
    try:
        specs = axis.generateDrawSpecs(painter)
        metrics = painter.fontMetrics()
    finally:
        painter.end()
    labels = []
    for rect, _flags, text in specs[2]:
        width = max(metrics.horizontalAdvance(line) for line in text.split("\n"))
        middle = rect.center().x()
        labels.append((middle - width / 2, middle + width / 2, text))
    return sorted(labels)


def classify(panel: EvaluatePanel, names: list[str], true: int = 2) -> None:
    values = np.full(len(names), 0.5 / (len(names) - 1), dtype=np.float32)
    values[min(3, len(names) - 1)] = 0.5
    panel.show_prediction(PredictionResult("test", 0, values, true, names, np.zeros(0, np.float32)))


def forecast(sample: np.ndarray) -> PredictionResult:
    return PredictionResult("test", 0, np.linspace(0.6, 0.7, 10, dtype=np.float32), 0.4, None, sample, True,
                            truth=np.full(10, 0.4, np.float32), label="Global_active_power (kW)", horizon=True)


def test_coras_long_class_names_never_run_into_each_other(qtbot: Any) -> None:
    """"Probabilistic_Methods" and "Reinforcement_Learning" were drawn into one another under their bars."""
    panel = shown_panel(qtbot, width=1000)
    panel.set_available(True, {"test": 1000, "validation": 500, "training": 140})
    for width in (1000, 640):  # a default dock, and a narrow one where two names need two lines each
        panel.resize(width, 420)
        classify(panel, CORA)
        settle()
        labels = drawn_labels(panel)
        assert len(labels) == len(CORA), labels  # every class is named
        for (_l1, right, a), (left, _r2, b) in zip(labels, labels[1:], strict=False):
            assert right < left, f"{a!r} runs into {b!r} at {width} px"
        for (_left, _right, text), name in zip(labels, CORA, strict=True):
            if "…" not in text:
                assert text.replace("\n", "") == name  # broken after "_" onto lines, nothing lost
    assert panel.bar_plot.getAxis("bottom").toolTip().splitlines()[3] == "3: Probabilistic_Methods"


def test_dozens_of_classes_are_numbered_rather_than_cut_to_nothing(qtbot: Any) -> None:
    panel = shown_panel(qtbot, width=800)
    panel.set_available(True, {"test": 10})
    names = [f"category_number_{i}" for i in range(40)]
    classify(panel, names)
    settle()
    labels = drawn_labels(panel)
    assert labels and all(text.isdigit() for _l, _r, text in labels)
    for (_l1, right, _a), (left, _r2, _b) in zip(labels, labels[1:], strict=False):
        assert right < left
    assert "23: category_number_23" in panel.bar_plot.getAxis("bottom").toolTip()


def test_a_time_series_window_is_a_labelled_plot_never_a_bare_picture(qtbot: Any) -> None:
    """The power forecast's 60 × 7 window was a black-and-white strip with no title or axes; the one-column
    example's 24 × 1 window showed nothing. Both are line plots now, the columns named when known."""
    panel = shown_panel(qtbot, width=1200)
    panel.set_available(True, {"test": 10})
    sample = np.random.default_rng(0).random((60, 7)).astype(np.float32)
    panel.show_prediction(forecast(sample))  # nothing known of the data set: still a plot, columns numbered
    settle()
    assert panel.sample_image.image is None and panel.sample_box.scene() is None
    assert panel.window_plot.titleLabel.text == "Input window: 60 steps × 7 columns"
    assert [label.text for _sample, label in panel.window_legend.items] == [f"column {i}" for i in range(1, 8)]

    panel.set_data_details(MINMAX_POWER)
    panel.show_prediction(forecast(sample))
    settle()
    assert panel.sample_image.image is None and panel.sample_box.scene() is None  # no picture of it
    assert panel.window_box.scene() is panel.view.scene()
    assert len(panel.window_curves) == 7
    assert np.allclose(panel.window_curves[6].getData()[1], sample[:, 6])
    assert panel.window_curves[0].getData()[0][-1] == 0 and panel.window_curves[0].getData()[0][0] == -59
    assert [label.text for _sample, label in panel.window_legend.items] == POWER_COLUMNS
    assert panel.window_plot.titleLabel.text == "Input window: 60 steps × 7 columns"
    assert "time step" in panel.window_plot.getAxis("bottom").labelText
    assert "min-max" in panel.window_plot.getAxis("left").labelText

    panel.set_data_details(None)  # the one-column example, with nothing known of its columns
    panel.show_prediction(forecast(np.random.default_rng(1).random((24, 1)).astype(np.float32)))
    settle()
    assert panel.window_box.scene() is panel.view.scene() and len(panel.window_curves) == 1
    assert panel.window_plot.titleLabel.text == "Input window: 24 steps × 1 column"

    # a picture stays a picture, and a sample with neither leaves the bars the whole width
    panel.show_prediction(PredictionResult("test", 1, np.full(10, 0.1, np.float32), 2, None,
                                           np.random.default_rng(2).random((28, 28)).astype(np.float32)))
    settle()
    assert panel.sample_box.scene() is panel.view.scene() and panel.window_box.scene() is None
    assert panel.sample_image.image.shape == (28, 28) and panel.window_curves == []
    classify(panel, CORA)
    settle()
    assert panel.sample_box.scene() is None and panel.window_box.scene() is None
    assert panel.bar_plot.width() > 0.9 * panel.view.width()


def test_another_project_finds_the_test_plot_as_it_was_before_any_answer(qtbot: Any) -> None:
    """After Fashion-MNIST, Cora's untrained Test plot kept the 0 … 9 axis; after Cora, Moons kept 0 … 6."""
    dashboard = Dashboard()
    qtbot.addWidget(dashboard)
    dashboard.resize(1200, 500)
    dashboard.show()
    panel = dashboard.evaluate
    dashboard.set_model_available(True, {"test": 100, "validation": 50, "training": 200})
    panel.show_prediction(PredictionResult("test", 0, np.full(10, 0.1, np.float32), 2, [str(i) for i in range(10)],
                                           np.random.default_rng(0).random((28, 28)).astype(np.float32)))
    panel.show_evaluation({"loss": 0.3, "accuracy": 0.9})
    assert panel.bar_plot.viewRange()[0][1] > 9

    dashboard.clear_runs(keep_model=False)  # what the controller does when another project opens
    settle()
    x, y = panel.bar_plot.viewRange()
    assert np.allclose(x, [0, 1], atol=0.06) and np.allclose(y, [0, 1], atol=0.06), (x, y)  # as a fresh panel
    assert panel.class_axis.names == [] and panel.bar_plot.getAxis("bottom")._tickLevels is None
    assert panel.bar_plot.titleLabel.text == IDLE_TITLE and len(panel.bars.opts["height"]) == 0
    assert panel.sample_box.scene() is None and panel.sample_image.image is None
    assert panel.predict_label.text() == "" and panel.evaluate_label.text() == "Train a model first."
    assert panel.split_combo.count() == 0 and not panel.evaluate_button.isEnabled()

    # the panel's own reset (ViewPanel.clear) is complete too, whoever calls it
    panel.set_available(True, {"test": 100})
    panel.set_data_details(MINMAX_POWER)
    panel.show_prediction(forecast(np.random.default_rng(1).random((60, 7)).astype(np.float32)))
    panel.clear()
    settle()
    x, y = panel.bar_plot.viewRange()
    assert np.allclose(x, [0, 1], atol=0.06) and np.allclose(y, [0, 1], atol=0.06), (x, y)  # as a fresh panel
    assert panel.window_box.scene() is None and panel.window_curves == []
    assert panel.bar_plot.titleLabel.text == IDLE_TITLE and panel.evaluate_button.isEnabled()  # model kept


def test_a_running_or_paused_run_says_how_to_test_its_model(qtbot: Any) -> None:
    """"Train a model first." stood beside a model in training."""
    dashboard = Dashboard()
    qtbot.addWidget(dashboard)
    panel = dashboard.evaluate
    dashboard.begin_run("run 1")
    assert panel.evaluate_label.text().startswith("Training in progress") and "Stop" in panel.evaluate_label.text()
    dashboard.set_paused(True)
    assert panel.evaluate_label.text().startswith("Paused") and "Stop" in panel.evaluate_label.text()
    dashboard.set_paused(False)
    assert panel.evaluate_label.text().startswith("Training in progress")
    dashboard.end_run("failed: out of memory", False, {})
    assert panel.evaluate_label.text() == "Train a model first."
    dashboard.begin_run("run 2")
    dashboard.end_run("finished", True, {"test": 20, "validation": 10, "training": 70})
    assert panel.evaluate_label.text().startswith("The trained model is ready")


def test_paused_means_stop_first_as_the_tab_says(qtbot: Any) -> None:
    """What the paused text promises, in the real window: while paused neither Evaluate nor Predict runs,
    and Stop leaves a model they work on."""
    project = load_project(EXAMPLES / "spiral_playground.nnb")
    project.training.epochs = 5000
    harness = shown_harness(qtbot, project)
    c = harness.controller
    panel = c.dashboard.evaluate
    assert c.train()
    qtbot.waitUntil(lambda: c.dashboard.current is not None and len(c.dashboard.current.batch_x) > 0,
                    timeout=60_000)
    assert panel.evaluate_label.text().startswith("Training in progress")
    c.pause()
    assert panel.evaluate_label.text().startswith("Paused")
    assert not c.evaluate() and not c.predict("validation", 0)
    with qtbot.waitSignal(c.run_finished, timeout=60_000):
        c.stop()
    qtbot.waitUntil(lambda: not c.is_busy, timeout=60_000)
    assert panel.predict_button.isEnabled() and "Train a model first" not in panel.evaluate_label.text()
    assert c.predict(panel.split_combo.currentText(), 0)
    qtbot.waitUntil(lambda: not c.is_busy and panel.predict_label.text() != "", timeout=60_000)


def test_the_split_combo_shows_validation_whole(qtbot: Any) -> None:
    """Shown empty before any model, the combo kept that width and cut "validation" to "validatio"."""
    panel = shown_panel(qtbot)
    settle()
    panel.set_available(True, {"test": 100, "validation": 50, "training": 200})
    panel.split_combo.setCurrentText("validation")
    settle()
    needed = QComboBox()
    qtbot.addWidget(needed)
    needed.addItems(["test", "validation", "training"])
    needed.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    assert panel.split_combo.width() >= needed.sizeHint().width()


def test_regression_scores_say_their_units(qtbot: Any) -> None:
    """The test loss and MAE were bare scaled numbers beside a Predict line in kW."""
    panel = shown_panel(qtbot)
    panel.set_available(True, {"test": 100})
    panel.set_data_details(MINMAX_POWER)
    panel.show_evaluation({"loss": 0.004021, "mae": 0.04237})
    text = panel.evaluate_label.text()
    assert "min-max scaled units" in text and f"{0.04237 * 9.08:.3g} kW" in text and "9.08 kW" in text
    panel.set_data_details({**MINMAX_POWER, "scaling": "standardize", "target_scale": 1.05})
    panel.show_evaluation({"loss": 0.4156, "mae": 0.4745, "mse": 0.41})
    text = panel.evaluate_label.text()
    assert "standardised units (z-scores" in text and f"{0.4745 * 1.05:.3g} kW" in text
    assert f"{0.41 * 1.05**2:.3g} kW²" in text
    panel.set_data_details(None)  # a classifier: nothing to convert
    panel.show_evaluation({"loss": 0.3, "accuracy": 0.9})
    assert panel.evaluate_label.text() == "Test split: <b>loss</b> 0.3 · <b>accuracy</b> 90.00 %"


def test_the_power_data_set_gives_what_the_panel_reads(qtbot: Any) -> None:
    """``set_data_details`` takes ``Dataset.extra`` as the household-power loader fills it."""
    from nnbuilder.data import load_dataset

    project = load_project(EXAMPLES / "household_power_lecture.nnb")
    extra = load_dataset(project.data.dataset, project.data.options, EXAMPLES).extra
    panel = shown_panel(qtbot)
    panel.set_available(True, {"test": 100})
    panel.set_data_details(extra)
    panel.show_evaluation({"loss": 0.004, "mae": 0.042})
    text = panel.evaluate_label.text()
    assert "min-max scaled units" in text and " kW)" in text
    steps, columns = int(extra["window"]), len(extra["columns"])
    panel.show_prediction(forecast(np.zeros((steps, columns), np.float32)))
    assert [label.text for _sample, label in panel.window_legend.items] == list(extra["columns"])

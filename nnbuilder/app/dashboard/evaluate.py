"""After training: evaluate on the test split, and run one chosen sample through the model.

The panel only asks (``evaluate_requested``, ``predict_requested``) and shows answers; the controller owns
the trainer and runs the work, off the GUI thread when it can take long.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..workers.messages import PredictionResult
from ..workers.views.supervised import as_images
from .panel import ViewPanel
from .style import GREY_LUT, RIGHT, WRONG, PlotView, prepare_axes, run_color

# before any prediction the panel does not know whether the model classifies or regresses: a title of
# "Class probabilities" above a regression model's empty plot (the power forecast) said something false
IDLE_TITLE = "Model output: choose a sample above and press Predict"


class EvaluatePanel(ViewPanel):
    evaluate_requested = Signal()
    predict_requested = Signal(str, int)  # split, index

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.evaluate_button = QPushButton("Evaluate on test data")
        self.evaluate_button.setToolTip("Score the trained model on the test split it has never seen.")
        self.evaluate_label = QLabel("Train a model first.")
        self.evaluate_label.setWordWrap(True)
        self.split_combo = QComboBox()
        self.index_spin = QSpinBox()
        self.index_spin.setRange(0, 0)
        self.index_spin.setToolTip("Which sample of the chosen split to run through the model.")
        self.predict_button = QPushButton("Predict")
        self.predict_button.setToolTip("Run the chosen sample through the trained model and show its output.")
        self.predict_label = QLabel()
        self.predict_label.setWordWrap(True)
        for label in (self.evaluate_label, self.predict_label):  # their texts are escaped HTML, always
            label.setTextFormat(Qt.TextFormat.RichText)

        row1 = QHBoxLayout()
        row1.addWidget(self.evaluate_button)
        row1.addWidget(self.evaluate_label, 1)
        row2 = QHBoxLayout()
        row2.addWidget(QLabel("Sample from"))
        row2.addWidget(self.split_combo)
        row2.addWidget(QLabel("number"))
        row2.addWidget(self.index_spin)
        row2.addWidget(self.predict_button)
        row2.addWidget(self.predict_label, 1)

        self.view = PlotView()
        self.sample_box = self.view.addViewBox(lockAspect=True, invertY=True, enableMouse=False)
        self.sample_image = pg.ImageItem(axisOrder="row-major")
        self.sample_box.addItem(self.sample_image)
        self.bar_plot = self.view.addPlot(title=IDLE_TITLE)
        prepare_axes(self.bar_plot)
        self.bar_plot.setYRange(0, 1)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.7, brush=pg.mkBrush(run_color(0)))
        self.bar_plot.addItem(self.bars)
        # a regression's true values, one mark per output over its bar
        self.truth_marks = pg.ScatterPlotItem(size=14, symbol="t1", pen=pg.mkPen(RIGHT, width=1.5),
                                              brush=pg.mkBrush(RIGHT))
        self.bar_plot.addItem(self.truth_marks)
        self.view.ci.layout.setColumnStretchFactor(0, 1)
        self.view.ci.layout.setColumnStretchFactor(1, 3)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addWidget(self.view, 1)
        self._sizes: dict[str, int] = {}
        self.dirty = False
        self.evaluate_button.clicked.connect(self._on_evaluate_button_clicked)
        self.predict_button.clicked.connect(self._on_predict_button_clicked)
        self.split_combo.currentTextChanged.connect(self._on_split_combo_changed)
        self.set_available(False)

    def set_available(self, on: bool, sizes: dict[str, int] | None = None) -> None:
        """Enable the buttons when a trained model exists; ``sizes`` maps split name -> sample count."""
        if sizes is not None:
            self._sizes = {k: v for k, v in sizes.items() if v > 0}
            current = self.split_combo.currentText()
            self.split_combo.blockSignals(True)
            self.split_combo.clear()
            self.split_combo.addItems(list(self._sizes))
            if current in self._sizes:
                self.split_combo.setCurrentText(current)
            self.split_combo.blockSignals(False)
            self._on_split_combo_changed(self.split_combo.currentText())
        self.evaluate_button.setEnabled(on and self._sizes.get("test", 0) > 0)
        self.predict_button.setEnabled(on and bool(self._sizes))
        if on and self._sizes.get("test", 0) == 0:
            # without a validation split either, there are no validation scores in the curves to point at
            where = ("the validation scores are in the curves" if self._sizes.get("validation", 0) > 0 else
                     "the scores on the training data are in the curves; a validation split in Project settings "
                     "would keep some samples back to score on")
            self.evaluate_label.setText(f"This data set has no test split; {where}.")
        elif on:
            self.evaluate_label.setText(f"The trained model is ready: evaluate it on the {self._sizes['test']:,} "
                                        "test samples it has never seen, or predict one sample below.")
        else:
            self.evaluate_label.setText("Train a model first.")

    def clear_answers(self) -> None:
        """Forget the last evaluation and prediction (another project, Clear runs)."""
        self.predict_label.clear()
        self.sample_image.clear()
        self.bars.setOpts(x=[], height=[], width=0.7)
        self.truth_marks.clear()
        # nothing of the last answer's axes either: another project opened after the power forecast kept its
        # kW range and its +1 ... +10 step labels
        self.bar_plot.getAxis("bottom").setTicks(None)
        self.bar_plot.setYRange(0, 1)
        self.bar_plot.setTitle(IDLE_TITLE)
        self.set_available(self.predict_button.isEnabled())

    def show_busy(self, text: str) -> None:
        self.evaluate_label.setText(html.escape(text))

    def show_evaluation(self, logs: dict[str, float]) -> None:
        parts = []
        for key, value in logs.items():
            shown = f"{100 * value:.2f} %" if "acc" in key else f"{value:.4g}"
            parts.append(f"<b>{html.escape(key)}</b> {shown}")
        self.evaluate_label.setText("Test split: " + " · ".join(parts) if parts else "No test scores.")

    def show_prediction(self, result: PredictionResult) -> None:
        values = np.asarray(result.values, dtype=np.float32).ravel()
        sample = None if result.sample is None else as_images(np.asarray(result.sample)[None])
        if sample is not None:
            img = np.asarray(sample[0], dtype=np.float32)
            self.sample_box.setVisible(True)
            if img.ndim == 2:
                self.sample_image.setImage(img, lut=GREY_LUT, autoLevels=True)
            else:
                self.sample_image.setImage(img, autoLevels=True)
        else:
            self.sample_image.clear()
            self.sample_box.setVisible(False)
        if result.regression:
            self._show_regression(result, values)
            return
        self.truth_marks.clear()
        if len(values) == 1:  # a sigmoid unit: probability of class 1
            values = np.array([1 - values[0], values[0]], dtype=np.float32)
        names = result.class_names or [str(i) for i in range(len(values))]
        guess = int(values.argmax())
        brushes = [pg.mkBrush(run_color(0)) for _ in values]
        if result.true is not None and 0 <= int(result.true) < len(values):
            brushes[int(result.true)] = pg.mkBrush(RIGHT)
            if guess != int(result.true):
                brushes[guess] = pg.mkBrush(WRONG)
        self.bars.setOpts(x=np.arange(len(values)), height=values, width=0.7, brushes=brushes)
        self.bar_plot.setYRange(0, 1)
        self.bar_plot.setXRange(-0.6, len(values) - 0.4)
        self.bar_plot.getAxis("bottom").setTicks([[(i, names[i] if i < len(names) else str(i))
                                                   for i in range(len(values))]])
        self.bar_plot.setTitle("Class probabilities (green: true class, red: wrong guess)")
        guess_name = names[guess] if guess < len(names) else str(guess)
        true = "" if result.true is None else f", true class {names[int(result.true)]}"
        color = RIGHT if result.true is None or guess == int(result.true) else WRONG
        self.predict_label.setText(
            f"<span style='color:{color}'>{result.split} #{result.index}: <b>{html.escape(guess_name)}</b> "
            f"({100 * values[guess]:.1f} %){html.escape(true)}</span>")

    def _show_regression(self, result: PredictionResult, values: np.ndarray) -> None:
        """Bars of the predicted values with the true ones marked, in the target's own unit (a forecast's bars
        are its steps ahead); the line above says the numbers."""
        truth = None if result.truth is None else np.asarray(result.truth, dtype=np.float32).ravel()
        if truth is not None and len(truth) != len(values):
            truth = None
        xs = np.arange(len(values))
        self.bars.setOpts(x=xs, height=values, width=0.7, brushes=None, brush=pg.mkBrush(run_color(0)))
        if truth is not None:
            self.truth_marks.setData(x=xs, y=truth)
        else:
            self.truth_marks.clear()
        self.bar_plot.setXRange(-0.6, len(values) - 0.4)
        names = [f"+{i + 1}" for i in xs] if result.horizon else [str(i) for i in xs]
        self.bar_plot.getAxis("bottom").setTicks([list(zip(xs.tolist(), names, strict=True))] if len(xs) > 1
                                                 else None)
        # bars start at zero: an axis from 0.07 made 0.09 look a fifth as tall as 0.13
        shown = values if truth is None else np.concatenate([values, truth])
        finite = shown[np.isfinite(shown)]
        low, high = (min(0.0, float(finite.min())), max(0.0, float(finite.max()))) if finite.size else (0.0, 1.0)
        self.bar_plot.setYRange(low, high if high > low else low + 1.0)
        what = result.label or "value"
        steps = f", the next {len(values)} steps" if result.horizon and len(values) > 1 else ""
        marks = " (green marks: the true values)" if truth is not None else ""
        self.bar_plot.setTitle(html.escape(f"Predicted {what}{steps}{marks}"))

        def listed(v: np.ndarray) -> str:
            return f"{v[0]:.4g}" if len(v) == 1 else f"{v[0]:.4g} … {v[-1]:.4g}"

        if truth is not None:
            true = f", true {listed(truth)}"
        else:
            true = "" if result.true is None else f", true {float(result.true):.4g}"
        self.predict_label.setText(html.escape(f"{result.split} #{result.index}: predicted {listed(values)}{true}"
                                               f" {what if what != 'value' else ''}".rstrip()))

    def refresh(self) -> None:
        self.dirty = False

    def _on_evaluate_button_clicked(self) -> None:
        self.show_busy("Evaluating…")
        self.evaluate_requested.emit()

    def _on_predict_button_clicked(self) -> None:
        split = self.split_combo.currentText()
        if split:
            self.predict_requested.emit(split, int(self.index_spin.value()))

    def _on_split_combo_changed(self, split: str) -> None:
        self.index_spin.setRange(0, max(0, self._sizes.get(split, 1) - 1))

    def export_target(self) -> pg.GraphicsItem:
        return self.view.ci

"""After training: evaluate on the test split, and run one chosen sample through the model.

The panel only asks (``evaluate_requested``, ``predict_requested``) and shows answers; the controller owns
the trainer and runs the work, off the GUI thread when it can take long. What the panel cannot read from an
answer (how the targets were scaled, the input columns' names) it is told with ``set_data_details``.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
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
NO_MODEL_TEXT = "Train a model first."
# Evaluate and Predict need the trainer, which the running worker holds until the run ends (paused too: the
# controller refuses both while its thread lives). "Train a model first." beside a model in training misled.
TRAINING_TEXT = ("Training in progress: Evaluate and Predict work once the run ends (Stop ends it early and "
                 "keeps the model trained so far).")
PAUSED_TEXT = ("Paused: Evaluate and Predict work once the run ends; press Stop to end it here and test the "
               "model as it is now, or Resume to train on.")
SPLITS = ("test", "validation", "training")  # the names the split combo can hold
MAX_LEGEND_COLUMNS = 10  # more input columns than this: no legend (it would bury the window plot)
SCALED_AXIS = {"minmax": "min-max scaled (0–1)", "standardize": "z-score", "none": "value"}


def fit_label(name: str, room: float, metrics: QFontMetricsF, lines: int = 2) -> str:
    """``name`` as it fits ``room`` pixels: whole, else broken after "_", "-", "/" or a space onto up to
    ``lines`` lines, each line that is still too wide ending in "…".

    Cora's "Probabilistic_Methods" and "Reinforcement_Learning" each took more than one bar's width, and
    pyqtgraph drew them into each other ("Probabilistic_MethodsReinforcement_Learning").
    """
    if room <= 0:
        return ""
    if metrics.horizontalAdvance(name) <= room:
        return name
    rows: list[str] = []
    for word in re.findall(r"[^\s_/\-]+[\s_/\-]*|[\s_/\-]+", name):
        if rows and metrics.horizontalAdvance((rows[-1] + word).rstrip()) <= room:
            rows[-1] += word
        else:
            rows.append(word)
    if len(rows) > lines:
        rows = rows[: lines - 1] + ["".join(rows[lines - 1 :])]
    shown = [metrics.elidedText(row.strip(), Qt.TextElideMode.ElideRight, room) for row in rows]
    return "\n".join(row for row in shown if row)


class ClassAxis(pg.AxisItem):
    """A bottom axis that names the bars at 0, 1, 2, …: each name fitted to the width one bar has (see
    ``fit_label``). Where a bar has no room for a few letters (dozens of classes), the bars are numbered
    instead: "cate… num…" under every bar said nothing. The tooltip has every name whole.

    Without names it is a plain axis (the regression's "+1 … +10" come from ``setTicks``). The names are
    fitted when the axis is drawn because the room per bar changes with the dock's width.
    """

    GAP = 8.0  # px between two neighbouring names
    LINES = 2
    LEAST = "Wwwww…"  # a bar narrower than this is numbered, not named

    def __init__(self) -> None:
        super().__init__("bottom")
        self.names: list[str] = []
        self._room = 0.0
        self.numbered = False  # the last drawing numbered the bars (too narrow for names)

    def set_names(self, names: list[str]) -> None:
        """Name the positions 0 … len(names) - 1 (an empty list: back to plain numbers)."""
        self.names = list(names)
        # the tooltip has every name whole, however short the axis made them
        self.setToolTip("\n".join(f"{i}: {n}" for i, n in enumerate(self.names)) if self.names else "")
        self.picture = None
        self.update()

    def _metrics(self) -> QFontMetricsF:
        return QFontMetricsF(self.style["tickFont"] or self.font())

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[Any, list[float]]]:  # noqa: N802, N803
        if not self.names:
            return super().tickValues(minVal, maxVal, size)
        lo, hi = sorted((float(minVal), float(maxVal)))
        self._room = size / max(hi - lo, 1e-9) - self.GAP
        self.numbered = self._room < self._metrics().horizontalAdvance(self.LEAST)
        if self.numbered:
            return [(spacing, [v for v in values if float(v).is_integer()])
                    for spacing, values in super().tickValues(minVal, maxVal, size)]
        return [(1.0, [float(i) for i in range(len(self.names)) if lo <= i <= hi])]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        if not self.names or self.numbered:
            return [str(int(round(v))) for v in values] if self.names else super().tickStrings(values, scale,
                                                                                                 spacing)
        metrics = self._metrics()
        names = [self.names[int(round(v))] if 0 <= int(round(v)) < len(self.names) else "" for v in values]
        return [fit_label(name, self._room, metrics, self.LINES) for name in names]

    def generateDrawSpecs(self, p: Any) -> Any:  # noqa: N802 (pyqtgraph's name)
        """pyqtgraph measures a label as 0.8 of its text's height, which cuts a second line in half: names on
        two lines get their whole height, and the axis grows to hold them."""
        specs = super().generateDrawSpecs(p)
        if specs is None or not self.names:
            return specs
        axis_spec, tick_specs, text_specs = specs
        line = QFontMetricsF(p.font()).lineSpacing()
        fixed = [(QRectF(rect.x(), rect.y(), rect.width(), line * (text.count("\n") + 1)), flags, text)
                 for rect, flags, text in text_specs]
        lines = max((text.count("\n") + 1 for _rect, _flags, text in text_specs), default=1)
        self._updateMaxTextSize(int(math.ceil(line * lines)))
        return axis_spec, tick_specs, fixed


def as_window(sample: np.ndarray | None, regression: bool, time_series: bool) -> np.ndarray | None:
    """The input of a time-series model as (steps, columns), or None when ``sample`` is no such window.

    The power forecast's 60 × 7 window was drawn as a 60 × 7 grey picture, without title or axes; the 24 × 1
    window of the one-column example as nothing. Both are series in time and are drawn as lines now. A 2-D
    sample counts as a window when the data set says it is a time series, or when a regression model reads
    more steps than columns (a picture, as in an image classifier, stays a picture).
    """
    if sample is None:
        return None
    window = np.asarray(sample, dtype=np.float32)
    if window.ndim != 2 or window.shape[0] < 2:
        return None
    if time_series or (regression and window.shape[1] <= 16 and window.shape[0] > window.shape[1]):
        return window
    return None


class EvaluatePanel(ViewPanel):
    evaluate_requested = Signal()
    predict_requested = Signal(str, int)  # split, index

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.evaluate_button = QPushButton("Evaluate on test data")
        self.evaluate_button.setToolTip("Score the trained model on the test split it has never seen.")
        self.evaluate_label = QLabel(NO_MODEL_TEXT)
        self.evaluate_label.setWordWrap(True)
        self.split_combo = QComboBox()
        # sized to its longest item: sized once when first shown, empty, it cut "validation" to "validatio"
        self.split_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.split_combo.setMinimumContentsLength(max(len(s) for s in SPLITS))
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
        # Left of the bars: the sample's picture, the plot of its time window, or nothing (then the bars take
        # the whole width). A hidden item kept its column: the bars of a tabular or graph model sat in the
        # right three quarters beside an empty quarter.
        self.sample_box = pg.ViewBox(lockAspect=True, invertY=True, enableMouse=False)
        self.sample_image = pg.ImageItem(axisOrder="row-major")
        self.sample_box.addItem(self.sample_image)
        self.window_box = pg.GraphicsLayout()
        self.window_plot = pg.PlotItem()
        prepare_axes(self.window_plot)
        self.window_plot.setMouseEnabled(x=False, y=False)
        self.window_plot.hideButtons()
        self.window_box.addItem(self.window_plot, row=0, col=0)
        # the key beside the plot, not under it: the Training dock is short, and seven names in rows below
        # left the lines a strip a few dozen pixels high
        self.window_legend = pg.LegendItem(frame=False, labelTextColor=(60, 60, 60), verSpacing=-6)
        self.window_legend.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)  # rows stay together
        self.window_box.addItem(self.window_legend, row=0, col=1)
        self.window_box.layout.setAlignment(self.window_legend, Qt.AlignmentFlag.AlignTop)
        self.window_curves: list[pg.PlotDataItem] = []
        self._left: pg.GraphicsWidget | None = None
        self.class_axis = ClassAxis()
        self.bar_plot = self.view.addPlot(row=0, col=1, title=IDLE_TITLE, axisItems={"bottom": self.class_axis})
        prepare_axes(self.bar_plot)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.7, brush=pg.mkBrush(run_color(0)))
        self.bar_plot.addItem(self.bars)
        # a regression's true values, one mark per output over its bar
        self.truth_marks = pg.ScatterPlotItem(size=14, symbol="t1", pen=pg.mkPen(RIGHT, width=1.5),
                                              brush=pg.mkBrush(RIGHT))
        self.bar_plot.addItem(self.truth_marks)
        self._reset_bar_plot()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addWidget(self.view, 1)
        self._sizes: dict[str, int] = {}
        self._details: dict[str, Any] = {}
        self._running = False
        self._paused = False
        self.dirty = False
        self.evaluate_button.clicked.connect(self._on_evaluate_button_clicked)
        self.predict_button.clicked.connect(self._on_predict_button_clicked)
        self.split_combo.currentTextChanged.connect(self._on_split_combo_changed)
        self.set_available(False)

    # -- what the dashboard calls ----------------------------------------------------------------------------
    def set_available(self, on: bool, sizes: dict[str, int] | None = None) -> None:
        """Enable the buttons when a trained model exists; ``sizes`` maps split name -> sample count.

        ``on=False`` with ``sizes={}`` (another project) also forgets the data set's details.
        """
        if sizes is not None:
            self._sizes = {k: v for k, v in sizes.items() if v > 0}
            if not on and not sizes:
                self._details = {}
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
        elif self._running:
            self.evaluate_label.setText(html.escape(PAUSED_TEXT if self._paused else TRAINING_TEXT))
        else:
            self.evaluate_label.setText(NO_MODEL_TEXT)

    def set_data_details(self, extra: Mapping[str, Any] | None) -> None:
        """What the trained model's data set says of itself (``Dataset.extra``): how the regression targets
        were scaled (``scaling``, ``target_scale``, ``target``, ``target_unit``) and the input columns'
        names (``columns``, ``time_series``).

        The test scores come as bare numbers in the scaled units the model trains on, while Predict and the
        Predictions tab speak kW; with these the panel says which units the scores are in and gives the
        MAE in kW too. None (or never called) leaves the scores as they are.
        """
        self._details = dict(extra or {})

    def begin_run(self, label: str) -> None:
        """A run starts: its model is not the one the last answer came from, and cannot be tested until the
        run ends."""
        self._running, self._paused = True, False
        self.clear_answers()

    def set_paused(self, paused: bool) -> None:
        if self._running:
            self._paused = paused
            if not self.predict_button.isEnabled():
                self.set_available(False)

    def end_run(self, outcome: str) -> None:
        """The run is over; the dashboard's ``set_available`` right after says whether a model came of it."""
        self._running = self._paused = False
        if not self.predict_button.isEnabled():
            self.set_available(False)

    def clear(self) -> None:
        """Back to how the panel looked before any answer ("Clear runs", another project): no bars, no
        sample, the first axes and title. A trained model stays available (Clear runs keeps it); another
        project's ``set_available(False, {})`` forgets it."""
        self._running = self._paused = False
        self.clear_answers()
        self.dirty = True

    def clear_answers(self) -> None:
        """Forget the last evaluation and prediction (another project, Clear runs)."""
        self.predict_label.clear()
        self.sample_image.clear()
        self._clear_window()
        self._show_left(None)
        self.bars.setOpts(x=[], height=[], width=0.7)
        self.truth_marks.clear()
        # nothing of the last answer's axes either: another project opened after the power forecast kept its
        # kW range and its +1 ... +10 step labels, and Cora after Fashion-MNIST its 0 ... 9 class axis
        self._reset_bar_plot()
        self.set_available(self.predict_button.isEnabled())

    def show_busy(self, text: str) -> None:
        self.evaluate_label.setText(html.escape(text))

    def show_evaluation(self, logs: dict[str, float]) -> None:
        if not logs:
            self.evaluate_label.setText("No test scores.")
            return
        scale, unit, note = self._score_units()
        parts = []
        for key, value in logs.items():
            shown = f"{100 * value:.2f} %" if "acc" in key else f"{value:.4g}"
            if scale is not None and math.isfinite(value):
                if key in ("mae", "rmse"):  # an error in the target's own unit: what a student can picture
                    shown += f" ({value * scale:.3g}{unit})"
                elif key == "mse":
                    shown += f" ({value * scale * scale:.3g}{unit}²)" if unit else f" ({value * scale * scale:.3g})"
            parts.append(f"<b>{html.escape(key)}</b> {html.escape(shown)}")
        text = "Test split: " + " · ".join(parts)
        if note:
            text += f" <span style='color:#666'>— {html.escape(note)}</span>"
        self.evaluate_label.setText(text)

    def show_prediction(self, result: PredictionResult) -> None:
        values = np.asarray(result.values, dtype=np.float32).ravel()
        raw = None if result.sample is None else np.asarray(result.sample)
        window = as_window(raw, result.regression, bool(self._details.get("time_series")))
        image = None if raw is None or window is not None else as_images(raw[None])
        if window is not None:
            self._show_window(window)
        elif image is not None:
            img = np.asarray(image[0], dtype=np.float32)
            self._clear_window()
            if img.ndim == 2:
                self.sample_image.setImage(img, lut=GREY_LUT, autoLevels=True)
            else:
                self.sample_image.setImage(img, autoLevels=True)
            self._show_left(self.sample_box)
        else:
            self.sample_image.clear()
            self._clear_window()
            self._show_left(None)
        if result.regression:
            self._show_regression(result, values)
            return
        self.truth_marks.clear()
        if len(values) == 1:  # a sigmoid unit: probability of class 1
            values = np.array([1 - values[0], values[0]], dtype=np.float32)
        names = result.class_names or [str(i) for i in range(len(values))]
        names = [names[i] if i < len(names) else str(i) for i in range(len(values))]
        guess = int(values.argmax())
        brushes = [pg.mkBrush(run_color(0)) for _ in values]
        if result.true is not None and 0 <= int(result.true) < len(values):
            brushes[int(result.true)] = pg.mkBrush(RIGHT)
            if guess != int(result.true):
                brushes[guess] = pg.mkBrush(WRONG)
        self.bars.setOpts(x=np.arange(len(values)), height=values, width=0.7, brushes=brushes)
        self.bar_plot.setYRange(0, 1)
        self.bar_plot.setXRange(-0.6, len(values) - 0.4, padding=0)
        self.bar_plot.getAxis("bottom").setTicks(None)
        self.class_axis.set_names(names)
        self.bar_plot.setTitle("Class probabilities (green: true class, red: wrong guess)")
        guess_name = names[guess]
        true = "" if result.true is None else f", true class {names[int(result.true)]}"
        color = RIGHT if result.true is None or guess == int(result.true) else WRONG
        self.predict_label.setText(
            f"<span style='color:{color}'>{result.split} #{result.index}: <b>{html.escape(guess_name)}</b> "
            f"({100 * values[guess]:.1f} %){html.escape(true)}</span>")

    def refresh(self) -> None:
        self.dirty = False

    def export_target(self) -> pg.GraphicsItem:
        return self.view.ci

    # -- drawing -------------------------------------------------------------------------------------------
    def _reset_bar_plot(self) -> None:
        """The bar plot as before any answer: numbered 0 … 1 on both axes, the neutral title."""
        self.class_axis.set_names([])
        self.bar_plot.getAxis("bottom").setTicks(None)
        # a fixed padding: pyqtgraph's own depends on the plot's width at the moment, which the left cell changes
        self.bar_plot.setXRange(0, 1, padding=0.02)
        self.bar_plot.setYRange(0, 1, padding=0.02)
        self.bar_plot.setTitle(IDLE_TITLE)

    def _show_left(self, item: pg.GraphicsWidget | None) -> None:
        """Put ``item`` left of the bars (None: nothing, the bars take the whole width)."""
        grid = self.view.ci
        if item is self._left:
            return
        if self._left is not None:
            grid.removeItem(self._left)
        self._left = item
        if item is not None:
            grid.addItem(item, row=0, col=0)
        # an empty column with a stretch factor still takes its share of the width
        grid.layout.setColumnStretchFactor(0, 0 if item is None else 2 if item is self.window_box else 1)
        grid.layout.setColumnStretchFactor(1, 3)

    def _clear_window(self) -> None:
        for curve in self.window_curves:
            self.window_plot.removeItem(curve)
        self.window_curves = []
        self.window_legend.clear()

    def _show_window(self, window: np.ndarray) -> None:
        """The input window as lines: time steps on x (0 is the latest, the forecast's bars are +1, +2, …),
        one line per column, named when the data set gave the names."""
        self.sample_image.clear()
        self._clear_window()
        steps, columns = window.shape
        names = list(self._details.get("columns") or [])
        if len(names) != columns:
            names = [f"column {i + 1}" for i in range(columns)]
        xs = np.arange(-(steps - 1), 1, dtype=np.float32)
        for i in range(columns):
            curve = self.window_plot.plot(xs, window[:, i], pen=pg.mkPen(run_color(i), width=1.5))
            self.window_curves.append(curve)
            if 1 < columns <= MAX_LEGEND_COLUMNS:
                self.window_legend.addItem(curve, names[i])
        self.window_legend.setVisible(1 < columns <= MAX_LEGEND_COLUMNS)
        named = columns == 1 and bool(self._details.get("columns"))
        what = f"of {names[0]}" if named else f"× {columns} column{'s' if columns > 1 else ''}"
        self.window_plot.setTitle(html.escape(f"Input window: {steps} steps {what}"))
        self.window_plot.setLabel("bottom", "time step (0: the latest)")
        scaling = str(self._details.get("scaling", "")) if self._details.get("time_series") else ""
        self.window_plot.setLabel("left", SCALED_AXIS.get(scaling, "as the network reads it"))
        self.window_plot.enableAutoRange()
        self._show_left(self.window_box)

    def _score_units(self) -> tuple[float | None, str, str]:
        """(target scale, " unit", a note naming the units) of the test scores: the scale and unit when the
        data set scaled its targets for training and said by how much, else (None, "", "")."""
        d = self._details
        scaling = str(d.get("scaling", "none"))
        if scaling not in ("minmax", "standardize") or "target_scale" not in d:
            return None, "", ""
        scale = float(d["target_scale"])
        unit = str(d.get("target_unit") or "")
        spaced = f" {unit}" if unit else ""
        target = str(d.get("target") or "the target")
        if scaling == "minmax":
            note = (f"scores in min-max scaled units (0 to 1 spans {target}'s range in the training rows, "
                    f"{scale:.3g}{spaced})")
        else:
            note = (f"scores in standardised units (z-scores: 1 is one standard deviation of {target}, "
                    f"{scale:.3g}{spaced})")
        return scale, spaced, note

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
        self.bar_plot.setXRange(-0.6, len(values) - 0.4, padding=0)
        self.class_axis.set_names([])
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

    # -- slots ---------------------------------------------------------------------------------------------
    def _on_evaluate_button_clicked(self) -> None:
        self.show_busy("Evaluating…")
        self.evaluate_requested.emit()

    def _on_predict_button_clicked(self) -> None:
        split = self.split_combo.currentText()
        if split:
            self.predict_requested.emit(split, int(self.index_spin.value()))

    def _on_split_combo_changed(self, split: str) -> None:
        self.index_spin.setRange(0, max(0, self._sizes.get(split, 1) - 1))

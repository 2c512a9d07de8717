"""Regression views: predictions against truth over the validation period (time series) or predicted
against true values (other regression), refreshed at each epoch end."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..workers.messages import SeriesUpdate, ViewFrame
from .panel import ViewPanel
from .style import PlotView, prepare_axes

WINDOW = 500  # time steps shown at first


class PredictionsPanel(ViewPanel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = PlotView()
        self.plot = self.view.addPlot(title="Predictions on the validation period")
        prepare_axes(self.plot)
        self.plot.showGrid(x=False, y=False)
        self.legend = self.plot.addLegend(offset=(10, 10), labelTextSize="8pt", brush=(255, 255, 255, 210), labelTextColor="#222")
        self.truth = pg.PlotDataItem(pen=pg.mkPen((90, 90, 90), width=1.5), name="truth")
        self.predicted = pg.PlotDataItem(pen=pg.mkPen((31, 119, 180), width=1.5), name="prediction")
        self.points = pg.ScatterPlotItem(size=4, pen=None, brush=pg.mkBrush(31, 119, 180, 120))
        self.diagonal = pg.PlotDataItem(pen=pg.mkPen((120, 120, 120), width=1, style=pg.QtCore.Qt.PenStyle.DashLine))
        for item in (self.truth, self.predicted):
            item.setClipToView(True)
            item.setDownsampling(auto=True, method="peak")
        for item in (self.truth, self.predicted, self.points, self.diagonal):
            self.plot.addItem(item)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.validation_samples = 0  # the whole validation split; the plot may show every n-th sample
        self._pending: SeriesUpdate | None = None
        self._zoomed = False  # the first series of a run opens on its last WINDOW steps
        self.updates = 0
        self.dirty = False

    def clear(self) -> None:
        for item in (self.truth, self.predicted, self.points, self.diagonal):
            item.clear()
        self._pending = None
        self._zoomed = False
        self.validation_samples = 0
        self.plot.setTitle("Predictions on the validation period")

    def begin_run(self, label: str) -> None:
        self.clear()

    def add_frame(self, frame: ViewFrame) -> None:
        self.set_series(frame.payload)

    def set_series(self, update: SeriesUpdate) -> None:
        self._pending = update
        self.dirty = True

    def refresh(self) -> None:
        self.dirty = False
        update, self._pending = self._pending, None
        if update is None:
            return
        err = update.predicted - update.truth
        mae = float(np.nanmean(np.abs(err))) if err.size else float("nan")
        shown = len(update.truth)
        whole = self.validation_samples
        of = f"{shown:,} of {whole:,} validation samples, " if whole > shown else ""
        learned = "[0, 1]-scaled" if update.scaling == "minmax" else "standardised"
        units = (f"MAE {mae:.3g} in the units of {update.y_label.removeprefix('predicted ')} (the curves' val_mae "
                 f"is on the {learned} target the network learns)" if update.unscaled else f"MAE {mae:.3g}")
        note = f"<br><span style='font-size:8pt'>{of}{units}</span>"
        if update.scatter:
            self.truth.clear()
            self.predicted.clear()
            self.points.setData(update.truth, update.predicted)
            finite = np.concatenate([update.truth, update.predicted])
            finite = finite[np.isfinite(finite)]
            if finite.size:
                lo, hi = float(finite.min()), float(finite.max())
                self.diagonal.setData([lo, hi], [lo, hi])
            self.plot.setTitle(f"Predicted against true values, epoch {update.epoch}{note}")
        else:
            self.points.clear()
            self.diagonal.clear()
            self.truth.setData(update.x, update.truth)
            self.predicted.setData(update.x, update.predicted)
            hint = ""
            if len(update.x) > WINDOW:
                hint = " — right-click › View All for the whole period"
                if not self._zoomed:  # thousands of steps are a blur; open on the last few hundred
                    self.plot.setXRange(float(update.x[-WINDOW]), float(update.x[-1]), padding=0.01)
                    self.plot.enableAutoRange(y=True)
                    self._zoomed = True
            self.plot.setTitle(f"Predictions on the validation period, epoch {update.epoch}{hint}{note}")
        self.plot.setLabel("bottom", update.x_label)
        self.plot.setLabel("left", update.y_label)
        self.updates += 1

    def export_target(self) -> pg.GraphicsItem:
        return self.view.ci

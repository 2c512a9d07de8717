"""Data first: look at the project's data before training (the lecture's "first 25", points, series, graph).

Use it from anywhere with ``show_data_preview(parent, project, base_dir)`` (a window) or embed
``DataPreview(project, base_dir)``; ``set_project`` refreshes it after the data settings change.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...teach.preview import Preview, build_preview
from ..dashboard.legend import LegendColumn

CLASS_COLORS = [(245, 147, 34), (8, 119, 189), (44, 160, 44), (214, 39, 40), (148, 103, 189), (140, 86, 75),
                (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207)]
THUMB = 84


def _color(i: int) -> tuple[int, int, int]:
    return CLASS_COLORS[int(i) % len(CLASS_COLORS)]


def image_pixmap(img: np.ndarray, size: int = THUMB) -> QPixmap:
    arr = np.ascontiguousarray((np.clip(img, 0, 1) * 255).astype(np.uint8))
    if arr.ndim == 2:
        q = QImage(arr.data, arr.shape[1], arr.shape[0], arr.shape[1], QImage.Format.Format_Grayscale8)
    else:
        q = QImage(arr.data, arr.shape[1], arr.shape[0], arr.shape[1] * 3, QImage.Format.Format_RGB888)
    return QPixmap.fromImage(q.copy()).scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio,
                                              Qt.TransformationMode.FastTransformation)


class DataPreview(QWidget):
    """The preview of one project's data set; shows a sentence instead when the data cannot be loaded."""

    def __init__(self, project: Any = None, base_dir: str | Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Data first")
        self.preview: Preview | None = None
        self.title = QLabel()
        f = self.title.font()
        f.setPointSizeF(f.pointSizeF() * 1.4)
        f.setBold(True)
        self.title.setFont(f)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.attribution = QLabel()
        self.attribution.setWordWrap(True)
        self.attribution.setStyleSheet("color: #666;")
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.attribution)
        self.content: QWidget | None = None
        self.resize(640, 720)
        if project is not None:
            self.set_project(project, base_dir)

    def set_project(self, project: Any, base_dir: str | Path | None = None) -> None:
        """Load the project's data set (its data settings as they are now) and show it."""
        from ...data import DataError, load_dataset

        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            ds = load_dataset(project.data.dataset, project.data.options,
                              None if base_dir is None else Path(base_dir))
        except DataError as exc:
            self.show_problem(f"The data set could not be loaded: {exc}")
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.show_preview(build_preview(ds))

    def show_problem(self, text: str) -> None:
        self.preview = None
        self.title.setText("Data first")
        self.summary.setText(f"<b>{text}</b>")
        self.attribution.setText("")
        self._set_content(QWidget())

    def show_preview(self, preview: Preview) -> None:
        self.preview = preview
        self.title.setText(preview.title)
        self.summary.setText(preview.summary + ".")
        self.attribution.setText(preview.attribution)
        make = {"images": self._images, "points": self._points, "series": self._series, "graph": self._graph,
                "table": self._table}[preview.kind]
        self._set_content(make(preview))

    # ------------------------------------------------------------------------------------------ kinds
    def _set_content(self, widget: QWidget) -> None:
        if self.content is not None:
            self.body_layout.removeWidget(self.content)
            self.content.deleteLater()
        self.content = widget
        self.body_layout.addWidget(widget)

    def _images(self, p: Preview) -> QWidget:
        w = QWidget()
        grid = QGridLayout(w)
        grid.setSpacing(6)
        assert p.images is not None
        for i, (img, label) in enumerate(zip(p.images, p.labels, strict=True)):
            cell = QWidget()
            v = QVBoxLayout(cell)
            v.setContentsMargins(0, 0, 0, 0)
            v.setSpacing(1)
            pic = QLabel()
            pic.setPixmap(image_pixmap(img))
            pic.setAlignment(Qt.AlignmentFlag.AlignCenter)
            text = QLabel(label)
            text.setAlignment(Qt.AlignmentFlag.AlignCenter)
            v.addWidget(pic)
            v.addWidget(text)
            grid.addWidget(cell, i // 5, i % 5)
        return w

    def _plot(self) -> tuple[pg.PlotWidget, pg.PlotItem]:
        widget = pg.PlotWidget(background="w")
        return widget, widget.getPlotItem()

    def _points(self, p: Preview) -> QWidget:
        widget, plot = self._plot()
        _key_beside(plot)
        assert p.points is not None
        if p.classes is None:
            plot.plot(p.points[:, 0], p.points[:, 1], pen=None, symbol="o", symbolSize=6)
        else:
            for c, name in enumerate(p.class_names):
                mask = p.classes == c
                plot.plot(p.points[mask, 0], p.points[mask, 1], pen=None, symbol="o", symbolSize=7,
                          symbolBrush=_color(c), symbolPen="w", name=name)
        plot.setAspectLocked(True)
        return widget

    def _series(self, p: Preview) -> QWidget:
        assert p.series is not None and p.times is not None
        dated = float(p.times[-1]) > 1e8 if len(p.times) else False
        widget = pg.PlotWidget(background="w", axisItems={"bottom": pg.DateAxisItem()} if dated else None)
        plot = widget.getPlotItem()
        plot.plot(p.times, p.series, pen=pg.mkPen((31, 119, 180), width=1), connect="finite")
        plot.setLabel("left", p.series_name)
        plot.setLabel("bottom", "time" if dated else "reading")
        plot.showGrid(x=True, y=True, alpha=0.3)
        return widget

    def _graph(self, p: Preview) -> QWidget:
        widget, plot = self._plot()
        assert p.points is not None and p.edges is not None and p.classes is not None
        if p.edges.size:
            seg = p.points[p.edges.T.reshape(-1)]
            plot.plot(seg[:, 0], seg[:, 1], pen=pg.mkPen((150, 150, 150, 120), width=1), connect="pairs")
        _key_beside(plot)
        for c, name in enumerate(p.class_names):
            mask = p.classes == c
            plot.plot(p.points[mask, 0], p.points[mask, 1], pen=None, symbol="o", symbolSize=9,
                      symbolBrush=_color(c), symbolPen="w", name=name)
        plot.setAspectLocked(True)
        plot.hideAxis("left")
        plot.hideAxis("bottom")
        return widget

    def _table(self, p: Preview) -> QWidget:
        table = QTableWidget(len(p.rows), len(p.columns))
        table.setHorizontalHeaderLabels(p.columns)
        for r, row in enumerate(p.rows):
            for c, value in enumerate(row):
                table.setItem(r, c, QTableWidgetItem(value))
        return table


def _key_beside(plot: pg.PlotItem) -> LegendColumn:
    """The class key in a column right of the plot: anchored inside, it covered Cora's nodes and blobs' points."""
    return LegendColumn(plot, labelTextSize="9pt", labelTextColor="#222")


def show_data_preview(parent: QWidget | None, project: Any, base_dir: str | Path | None = None) -> DataPreview:
    """Open the data-first preview of ``project`` as its own window (kept alive by ``parent``)."""
    view = DataPreview(project, base_dir)
    if parent is not None:
        view.setParent(parent, Qt.WindowType.Window)
    view.show()
    view.raise_()
    return view

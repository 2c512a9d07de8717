"""A plot's legend in a column of its own, beside the plot area, for plots whose newest values are at the right.

pyqtgraph anchors a legend inside the view box, which is where curves that grow to the right (losses per
epoch, gradient norms per layer) draw their newest values; shared by the Curves and Weights tabs.
"""

from __future__ import annotations

import math
from typing import Any

import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsSceneResizeEvent, QSizePolicy


class _ColumnLegend(pg.LegendItem):
    """A LegendItem sized by its own layout, which tells its ``LegendColumn`` whenever its entries change."""

    def __init__(self, column: LegendColumn, **options: Any) -> None:
        self._column: LegendColumn | None = None
        # rows closer than pyqtgraph's (each label has 4 px of empty margin above and below its text), so that
        # more of them fit beside a short plot; placed by its column, never anchored into the plot area
        super().__init__(offset=None, verSpacing=-5, **options)
        self.layout.setContentsMargins(4, 2, 4, 2)
        self._column = column

    def updateSize(self) -> None:  # noqa: N802 (pyqtgraph's name): called after every entry added or removed
        """Take the size the entries need: pyqtgraph's sum of item heights ignores the row spacing and margins."""
        self.resize(self.layout.effectiveSizeHint(Qt.SizeHint.PreferredSize))
        if self._column is not None:
            self._column.fit()

    def hoverEvent(self, ev: Any) -> None:  # noqa: N802
        """No dragging: dragged into the plot area it would hide curves again."""

    def mouseDragEvent(self, ev: Any) -> None:  # noqa: N802
        ev.ignore()


class LegendColumn(pg.GraphicsWidget):
    """A plot's legend in a column of its own, right of the plot area, so that it never covers a curve.

    The newest values of a run are drawn at the right end of the plot area, which is where pyqtgraph
    anchors a legend (inside the view box, top right). In a short dock (the window at its default size),
    or with several runs overlaid, the legend covered exactly those values and a student could not read
    the latest loss. Anchored top left it would hide the first epochs instead (where a loss is highest),
    and a translucent box still hides what is under it. Beside the plot area it covers nothing: the plot
    gives up the legend's width, and a docked dashboard has width to spare but little height. The column
    spans the title and x-axis rows too (blank there), and entries that do not fit its height wrap into
    more columns, up to 70 % of the plot's width, so the legend stays whole at any usual dock height.
    """

    GAP = 6.0  # between the plot area's right edge and the legend
    MAX_SHARE = 0.7  # of the plot's width, at most, for the legend's columns (beyond, it runs off the bottom)

    def __init__(self, plot: pg.PlotItem, **options: Any) -> None:
        super().__init__()
        self._plot = plot
        self._fitting = False
        # the height of the rows it spans, never asking for more; exactly the legend's width
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Ignored)
        self.legend = _ColumnLegend(self, **options)
        self.legend.setParentItem(self)
        # PlotItem's grid: rows 0-3 are the title, top axis (hidden), view box and x axis; columns 0-2 the
        # left axis, view box and right axis (hidden). Column 3, all four rows: beside the whole plot.
        plot.layout.addItem(self, 0, 3, 4, 1)
        plot.legend = self.legend  # where pyqtgraph (and ``_RunCurves.dress``) adds named curves
        plot.geometryChanged.connect(self.fit)  # a wider plot may allow more columns
        self.fit()

    def resizeEvent(self, ev: QGraphicsSceneResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(ev)
        self.fit()  # the dock's height changed: as many rows as now fit

    def columns_for(self, height: float, width: float) -> int:
        """How many columns the entries need to fit ``height``, at most as many as ``width`` holds (and one)."""
        items = self.legend.items
        if not items or height <= 0:
            return 1
        grid = self.legend.layout
        left, top, right, bottom = grid.getContentsMargins()
        spacing = grid.verticalSpacing()
        pitch = max(max(sample.height(), label.height()) for sample, label in items) + spacing
        rows = max(1, int((height - top - bottom + spacing) // max(pitch, 1.0)))
        column = max(sample.width() + label.width() for sample, label in items) + 2 * grid.horizontalSpacing()
        most = max(1, int((width - left - right) // max(column, 1.0))) if width > 0 else len(items)
        return max(1, min(math.ceil(len(items) / rows), most))

    def fit(self) -> None:
        """Entries in the columns the plot's size calls for, the legend at the top, and its width taken."""
        if self._fitting or not shiboken6.isValid(self._plot):  # a last resize while the window is torn down
            return
        self._fitting = True
        try:
            legend = self.legend
            columns = self.columns_for(self.size().height(), self.MAX_SHARE * self._plot.width())
            if not self._arranged(columns):
                self._arrange(columns)
            legend.setPos(self.GAP, 0)
            width = legend.width() + self.GAP if legend.items else 0.0
            if width != self.preferredWidth():
                self.setMinimumWidth(width)
                self.setMaximumWidth(width)
                self.setPreferredWidth(width)
                self.updateGeometry()
        finally:
            self._fitting = False

    def _arranged(self, columns: int) -> bool:
        """Whether the entries already sit in reading order in ``columns`` (most resizes change nothing)."""
        grid = self.legend.layout
        return self.legend.columnCount == columns and grid.count() == 2 * len(self.legend.items) and all(
            grid.itemAt(i // columns, 2 * (i % columns)) is sample for i, (sample, _label) in enumerate(self.legend.items))

    def _arrange(self, columns: int) -> None:
        """Entries in reading order, row by row; rebuilt whole, as removed entries leave holes in the grid."""
        legend = self.legend
        grid = legend.layout
        for i in range(grid.count() - 1, -1, -1):
            grid.removeAt(i)
        for i, (sample, label) in enumerate(legend.items):
            row, col = divmod(i, columns)
            grid.addItem(sample, row, 2 * col, alignment=Qt.AlignmentFlag.AlignVCenter)
            grid.addItem(label, row, 2 * col + 1)
        legend.columnCount = columns
        legend.rowCount = max(1, math.ceil(len(legend.items) / columns))
        legend.updateSize()

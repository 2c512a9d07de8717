"""Colours and colour maps shared by the dashboard's plots.

Run colours follow matplotlib's tab10 so overlaid runs stay distinguishable; the two-class maps follow the
TensorFlow Playground (orange for class 0, blue for class 1) because students coming from the lecture know it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QSizeF, Qt, QTimer
from PySide6.QtWidgets import QSizePolicy, QWidget

RUN_COLORS = [
    (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
    (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207),
]
CLASS_COLORS = [
    (245, 147, 34), (8, 119, 189), (44, 160, 44), (214, 39, 40), (148, 103, 189),
    (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207),
]
WRONG = "#d62728"
RIGHT = "#2a7a2a"


def run_color(index: int) -> tuple[int, int, int]:
    return RUN_COLORS[index % len(RUN_COLORS)]


def class_color(index: int) -> tuple[int, int, int]:
    return CLASS_COLORS[int(index) % len(CLASS_COLORS)]


def _lut(stops: list[tuple[float, tuple[int, int, int]]], n: int = 256) -> np.ndarray:
    pos = np.array([s[0] for s in stops])
    cols = np.array([s[1] for s in stops], dtype=np.float64)
    t = np.linspace(0.0, 1.0, n)
    lut = np.stack([np.interp(t, pos, cols[:, c]) for c in range(3)], axis=1)
    return np.ascontiguousarray(lut.astype(np.uint8))


# p(class 1) from 0 to 1: orange, through near-white, to blue, pale enough that points stay readable on top.
BOUNDARY_LUT = _lut([(0.0, (246, 176, 107)), (0.5, (248, 248, 248)), (1.0, (120, 178, 222))])
# Signed weights: blue negative, white zero, red positive.
DIVERGING_LUT = _lut([(0.0, (33, 102, 172)), (0.5, (247, 247, 247)), (1.0, (178, 24, 43))])
GREY_LUT = _lut([(0.0, (0, 0, 0)), (1.0, (255, 255, 255))])
SEQUENTIAL_LUT = pg.colormap.get("viridis").getLookupTable(nPts=256)
CONFUSION_LUT = _lut([(0.0, (255, 255, 255)), (1.0, (8, 69, 148))])


class ElidedTitle(pg.LabelItem):
    """A plot title that ends in "…" when its plot is narrower than the text, instead of widening the plot.

    pyqtgraph makes a title's full width its plot's minimum width. Side by side in a short dock, the Weights
    tab's titles ("Weight matrix: hidden 64×1568 (±0.47, shown at 64×392)") asked for more than the window's
    width, and the last plot's legend ran off its right edge. The whole title stays in ``text`` and in the
    tooltip; the plot may shrink to ``MIN_WIDTH`` for it.
    """

    MIN_WIDTH = 80.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._full = ""
        self._natural = 0.0  # the whole title's width
        self._fitted_to = -1.0
        self._fitting = False
        self._kept: tuple[float, str, str] | None = None  # room, start of the title, what of it was shown
        super().__init__(*args, **kwargs)

    def setText(self, text: str, **args: Any) -> None:  # noqa: N802 (pyqtgraph's name)
        self._full = str(text)
        self._fit(force=True, **args)

    def _fit(self, force: bool = False, **args: Any) -> None:
        room = self.rect().width()
        if self._fitting or (not force and room == self._fitted_to):
            return
        self._fitting = True
        try:
            super().setText(self._full, **args)
            self._natural = self.itemRect().width()
            shown = self._full
            if room > 0 and self._natural > room:
                shown = self._shortened(room)
            self._fitted_to = room
            self.setToolTip(self._full if shown != self._full else "")
        finally:
            self.text = self._full
            self._fitting = False
        self.updateMin()

    def _shortened(self, room: float) -> str:
        """The title cut to ``room`` with "…", shown; a closing "(...)" stays when it can: in "Decision
        boundary (epoch 100)" the epoch is what changes. Only the first line is cut: the lines after a "<br>"
        (the Graph tab's "large nodes: the labelled training nodes") are short, and cutting the whole text
        dropped them with the end of the first line."""
        full, below = self._full, ""
        if "<br>" in full:
            cut = full.index("<br>")
            full, below = full[:cut], full[cut:]
        head, tail = full, ""
        if full.endswith(")") and " (" in full:
            cut = full.rindex(" (")
            head, tail = full[:cut], full[cut:]
        if tail and self._kept is not None and self._kept[:2] == (room, head):
            # the same start in the same room, only the epoch changed: one try instead of a search
            start = self._kept[2]
            shown = (start + tail if start else tail.strip()) + below
            super().setText(shown)
            if self.itemRect().width() <= room:
                return shown
        self._kept = None
        shown = full + below
        for ending, text in (((tail, head), ("", full)) if tail else (("", full),)):
            lo, hi = 1, len(text)  # the longest start of ``text`` that fits with "…" and the ending
            while lo < hi:
                mid = (lo + hi + 1) // 2
                super().setText(text[:mid].rstrip() + "…" + ending + below)
                if self.itemRect().width() <= room:
                    lo = mid
                else:
                    hi = mid - 1
            # "De… (epoch 100)" says less than "(epoch 100)" alone
            start = text[:lo].rstrip() + "…" if lo >= 4 or not ending else ""
            shown = (start + ending if start else ending.strip()) + below
            super().setText(shown)
            if self.itemRect().width() <= room:
                if ending:
                    self._kept = (room, head, start)
                break  # else the ending alone is too wide: shorten from the end instead
        return shown

    def resizeEvent(self, ev: Any) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(ev)
        self._fit()

    def updateMin(self) -> None:  # noqa: N802 (pyqtgraph's name)
        super().updateMin()
        if self._fitting:
            return
        height = self.itemRect().height()
        natural = max(self._natural, self.itemRect().width())
        self.setMinimumWidth(min(natural, self.MIN_WIDTH))
        self._sizeHint[Qt.SizeHint.MinimumSize] = (min(natural, self.MIN_WIDTH), height)
        self._sizeHint[Qt.SizeHint.PreferredSize] = (natural, height)
        self.updateGeometry()


def elide_title(plot: pg.PlotItem) -> None:
    """Give ``plot`` an ``ElidedTitle`` in place of pyqtgraph's, keeping its text and visibility."""
    old = plot.titleLabel
    if isinstance(old, ElidedTitle):
        return
    new = ElidedTitle("", size="11pt", parent=plot)
    plot.layout.removeItem(old)
    if old.scene() is not None:
        old.scene().removeItem(old)
    plot.layout.addItem(new, 0, 1)
    new.setMaximumHeight(old.maximumHeight())
    new.setVisible(old.isVisible())
    plot.titleLabel = new
    if old.text:
        new.setText(old.text)


UNLIMITED = 16777215.0  # Qt's QWIDGETSIZE_MAX


SHORT_BELOW = 300  # px: a plot area less tall than this, and 2.5 times as wide, puts its plots in one row


def short_and_wide(view: QWidget) -> bool:
    """Whether ``view`` is a short, wide strip (a default window's Training dock): several plots then stand in
    one row, each the whole height, rather than in rows a few dozen pixels high."""
    size = view.size()
    return size.height() < SHORT_BELOW and size.width() >= 2.5 * size.height()


def inner_width(view: pg.GraphicsLayoutWidget) -> float:
    """The width a plot view's layout gives its items: the view's, less the layout's margins."""
    left, _top, right, _bottom = view.ci.layout.getContentsMargins()
    return view.width() - left - right


def place(layout: pg.GraphicsLayout, cells: list[tuple[Any, int, int, int]], hidden: tuple[Any, ...] = ()) -> None:
    """Lay ``layout``'s items out again: each of ``cells`` (item, row, column, column span) at its place and
    the ``hidden`` ones out of the layout (a hidden item still holds its row and column in a graphics layout)."""
    for item in [cell[0] for cell in cells] + list(hidden):
        if item in layout.items:
            layout.removeItem(item)
    for item, row, col, colspan in cells:
        layout.addItem(item, row=row, col=col, colspan=colspan)


class Blank(pg.GraphicsWidget):
    """Empty room that grows: one each side of plots that are narrower than their tab centres them."""

    def __init__(self) -> None:
        super().__init__()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(0)
        self.setPreferredWidth(0)


def _label_size_hint(self: pg.LabelItem, hint: Qt.SizeHint, constraint: QSizeF) -> QSizeF:
    """pyqtgraph's LabelItem.sizeHint, safe on a label whose Python half is already gone.

    When a window closes, Qt may still lay out a plot whose title label's Python attributes were collected;
    the stock method then raised AttributeError ('_sizeHint') from inside Qt's layout, once per label. An
    empty size is what it answers for a hint it does not know.
    """
    sizes = self.__dict__.get("_sizeHint")
    if not sizes or hint not in sizes:
        return QSizeF(0, 0)
    return QSizeF(*sizes[hint])


_stock_label_resize = pg.LabelItem.resizeEvent


def _label_resize(self: pg.LabelItem, event: object) -> None:
    """LabelItem.resizeEvent, skipped for a label whose Python half is gone (as ``_label_size_hint``)."""
    if "item" in self.__dict__:
        _stock_label_resize(self, event)


pg.LabelItem.sizeHint = _label_size_hint  # type: ignore[method-assign]
pg.LabelItem.resizeEvent = _label_resize  # type: ignore[method-assign]


class DataWidth(QObject):
    """Keeps aspect-locked plots no wider than their data is at the plots' height.

    With the axes locked 1:1, a plot wider than its data's shape widens the x range instead: in a short, wide
    Training dock the spiral (±6) sat in the middle of an x axis from -55 to 55, the perceptron's blobs on
    ±40 and the GAN ring's ±2.5 on ±20. Each plot's maximum width follows its height (the dock's height, the
    banners above it) on the next turn of the event loop; ``room`` caps it at what the tab has.
    """

    MIN_WIDTH = 120.0

    def __init__(self, owner: QWidget, view: pg.GraphicsLayoutWidget, plots: list[pg.PlotItem],
                 reserved: Callable[[], float] = lambda: 0.0) -> None:
        super().__init__(owner)
        self.extent: tuple[float, float, float, float] | None = None
        self._view = view
        self._plots = plots
        self._reserved = reserved  # width the view keeps for something beside the plots (the GAN Lab's key)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.fit)
        for plot in plots:
            plot.getViewBox().sigResized.connect(self._timer.start)
        owner.installEventFilter(self)

    def set_extent(self, extent: tuple[float, float, float, float] | None) -> None:
        self.extent = extent
        self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self._timer.start()  # once the plots have their new height
        return False

    def fit(self) -> None:
        shown = max(1, sum(plot.isVisible() for plot in self._plots))
        room = (inner_width(self._view) - self._reserved()) / shown  # shared by the plots shown side by side
        for plot in self._plots:
            box = plot.getViewBox()
            if self.extent is None or box.height() <= 0:
                plot.setMaximumWidth(UNLIMITED)
                plot.setPreferredWidth(max(room, self.MIN_WIDTH))
                continue
            x0, x1, y0, y1 = self.extent
            data = box.height() * (x1 - x0) / max(y1 - y0, 1e-12) * 1.04  # setRange's 2 % each side
            around = plot.geometry().width() - box.width()  # the y axis, a key beside it, the margins
            width = min(max(data + around + 1.0, self.MIN_WIDTH), max(room, self.MIN_WIDTH))
            plot.setMaximumWidth(width)
            # and as its preferred width: a graphics layout shares extra room among the expanding items (the
            # blanks that centre the plots too), so a plot made taller stayed as wide as before, its plane
            # filled out with empty margins above and below the data instead of growing with the dock
            plot.setPreferredWidth(width)


LABEL_OVERHANG = 14  # px an x-axis label may reach past either end of its axis: half of "1,000"


def prepare_axes(plot: pg.PlotItem) -> None:
    """Plain numbers on the axes (no "×0.001" prefixes: students read weights, not SI units), each axis
    rendered to a pixmap and reused until its range changes.

    An axis paint replays its tick text (~5 ms, GIL held); uncached, every curve update repaints all axes
    beside it. With the cache a repaint is a pixmap copy, so the training thread keeps the GIL.
    """
    from PySide6.QtWidgets import QGraphicsItem

    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        if axis is not None:
            axis.enableAutoSIPrefix(False)
            axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    # The label at the right end of an x axis (the last epoch of a run) reaches past the axis by half its width,
    # and pyqtgraph hides every label that does: a 5-epoch run's axis read 0.5 ... 4.5 and never 5. Let such a
    # label reach a little past the end (the axis' cached pixmap grows by as much).
    # The plot keeps as much room on its right, or a plot at the window's edge cut "100" down to "10".
    plot.getAxis("bottom").setStyle(hideOverlappingLabels=LABEL_OVERHANG)
    elide_title(plot)
    left, top, right, bottom = plot.layout.getContentsMargins()
    plot.layout.setContentsMargins(left, top, max(right, LABEL_OVERHANG), bottom)


class LogAxis(pg.AxisItem):
    """An axis whose log-mode labels never run into each other: the finest of decades, 1-2-5 and every
    multiple whose labels still stand apart, and only every second (third, ...) decade when even decades
    crowd the axis. Unlabelled ticks still mark every multiple.

    pyqtgraph labels the 2, 3, ... 9 multiples of every decade as soon as its chosen spacing drops below one
    decade, which depends on the plot's height: in the Weights tab's short gradient plot the labels 0.002 ...
    0.2 were drawn on top of each other, and in the Curves tab's log scale 1, 0.9 and 0.8 touched.
    """

    LINE = 16.0  # pixels per label: one line of the axis' text and a little air

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[Any, list[float]]]:  # noqa: N803
        if not self.logMode:
            return super().tickValues(minVal, maxVal, size)
        lo, hi = sorted((float(minVal), float(maxVal)))
        if not (math.isfinite(lo) and math.isfinite(hi)) or hi - lo > 300 or hi <= lo or size <= 0:
            return super().tickValues(minVal, maxVal, size)
        per_unit = size / (hi - lo)  # pixels per decade

        def at(multiples: tuple[int, ...]) -> list[float]:
            return [d + math.log10(m) for d in range(math.floor(lo), math.ceil(hi) + 1) for m in multiples
                    if lo <= d + math.log10(m) <= hi]

        def apart(values: list[float]) -> bool:
            return len(values) < 2 or float(np.diff(values).min()) * per_unit >= self.LINE

        labelled = at((1,))
        if not apart(labelled):  # many decades in a short axis: every second (third, ...) one
            step = math.ceil(self.LINE / per_unit)
            labelled = [v for v in labelled if round(v) % step == 0] or labelled[:1]
        else:
            for multiples in ((1, 2, 5), (1, 2, 3, 4, 5, 6, 7, 8, 9)):
                finer = at(multiples)
                if not apart(finer):
                    if not labelled:  # a part of one decade: as many of these as stand apart, from the bottom
                        for v in finer:
                            if not labelled or (v - labelled[-1]) * per_unit >= self.LINE:
                                labelled.append(v)
                    break
                labelled = finer
        # (no multiple at all in view, a sliver zoomed in on: no label, since pyqtgraph prints each label
        # with one significant digit and a label between multiples would misstate its value)
        marked = set(labelled)
        return [(1.0, labelled), (None, [v for v in at(tuple(range(1, 10))) if v not in marked])]


class PlotView(pg.GraphicsLayoutWidget):
    """The dashboard's plot canvas: a GraphicsLayoutWidget on white, like the rest of the app's panels."""

    def __init__(self) -> None:
        super().__init__()
        self.setBackground("w")
# GAN Lab's colours: green for real data (and where D says "real"), purple for generated samples ("fake").
REAL_COLOR = (26, 150, 65)
FAKE_COLOR = (123, 50, 148)
GAN_LAB_LUT = _lut([(0.0, (214, 186, 222)), (0.5, (247, 247, 247)), (1.0, (178, 223, 178))])


def move_points(item: pg.ScatterPlotItem, pos: np.ndarray) -> None:
    """Show ``pos`` (N×2) in a scatter, moving the points it has when their count is unchanged (each
    keeps its look).

    A live view redraws the same noise batch's samples several times a second. ``setData`` rebuilds every
    spot's record and looks each one's symbol up in the atlas again (~2 ms for 512 points, GIL held, so the
    training thread waits); moving them is a copy of two columns. Falls back to ``setData`` when the count
    changes or a spot was never drawn.
    """
    pos = np.asarray(pos, dtype=np.float64).reshape(-1, 2)
    data = item.data
    if len(data) != len(pos) or len(pos) == 0 or bool(np.any(data["sourceRect"]["w"] == 0)):
        item.setData(pos=pos)
        return
    data["x"] = pos[:, 0]
    data["y"] = pos[:, 1]
    # what ScatterPlotItem.addPoints does after new positions, less re-rendering the spots' symbols
    item.prepareGeometryChange()
    item.informViewBoundsChanged()
    item.bounds = [None, None]
    item.invalidate()
    item.sigPlotChanged.emit(item)

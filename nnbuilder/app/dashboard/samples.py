"""The generator's samples for one fixed noise batch, live, with a slider to look back through the run.

Because the noise never changes, every change in the grid is the generator learning: blobs become strokes
become garments. Image samples arrive as one uint8 mosaic per frame (the worker tiles them), 2-D samples as
points drawn over the real data. Frames are kept for the slider with bounded memory, evenly spread over the
whole run (a ``SnapshotStore``: past ``MAX_KEPT`` frames it keeps every second one, then every fourth, ...).
"""

from __future__ import annotations

import functools

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QVBoxLayout, QWidget

from ..workers.messages import DataView, SampleGrid, ViewFrame
from ..workers.views.gan import blocks_to_fit, class_blocks, columns_to_fit, retile
from .panel import ViewPanel
from .runs import SnapshotStore
from .style import FAKE_COLOR, REAL_COLOR, DataWidth, PlotView, move_points, prepare_axes

STREAM_NAME = "samples"
MAX_KEPT = 240  # frames kept for the slider (a 64-sample 28×28 mosaic is 54 kB: ~13 MB at most)


_NO_LIMIT = 16_777_215  # QWIDGETSIZE_MAX


CLASS_GAP = 8  # mosaic pixels between blocks of a conditional GAN's grid


@functools.cache
def _title_font() -> QFont:
    font = QFont()
    font.setPointSizeF(10.0)
    return font


@functools.cache
def _head_font() -> QFont:
    """The class names' font (made once there is an application: a QFont needs one)."""
    font = QFont()
    font.setPointSizeF(8.0)
    return font


def _fit_text(text: str, room: float) -> str:
    """``text`` cut (with an ellipsis) to fit ``room`` pixels in the class names' font: "T-shirt/top" becomes
    "T-shi…" over a narrow column instead of running into its neighbours' names (the tooltip has it whole)."""
    return QFontMetrics(_head_font()).elidedText(text, Qt.TextElideMode.ElideRight, max(int(room), 8))


class SamplesPanel(ViewPanel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = PlotView()
        self.title = self.view.addLabel("Samples from a fixed noise batch", size="10pt", color="#222")
        self._title_text = "Samples from a fixed noise batch"
        self.view.nextRow()
        # image samples: one image item for the whole mosaic (one texture upload per frame, not 64)
        self.box = self.view.addViewBox(lockAspect=True, invertY=True, enableMouse=False)
        self.box.setMenuEnabled(False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.box.addItem(self.image)
        self.class_heads: list[pg.TextItem] = []  # a conditional GAN's class names over their columns
        self._blocks = 1  # ... whose rows are shown in this many blocks side by side
        # 2-D samples: generated points over the real ones
        self.view.nextRow()
        self.plot = self.view.addPlot()
        prepare_axes(self.plot)
        self.plot.setAspectLocked(True)
        self.plot.setLabel("bottom", "x₁")
        self.plot.setLabel("left", "x₂")
        self.real_points = pg.ScatterPlotItem(size=5, pen=None, brush=pg.mkBrush(*REAL_COLOR, 120))
        self.fake_points = pg.ScatterPlotItem(size=6, pen=pg.mkPen(255, 255, 255, 160, width=0.5),
                                              brush=pg.mkBrush(*FAKE_COLOR, 210))
        self.plot.addItem(self.real_points)
        self.plot.addItem(self.fake_points)
        self.view.ci.layout.setAlignment(self.plot, Qt.AlignmentFlag.AlignHCenter)
        self._fit = DataWidth(self, self.view, [self.plot])

        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setEnabled(False)
        self.slider.setToolTip("Drag back to see what the generator made of the same noise earlier in the run; "
                               "all the way right follows the run live.")
        self.position_label = QLabel("No samples yet.")
        # as wide as its longest text: a label that changed width while scrubbing moved the slider's end
        metrics = self.position_label.fontMetrics()
        self.position_label.setFixedWidth(metrics.horizontalAdvance("epoch 10000, generator step 1,000,000 (live) · "
                                                                    f"{MAX_KEPT} kept") + 8)
        row = QHBoxLayout()
        row.setContentsMargins(6, 2, 6, 2)
        row.addWidget(QLabel("Look back:"))
        row.addWidget(self.slider, 1)
        row.addWidget(self.position_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)

        self._kept = SnapshotStore(per_stream=MAX_KEPT)
        self._replay: SampleGrid | None = None  # the timeline's grid, shown instead of the look-back's
        self.received = 0
        self.updates = 0  # frames drawn
        self.follow = True  # the slider sits at the newest frame and moves with it
        self.running = False  # a run is sending frames: the newest one is "live"
        self._levels_points: tuple[float, float, float, float] | None = None
        self._drawn: SampleGrid | None = None
        self._set_mode(points=False)
        self.slider.valueChanged.connect(self._on_slider_value_changed)
        # after a run the dashboard's refresh timer is off: a resized tab lays its grid out again by itself
        self._relayout = QTimer(self)
        self._relayout.setSingleShot(True)
        self._relayout.setInterval(0)
        self._relayout.timeout.connect(self._refresh_if_idle)

    def _set_mode(self, points: bool) -> None:
        self.box.setVisible(not points)
        self.plot.setVisible(points)
        layout = self.view.ci.layout
        layout.setRowStretchFactor(1, 0 if points else 1)
        layout.setRowStretchFactor(2, 1 if points else 0)
        # a hidden item still takes its row's space in a graphics layout: give the shown one all of it
        self.box.setMaximumHeight(0 if points else _NO_LIMIT)
        self.plot.setMaximumHeight(_NO_LIMIT if points else 0)

    @property
    def history(self) -> list[SampleGrid]:
        """The grids kept for the slider, oldest first."""
        return [frame.payload for frame in self._kept.frames(STREAM_NAME)]

    def begin_run(self, label: str) -> None:
        self.running = bool(label)  # clear() passes no label: nothing runs
        self._kept.clear()
        self._replay = None
        self.received = 0
        self.follow = True
        self._drawn = None
        self.image.clear()
        for item in self.class_heads:
            self.box.removeItem(item)
        self.class_heads.clear()
        self.fake_points.clear()
        self.slider.blockSignals(True)
        self.slider.setRange(0, 0)
        self.slider.setEnabled(False)
        self.slider.blockSignals(False)
        self.position_label.setText("No samples yet.")
        self.dirty = True

    def set_data(self, info: DataView) -> None:
        points = info.train_points
        two_d = tuple(info.input_shape) == (2,)
        self._set_mode(points=two_d)
        self._fit.set_extent(info.extent if two_d else None)
        if two_d and points is not None:
            self.real_points.setData(pos=points)
            if info.extent is not None:
                x0, x1, y0, y1 = info.extent
                self.plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.02)
        else:
            self.real_points.clear()

    def add_frame(self, frame: ViewFrame) -> None:
        self.received += 1
        self._kept.add(ViewFrame(STREAM_NAME, frame.epoch, frame.batch, frame.position, frame.payload))
        self.dirty = True

    def show_snapshot(self, frame: ViewFrame, live: bool = False, other: ViewFrame | None = None,
                      titles: tuple[str, str] = ("", ""), other_data: DataView | None = None) -> None:
        """Replay: draw a kept grid (of this run or an earlier one); ``live`` follows the run again."""
        if live:
            self._replay = None
            self.follow = True
            self._drawn = None
            self.dirty = True
            return
        self._replay = frame.payload  # drawn by refresh, whatever the look-back slider says
        self.dirty = True

    def end_run(self, outcome: str) -> None:
        self.running = False
        self.dirty = True

    def shown_index(self) -> int:
        n = len(self._kept.frames(STREAM_NAME))
        return n - 1 if self.follow else min(self.slider.value(), n - 1)

    def refresh(self) -> None:
        self.dirty = False
        replay = self._replay
        if replay is not None:
            if replay is not self._drawn:
                self._draw(replay)
            self.position_label.setText(f"replay: epoch {replay.epoch}, generator step {replay.steps}")
            self.slider.setEnabled(False)  # the timeline shows this grid; the look-back slider does not say where
            return
        kept = self._kept.frames(STREAM_NAME)
        n = len(kept)
        if n == 0:
            return
        self.slider.blockSignals(True)
        self.slider.setEnabled(n > 1)
        self.slider.setRange(0, n - 1)
        if self.follow:
            self.slider.setValue(n - 1)
        self.slider.blockSignals(False)
        grid = kept[self.shown_index()].payload
        if grid is not self._drawn:
            self._draw(grid)
        live = " (live)" if self.follow and self.running else ""
        self.position_label.setText(f"epoch {grid.epoch}, generator step {grid.steps}{live} · {n} kept")

    def _draw(self, grid: SampleGrid) -> None:
        self._drawn = grid
        if grid.mosaic is not None:
            self._set_mode(points=False)
            image = self._laid_out(grid)
            self.image.setImage(image, levels=(0, 255), autoLevels=False)
            self._head_columns(grid, image)
            what = f"{grid.count} samples"
            if grid.classes:
                what = "a row per noise vector, a column per class"
        elif grid.points is not None:
            self._set_mode(points=True)
            move_points(self.fake_points, grid.points)
            what = f"{grid.count} generated points (purple) over the real data (green)"
        else:
            return
        self._title_text = f"The generator's output for the same noise, epoch {grid.epoch}: {what}"
        self._set_title()
        self.updates += 1

    def _set_title(self) -> None:
        """The title, cut to the tab's width: a LabelItem is as wide as its text at least, and a title wider
        than a narrow dock widened the whole picture with it, pushing columns of samples out of sight."""
        room = max(self.width() - 24, 80)
        metrics = QFontMetrics(_title_font())
        text = metrics.elidedText(self._title_text, Qt.TextElideMode.ElideRight, room)
        self.title.setText(text, size="10pt", color="#222")

    def _head_columns(self, grid: SampleGrid, image: np.ndarray) -> None:
        """Name each column's class above it (a conditional GAN; ``image`` is the grid as laid out, in
        ``self._blocks`` blocks side by side), or take the names away (any other grid)."""
        names = list(grid.classes or []) * self._blocks
        for item in self.class_heads[len(names):]:
            self.box.removeItem(item)
        del self.class_heads[len(names):]
        if not names:
            self.box.enableAutoRange()
            return
        while len(self.class_heads) < len(names):
            item = pg.TextItem(color="#222", anchor=(0.5, 1.0))
            item.setFont(_head_font())
            self.box.addItem(item)
            self.class_heads.append(item)
        k = len(grid.classes or [])
        height, width = image.shape[:2]
        pitch = (grid.mosaic.shape[1] + 1) / k if grid.mosaic is not None else 29.0  # a tile and its padding
        block = k * pitch - 1 + CLASS_GAP
        header = 0.5 * pitch
        size = self.box.size()
        pixels = min(size.width() / max(width, 1), size.height() / max(height + header, 1))  # screen px a pixel
        for i, (item, name) in enumerate(zip(self.class_heads, names, strict=True)):
            b, c = divmod(i, k)
            item.setText(_fit_text(name, pitch * pixels - 3))
            item.setToolTip(name)
            item.setPos(b * block + c * pitch + (pitch - 1) / 2, -1)
        self.box.setRange(xRange=(0, width), yRange=(-header, height), padding=0)

    def _laid_out(self, grid: SampleGrid) -> np.ndarray:
        """The mosaic in as many columns as show its samples largest in the tab: a short, wide dock showed
        64 samples 8 × 8 in a square, ~20 px a sample, where three rows of 22 show them 2.5 times as large."""
        assert grid.mosaic is not None
        size = self.box.size()
        if grid.classes:  # one class per column, always; a short, wide tab gets the rows in blocks side by side
            k = len(grid.classes)
            rows = -(-grid.count // k)
            self._blocks = blocks_to_fit(rows, k, size.width(), size.height(), gap=CLASS_GAP / 29)
            return class_blocks(grid.mosaic, grid.count, k, self._blocks, gap=CLASS_GAP)
        rows = -(-grid.count // max(1, grid.columns))
        tile_aspect = (grid.mosaic.shape[1] / max(1, grid.columns)) / (grid.mosaic.shape[0] / max(1, rows))
        columns = columns_to_fit(grid.count, size.width() / tile_aspect, size.height())
        return retile(grid.mosaic, grid.count, grid.columns, columns)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._set_title()
        if self._drawn is not None and self._drawn.mosaic is not None:
            self._drawn = None  # laid out again for the new shape at the next refresh
            self.dirty = True
            self._relayout.start()

    def _refresh_if_idle(self) -> None:
        if not self.running and self.dirty and self.isVisible():
            self.refresh()

    def _on_slider_value_changed(self, value: int) -> None:
        self._replay = None  # the student looks back through this run's grids themselves
        self.follow = value >= len(self._kept.frames(STREAM_NAME)) - 1
        self.dirty = True
        self.refresh()

    def export_target(self) -> pg.GraphicsItem:
        return self.view.ci

"""The GAN Lab view (Kahng et al., 2019) for 2-D data: the two networks' game drawn on the plane.

* background: the discriminator's probability that a point is real (green: "real", purple: "fake");
* green dots: real data; purple dots: the generator's samples of a fixed noise batch;
* lines from each purple dot: the way the generator's gradient pushes that sample (towards "real").

While the run is paused, the step buttons train one step of D only, G only, or both (GAN Lab's step controls),
so a class can watch one move of each player at a time.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ..workers.messages import DataView, GanLabFrame, ViewFrame
from ..workers.views.gan import arrow_segments
from .panel import ViewPanel
from .style import FAKE_COLOR, GAN_LAB_LUT, REAL_COLOR, Blank, DataWidth, PlotView, move_points, place, prepare_axes

STEP_BUTTONS = (("D", "Step D", "Train the discriminator for one step (the generator stays as it is)."),
                ("G", "Step G", "Train the generator for one step (the discriminator stays as it is)."),
                ("both", "Step both", "One full training step: the discriminator, then the generator."))


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{c:02x}" for c in rgb)


# The heading lives at the top of the text beside the plane, not over the plane: the plane is only as wide as
# its data, so in the default window's dock its title read "The g… (epoch 60)" and took 20 px of its height.
_HEADING = "<b>The game on the plane</b>"
_KEY = (f"{_HEADING}<br><span style='color:{_hex(REAL_COLOR)}'>●</span> real data<br>"
        f"<span style='color:{_hex(FAKE_COLOR)}'>●</span> generated G(z)<br>"
        "<span style='color:#46285a'>→</span> where G's gradient pushes each sample<br>"
        f"background: D says <span style='color:{_hex(REAL_COLOR)}'>real</span> · "
        f"<span style='color:{_hex(FAKE_COLOR)}'>fake</span>")


class _SideText(pg.LabelItem):
    """The key and the numbers beside the plane, which never make the plane's row taller than the tab.

    pyqtgraph makes a label's text height its minimum height. Fifteen lines asked for more than a default
    window's Training dock has, so the whole row grew past the tab and the lower half of the plane was cut
    off; now only the last lines of the text are, in a dock that short.
    """

    def updateMin(self) -> None:  # noqa: N802 (pyqtgraph's name)
        super().updateMin()
        self.setMinimumHeight(0)
        hint = self._sizeHint[Qt.SizeHint.MinimumSize]
        self._sizeHint[Qt.SizeHint.MinimumSize] = (hint[0], 0)
        self.updateGeometry()


class GanLabPanel(ViewPanel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = PlotView()
        self.plot = self.view.addPlot(row=0, col=0)
        prepare_axes(self.plot)
        self.plot.setAspectLocked(True)
        self.plot.setLabel("bottom", "x₁")
        self.plot.setLabel("left", "x₂")
        self.heat = pg.ImageItem(axisOrder="row-major")
        self.heat.setZValue(-10)
        self.plot.addItem(self.heat)
        self.real_points = pg.ScatterPlotItem(size=5, pen=None, brush=pg.mkBrush(*REAL_COLOR, 170), name="real data")
        self.fake_points = pg.ScatterPlotItem(size=6, pen=pg.mkPen(255, 255, 255, 200, width=0.6),
                                              brush=pg.mkBrush(*FAKE_COLOR, 230), name="generated")
        self.arrows = pg.PlotDataItem(pen=pg.mkPen((70, 40, 90, 200), width=1.2), connect="pairs")
        for item in (self.real_points, self.arrows, self.fake_points):
            self.plot.addItem(item)
        # the key and the numbers beside the plane, where an aspect-locked plot leaves room anyway
        self.side = _SideText("", justify="left", size="9pt", color="#222")
        self.view.addItem(self.side, row=0, col=1)
        self.side.setMinimumWidth(300)
        self.side.setText(_KEY, size="9pt", color="#222")
        # the plane as wide as the data at its height, its key right beside it, the two centred in the tab
        place(self.view.ci, [(item, 0, col, 1) for col, item in enumerate((Blank(), self.plot, self.side, Blank()))])
        self.side.setMaximumWidth(self.side.minimumWidth() + 60)
        self._fit = DataWidth(self, self.view, [self.plot], reserved=lambda: self.side.minimumWidth())

        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        row.setContentsMargins(6, 2, 6, 2)
        for which, text, tip in STEP_BUTTONS:
            button = QPushButton(text)
            button.setToolTip(tip + " Pause the run first.")
            button.setEnabled(False)
            button.clicked.connect(lambda _checked=False, _w=which: self.command_requested.emit(_w))
            self.buttons[which] = button
            row.addWidget(button)
        self.info_label = QLabel("Pause, then train one step of the discriminator, the generator, or both, "
                                 "and watch what each move changes.")
        self.info_label.setStyleSheet("color:#444")
        self.info_label.setWordWrap(True)
        row.addWidget(self.info_label, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)

        self._pending: GanLabFrame | None = None
        self.last: GanLabFrame | None = None
        self.received = 0
        self.updates = 0
        self._extent: tuple[float, float, float, float] | None = None
        self._real_id = 0
        self._side_text = ""
        self._line: float | None = None

    def begin_run(self, label: str) -> None:
        self._pending = None
        self.last = None
        self.received = 0
        self._real_id = 0
        for item in (self.heat, self.real_points, self.fake_points, self.arrows):
            item.clear()
        if self._side_text:  # the last run's epoch and step counts go with its points
            self._side_text = ""
            self.side.setText(_KEY, size="9pt", color="#222")
        self.set_paused(False)

    def set_data(self, info: DataView) -> None:
        if info.extent is not None:
            self._set_extent(info.extent)

    def _set_extent(self, extent: tuple[float, float, float, float]) -> None:
        if extent != self._extent:
            self._extent = extent
            self._fit.set_extent(extent)
            x0, x1, y0, y1 = extent
            self.plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.02)

    def set_paused(self, paused: bool) -> None:
        for button in self.buttons.values():
            button.setEnabled(paused)

    def add_frame(self, frame: ViewFrame) -> None:
        self._pending = frame.payload  # only the newest picture is worth drawing
        self.received += 1
        self.dirty = True

    def refresh(self) -> None:
        self.dirty = False
        frame, self._pending = self._pending, None
        if frame is None:
            return
        self.last = frame
        self._set_extent(frame.extent)
        x0, x1, y0, y1 = frame.extent
        self.heat.setImage(frame.heat, levels=(0.0, 1.0), lut=GAN_LAB_LUT, autoLevels=False)
        self.heat.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        if id(frame.real) != self._real_id:  # the real sample is fixed for the run: draw it once
            self._real_id = id(frame.real)
            self.real_points.setData(pos=frame.real)
        move_points(self.fake_points, frame.fake)
        if frame.arrows is not None and len(frame.arrows):
            segments = arrow_segments(frame.fake, frame.arrows)
            self.arrows.setData(segments[:, 0], segments[:, 1])
        else:
            self.arrows.clear()
        self._show_side(frame)
        self.updates += 1

    def _side_lines(self, frame: GanLabFrame, compact: bool) -> list[str]:
        """The key and the run's figures; ``compact`` leaves out the blank lines and the closing explanation."""
        gap = "" if compact else "<br>"
        lines = [_KEY, f"{gap}<b>Epoch {frame.epoch}</b>: D steps: {frame.d_steps:,} · G steps: {frame.g_steps:,}"]
        if frame.modes_covered is not None and frame.modes:
            lines.append(f"{gap}<b>Modes covered: {frame.modes_covered} of {frame.modes}</b>")
        if frame.high_quality is not None:
            # of the points drawn here; the curves' high_quality is of 2,500 other samples, so the two differ a little
            lines.append(f"High quality: {100 * frame.high_quality:.0f} % of the {len(frame.fake):,} shown")
        d_real = float(frame.heat.mean()) if frame.heat.size else float("nan")
        lines.append(f"{gap}D's mean belief over the plane: {d_real:.2f}")
        if not compact:
            lines.append("<span style='color:#666'>0 = all fake, 1 = all real; at the game's end<br>"
                         "D cannot tell and says ½ everywhere</span>")
        return lines

    def _show_side(self, frame: GanLabFrame) -> None:
        """The text beside the plane, without its blank lines and closing explanation where the tab is too short
        for all of it: in a default window's Training dock its last lines fell below the tab. Each text change
        re-lays out the label (~1 ms, GIL held): only when the words change."""
        full = self._side_lines(frame, compact=False)
        if self._line is None:  # the 9 pt line's height, once: this runs with every frame
            self._line = QFontMetricsF(QFont(self.font().family(), 9)).lineSpacing()
        line = self._line
        rows = sum(part.count("<br>") + 1 for part in full)
        room = self.view.height() - 16  # the view's margins
        side = "<br>".join(full if room <= 0 or rows * line <= room else self._side_lines(frame, compact=True))
        if side != self._side_text:
            self._side_text = side
            self.side.setText(side, size="9pt", color="#222")

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        if self.last is not None:
            self._show_side(self.last)  # taller or shorter: all of the text, or its compact form

    def export_target(self) -> pg.GraphicsItem:
        return self.view.ci


"""Optimizer race: six balls (torch's optimizers) rolling on a 2-D loss surface, side by side.

The trajectories come from ``nnbuilder.teach.race`` in one go; a timer only reveals them step by step, so
clicking a new start point or dragging a slider restarts the race at once.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...teach.race import OPTIMIZERS, SURFACES, Surface, Trajectory, race
from ..dashboard.style import DataWidth, LogAxis

LR_MIN_EXP, LR_MAX_EXP = -4.0, 0.0  # learning-rate sliders run from 1e-4 to 1 on a log scale
SLIDER_STEPS = 400


def lr_to_slider(lr: float) -> int:
    t = (math.log10(lr) - LR_MIN_EXP) / (LR_MAX_EXP - LR_MIN_EXP)
    return int(round(min(max(t, 0.0), 1.0) * SLIDER_STEPS))


def slider_to_lr(value: int) -> float:
    exp = LR_MIN_EXP + (LR_MAX_EXP - LR_MIN_EXP) * value / SLIDER_STEPS
    return float(f"{10 ** exp:.3g}")


def slider_lr(value: int, default: float) -> float:
    """The learning rate a slider at ``value`` stands for: the surface's own ``default`` where the slider sits
    at it (0.05 is step 269.9 of the 400, so the step nearest it alone read 0.0501), else the step's value."""
    return float(default) if value == lr_to_slider(default) else slider_to_lr(value)


class OptimizerRaceView(QWidget):
    """Contour map with the balls and their paths, the loss of each ball over steps, and the controls."""

    def __init__(self, parent: QWidget | None = None, *, steps: int = 300) -> None:
        super().__init__(parent)
        self.setWindowTitle("Optimizer race")
        self.trajectories: dict[str, Trajectory] = {}
        self.step = 0
        self.start: tuple[float, float] = (0.0, 0.0)
        self._surface_key = "bowl"

        # -- controls ------------------------------------------------------------------------------------
        self.surface_combo = QComboBox()
        for key, s in SURFACES.items():
            self.surface_combo.addItem(s.title, key)
        self.formula_label = QLabel()
        self.note_label = QLabel()
        self.note_label.setWordWrap(True)
        self.lr_plain_slider = QSlider(Qt.Orientation.Horizontal)
        self.lr_adaptive_slider = QSlider(Qt.Orientation.Horizontal)
        for s in (self.lr_plain_slider, self.lr_adaptive_slider):
            s.setRange(0, SLIDER_STEPS)
        self.lr_plain_label = QLabel()
        self.lr_adaptive_label = QLabel()
        self.momentum_slider = QSlider(Qt.Orientation.Horizontal)
        self.momentum_slider.setRange(0, 99)
        self.momentum_slider.setValue(90)
        self.momentum_label = QLabel()
        self.steps_spin = QSpinBox()
        self.steps_spin.setRange(10, 5000)
        self.steps_spin.setValue(steps)
        self.steps_spin.setSuffix(" steps")
        self.play_button = QPushButton("Pause")
        self.play_button.setCheckable(True)
        self.restart_button = QPushButton("Restart")
        self.step_label = QLabel()
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.checks: dict[str, QCheckBox] = {}
        legend = QHBoxLayout()
        for name, choice in OPTIMIZERS.items():
            cb = QCheckBox(name)
            cb.setChecked(True)
            cb.setStyleSheet(f"QCheckBox {{ color: {choice.color}; font-weight: bold; }}")
            cb.toggled.connect(self._on_check_toggled)
            self.checks[name] = cb
            legend.addWidget(cb)
        legend.addStretch(1)

        grid = QGridLayout()
        grid.addWidget(QLabel("Surface"), 0, 0)
        grid.addWidget(self.surface_combo, 0, 1)
        grid.addWidget(self.formula_label, 0, 2, 1, 2)
        grid.addWidget(QLabel("η for SGD, Momentum, Nesterov"), 1, 0)
        grid.addWidget(self.lr_plain_slider, 1, 1, 1, 2)
        grid.addWidget(self.lr_plain_label, 1, 3)
        grid.addWidget(QLabel("η for Adagrad, RMSprop, Adam"), 2, 0)
        grid.addWidget(self.lr_adaptive_slider, 2, 1, 1, 2)
        grid.addWidget(self.lr_adaptive_label, 2, 3)
        grid.addWidget(QLabel("Momentum (Momentum, Nesterov)"), 3, 0)
        grid.addWidget(self.momentum_slider, 3, 1, 1, 2)
        grid.addWidget(self.momentum_label, 3, 3)
        buttons = QHBoxLayout()
        buttons.addWidget(self.steps_spin)
        buttons.addWidget(self.play_button)
        buttons.addWidget(self.restart_button)
        buttons.addWidget(self.step_label, 1)
        grid.addLayout(buttons, 4, 0, 1, 4)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)

        # -- plots -----------------------------------------------------------------------------------------
        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setBackground("w")
        self.map_plot = self.plots.addPlot(row=0, col=0, title="Click to set the start point")
        # log scale: LogAxis labels only the multiples that stand apart (pyqtgraph's own axis piled
        # "10², 9·10¹, 8·10¹ …" on top of each other over two decades of the Beale surface's losses)
        self.loss_plot = self.plots.addPlot(row=0, col=1, title="Loss of each ball",
                                            axisItems={"left": LogAxis("left")})
        # x and y in the same units: stretched, the bowl x² + y² drew as an ellipse and the balls' paths
        # did not cross its contour lines at right angles, which is what the lecture's gradient does
        self.map_plot.setAspectLocked(True)
        self.map_width = DataWidth(self, self.plots, [self.map_plot])
        # a fixed map to click on, not one to pan or zoom: with pyqtgraph's limits instead, switching from the
        # bowl (±2) to the elongated bowl (±4) kept the bowl's x range, and the start at x = -3.5 was off it
        self.map_plot.setMouseEnabled(x=False, y=False)
        self.map_plot.setMenuEnabled(False)
        self.map_plot.hideButtons()
        self.loss_plot.setLabel("bottom", "step")
        self.loss_plot.setLabel("left", "loss")
        self.loss_plot.showGrid(x=True, y=True, alpha=0.3)
        self.plots.ci.layout.setColumnStretchFactor(0, 3)
        self.plots.ci.layout.setColumnStretchFactor(1, 2)
        self.image = pg.ImageItem()
        self.image.setLookupTable(pg.colormap.get("viridis").getLookupTable(nPts=256))
        self.map_plot.addItem(self.image)
        self.isocurves: list[pg.IsocurveItem] = []
        self.minimum_marker = pg.ScatterPlotItem(symbol="star", size=16, brush="w", pen=pg.mkPen("k"))
        self.start_marker = pg.ScatterPlotItem(symbol="x", size=14, brush="w", pen=pg.mkPen("w", width=2))
        self.map_plot.addItem(self.minimum_marker)
        self.map_plot.addItem(self.start_marker)
        self.paths: dict[str, pg.PlotDataItem] = {}
        self.balls: dict[str, pg.ScatterPlotItem] = {}
        self.loss_curves: dict[str, pg.PlotDataItem] = {}
        for name, choice in OPTIMIZERS.items():
            path = pg.PlotDataItem(pen=pg.mkPen(choice.color, width=2))
            ball = pg.ScatterPlotItem(size=13, brush=pg.mkBrush(choice.color), pen=pg.mkPen("w", width=1.5))
            ball.setZValue(10)
            self.map_plot.addItem(path)
            self.map_plot.addItem(ball)
            self.paths[name], self.balls[name] = path, ball
            self.loss_curves[name] = self.loss_plot.plot(pen=pg.mkPen(choice.color, width=2), name=name)

        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addLayout(legend)
        layout.addWidget(self.plots, 1)
        layout.addWidget(self.note_label)
        layout.addWidget(self.status_label)

        self.timer = QTimer(self)
        self.timer.setInterval(33)
        self.timer.timeout.connect(self._on_timer_timeout)
        self.surface_combo.currentIndexChanged.connect(self._on_surface_combo_changed)
        self.lr_plain_slider.valueChanged.connect(self._on_setting_changed)
        self.lr_adaptive_slider.valueChanged.connect(self._on_setting_changed)
        self.momentum_slider.valueChanged.connect(self._on_setting_changed)
        self.steps_spin.valueChanged.connect(self._on_setting_changed)
        self.play_button.toggled.connect(self._on_play_button_toggled)
        self.restart_button.clicked.connect(self.restart)
        self.map_plot.scene().sigMouseClicked.connect(self._on_map_clicked)
        self.set_surface("bowl")
        self.resize(1200, 760)

    # ------------------------------------------------------------------------------------------ API
    @property
    def surface(self) -> Surface:
        return SURFACES[self._surface_key]

    @property
    def lr_plain(self) -> float:
        return slider_lr(self.lr_plain_slider.value(), self.surface.lr_plain)

    @property
    def lr_adaptive(self) -> float:
        return slider_lr(self.lr_adaptive_slider.value(), self.surface.lr_adaptive)

    @property
    def momentum(self) -> float:
        return self.momentum_slider.value() / 100.0

    def set_surface(self, key: str) -> None:
        """Switch surface: its own start point and learning rates, a fresh race."""
        self._surface_key = key
        s = SURFACES[key]
        index = self.surface_combo.findData(key)
        for w in (self.surface_combo, self.lr_plain_slider, self.lr_adaptive_slider):
            w.blockSignals(True)
        self.surface_combo.setCurrentIndex(index)
        self.lr_plain_slider.setValue(lr_to_slider(s.lr_plain))
        self.lr_adaptive_slider.setValue(lr_to_slider(s.lr_adaptive))
        for w in (self.surface_combo, self.lr_plain_slider, self.lr_adaptive_slider):
            w.blockSignals(False)
        self.start = s.start
        self.formula_label.setText(s.formula)
        self.note_label.setText(s.note)
        self._draw_surface()
        self.restart()

    def set_start(self, x: float, y: float) -> None:
        self.start = (float(x), float(y))
        self.restart()

    def restart(self) -> None:
        """Re-run the race with the current settings and show it from step 0."""
        names = [n for n, cb in self.checks.items() if cb.isChecked()]
        self.trajectories = race(self.surface, self.start, lr_plain=self.lr_plain, lr_adaptive=self.lr_adaptive,
                                 momentum=self.momentum, steps=self.steps_spin.value(), names=names)
        self.lr_plain_label.setText(f"{self.lr_plain:g}")
        self.lr_adaptive_label.setText(f"{self.lr_adaptive:g}")
        self.momentum_label.setText(f"{self.momentum:.2f}")
        self.start_marker.setData([self.start[0]], [self.start[1]])
        stopped = [f"{n}: {t.stopped} (step {len(t.points) - 1})." for n, t in self.trajectories.items() if t.stopped]
        self.status_label.setText(" ".join(stopped))
        self.step = 0
        self._show_step()
        self.play_button.setText("Play" if self.play_button.isChecked() else "Pause")
        if not self.play_button.isChecked():
            self.timer.start()

    def advance(self, steps: int = 1) -> None:
        """Reveal ``steps`` more steps (the timer calls this; tests call it directly)."""
        self.step = min(self.step + steps, self.steps_spin.value())
        self._show_step()
        if self.step >= self.steps_spin.value():
            self.timer.stop()
            # the race is over: a button still saying "Pause" (or "Play", which did nothing) left a student
            # no way to watch it again short of moving a slider
            self.play_button.setText("Replay")

    def ball_position(self, name: str) -> tuple[float, float]:
        xs, ys = self.balls[name].getData()
        return float(xs[0]), float(ys[0])

    # ------------------------------------------------------------------------------------------ drawing
    def _draw_surface(self) -> None:
        s = self.surface
        xs, ys, values = s.grid(240)
        shade = np.log1p(values - values.min())  # log: the valleys stay visible next to the steep walls
        lo, hi = float(shade.min()), float(shade.max())
        self.image.setImage(shade.astype(np.float32), levels=(lo, hi), autoLevels=False)
        self.image.setRect(QRectF(xs[0], ys[0], xs[-1] - xs[0], ys[-1] - ys[0]))
        for iso in self.isocurves:  # children of the image, not of the plot: detach them from the scene
            iso.setParentItem(None)
            if iso.scene() is not None:
                iso.scene().removeItem(iso)
        self.isocurves = []
        for level in np.linspace(lo, hi, 14)[1:-1]:
            iso = pg.IsocurveItem(data=shade, level=float(level), pen=pg.mkPen((255, 255, 255, 110), width=1))
            iso.setParentItem(self.image)
            self.isocurves.append(iso)
        if s.minimum is not None:
            self.minimum_marker.setData([s.minimum[0]], [s.minimum[1]])
        else:
            self.minimum_marker.setData([], [])
        self.map_width.set_extent((*s.x_range, *s.y_range))
        self.map_plot.setRange(xRange=s.x_range, yRange=s.y_range, padding=0)

    def _show_step(self) -> None:
        log_losses = self.surface.minimum is not None
        if self.loss_plot.getAxis("left").logMode != log_losses:
            self.loss_plot.setLogMode(y=log_losses)
            # on the log scale only the labels LogAxis spaces apart; its unlabelled ticks mark the multiples
            self.loss_plot.getAxis("left").setStyle(maxTextLevel=0 if log_losses else 2)
        for name in OPTIMIZERS:
            traj = self.trajectories.get(name)
            if traj is None:
                for item in (self.paths[name], self.balls[name], self.loss_curves[name]):
                    item.setData([], [])
                continue
            pts, losses = traj.at(self.step)
            self.paths[name].setData(pts[:, 0], pts[:, 1])
            self.balls[name].setData([pts[-1, 0]], [pts[-1, 1]])
            shown = np.maximum(losses, 1e-12) if log_losses else losses
            self.loss_curves[name].setData(np.arange(len(shown)), shown)
        total = self.steps_spin.value()
        self.step_label.setText(f"step {self.step} of {total} · start ({self.start[0]:.2f}, {self.start[1]:.2f})")

    # ------------------------------------------------------------------------------------------ slots
    def _on_timer_timeout(self) -> None:
        self.advance(2)

    def _on_surface_combo_changed(self, index: int) -> None:
        self.set_surface(self.surface_combo.itemData(index))

    def _on_setting_changed(self, *_args: object) -> None:
        self.restart()

    def _on_check_toggled(self, *_args: object) -> None:
        self.restart()

    def _on_play_button_toggled(self, paused: bool) -> None:
        if self.step >= self.steps_spin.value():
            # "Replay" after the last step: any press runs the race again from step 0, not a pause
            self.play_button.blockSignals(True)
            self.play_button.setChecked(False)
            self.play_button.blockSignals(False)
            self.step = 0
            self._show_step()
            paused = False
        self.play_button.setText("Play" if paused else "Pause")
        if paused:
            self.timer.stop()
        elif self.step < self.steps_spin.value():
            self.timer.start()

    def _on_map_clicked(self, event: object) -> None:
        pos = event.scenePos()  # type: ignore[attr-defined]
        vb = self.map_plot.vb
        if not vb.sceneBoundingRect().contains(pos):
            return
        p = vb.mapSceneToView(pos)
        s = self.surface
        if s.x_range[0] <= p.x() <= s.x_range[1] and s.y_range[0] <= p.y() <= s.y_range[1]:
            self.set_start(p.x(), p.y())

    def showEvent(self, event: object) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)  # type: ignore[arg-type]
        # closing stopped the timer: a race that was playing then (its button says "Pause") goes on from where it
        # was; reopened, it stood still at "step 56 of 300" under a "Pause" button that took two presses to move it
        if not self.play_button.isChecked() and self.step < self.steps_spin.value():
            self.timer.start()

    def closeEvent(self, event: object) -> None:  # noqa: N802 - Qt API
        self.timer.stop()
        super().closeEvent(event)  # type: ignore[arg-type]

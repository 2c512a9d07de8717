"""The timeline under the dashboard's tabs: replay a finished run, compare two runs, restart from a run's start.

Every view frame a run sends is also kept in its ``RunRecord.snapshots`` (bounded; see ``SnapshotStore``).
After the run, dragging the slider (or pressing Play) redraws the curves up to that moment and the decision
boundary, sample grid, gallery, predictions, graph and GAN Lab picture as they were then. "Compare with"
overlays a second run's curves on the first's and hides the others: with "Restart from the same initial
weights" a student changes one setting and sees exactly what that change did (the Playground's A/B).

This module is only the bar: its widgets and the signals it sends. The dashboard owns what a position means
(``Dashboard.replay``) because it owns the runs and the panels.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

from .runs import RunRecord

STEPS = 1000  # slider resolution over one run
LABEL_CHARS = 14  # the run pickers' width, in characters ("no other run", "run 12: lr 0.0…")
PLAY_FPS = 25


def _epochs(x: float) -> str:
    """An epoch count as read: "40", or "0.1" for a run stopped early in its first epoch (not "0.1099")."""
    return f"{x:.0f}" if abs(x - round(x)) < 0.05 else f"{x:.1f}"


class TimelineBar(QWidget):
    """Run picker, Play, the scrub slider, the compare picker and the restart button."""

    changed = Signal()  # the run, the position or the compared run changed: redraw the replay
    restart_requested = Signal(object)  # RunRecord: train again from this run's initial weights

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineBar")
        self.run_combo = QComboBox()
        self.run_combo.setToolTip("The run to replay")
        # a fixed width: grown to a long run label ("run 2: generator lr 0.001 → 0.0002, discriminator …") the two
        # pickers left the scrub slider no room at all; the list and the tooltip show the whole label
        self.run_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.run_combo.setMinimumContentsLength(LABEL_CHARS)
        self.play_button = QPushButton("▶ Play")
        self.play_button.setCheckable(True)
        self.play_button.setToolTip("Replay the run from its start: curves, decision boundary, samples and "
                                    "predictions as they were at each moment")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, STEPS)
        self.slider.setValue(STEPS)
        self.slider.setPageStep(STEPS // 20)
        self.slider.setToolTip("Drag back to see the run as it was earlier; all the way right is its end")
        self.position_label = QLabel("")
        self.position_label.setMinimumWidth(150)
        self.compare_combo = QComboBox()
        self.compare_combo.setToolTip("Overlay a second run's curves on this one's (the other runs are hidden)")
        self.compare_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.compare_combo.setMinimumContentsLength(LABEL_CHARS)
        self.restart_button = QPushButton("Restart from the same initial weights")
        self.restart_button.setToolTip("Train again starting from exactly the weights this run started from, "
                                       "with the settings as they are now, and compare the two runs")
        # Replay ... on the first row; Compare with ... beside it when the bar is wide enough, else below it
        # (squeezed into one row, a narrow dock drew the labels over each other)
        rows = QVBoxLayout(self)
        rows.setContentsMargins(6, 2, 6, 2)
        rows.setSpacing(2)
        self._first = QHBoxLayout()
        self._second = QHBoxLayout()
        rows.addLayout(self._first)
        rows.addLayout(self._second)
        self._first.addWidget(QLabel("Replay"))
        self._first.addWidget(self.run_combo)
        self._first.addWidget(self.play_button)
        self._first.addWidget(self.slider, 1)
        self._first.addWidget(self.position_label)
        self.compare_label = QLabel("Compare with")
        self._compare_part = [self.compare_label, self.compare_combo, self.restart_button]
        self.two_rows = False
        self._place_compare(two_rows=False)

        self.runs: list[RunRecord] = []
        self._busy = False
        self.play_timer = QTimer(self)
        self.play_timer.setInterval(1000 // PLAY_FPS)
        self.play_timer.timeout.connect(self._on_play_timer_timeout)
        self.run_combo.currentIndexChanged.connect(self._on_run_combo_current_index_changed)
        self.compare_combo.currentIndexChanged.connect(self._on_compare_combo_current_index_changed)
        self.slider.valueChanged.connect(self._on_slider_value_changed)
        self.play_button.toggled.connect(self._on_play_button_toggled)
        self.restart_button.clicked.connect(self._on_restart_button_clicked)

    def _place_compare(self, two_rows: bool) -> None:
        self.two_rows = two_rows
        for w in self._compare_part:
            self._first.removeWidget(w)
            self._second.removeWidget(w)
        while self._second.count():  # the stretch of the last time
            self._second.takeAt(0)
        target = self._second if two_rows else self._first
        for w in self._compare_part:
            target.addWidget(w)
        if two_rows:
            self._second.addStretch(1)

    def _one_row_width(self) -> int:
        """The width the bar needs to hold everything in one row."""
        widgets = [self._first.itemAt(i).widget() for i in range(self._first.count())]
        parts = [w for w in widgets if w is not None and w not in self._compare_part] + self._compare_part
        spacing = max(self._first.spacing(), 0)
        margins = self.layout().contentsMargins()
        return sum(max(w.minimumSizeHint().width(), w.minimumWidth()) + spacing for w in parts) + 60 + \
            margins.left() + margins.right()  # 60: a usable slider

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        two = event.size().width() < self._one_row_width()
        if two != self.two_rows:
            self._place_compare(two)

    # -- what the dashboard tells it ------------------------------------------------------------------------
    def set_runs(self, runs: list[RunRecord], select: RunRecord | None = None,
                 compare: RunRecord | None = None) -> None:
        """The finished runs that can be replayed; ``select`` (default: the newest) is shown at its end."""
        self.stop_playing()
        self.runs = [r for r in runs if r.finished]
        for combo in (self.run_combo, self.compare_combo):
            combo.blockSignals(True)
            combo.clear()
        self.compare_combo.addItem("no other run", None)
        for run in self.runs:
            self.run_combo.addItem(run.label, run.index)
            self.compare_combo.addItem(run.label, run.index)
        for combo in (self.run_combo, self.compare_combo):
            metrics = combo.fontMetrics()
            widest = max((metrics.horizontalAdvance(combo.itemText(i)) for i in range(combo.count())), default=0)
            combo.view().setMinimumWidth(widest + 40)  # the open list shows whole labels
        chosen = select if select in self.runs else (self.runs[-1] if self.runs else None)
        if chosen is not None:
            self.run_combo.setCurrentIndex(self.runs.index(chosen))
        if compare in self.runs and compare is not chosen:
            self.compare_combo.setCurrentIndex(self.runs.index(compare) + 1)
        for combo in (self.run_combo, self.compare_combo):
            combo.blockSignals(False)
        self._offer_others()
        self._show_run_end()
        self._tip_labels()

    def _offer_others(self) -> None:
        """The compare list offers every run but the one replayed ("compare run 2 with run 2" showed run 2
        alone); a comparison with the run just picked to replay goes back to "no other run"."""
        model = self.compare_combo.model()
        current = self.run_combo.currentData()
        for i in range(1, self.compare_combo.count()):
            item = model.item(i) if hasattr(model, "item") else None
            if item is not None:
                item.setEnabled(self.compare_combo.itemData(i) != current)
        if self.compare_combo.currentIndex() > 0 and self.compare_combo.currentData() == current:
            self.compare_combo.blockSignals(True)
            self.compare_combo.setCurrentIndex(0)
            self.compare_combo.blockSignals(False)

    def _tip_labels(self) -> None:
        for combo in (self.run_combo, self.compare_combo):
            combo.setToolTip(combo.currentText() if combo.currentIndex() > (0 if combo is self.compare_combo else -1)
                             else ("The run to replay" if combo is self.run_combo else
                                   "Overlay a second run's curves on this one's (the other runs are hidden)"))

    def set_busy(self, busy: bool) -> None:
        """A run is going: replay and restart wait for it (its frames are still arriving)."""
        self._busy = bool(busy)
        if busy:
            self.stop_playing()
        self._update_enabled()

    # -- what it answers -----------------------------------------------------------------------------------
    def run(self) -> RunRecord | None:
        i = self.run_combo.currentIndex()
        return self.runs[i] if 0 <= i < len(self.runs) else None

    def compare(self) -> RunRecord | None:
        index = self.compare_combo.currentData()
        other = next((r for r in self.runs if r.index == index), None)
        return None if other is self.run() else other

    def fraction(self) -> float:
        return self.slider.value() / STEPS

    def position(self) -> float | None:
        """Where the slider is, in epochs of the chosen run; None at its very end."""
        run = self.run()
        if run is None or self.slider.value() >= STEPS:
            return None
        start = float(max(0, run.start_epoch - 1))
        return start + (run.end_position() - start) * self.fraction()

    def set_position(self, position: float | None) -> None:
        """Move the slider to ``position`` epochs of the chosen run (None: its end)."""
        run = self.run()
        if run is None or position is None:
            self.slider.setValue(STEPS)
            return
        start = float(max(0, run.start_epoch - 1))
        span = max(run.end_position() - start, 1e-9)
        self.slider.setValue(round(min(max((position - start) / span, 0.0), 1.0) * STEPS))

    def describe(self) -> str:
        run = self.run()
        if run is None:
            return ""
        position = self.position()
        end = run.end_position()
        if position is None:
            return f"end of run {run.index} (epoch {_epochs(end)})"
        return f"epoch {position:.1f} of {_epochs(end)}"

    def stop_playing(self) -> None:
        self.play_timer.stop()
        self.play_button.blockSignals(True)
        self.play_button.setChecked(False)
        self.play_button.setText("▶ Play")
        self.play_button.blockSignals(False)

    # -- internals ------------------------------------------------------------------------------------------
    def _show_run_end(self) -> None:
        """The slider at the chosen run's end (quietly), the buttons to match, then one redraw."""
        self.slider.blockSignals(True)
        self.slider.setValue(STEPS)
        self.slider.blockSignals(False)
        self._update_enabled()
        self.changed.emit()

    def _update_enabled(self) -> None:
        run = self.run()
        usable = run is not None and not self._busy
        for w in (self.run_combo, self.play_button, self.slider, self.compare_combo):
            w.setEnabled(usable)
        restart = usable and run is not None and run.initial_state is not None
        self.restart_button.setEnabled(restart)
        if self._busy:
            why = "Replay, compare and restart are available when the run has ended."
        elif run is None:
            why = "No finished run yet."
        elif run.initial_state is None:
            why = (f"Run {run.index} continued an earlier run's weights; restart from that run instead."
                   if run.continued else f"Run {run.index} kept no initial weights.")
        else:
            why = (f"Train again from exactly the weights run {run.index} started from, with the settings as "
                   "they are now, and compare the two runs")
        self.restart_button.setToolTip(why)
        self.restart_button.setText(f"Restart from run {run.index}'s initial weights" if run is not None
                                    else "Restart from the same initial weights")
        self.position_label.setText(self.describe() if usable else
                                    ("replay after the run" if self._busy else ""))

    def _on_run_combo_current_index_changed(self, _index: int) -> None:
        self.stop_playing()
        self._offer_others()
        self._tip_labels()
        self._show_run_end()

    def _on_compare_combo_current_index_changed(self, _index: int) -> None:
        self._tip_labels()
        self.changed.emit()

    def _on_slider_value_changed(self, _value: int) -> None:
        self.position_label.setText(self.describe())
        self.changed.emit()

    def _on_play_button_toggled(self, on: bool) -> None:
        if not on:
            self.stop_playing()
            return
        if self.slider.value() >= STEPS:
            self.slider.setValue(0)
        self.play_button.setText("❚❚ Pause")
        self.play_timer.start()

    def _on_play_timer_timeout(self) -> None:
        run = self.run()
        if run is None:
            self.stop_playing()
            return
        # About one second of replay per epoch, between 4 and 12 seconds for the whole run.
        start = float(max(0, run.start_epoch - 1))
        seconds = min(max(run.end_position() - start, 4.0), 12.0)
        step = max(1, round(STEPS / (seconds * PLAY_FPS)))
        value = min(STEPS, self.slider.value() + step)
        self.slider.setValue(value)
        if value >= STEPS:
            self.stop_playing()

    def _on_restart_button_clicked(self) -> None:
        run = self.run()
        if run is not None and run.initial_state is not None:
            self.restart_requested.emit(run)

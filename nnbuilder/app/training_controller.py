"""Train from the app: toolbar, progress, dashboard dock, and the worker thread's whole lifecycle.

The controller is the only object that knows both the window and the worker. It talks to the window only
through ``WindowProtocol`` (window_protocol.py), which ``MainWindow`` implements, so its tests run the
same code paths the app does.

Choices made here, and why:

* Editing is **locked** while training (not queued): the run trains a copy of the project taken at Train, and
  a lock with a banner is easier to understand than edits that silently wait for the next run.
* Each run gets a **fresh Trainer** built in the worker thread from that copy. "Continue training" copies the
  previous run's weights into it (the optimizer state starts over), so learning rate or batch size may change
  between runs and the A/B curves stay comparable; "Reset weights" drops them.
* Dialogs are shown **after** the thread has finished, so the window is consistent (unlocked, buttons right)
  when the student reads what went wrong, and a retry (out of memory) can start at once.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections import deque
from pathlib import Path
from typing import Any, cast

import numpy as np
from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QThread, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDoubleSpinBox,
    QLabel,
    QProgressBar,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QToolBar,
    QWidget,
)

from .dashboard import Dashboard
from .widgets.elided_label import ElidedLabel
from .window_protocol import WindowProtocol
from .workers import (
    FunctionWorker,
    TrainingWorker,
    collect_in_gui_thread,
    describe_exception,
    freeze_long_lived_objects,
    start_in_thread,
)
from .workers.messages import STREAM_CURVES, STREAM_GAN_LAB, STREAM_WEIGHTS, PredictionResult
from .workers.views.supervised import target_label, to_target_units

LOCK_REASON = "Training in progress (running or paused) — stop it to edit the network."  # true while paused too
FAULT_TITLES = {
    "nan": "Training diverged",
    "oom": "Out of memory",
    "data": "The data could not be loaded",
    "model": "The network cannot be trained",
    "runtime": "Training stopped with an error",
}
WEIGHTS_SUFFIX = ".weights.safetensors"
TRAIN_TIP = "Train the network on its data set (F5 or Ctrl+Return); the plots update as it learns."


# -- pure helpers ------------------------------------------------------------------------------------------
def weights_path_for(project_path: str | Path) -> Path:
    """``spiral.nnb`` -> ``spiral.weights.safetensors`` in the same folder."""
    p = Path(project_path)
    return p.with_name(p.stem + WEIGHTS_SUFFIX)


LR_TIP = "Learning rate: the size of each step. Too high and the loss explodes."


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_short(v) for v in value) + "]"
    return str(value)


def run_settings(project: Any, *, epochs: int, batch_size: int, lr: float, device: str) -> dict[str, str]:
    """The settings a student may change between runs, flattened to ``name -> text`` for run labels."""
    t = project.training
    out: dict[str, str] = {
        "data": str(project.data.dataset),
        **{f"data.{k}": _short(v) for k, v in sorted(project.data.options.items())},
        "loss": str(t.loss), "optimizer": str(t.optimizer.name), "lr": _short(float(lr)),
        "batch": str(int(batch_size)), "shuffle": "on" if t.shuffle else "off", "epochs": str(int(epochs)),
        "momentum": _short(t.optimizer.momentum),
        "weight decay": _short(t.optimizer.weight_decay), "schedule": str(t.optimizer.schedule),
        "validation split": _short(t.validation_split), "seed": str(t.seed), "device": str(device),
    }
    graphs = [project.graph()]
    if getattr(project, "is_gan", False):  # what a GAN trains with: each network's optimizer, the game's rules
        graphs = [g for g in (project.role_graph("generator"), project.role_graph("discriminator")) if g is not None]
        for letter, graph in zip("GD", graphs, strict=True):
            own = project.optimizer_of(graph)
            out.update({f"{letter} optimizer": str(own.name), f"{letter} lr": _short(float(own.lr)),
                        f"{letter} β₁": _short(own.beta1)})
        out.update({"D steps": str(t.gan.d_steps), "GAN loss": str(t.gan.loss).replace("_", " "),
                    "label smoothing": _short(t.gan.label_smoothing)})
    connections = []
    for graph in graphs:
        prefix = f"{graph.name}." if len(graphs) > 1 else ""
        for node in graph.nodes:
            name = prefix + (node.label or node.id)
            out[name] = str(node.type)
            for key, value in sorted(node.params.items()):
                out[f"{name}.{key}"] = _short(value)
        connections += sorted((prefix + e.source, prefix + e.target) for e in graph.edges)
    out["connections"] = str(connections)
    return out


def run_label(index: int, previous: dict[str, str] | None, current: dict[str, str], *,
              continued: bool = False, max_changes: int = 3) -> str:
    """Legend text for run ``index``: what changed since the previous run, e.g. "run 2: lr 0.01 → 0.001"."""
    head = f"run {index}"
    if previous is None:
        return head + (" (continued)" if continued else "")
    changes = []
    for key, value in current.items():
        if key == "connections":
            continue
        old = previous.get(key)
        if old is None:
            changes.append(f"+{key} {value}" if "." in key else f"+{key}")
        elif old != value:
            changes.append(f"{key} {old} → {value}")
    changes += [f"−{k}" for k in previous if k not in current and "." not in k and k != "connections"]
    if previous.get("connections") != current.get("connections") and not any(c[0] in "+−" for c in changes):
        changes.append("connections changed")
    parts = changes[:max_changes] + ([f"+{len(changes) - max_changes} more"] if len(changes) > max_changes else [])
    text = ", ".join(parts) if parts else "same settings"
    return f"{head}: {'continued, ' if continued else ''}{text}"


def run_split(trainer: Any, training: Any) -> Any:
    """The train/validation rows of ``trainer``'s run: the core's own split (``trainer.split``), or for a
    trainer that has not prepared its data yet, the core's rule applied to the same settings."""
    split = getattr(trainer, "split", None)
    if split is not None:
        return split
    from nnbuilder.training.split import compute_split

    return compute_split(trainer.dataset, float(training.validation_split), int(training.seed))


def format_duration(seconds: float) -> str:
    if not math.isfinite(seconds) or seconds < 0:
        return "–"
    if seconds < 0.95:  # a run of the XOR perceptron or the moons: "finished after 0:00" read as nothing done
        return f"{seconds:.1f} s"
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


#: Forward multiply-adds per batch from which a network trains on every core (see below): the Fashion-MNIST
#: CNN (73 M) and DCGAN (92 M) train 1.4× faster on both cores of a 2-core machine with the window still
#: smooth, while the MLPs, recurrent and Playground examples (under 30 M) are fastest on one thread.
ALL_CORES_MACS_PER_BATCH = 50e6
RATE_WINDOW_S = 3.0  # the progress bar's samples/s is measured over this many seconds
_torch_default_threads: int | None = None


def leave_a_core_for_the_gui(macs_per_batch: float = 0.0) -> int:
    """Cap torch's CPU threads at (cores − 1) unless the user chose a number (OMP_NUM_THREADS), or the
    network is big enough (``macs_per_batch``, see ``ALL_CORES_MACS_PER_BATCH``) to use every core.

    With as many compute threads as cores, the GUI thread has to steal a core from an OpenMP team whose
    threads then wait for each other: on this 2-core machine a tiny model trained 4× slower and froze the
    window, while one compute thread trains the Playground examples as fast as two. Convolutions are another
    matter: each of their operations is long enough that the team gains more than the GUI thread costs it.
    Returns the thread count.
    """
    import torch

    global _torch_default_threads
    if _torch_default_threads is None:
        _torch_default_threads = torch.get_num_threads()
    if os.environ.get("OMP_NUM_THREADS") or os.environ.get("NNBUILDER_TORCH_THREADS"):
        wanted = int(os.environ.get("NNBUILDER_TORCH_THREADS") or _torch_default_threads)
    elif macs_per_batch >= ALL_CORES_MACS_PER_BATCH:
        wanted = _torch_default_threads
    else:
        wanted = min(_torch_default_threads, max(1, (os.cpu_count() or 1) - 1))
    if wanted != torch.get_num_threads():
        torch.set_num_threads(wanted)
    return wanted


class _DeviceCombo(QComboBox):
    """Fills itself with the real device list the first time it opens: listing CUDA devices imports torch,
    which must not happen at app start-up."""

    def __init__(self, about_to_show: Any) -> None:
        super().__init__()
        self._about_to_show = about_to_show

    def showPopup(self) -> None:  # noqa: N802 - Qt API
        self._about_to_show()
        super().showPopup()


class TrainingController(QObject):
    """Owns the Train/Pause/Stop actions, the run settings, the progress bar and the worker thread.

    ``TrainingController(window)`` attaches at once (toolbar, dashboard dock, status-bar progress, a close-event
    filter). ``confirm_close()`` is what the window's closeEvent should call (the event filter calls it too,
    so a window that doesn't still stops training cleanly before it closes).
    """

    running_changed = Signal(bool)
    run_finished = Signal(object)  # Finished
    run_failed = Signal(str, str)  # message, kind
    gradient_health_changed = Signal(object)  # {node id: (gradient norm, dead share or None)}

    def __init__(self, window: WindowProtocol, *, dashboard: Dashboard | None = None, attach: bool = True) -> None:
        super().__init__(cast(QObject, window))
        collect_in_gui_thread()  # before any worker thread exists: see workers/gui_gc.py
        self.window = window
        self._dock_sized = False
        self.dashboard = dashboard or Dashboard()
        # In a small dock the dashboard scrolls instead of clipping its plots and buttons.
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QScrollArea.Shape.NoFrame)
        self.dashboard.setMinimumSize(560, 300)
        self.scroller.setWidget(self.dashboard)
        self.trainer: Any = None  # the last run's Trainer (idle between runs): Evaluate, Predict, Continue
        self.last_result: Any = None
        self.last_failure: tuple[str, str] | None = None
        self.last_timing: dict[str, float] = {}  # build_s, fit_s of the last run (benchmarks read it)
        self.runs_started = 0
        self._worker: TrainingWorker | None = None
        self._run_record: Any = None  # the dashboard RunRecord of the run going now (or last)
        self._thread: QThread | None = None
        self._job: FunctionWorker | None = None
        self._job_thread: QThread | None = None
        self._warm = False
        self._devices_listed = False
        self._pending_weights: Path | None = None
        self._weights_kept = True  # False while the last run's weights exist only in memory
        self._known_path: Path | None = None
        self._previous_settings: dict[str, str] | None = None
        self._run_device = "auto"
        self._run_data_key = ""
        self._outcome: tuple[str, Any] | None = None
        self._stopping = False
        self._paused = False
        self._run_started = 0.0
        self._paused_at = 0.0
        self._rate_marks: deque[tuple[float, int]] = deque()  # (time, batches done) for the samples/s text
        self._progress_where = ""  # "Epoch 3/10 · batch 40/100": where the run is, for the paused text
        self._samples_per_batch = 1.0
        self._data_view: Any = None
        self._module_to_node: dict[str, str] = {}
        self._dataset_cache: tuple[str, Any] | None = None
        self.torch_threads = 0
        self._latest_update: Any = None
        self._build_widgets()
        self.progress_timer = QTimer(self)
        self.progress_timer.setInterval(200)
        self.progress_timer.timeout.connect(self._on_progress_timer_timeout)
        self._update_actions()
        if attach:
            self.attach()

    # ====================================================================== construction
    def _build_widgets(self) -> None:
        parent = cast(QWidget, self.window)
        self.train_action = QAction("Train", parent)
        self.train_action.setShortcuts([QKeySequence("F5"), QKeySequence("Ctrl+Return")])
        self.train_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.train_action.setToolTip(TRAIN_TIP)
        self.blocked_label = ElidedLabel()  # why Train is off, in words, while the network has errors
        self.blocked_label.setObjectName("trainBlockedLabel")
        self.blocked_label.setStyleSheet("QLabel#trainBlockedLabel { color: #D62728; padding: 0 6px; }")
        self.blocked_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.blocked_label.setMaximumWidth(520)
        self.pause_action = QAction("Pause", parent)
        self.pause_action.setCheckable(True)
        self.pause_action.setToolTip("Pause training after the current batch; press again to resume.")
        self.stop_action = QAction("Stop", parent)
        self.stop_action.setShortcut(QKeySequence("Shift+F5"))
        self.stop_action.setToolTip("Stop training after the current batch; the weights learned so far stay.")
        self.reset_action = QAction("Reset weights", parent)
        self.reset_action.setToolTip("Forget the trained weights: the next run starts from new random weights.")
        self.continue_action = QAction("Continue training", parent)
        self.continue_action.setCheckable(True)
        self.continue_action.setToolTip("When on, Train goes on from the weights of the last run (or the saved "
                                        "weights) instead of starting over.")
        self.save_weights_action = QAction("Save weights", parent)
        self.save_weights_action.setToolTip(f"Save the trained weights beside the project file (<name>{WEIGHTS_SUFFIX});"
                                            " they are restored when the project is opened again.")

        self.epochs_spin = QSpinBox()
        self.epochs_spin.setRange(1, 100_000)
        self.epochs_spin.setToolTip("How many passes over the training data.")
        self.batch_spin = QSpinBox()
        self.batch_spin.setRange(1, 1 << 20)
        self.batch_spin.setToolTip("Samples per gradient step.")
        self.lr_spin = QDoubleSpinBox()
        self.lr_spin.setDecimals(6)
        self.lr_spin.setRange(1e-6, 1e6)
        self.lr_spin.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
        self.lr_spin.setToolTip(LR_TIP)
        self.device_combo = _DeviceCombo(self._on_device_combo_about_to_show)
        self.device_combo.addItem("Auto", "auto")
        self.device_combo.addItem("CPU", "cpu")
        self.device_combo.setToolTip("Where to train. Auto picks a CUDA GPU, then Apple MPS, then the CPU.")

        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.progress.setFormat("Not trained")
        self.progress.setMinimumWidth(360)
        # not wider: stretched to half the status bar, it cut the run's closing sentence after "val_ma"
        self.progress.setMaximumWidth(420)

        self.toolbar = QToolBar("Training")
        self.toolbar.setObjectName("TrainingToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.train_action, self.pause_action, self.stop_action):
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        for text, widget in (("Epochs ", self.epochs_spin), (" Batch ", self.batch_spin), (" LR ", self.lr_spin),
                             (" Device ", self.device_combo)):
            self.toolbar.addWidget(QLabel(text))
            self.toolbar.addWidget(widget)
        self.toolbar.addSeparator()
        for action in (self.continue_action, self.reset_action, self.save_weights_action):
            self.toolbar.addAction(action)
        self.blocked_action = self.toolbar.addWidget(self.blocked_label)  # a toolbar shows widgets by action
        pause_button = self.toolbar.widgetForAction(self.pause_action)
        if pause_button is not None:  # as wide as "Resume": Pause ↔ Resume moved Stop and the boxes after it
            metrics = pause_button.fontMetrics()
            pause_button.setMinimumWidth(pause_button.sizeHint().width() - metrics.horizontalAdvance("Pause")
                                         + max(metrics.horizontalAdvance(t) for t in ("Pause", "Resume")))

        self.train_action.triggered.connect(self._on_train_action_triggered)
        self.pause_action.toggled.connect(self._on_pause_action_toggled)
        self.stop_action.triggered.connect(self._on_stop_action_triggered)
        self.reset_action.triggered.connect(self._on_reset_action_triggered)
        self.save_weights_action.triggered.connect(self._on_save_weights_action_triggered)
        self.epochs_spin.editingFinished.connect(self._on_epochs_spin_editing_finished)
        self.batch_spin.editingFinished.connect(self._on_batch_spin_editing_finished)
        self.lr_spin.editingFinished.connect(self._on_lr_spin_editing_finished)
        self.dashboard.evaluate_requested.connect(self._on_dashboard_evaluate_requested)
        self.dashboard.visible_views_changed.connect(self._on_dashboard_visible_views_changed)
        self.dashboard.command_requested.connect(self._on_dashboard_command_requested)
        self.dashboard.predict_requested.connect(self._on_dashboard_predict_requested)
        self.dashboard.restart_requested.connect(self._on_dashboard_restart_requested)
        self.dashboard.runs_cleared.connect(self._on_dashboard_runs_cleared)

    def attach(self) -> None:
        """Put the toolbar, the dashboard dock and the progress bar into the window and listen to it."""
        w = self.window
        w.add_toolbar(self.toolbar)
        # Tabbed with Problems until the first run raises it (and gives it room): on a laptop screen a
        # dashboard of its own below the canvas left the canvas a strip ~165 px high.
        self.dock = w.add_dock(self.scroller, "Training", Qt.DockWidgetArea.BottomDockWidgetArea,
                               "TrainingDashboardDock", tabify_with="problemsDock")
        w.statusBar().addPermanentWidget(self.progress)
        cast(QObject, w).installEventFilter(self)
        w.leave_guards.append(lambda: self._offer_to_keep_weights(leaving=True))
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self._on_app_about_to_quit)
        doc = w.document
        doc.project_replaced.connect(self._on_document_project_replaced)
        doc.path_changed.connect(self._on_document_path_changed)
        doc.settings_changed.connect(self._on_document_settings_changed)
        doc.project_changed.connect(self._update_actions)
        self.dashboard.set_project_kind(self._project_kind())
        self.load_settings_from_project()
        self._check_document_switch()

    # ====================================================================== the window
    @property
    def project(self) -> Any:
        return self.window.document.project

    @property
    def project_path(self) -> Path | None:
        return self.window.document.path

    def status(self, text: str, timeout_ms: int = 0) -> None:
        self.window.statusBar().showMessage(text, timeout_ms)

    def show_error(self, title: str, message: str) -> None:
        self.window.show_error(title, message)

    def report_problem(self, message: str) -> None:
        self.window.report_problem(message, "Training")

    def _clear_problems(self) -> None:
        self.window.clear_problems("Training")

    def ask_question(self, title: str, text: str) -> bool:
        return self.window.ask_question(title, text)

    def ask_oom_retry(self, message: str, batch_size: int) -> str | None:
        """After a GPU ran out of memory: "cpu", "half" (the batch size) or None."""
        return self.window.ask_choice("Out of memory", message, {
            "cpu": "Retry on the CPU", "half": f"Retry with batch size {max(1, batch_size // 2)}"})

    def _lock(self, locked: bool) -> None:
        self.window.set_editing_locked(locked, LOCK_REASON if locked else "")

    # ====================================================================== state
    @property
    def is_running(self) -> bool:
        return self._thread is not None

    @property
    def is_busy(self) -> bool:
        return self._thread is not None or self._job_thread is not None

    @property
    def is_paused(self) -> bool:
        return self._paused

    def blocking_problem(self) -> str | None:
        """The first error of the network (or of its Input against the data), in words; None when it can train."""
        doc = self.window.document
        for graph in doc.project.graphs:
            errors = doc.inference(graph.name).errors()
            if errors:
                more = f" (and {len(errors) - 1} more in Problems)" if len(errors) > 1 else ""
                return errors[0].message + more
        return None

    def _update_actions(self, *_args: Any) -> None:
        running, busy = self.is_running, self.is_busy
        blocked = None if busy else self.blocking_problem()
        self.train_action.setEnabled(not busy and blocked is None)
        self.train_action.setToolTip(TRAIN_TIP if blocked is None else f"Fix this first: {blocked}")
        self.blocked_label.setText("" if blocked is None else f"Cannot train yet: {blocked}")
        self.blocked_action.setVisible(blocked is not None)
        self.pause_action.setEnabled(running and not self._stopping)
        self.stop_action.setEnabled(running and not self._stopping)
        self.reset_action.setEnabled(not busy and (self.trainer is not None or self._pending_weights is not None))
        self.save_weights_action.setEnabled(not busy and self.trainer is not None)
        for widget in (self.epochs_spin, self.batch_spin, self.lr_spin, self.device_combo):
            widget.setEnabled(not running)
        if self._lr_is_per_network():
            self.lr_spin.setEnabled(False)
        # on only with weights to go on from: on a project never trained it changed nothing, silently
        has_weights = self.trainer is not None or self._pending_weights is not None
        self.continue_action.setEnabled(not running and (has_weights or self.continue_action.isChecked()))

    def load_settings_from_project(self) -> None:
        """Show the project's epochs, batch size and learning rate in the toolbar."""
        try:
            t = self.project.training
        except AttributeError:
            return
        for spin, value in ((self.epochs_spin, int(t.epochs)), (self.batch_spin, int(t.batch_size)),
                            (self.lr_spin, float(t.optimizer.lr))):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)
        if self._lr_is_per_network():
            g, d = (self.project.role_graph(role).optimizer for role in ("generator", "discriminator"))
            self.lr_spin.setToolTip(f"Each network of this GAN has its own learning rate (generator {g.lr:g}, "
                                    f"discriminator {d.lr:g}): change them in Project settings.")
            self.lr_spin.setEnabled(False)
        else:
            self.lr_spin.setToolTip(LR_TIP)
            self.lr_spin.setEnabled(not self.is_running)

    def _lr_is_per_network(self) -> bool:
        try:
            return not self.project.shares_project_optimizer  # a GAN whose networks both have their own
        except AttributeError:
            return False

    def _write_setting(self, path: str, value: Any) -> None:
        """Edit the project through the document's undoable command (the toolbar shows the project's values)."""
        if self.is_running:
            return
        try:
            self.window.document.set_training_setting(path, value)
        except Exception as exc:  # noqa: BLE001 - e.g. locked; the value still applies to the next run
            self.status(f"The setting was not saved in the project: {exc}", 5000)

    # ====================================================================== warm-up and devices
    def warm_up(self) -> bool:
        """Import torch and torch._dynamo in the GUI thread, once, before the first run.

        The first optimizer import otherwise happens in the worker and holds the GIL for about a second,
        freezing the window; here it happens while the status bar says so.
        """
        if self._warm:
            return True
        self.status("Loading PyTorch (once per session)…")
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        try:
            from nnbuilder.training import warm_up

            warm_up()
            self.torch_threads = leave_a_core_for_the_gui()
            freeze_long_lived_objects()
        except Exception as exc:  # noqa: BLE001 - no torch, a broken install: say so, keep the editor
            self.show_error("Training is not available", f"PyTorch could not be loaded: {exc}")
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self._warm = True
        self.refresh_devices()
        return True

    def refresh_devices(self) -> None:
        """Fill the device picker from ``list_devices()``: CPU, each CUDA GPU by name and memory, MPS."""
        try:
            from nnbuilder.training import list_devices

            devices = list(list_devices())
        except Exception:  # noqa: BLE001 - keep Auto and CPU
            return
        current = self.device_combo.currentData()
        self.device_combo.blockSignals(True)
        self.device_combo.clear()
        self.device_combo.addItem("Auto", "auto")
        for device_id, label in devices:
            if str(device_id) == "auto":
                self.device_combo.setItemText(0, str(label))  # "Auto (NVIDIA H100 (80 GB))"
            else:
                self.device_combo.addItem(str(label), str(device_id))
        index = self.device_combo.findData(current)
        self.device_combo.setCurrentIndex(max(0, index))
        self.device_combo.blockSignals(False)
        self._devices_listed = True

    def _on_device_combo_about_to_show(self) -> None:
        if not self._devices_listed:
            self.warm_up()

    def set_device(self, device_id: str) -> None:
        index = self.device_combo.findData(device_id)
        if index < 0:
            self.device_combo.addItem(device_id, device_id)
            index = self.device_combo.count() - 1
        self.device_combo.setCurrentIndex(index)

    # ====================================================================== running
    def _show_dashboard(self) -> None:
        """Bring the live plots forward when a run starts; the first time, give them room to be read."""
        dock = self.dock
        dock.show()
        dock.raise_()
        w = self.window
        if self._dock_sized or dock.isFloating():
            return
        self._dock_sized = True
        wanted = int(w.height() * 0.45)
        if dock.height() < wanted:
            w.resizeDocks([dock], [wanted], Qt.Orientation.Vertical)

    def restart_from(self, run: Any) -> bool:
        """Train again from exactly the weights ``run`` (a dashboard RunRecord) started from.

        The settings are the ones in the toolbar and project now, so a student changes one thing (the
        learning rate, a Dropout) and compares the two runs with nothing else different: same initial
        weights, and with the same seed the same batches in the same order. Layers added or resized since
        start from new weights, and a note says which.
        """
        if run is None or getattr(run, "initial_state", None) is None:
            self.status("That run kept no initial weights to restart from.", 8000)
            return False
        return self.train(start_from=run)

    def train(self, start_from: Any = None) -> bool:
        """Start a run with the toolbar's settings; False when one is running or it could not start.

        ``start_from`` (a RunRecord with ``initial_state``) starts this fresh run from that run's initial
        weights instead of the seeded ones, whatever the Continue setting says.
        """
        if self.is_busy:
            return False
        blocked = self.blocking_problem()
        if blocked is not None:  # say it now, before ~10 s of loading torch and the data
            self.status(f"Cannot train yet: {blocked}", 10_000)
            return False
        if not self.warm_up():
            return False
        self._check_document_switch()
        try:
            project = self.project.copy()
        except Exception as exc:  # noqa: BLE001
            self.show_error("Nothing to train", f"The project could not be read: {exc}")
            return False
        epochs, batch, lr = self.epochs_spin.value(), self.batch_spin.value(), float(self.lr_spin.value())
        project.training.epochs = epochs
        project.training.batch_size = batch
        project.training.optimizer.lr = lr
        device = str(self.device_combo.currentData() or "auto")
        self._run_device = device
        initial: Any = None
        if self.continue_action.isChecked() and start_from is None:
            initial = self.trainer if self.trainer is not None else self._pending_weights
        settings = run_settings(project, epochs=epochs, batch_size=batch, lr=lr, device=device)
        self._show_dashboard()
        self.runs_started += 1
        if start_from is not None:  # say what differs from the run it restarts, not from the last run
            label = run_label(self.runs_started, start_from.settings or settings, settings)
            head, _, changes = label.partition(": ")
            label = f"{head}: same start as {start_from.label.partition(':')[0]}" + (
                f", {changes}" if changes and changes != "same settings" else "")
        else:
            label = run_label(self.runs_started, self._previous_settings, settings, continued=initial is not None)
        self._previous_settings = settings
        self._module_to_node = self._module_names(project)
        self.torch_threads = leave_a_core_for_the_gui(batch * self._macs_per_sample(project))

        path = self.project_path
        self._run_data_key = self._data_key(project, path)
        cached = self._dataset_cache
        worker = TrainingWorker(project, epochs=epochs, device=None if device == "auto" else device,
                                base_dir=None if path is None else path.parent,
                                continue_training=initial is not None, initial_weights=initial,
                                start_state=None if start_from is None else start_from.initial_state,
                                dataset=cached[1] if cached and cached[0] == self._run_data_key else None)
        worker.prepared.connect(self._on_worker_prepared)
        worker.started.connect(self._on_worker_started)
        worker.frame.connect(self._on_worker_frame)
        worker.finished.connect(self._on_worker_finished)
        worker.failed.connect(self._on_worker_failed)
        worker.note.connect(self._on_worker_note)
        worker.timing.connect(self._on_worker_timing)
        worker.released.connect(self._on_worker_released)

        self._outcome = None
        self._stopping = False
        self._paused = False
        self._rate_marks.clear()
        self.last_failure = None
        self._data_view = None
        self.pause_action.blockSignals(True)
        self.pause_action.setChecked(False)
        self.pause_action.setText("Pause")
        self.pause_action.blockSignals(False)
        self.progress.setValue(0)
        self.progress.setFormat("Starting…")
        self._clear_problems()
        record = self.dashboard.begin_run(label, index=self.runs_started)
        record.settings = settings
        record.continued = initial is not None
        record.restarted_from = None if start_from is None else start_from.index
        self._run_record = record
        worker.initial_state.connect(self._on_worker_initial_state)
        self._lock(True)
        self._worker = worker
        worker.set_visible_views(self.dashboard.visible_streams())
        self._run_started = time.perf_counter()
        self._progress_where = ""
        self._thread = start_in_thread(worker, on_finished=self._on_thread_finished)
        self._latest_update = None
        self.progress_timer.start()
        self.status(f"{label}: building the network and loading the data…")
        self._update_actions()
        self.running_changed.emit(True)
        return True

    def pause(self) -> None:
        if self._worker is not None and not self._paused:
            self._paused = True
            self._paused_at = time.perf_counter()
            self._worker.pause()
            self._set_pause_action(True)
            self.dashboard.set_paused(True)
            self._show_progress(f"{self._progress_where} · paused" if self._progress_where
                                else self.progress.format() + " · paused")
            self.status("Paused. Press Resume to go on.")

    def resume(self) -> None:
        if self._worker is not None and self._paused:
            self._paused = False
            # time spent paused is not training time: the "left" estimate must not grow with it
            now = time.perf_counter()
            self._run_started += now - max(self._paused_at, self._run_started)
            self._worker.resume()
            self._set_pause_action(False)
            self.dashboard.set_paused(False)
            self.status("Training…")

    def stop(self) -> None:
        """Ask the run to stop after the current batch; returns at once (the thread ends shortly after)."""
        if self._worker is not None and not self._stopping:
            self._stopping = True
            self._worker.stop()
            self._paused = False
            self._set_pause_action(False)
            self._show_progress(f"{self._progress_where or self.progress.format().split(' · ')[0]} · stopping…")
            self.status("Stopping after the current batch…")
            self._update_actions()

    def _set_pause_action(self, paused: bool) -> None:
        self.pause_action.blockSignals(True)
        self.pause_action.setChecked(paused)
        self.pause_action.setText("Resume" if paused else "Pause")
        self.pause_action.blockSignals(False)

    def wait(self, timeout_s: float = 10.0) -> bool:
        """Process events until the run's thread has finished (True) or the timeout passes (False).

        Events must keep flowing: the worker's last signals and the thread's ``finished`` are queued to this
        thread, and the clean-up runs from them.
        """
        deadline = time.perf_counter() + timeout_s
        while self.is_busy and time.perf_counter() < deadline:
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            for thread in (self._thread, self._job_thread):
                if thread is not None:
                    thread.wait(5)
        return not self.is_busy

    def shutdown(self, timeout_s: float = 10.0) -> bool:
        """Stop training (if any) and wait for every thread; used before closing."""
        if self._worker is not None:
            self.stop()
        return self.wait(timeout_s)

    def confirm_close(self) -> bool:
        """Called before the window closes: asks when training runs, then stops it cleanly, and offers to keep
        weights that exist only in memory. True: close."""
        if not self.is_busy:
            return self._offer_to_keep_weights()
        if self.is_running and not self.ask_question(
                "Training is running", "Training is still running. Stop it and close the window?"):
            return False
        if not self.shutdown():
            self.show_error("Training did not stop", "The training thread did not stop within 10 seconds; "
                            "the window stays open so no work is lost.")
            return False
        return self._offer_to_keep_weights()

    def _offer_to_keep_weights(self, leaving: bool = False) -> bool:
        """Trained weights not saved yet: save them beside the project, drop them, or stay (False).

        ``leaving``: another project is about to be opened (New, Open, an example) rather than the window closed.
        """
        if self.trainer is None or self._weights_kept or self.is_busy:
            return True
        if self.project_path is None:
            choice = self.window.ask_choice(
                "Keep the trained weights?", "The network has trained weights that are not saved. Weights are "
                "kept in a file beside the project's file, and this project (a new one or an example) has no file "
                "of its own yet. To keep them: Cancel, save the project (File ▸ Save As), then Save weights.",
                {"discard": "Go on without them" if leaving else "Quit without them"})
        else:
            choice = self.window.ask_choice(
                "Keep the trained weights?", "The network has trained weights that are not saved. Save them "
                f"beside the project ({weights_path_for(self.project_path).name}) so they come back when it "
                "is opened again?", {"save": "Save weights", "discard": "Don't save"})
        if choice == "save":
            return self.save_weights() is not None
        if choice == "discard":
            self._weights_kept = True
            return True
        return False

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if obj is self.window and event.type() == QEvent.Type.Close and (self.is_busy or not self._weights_kept):
            if not self.confirm_close():
                event.ignore()
                return True
        return False

    # ====================================================================== worker signals
    def _project_kind(self) -> str:
        return "gan" if self.project.is_gan else "supervised"

    @staticmethod
    def _macs_per_sample(project: Any) -> int:
        """The forward arithmetic of what a run trains: both graphs of a GAN, else the model graph."""
        from nnbuilder.compiler.cost import forward_macs_per_sample

        graphs = [g for g in project.graphs if g.role in ("generator", "discriminator")] if project.is_gan \
            else [project.graph()]
        return sum(forward_macs_per_sample(g) for g in graphs)

    def _on_worker_prepared(self, info: Any) -> None:
        self._data_view = info
        self.dashboard.set_data_view(info)

    def _on_worker_initial_state(self, state: Any) -> None:
        record = self._run_record
        if record is not None:
            record.initial_state = state

    def _on_worker_started(self, event: Any) -> None:
        self.dashboard.on_started(event)
        self._run_started = time.perf_counter()
        self._samples_per_batch = max(1, int(event.num_train)) / max(1, int(event.batches_per_epoch))
        self._progress_where = f"Epoch {event.start_epoch}/{event.epochs}"
        self.progress.setFormat(f"{self._progress_where} · " + ("paused" if self._paused else "starting"))
        self.status(f"Training on {event.where}: {event.num_train} training and {event.num_val} validation "
                    f"samples, {event.batches_per_epoch} batches per epoch."
                    + (" Paused before the first batch: press Resume to go on." if self._paused else ""))

    def _on_worker_frame(self, frame: Any) -> None:
        """Every view's frames come this way; the dashboard routes them to the panel of their name."""
        self.dashboard.add_frame(frame)
        if frame.name == STREAM_CURVES:
            self._latest_update = frame.payload  # the progress bar reads it from its own, slower timer
        elif frame.name == STREAM_WEIGHTS:
            self._on_worker_weights(frame.payload)

    def step_once(self, which: str) -> bool:
        """One training step by hand while paused ("D", "G" or "both" for a GAN: GAN Lab's step buttons)."""
        if self._worker is None or not self._paused:
            self.status("Pause the training first; then each press trains one step.", 5000)
            return False
        if not self._worker.step_once(which):
            return False
        self.status({"D": "One step of the discriminator.", "G": "One step of the generator."}.get(
            which, "One training step."), 3000)
        return True

    def _on_progress_timer_timeout(self) -> None:
        """Progress text at 5 Hz: readable, and cheap for the GIL the training thread needs."""
        update, self._latest_update = self._latest_update, None
        if update is None:
            return
        fraction = min(1.0, update.done_batches / max(1, update.total_batches))
        # QProgressBar repaints itself at once (inside this call, holding the GIL the training thread
        # needs) when its text changes; with updates off it is painted later by the event loop instead
        self.progress.setUpdatesEnabled(False)
        try:
            self.progress.setValue(int(round(1000 * fraction)))
            where = self._progress_where = f"Epoch {update.epoch}/{update.epochs} · batch {update.batch}/{update.batches}"
            if self._paused:  # a step by hand: no rate or time left while nothing runs (146 samples/s, 17:09 left)
                self._samples_rate(update)  # (starts measuring afresh)
                text = f"{where} · paused"
            elif self._stopping:
                text = f"{where} · stopping…"
            else:
                elapsed = time.perf_counter() - self._run_started
                left = elapsed * (1 - fraction) / fraction if fraction > 0 else float("nan")
                text = f"{where} · {self._samples_rate(update):,.0f} samples/s · {format_duration(left)} left"
            self._show_progress(text)
        finally:
            self.progress.setUpdatesEnabled(True)

    def _show_progress(self, text: str) -> None:
        """The bar's text, cut with "…" where it is wider than the bar (centred, it lost both ends: "poch 160/3"),
        and whole in the tooltip."""
        bar = self.progress
        room = bar.width() - 12
        shown = text
        if room > 0 and bar.fontMetrics().horizontalAdvance(text) > room:
            shown = bar.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, room)
        bar.setFormat(shown)
        bar.setToolTip(text if shown != text else "")

    def _samples_rate(self, update: Any) -> float:
        """Samples a second over the last few seconds of training, not over the last reported interval (that
        one jumped between 1,100 and 5,400 for the same run, as view frames and pauses fell into it)."""
        now = time.perf_counter()
        marks = self._rate_marks
        if self._paused or (marks and update.done_batches < marks[-1][1]):
            marks.clear()  # a pause, or a new run: start measuring again
        marks.append((now, int(update.done_batches)))
        while len(marks) > 2 and now - marks[1][0] >= RATE_WINDOW_S:
            marks.popleft()
        (t0, b0), (t1, b1) = marks[0], marks[-1]
        if t1 - t0 < 0.5 or b1 <= b0:
            return float(update.samples_per_second)
        return (b1 - b0) * self._samples_per_batch / (t1 - t0)

    def _on_worker_weights(self, update: Any) -> None:
        """The canvas' gradient health from a snapshot (the dashboard already has the frame)."""
        health: dict[str, tuple[float | None, float | None]] = {}
        for name, norm in update.grad_norms.items():
            node = self._module_to_node.get(name.split(".")[0])
            if node is not None:
                health[node] = (float(norm), None)
        for name, share in update.dead_units.items():
            node = self._module_to_node.get(name.split(".")[0])
            if node is not None:
                norm = health.get(node, (None, None))[0]
                health[node] = (norm, float(share))
        if health:
            self._show_gradient_health(health)
            self.gradient_health_changed.emit(health)

    def _show_gradient_health(self, health: dict[str, tuple[float | None, float | None]]) -> None:
        """Badge the canvas nodes with their gradient norm and share of dead units."""
        nodes = self.window.scene.nodes
        for node_id, (norm, dead) in health.items():
            item = nodes.get(node_id)
            if item is not None:
                item.set_gradient_health(norm, dead)

    def _on_worker_finished(self, result: Any) -> None:
        self._outcome = ("finished", result)

    def _on_worker_failed(self, message: str, kind: str) -> None:
        self._outcome = ("failed", (message, kind))

    def _on_worker_note(self, text: str) -> None:
        self.status(text, 10_000)

    def _on_worker_timing(self, timing: dict[str, float]) -> None:
        self.last_timing = dict(timing)

    def _on_worker_released(self, trainer: Any) -> None:
        if trainer is not None:
            self.trainer = trainer
            self._weights_kept = False
            self._pending_weights = None
            self._dataset_cache = (self._run_data_key, trainer.dataset)
            # the Test tab names a series' columns and says which units its scores are in
            self.dashboard.evaluate.set_data_details(getattr(trainer.dataset, "extra", None))

    @staticmethod
    def _data_key(project: Any, path: Path | None) -> str:
        """Which loaded data set a run may reuse: same id, same options, same folder for relative paths."""
        return json.dumps([project.data.dataset, project.data.options, None if path is None else str(path.parent)],
                          sort_keys=True, default=str)

    def _on_thread_finished(self) -> None:
        """The run is over (any way it ended): clean up, unlock, then tell the student."""
        thread = self._thread
        if thread is not None:
            thread.wait(2000)  # finished is emitted from the ending thread; let it really end first
        self._thread = None
        self._on_progress_timer_timeout()  # the last numbers, before the outcome replaces the text
        self.progress_timer.stop()
        self._worker = None
        self._stopping = False
        self._paused = False
        self._set_pause_action(False)
        self._lock(False)
        outcome = self._outcome or ("failed", ("Training ended without a result.", "runtime"))
        sizes = self._split_sizes()
        if outcome[0] == "finished":
            result = outcome[1]
            self.last_result = result
            elapsed = format_duration(time.perf_counter() - self._run_started)
            n = len(result.history)
            restored = getattr(result, "restored_epoch", None)
            if result.stopped_by_user:
                text = "stopped by you"
            elif result.stopped_early:
                ended = int(result.history[-1]["epoch"]) if result.history else n
                text = f"stopped early at epoch {ended}"
            else:
                text = "finished"
                self.progress.setValue(self.progress.maximum())
            # The figures of the weights the model now has: after a restore, the best epoch's, not the last's
            # ("stopped early (best epoch 13)" quoted epoch 19's val_loss 0.6022 beside it, not 13's 0.5866).
            rows = [row for row in result.history if row.get("epoch") == restored] if restored else []
            last = rows[-1] if rows else (result.history[-1] if result.history else {})
            scores = ", ".join(f"{k} {v:.4g}" for k, v in last.items() if k not in ("epoch", "lr", "seconds"))
            kept = f"; best epoch {restored} restored" if rows else ""
            short = f"{text} · best epoch {restored}" if rows else text
            self.progress.setFormat(f"{short.capitalize()} · {n} epoch{'' if n == 1 else 's'} · {elapsed}")
            self.dashboard.end_run(f"{text}{kept} ({scores})" if scores else text + kept, self.trainer is not None,
                                   sizes)
            if rows:  # the restored epoch's figures: short enough to fit beside the progress bar
                self.status(f"Training {text} ({elapsed}){kept}: {scores}".strip())
            else:
                self.status(f"Training {text} after {elapsed}. {scores}".strip())
            self._update_actions()
            self.running_changed.emit(False)
            self.run_finished.emit(result)
            return
        message, kind = outcome[1]
        self.last_failure = (message, kind)
        self.progress.setFormat(f"Failed: {FAULT_TITLES.get(kind, 'error').lower()}")
        self.dashboard.end_run(f"failed: {message}", self.trainer is not None, sizes)
        self.status(f"Training stopped: {message}")
        self._update_actions()
        self.running_changed.emit(False)
        self.report_problem(message)
        if kind == "oom" and self._run_device not in ("cpu",):
            choice = self.ask_oom_retry(message, self.batch_spin.value())
            self.run_failed.emit(message, kind)
            if choice == "cpu":
                self.set_device("cpu")
                QTimer.singleShot(0, self.train)
            elif choice == "half":
                self.batch_spin.setValue(max(1, self.batch_spin.value() // 2))
                QTimer.singleShot(0, self.train)
            return
        self.show_error(FAULT_TITLES.get(kind, "Training stopped"), message)
        self.run_failed.emit(message, kind)

    # ====================================================================== weights with the project
    def _check_document_switch(self, force: bool = False) -> None:
        """Another file is open: its weights (if saved beside it) replace the last run's."""
        path = self.project_path
        if path == self._known_path and not force:
            return
        self._known_path = path
        self.trainer = None
        self._weights_kept = True
        self._dataset_cache = None
        self._previous_settings = None
        self._pending_weights = None
        if path is not None and weights_path_for(path).is_file():
            self._pending_weights = weights_path_for(path)
            self.continue_action.setChecked(True)
            self.status(f"Trained weights found ({self._pending_weights.name}): Continue training, Evaluate and "
                        "Predict use them; Reset weights starts over.", 10_000)
            self.dashboard.set_model_available(True, self._split_sizes_without_trainer())
        else:
            self.dashboard.set_model_available(False)
        self._update_actions()

    def save_weights(self, path: str | Path | None = None) -> Path | None:
        """Save the trained weights beside the project (``<name>.weights.safetensors``) or to ``path``."""
        if self.trainer is None:
            self.show_error("No trained weights", "Train the network first; then its weights can be saved.")
            return None
        if path is None:
            if self.project_path is None:  # an example or a new project: offer Save As rather than refuse
                if not self.window.ask_question(
                        "Save the project first",
                        "The weights are saved beside the project file, so the project needs a file name first. "
                        "Save the project now?") or not self.window.save_as() or self.project_path is None:
                    self.status("Weights not saved: the project has no file yet.", 8000)
                    return None
            path = weights_path_for(self.project_path)
        try:
            self.trainer.save_weights(str(path))
        except Exception as exc:  # noqa: BLE001
            self.show_error("The weights were not saved", describe_exception(exc)[0])
            return None
        self._weights_kept = True
        self.status(f"Weights saved to {Path(path).name}.", 8000)
        return Path(path)

    def _on_dashboard_runs_cleared(self, kept_running: bool) -> None:
        """The runs on screen were forgotten: numbering starts again at run 1 and the next run's label does not
        compare it with a run no one can see ("run 3: same settings" after Clear runs, its timeline saying
        "end of run 1"). A run that is going keeps its number; the progress bar and status bar forget the
        finished run's ending, which read "Stopped by you · 5 epochs" beside "No training yet"."""
        if kept_running:
            return
        self.runs_started = 0
        self._previous_settings = None
        self.progress.setValue(0)
        self.progress.setFormat("Runs cleared" if self.trainer is not None or self._pending_weights is not None
                                else "Not trained")
        self.progress.setToolTip("")
        self.status("")

    def reset_weights(self) -> None:
        """Forget trained weights: the next run starts from fresh random weights (the seed makes them repeat)."""
        if self.is_busy:
            return
        self.trainer = None
        self._weights_kept = True
        self._pending_weights = None
        self._dataset_cache = None  # also a way to reload a data file that changed on disk
        self.continue_action.setChecked(False)
        self.dashboard.set_model_available(False)
        self.progress.setValue(0)
        self.progress.setFormat("Weights reset")
        self.status("Weights reset: the next run starts from new random weights.", 8000)
        self._update_actions()

    # ====================================================================== evaluate and predict
    @staticmethod
    def _split_rows(trainer: Any, training: Any, split: str) -> tuple[np.ndarray, np.ndarray]:
        dataset = trainer.dataset
        if dataset.graph is not None:  # the nodes of the split (x and y hold every node of the graph)
            idx = TrainingController._graph_nodes(dataset, split)
            return dataset.x[idx], dataset.y[idx]
        if split == "test":
            return dataset.x_test, dataset.y_test
        core = run_split(trainer, training)
        idx = core.val if split == "validation" else core.train
        return dataset.x[idx], dataset.y[idx]

    @staticmethod
    def _graph_nodes(dataset: Any, split: str) -> np.ndarray:
        g = dataset.graph
        mask = {"test": g.test_mask, "validation": g.val_mask}.get(split, g.train_mask)
        return np.flatnonzero(mask)

    def _split_sizes(self) -> dict[str, int]:
        view = self._data_view
        if view is None:
            return {}
        return {"test": view.num_test, "validation": view.num_val, "training": view.num_train}

    def _split_sizes_without_trainer(self) -> dict[str, int]:
        return {"test": 1, "validation": 1, "training": 1}  # exact counts arrive with the first trainer

    def _run_job(self, fn: Any, on_result: Any, busy_text: str) -> bool:
        if self.is_busy:
            return False
        job = FunctionWorker(fn)
        job.returned.connect(on_result)
        job.errored.connect(self._on_job_errored)
        self._job = job
        self._job_thread = start_in_thread(job, on_finished=self._on_job_thread_finished)
        self.status(busy_text)
        self._update_actions()
        return True

    def _trainer_source(self) -> Any:
        """A callable for a job thread that returns the idle trainer, or builds one from the saved weights.

        Everything it needs from the GUI side (a project copy, paths) is captured here, in the GUI thread.
        """
        trainer, weights = self.trainer, self._pending_weights
        project = self.project.copy()
        path = self.project_path

        def get() -> Any:
            if trainer is not None:
                return trainer
            if weights is None:
                raise RuntimeError("Train the network first.")
            from nnbuilder.training import Trainer

            built = Trainer(project, base_dir=None if path is None else path.parent)
            built.load_weights(str(weights))
            return built

        return get

    def evaluate(self) -> bool:
        """Score the trained model on the test split, off the GUI thread; the dashboard shows the result."""
        if not self.warm_up():
            return False

        get_trainer = self._trainer_source()

        def job() -> tuple[Any, dict[str, float]]:
            trainer = get_trainer()
            return trainer, dict(trainer.evaluate(split="test"))

        return self._run_job(job, self._on_job_evaluated, "Evaluating on the test split…")

    def _on_job_evaluated(self, result: tuple[Any, dict[str, float]]) -> None:
        trainer, logs = result
        self._adopt_trainer(trainer)
        self.dashboard.show_evaluation(logs)
        self.status("Test split: " + ", ".join(f"{k} {v:.4g}" for k, v in logs.items()), 10_000)

    def predict(self, split: str, index: int) -> bool:
        """Run one sample through the model and show its class probabilities (or value)."""
        if not self.warm_up():
            return False

        get_trainer = self._trainer_source()
        training = self.project.training

        def job() -> tuple[Any, PredictionResult]:
            trainer = get_trainer()
            x, y = self._split_rows(trainer, training, split)
            if x is None or not len(x):
                raise RuntimeError(f"The {split} split is empty.")
            i = int(min(max(index, 0), len(x) - 1))
            sample = np.asarray(x[i : i + 1])
            if trainer.dataset.graph is not None:  # a node's output depends on its neighbours: run the graph
                node = int(self._graph_nodes(trainer.dataset, split)[i])
                values = np.asarray(trainer.predict_nodes([node]), dtype=np.float32).reshape(-1)
                sample = np.zeros((1, 0), dtype=np.float32)  # no picture of a node's features
            else:
                values = np.asarray(trainer.predict(sample), dtype=np.float32).reshape(-1)
            regression = trainer.dataset.task == "regression"
            target = np.asarray(y[i]).reshape(-1)
            names = list(trainer.dataset.class_names) if trainer.dataset.class_names else None
            if not regression:
                true = int(target.argmax() if target.size > 1 else target[0])
                return trainer, PredictionResult(split, i, values, true, names, sample[0].copy())
            # in the units the Predictions tab and the data preview use (kW), not the scaled ones trained on
            extra = trainer.dataset.extra or {}
            values, _ = to_target_units(values, extra)
            truth, _ = to_target_units(target.astype(np.float32), extra)
            return trainer, PredictionResult(split, i, values, float(truth[0]), names, sample[0].copy(), True,
                                             truth=truth, label=target_label(extra),
                                             horizon=int(extra.get("horizon", 1) or 1) > 1)

        return self._run_job(job, self._on_job_predicted, "Predicting…")

    def _on_job_predicted(self, result: tuple[Any, PredictionResult]) -> None:
        trainer, prediction = result
        self._adopt_trainer(trainer)
        self.dashboard.show_prediction(prediction)
        self.status(f"Predicted {prediction.split} sample {prediction.index}.", 5000)

    def _adopt_trainer(self, trainer: Any) -> None:
        if self.trainer is None:
            self.trainer = trainer
            self._pending_weights = None
            ds = trainer.dataset
            t = self.project.training
            try:
                core = run_split(trainer, t)
                sizes = {"test": 0 if ds.x_test is None else len(ds.x_test), "validation": core.num_val,
                         "training": core.num_train}
            except Exception:  # noqa: BLE001
                sizes = {"test": 0 if ds.x_test is None else len(ds.x_test), "training": len(ds.x)}
            self.dashboard.set_model_available(True, sizes)
            self.dashboard.evaluate.set_data_details(getattr(ds, "extra", None))

    def _on_job_errored(self, message: str, kind: str) -> None:
        self.dashboard.evaluate.show_busy(message)
        self.status(message, 10_000)

    def _on_job_thread_finished(self) -> None:
        thread = self._job_thread
        if thread is not None:
            thread.wait(2000)
        self._job_thread = None
        self._job = None
        self._update_actions()

    # ====================================================================== misc slots
    def _module_names(self, project: Any) -> dict[str, str]:
        try:
            from nnbuilder.compiler import module_names

            return {module: node for node, module in module_names(project.graph()).items()}
        except Exception:  # noqa: BLE001 - only the canvas badges need it
            return {}

    def _on_train_action_triggered(self) -> None:
        self.train()

    def _on_pause_action_toggled(self, checked: bool) -> None:
        if checked:
            self.pause()
        else:
            self.resume()

    def _on_stop_action_triggered(self) -> None:
        self.stop()

    def _on_reset_action_triggered(self) -> None:
        self.reset_weights()

    def _on_save_weights_action_triggered(self) -> None:
        self.save_weights()

    def _on_epochs_spin_editing_finished(self) -> None:
        self._write_setting("epochs", int(self.epochs_spin.value()))

    def _on_batch_spin_editing_finished(self) -> None:
        self._write_setting("batch_size", int(self.batch_spin.value()))

    def _on_lr_spin_editing_finished(self) -> None:
        self._write_setting("optimizer.lr", float(self.lr_spin.value()))

    def _on_dashboard_visible_views_changed(self, names: set[str]) -> None:
        """Tell the worker which views are on screen; costly hidden ones are computed at the end only."""
        if self._worker is not None:
            self._worker.set_visible_views(names)

    def _on_dashboard_command_requested(self, view: str, command: str) -> None:
        if view == STREAM_GAN_LAB:
            self.step_once(command)

    def _on_dashboard_restart_requested(self, run: Any) -> None:
        self.restart_from(run)

    def _on_dashboard_evaluate_requested(self) -> None:
        self.evaluate()

    def _on_dashboard_predict_requested(self, split: str, index: int) -> None:
        self.predict(split, index)

    def _on_document_project_replaced(self) -> None:
        """Another project: nothing of the previous one's runs, plots or numbering stays on screen."""
        self.dashboard.clear_runs(keep_model=False)
        self.dashboard.set_project_kind(self._project_kind())
        self.runs_started = 0
        self.last_result = None
        self.last_failure = None
        self.progress.setValue(0)
        self.progress.setFormat("Not trained")
        self._check_document_switch(force=True)
        if not self.is_running:
            self.load_settings_from_project()

    def _on_document_path_changed(self, path: Any) -> None:
        self._known_path = None if path is None else Path(path)  # Save As keeps the trained weights

    def _on_document_settings_changed(self) -> None:
        if not self.is_running:
            self.load_settings_from_project()

    def _on_app_about_to_quit(self) -> None:
        self.shutdown(timeout_s=5.0)


def install(window: Any) -> TrainingController:
    """Entry point for ``MainWindow.load_extensions``: attach a controller and keep it on the window."""
    controller = TrainingController(window)
    window.training_controller = controller
    return controller


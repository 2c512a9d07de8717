"""Training from the GUI path, end to end: real Trainer, real QThread, the real main window (its dialogs
answered from a script), so the controller runs the code paths the app runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from nnbuilder.app.dashboard import Dashboard
from nnbuilder.app.training_controller import LOCK_REASON, TrainingController, weights_path_for
from nnbuilder.project import Edge, Graph, Node, Project, load_project

from .helpers import Harness, shown_harness

ROOT = Path(__file__).resolve().parents[2]
SPIRAL = ROOT / "resources" / "examples" / "spiral_playground.nnb"


def spiral(epochs: int = 60) -> Project:
    project = load_project(SPIRAL)
    project.training.epochs = epochs
    return project


def open_window(qtbot: Any, project: Project, path: Path | None = None) -> Harness:
    harness = shown_harness(qtbot, project, path)
    return harness


def wait_done(qtbot: Any, controller: TrainingController, timeout_ms: int = 60_000) -> None:
    qtbot.waitUntil(lambda: not controller.is_busy, timeout=timeout_ms)


def batches_seen(dashboard: Dashboard) -> int:
    return 0 if dashboard.current is None else len(dashboard.current.batch_x)


def test_train_spiral_to_the_end(qtbot: Any) -> None:
    window = open_window(qtbot, spiral())
    c = window.controller
    c.warm_up()
    tabs = c.dashboard.tabs
    with qtbot.waitSignal(c.run_finished, timeout=60_000) as finished:
        assert c.train()
        assert c.is_running and window.locks == [(True, LOCK_REASON)]
        # watch the boundary as a student would: its tab appears once the data set is known
        qtbot.waitUntil(lambda: tabs.isTabVisible(Dashboard.TAB_BOUNDARY), timeout=30_000)
        tabs.setCurrentIndex(Dashboard.TAB_BOUNDARY)
        qtbot.waitUntil(lambda: c.dashboard.boundary.updates >= 1, timeout=30_000)
        first_boundary = np.array(c.dashboard.boundary.image.image, copy=True)
    wait_done(qtbot, c)
    result = finished.args[0]
    run = c.dashboard.current
    assert not result.stopped_by_user and len(result.history) == 60
    assert run.batch_x.view()[-1] == 60.0 and len(run.epoch_rows) == 60  # through the last batch and epoch
    tabs.setCurrentIndex(Dashboard.TAB_CURVES)  # a hidden tab draws when it is shown
    curves = c.dashboard.curves._curves[(run.index, "loss")]
    assert len(curves.train.getData()[0]) == 60 and len(curves.batch.getData()[0]) == len(run.batch_x)
    assert run.epoch_rows[-1]["loss"] < run.epoch_rows[0]["loss"]
    assert c.dashboard.boundary.received >= 5 and c.dashboard.boundary.updates >= 2
    assert run.epoch_rows[-1]["accuracy"] > 0.8  # the example learns the spiral
    assert np.abs(c.dashboard.boundary.image.image - first_boundary).max() > 0.05  # the boundary moved
    assert c.dashboard.weights.snapshots >= 2
    assert c.progress.value() == c.progress.maximum()  # 100 %
    assert window.locks[-1][0] is False and window.errors == [] and window.problems == []
    # (how long the GUI thread stalls is measured by benchmarks/bench_gui_training.py, not asserted here)
    assert c.trainer is not None and c.save_weights_action.isEnabled()



def test_each_weights_snapshot_reaches_the_weights_tab_once(qtbot: Any) -> None:
    """Every snapshot was added twice (once as a view frame, once more by the canvas' gradient health), so the
    weight histogram drew each column twice and the gradient norms had every point twice."""
    from nnbuilder.app.workers.messages import STREAM_WEIGHTS

    window = open_window(qtbot, load_project(ROOT / "resources" / "examples" / "karate_club_gcn.nnb"))
    c = window.controller
    sent: list[float] = []
    route = c._on_worker_frame

    def spy(frame: Any) -> None:
        if frame.name == STREAM_WEIGHTS:
            sent.append(frame.position)
        route(frame)

    c._on_worker_frame = spy  # type: ignore[method-assign]  # connected when the run starts
    assert c.train()
    wait_done(qtbot, c)
    panel = c.dashboard.weights
    assert len(sent) >= 2 and panel.snapshots == len(sent)
    assert [list(h.positions) for h in panel._hist.values()] == [sent] * len(panel._hist)
    assert all(len(xs) == len(sent) for xs in panel._grad_x.values())

def test_pause_resume_then_stop_mid_epoch(qtbot: Any) -> None:
    window = open_window(qtbot, spiral())
    c = window.controller
    c.epochs_spin.setValue(500)
    assert c.train()
    qtbot.waitUntil(lambda: batches_seen(c.dashboard) >= 40, timeout=30_000)

    c.pause_action.trigger()
    assert c.is_paused and c.pause_action.text() == "Resume"
    qtbot.wait(150)  # the trainer answers at its next batch boundary (well within 100 ms here)
    frozen = batches_seen(c.dashboard)
    qtbot.wait(400)
    assert batches_seen(c.dashboard) == frozen, "batches kept coming while paused"

    c.pause_action.trigger()
    assert not c.is_paused
    qtbot.waitUntil(lambda: batches_seen(c.dashboard) >= frozen + 20, timeout=10_000)

    # stop in the middle of an epoch
    qtbot.waitUntil(lambda: batches_seen(c.dashboard) % 30 not in (0, 29), timeout=10_000)
    with qtbot.waitSignal(c.run_finished, timeout=10_000) as finished:
        c.stop_action.trigger()
        assert not c.stop_action.isEnabled()
    wait_done(qtbot, c)
    assert finished.args[0].stopped_by_user
    assert c.progress.value() < c.progress.maximum()
    assert window.errors == [] and window.locks[-1][0] is False
    assert "stopped" in c.dashboard.current.outcome


def test_pause_pressed_while_the_run_starts_holds_before_the_first_batch(qtbot: Any) -> None:
    window = open_window(qtbot, spiral())
    c = window.controller
    assert c.train()
    c.pause_action.trigger()  # while the network is built and the data loaded
    qtbot.waitUntil(lambda: c.progress.format().startswith("Epoch 1/"), timeout=30_000)  # the run started
    qtbot.wait(300)
    assert batches_seen(c.dashboard) == 0, "a batch trained although Pause was pressed first"
    assert c.progress.format().endswith("· paused") and "press Resume" in window.window.statusBar().currentMessage()
    c.pause_action.trigger()
    qtbot.waitUntil(lambda: batches_seen(c.dashboard) >= 1, timeout=10_000)
    with qtbot.waitSignal(c.run_finished, timeout=10_000):
        c.stop_action.trigger()
    wait_done(qtbot, c)


def test_time_spent_paused_is_not_counted_as_training_time(qtbot: Any) -> None:
    import time

    window = open_window(qtbot, spiral())
    c = window.controller
    c.epochs_spin.setValue(2000)
    assert c.train()
    qtbot.waitUntil(lambda: c.progress.format().startswith("Epoch "), timeout=30_000)  # the run started
    t0 = time.perf_counter()
    qtbot.waitUntil(lambda: batches_seen(c.dashboard) >= 20, timeout=30_000)
    c.pause_action.trigger()
    qtbot.wait(3000)
    c.pause_action.trigger()
    qtbot.waitUntil(lambda: "left" in c.progress.format() and "paused" not in c.progress.format(), timeout=10_000)
    with qtbot.waitSignal(c.run_finished, timeout=10_000):
        c.stop_action.trigger()
    wall = time.perf_counter() - t0
    spent = c.progress.format().rsplit(" · ", 1)[1]  # "Stopped by you · N epochs · m:ss" (or "0.4 s")
    if spent.endswith(" s"):
        total = float(spent[:-2])
    else:
        minutes, seconds = spent.split(":")
        total = int(minutes) * 60 + int(seconds)
    assert total <= wall - 2, (c.progress.format(), wall)


def test_stop_during_the_first_batch_and_before_it(qtbot: Any) -> None:
    window = open_window(qtbot, spiral())
    c = window.controller
    # 1. Stop before the trainer even exists.
    with qtbot.waitSignal(c.run_finished, timeout=30_000) as finished:
        c.train()
        c.stop()
    wait_done(qtbot, c)
    assert finished.args[0].stopped_by_user
    # 2. Stop from inside the first batch: the worker's started signal fires in its thread right before
    #    the first batch, and a direct connection runs the stop there.
    with qtbot.waitSignal(c.run_finished, timeout=30_000) as finished:
        c.train()
        c._worker.started.connect(c._worker.stop, Qt.ConnectionType.DirectConnection)
    wait_done(qtbot, c)
    assert finished.args[0].stopped_by_user and len(finished.args[0].history) == 0
    assert batches_seen(c.dashboard) <= 1
    assert window.errors == [] and not c.is_running
    # the app still trains afterwards
    c.epochs_spin.setValue(2)
    with qtbot.waitSignal(c.run_finished, timeout=30_000):
        c.train()
    wait_done(qtbot, c)
    assert len(c.dashboard.runs) == 3


def test_closing_the_window_while_training_asks_then_stops(qtbot: Any) -> None:
    window = open_window(qtbot, spiral(500))
    c = window.controller
    assert c.train()
    qtbot.waitUntil(lambda: batches_seen(c.dashboard) >= 10, timeout=30_000)
    window.answer = False
    assert not window.close()
    assert window.isVisible() and c.is_running and window.questions == ["Training is running"]
    window.answer = True
    assert window.close()
    assert not window.isVisible() and not c.is_busy and len(window.questions) == 2
    assert c.last_result is not None and c.last_result.stopped_by_user
    assert window.locks[-1][0] is False and window.errors == []


def _embedding_project() -> Project:
    """Valid shapes, but the karate club's 0/1 features become token id 1 for a one-word vocabulary:
    the Embedding raises (index out of range) at run time, in the first batch."""
    project = spiral(3)
    project.data.dataset, project.data.options = "karate_club", {}
    graph = Graph("model", "model", [
        Node("input", "Input", {"shape": [34], "dtype": "int64"}),
        Node("embed", "Embedding", {"input_dim": 1, "output_dim": 2}),
        Node("flat", "Flatten", {}),
        Node("output", "Dense", {"units": 2, "activation": "softmax"}),
    ], [Edge("input", "embed"), Edge("embed", "flat"), Edge("flat", "output")])
    project.graphs = [graph]
    return project


def test_a_model_that_raises_at_run_time_is_reported(qtbot: Any) -> None:
    window = open_window(qtbot, _embedding_project())
    c = window.controller
    with qtbot.waitSignal(c.run_failed, timeout=30_000) as failed:
        assert c.train()
    wait_done(qtbot, c)
    message, kind = failed.args
    # (the Trainer currently files torch's "index out of range" under data: it cannot tell an Embedding's
    # index from a class id; either way the student gets a sentence that names the batch)
    assert kind in ("runtime", "model", "data") and "epoch 1 batch 1" in message
    assert window.errors and window.errors[0][1] == message
    assert window.problems == [message]
    assert window.locks[-1][0] is False and not c.is_running
    assert c.train_action.isEnabled()
    assert window.document.project.graph().node("embed").params["input_dim"] == 1  # project unchanged


def test_an_exploding_learning_rate_is_caught_as_nan(qtbot: Any) -> None:
    project = spiral(20)
    project.training.optimizer.name = "sgd"
    for node_id in ("hidden1", "hidden2"):  # tanh would saturate and hide the explosion
        project.graph().node(node_id).params["activation"] = "relu"
    window = open_window(qtbot, project)
    c = window.controller
    c.lr_spin.setValue(1e6)
    with qtbot.waitSignal(c.run_failed, timeout=30_000) as failed:
        assert c.train()
    wait_done(qtbot, c)
    message, kind = failed.args
    assert kind == "nan", message
    assert window.errors[0][0] == "Training diverged"
    assert window.problems == [message] and "failed" in c.dashboard.current.outcome
    assert window.document.project.training.optimizer.lr == 0.01  # the run used a copy


def test_a_missing_data_file_is_reported(qtbot: Any, tmp_path: Path) -> None:
    """A missing file is said before Train (it is a Problem from the moment the project opens); a file that
    is there but cannot be read fails the run with the data's own sentence."""
    project = spiral(2)
    project.data.dataset = "csv_table"
    project.data.options = {"path": str(tmp_path / "nowhere.csv")}
    window = open_window(qtbot, project, tmp_path / "p.nnb")
    c = window.controller
    blocked = c.blocking_problem()
    assert blocked is not None and "nowhere.csv" in blocked
    assert not c.train() and "nowhere.csv" in window.window.statusBar().currentMessage()

    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"x,y\n1,2,3,4\n\x00\xff\n")
    window.window.document.project.data.options = {"path": str(broken)}
    window.window.document.reinfer_all()
    with qtbot.waitSignal(c.run_failed, timeout=30_000) as failed:
        assert c.train()
    wait_done(qtbot, c)
    message, kind = failed.args
    assert kind == "data" and "broken.csv" in message, (kind, message)
    assert window.errors and not c.is_busy


def test_out_of_memory_offers_a_retry_with_half_the_batch(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """No GPU here: the first fit reports what a CUDA out-of-memory run reports, the retry runs for real."""
    from nnbuilder import training
    from nnbuilder.training.events import Failed

    real_fit = training.Trainer.fit
    calls: list[int] = []

    def fit_once_oom(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            return Failed("The GPU ran out of memory (CUDA out of memory).", "oom")
        return real_fit(self, *args, **kwargs)

    monkeypatch.setattr(training.Trainer, "fit", fit_once_oom)
    window = open_window(qtbot, spiral(2))
    c = window.controller
    window.dialogs.answers["choice"] = "half"
    with qtbot.waitSignal(c.run_finished, timeout=60_000):
        assert c.train()
    wait_done(qtbot, c)
    asked = [options["choices"] for kind, _, _, options in window.dialogs.calls if kind == "choice"]
    assert asked and asked[0]["half"] == "Retry with batch size 8"
    assert c.batch_spin.value() == 8 and len(c.dashboard.runs) == 2
    assert "batch 16 → 8" in c.dashboard.runs[1].label
    # offered instead of a plain error; the retry that worked cleared the problem it had listed
    assert window.errors == [] and window.problems == []


def test_weights_stay_with_the_project(qtbot: Any, tmp_path: Path) -> None:
    path = tmp_path / "spiral.nnb"
    window = open_window(qtbot, spiral(3), path)
    c = window.controller
    with qtbot.waitSignal(c.run_finished, timeout=60_000):
        c.train()
    wait_done(qtbot, c)
    saved = c.save_weights()
    assert saved == weights_path_for(path) and saved.is_file()

    # "Open" the project again: the weights are found, Continue is on, Predict works without training.
    again = open_window(qtbot, spiral(3), path)
    c2 = again.controller
    assert c2.continue_action.isChecked() and c2.reset_action.isEnabled()
    assert c2.predict("training", 0)
    wait_done(qtbot, c2)
    assert c2.trainer is not None
    bars = c2.dashboard.evaluate.bars.opts["height"]
    assert len(bars) == 2 and abs(float(np.sum(bars)) - 1.0) < 1e-4

    c2.epochs_spin.setValue(1)
    with qtbot.waitSignal(c2.run_finished, timeout=60_000):
        c2.train()
    wait_done(qtbot, c2)
    assert "continued" in c2.dashboard.current.label
    first = c.dashboard.runs[0].epoch_rows[-1]["loss"]
    assert c2.dashboard.current.epoch_rows[0]["loss"] < first * 1.5  # went on, did not start over

    c2.reset_action.trigger()
    assert not c2.continue_action.isChecked() and c2.trainer is None
    with qtbot.waitSignal(c2.run_finished, timeout=60_000):
        c2.train()
    wait_done(qtbot, c2)
    assert "continued" not in c2.dashboard.current.label


def test_samples_per_second_shown_is_steady_while_the_reported_interval_rate_jumps(qtbot: Any, monkeypatch) -> None:
    from types import SimpleNamespace

    import nnbuilder.app.training_controller as tc

    window = open_window(qtbot, spiral())
    c = window.controller
    clock = [100.0]
    monkeypatch.setattr(tc.time, "perf_counter", lambda: clock[0])
    from nnbuilder.training.events import TrainingStarted

    c.dashboard.begin_run("run 1")
    c._on_worker_started(TrainingStarted(epochs=5, batches_per_epoch=100, num_train=3200, num_val=0, device="cpu",
                                         task="classification", metrics=[]))
    shown = []
    for tick in range(40):  # 5 ticks a second, 100 batches of 32 a second: 3,200 samples/s
        clock[0] += 0.2
        update = SimpleNamespace(done_batches=20 * (tick + 1), total_batches=10_000, epoch=1, epochs=5,
                                 batch=20 * (tick + 1) % 100, batches=100,
                                 samples_per_second=1_100.0 if tick % 2 else 5_400.0)  # what one interval saw
        c._latest_update = update
        c._on_progress_timer_timeout()
        shown.append(float(c.progress.format().split(" · ")[2].split()[0].replace(",", "")))
    assert all(abs(rate - 3200) < 1 for rate in shown[3:]), shown


def test_while_paused_the_bar_says_where_the_run_is_and_nothing_about_speed(qtbot: Any, monkeypatch) -> None:
    """Paused, the bar went on reading "19,652 samples/s · 6:18 left", and after a step by hand
    "146 samples/s · 17:09 left": neither means anything while nothing runs. A text wider than the bar lost
    both its ends ("poch 160/3")."""
    from types import SimpleNamespace

    import nnbuilder.app.training_controller as tc
    from nnbuilder.training.events import TrainingStarted

    window = open_window(qtbot, spiral())
    c = window.controller
    clock = [100.0]
    monkeypatch.setattr(tc.time, "perf_counter", lambda: clock[0])

    class Worker:  # what the controller asks of a worker to pause and resume
        def pause(self) -> None: ...

        def resume(self) -> None: ...

    c.dashboard.begin_run("run 1")
    c._on_worker_started(TrainingStarted(epochs=3000, batches_per_epoch=31, num_train=992, num_val=0, device="cpu",
                                         task="classification", metrics=[]))

    def tick(done: int, rate: float) -> str:
        clock[0] += 0.2
        c._latest_update = SimpleNamespace(done_batches=done, total_batches=93_000, epoch=160, epochs=3000,
                                           batch=done % 31 or 31, batches=31, samples_per_second=rate)
        c._on_progress_timer_timeout()
        return c.progress.format()

    for n in range(1, 20):
        running = tick(100 * n, 20_000.0)
    assert "samples/s" in running and running.endswith(" left")
    c._worker = Worker()  # type: ignore[assignment]
    c.pause()
    assert c.progress.format() == "Epoch 160/3000 · batch 9/31 · paused"
    clock[0] += 60  # a minute later, one step by hand
    assert tick(1901, 146.0) == "Epoch 160/3000 · batch 10/31 · paused"
    c.resume()
    c._worker = None

    c.progress.setFixedWidth(200)  # narrower than the running text: cut at its end, whole in the tooltip
    text = tick(2000, 20_000.0)
    assert text.startswith("Epoch 160/3000 · batch") and text.endswith("…")
    assert c.progress.toolTip().endswith(" left") and c.progress.toolTip().startswith(text[:-1])


def test_continue_training_waits_for_weights_and_pause_keeps_its_width(qtbot: Any) -> None:
    """Continue training was on offer on a project never trained (it changed nothing), and Pause turning into
    the wider Resume moved Stop and the Epochs box along the toolbar while the student reached for them."""
    window = open_window(qtbot, spiral(2))
    c = window.controller
    assert not c.continue_action.isEnabled()
    pause = c.toolbar.widgetForAction(c.pause_action)
    with qtbot.waitSignal(c.run_finished, timeout=60_000):
        assert c.train()
        width = pause.width()
        c.pause_action.setChecked(True)
        qtbot.waitUntil(lambda: c.pause_action.text() == "Resume", timeout=10_000)
        QApplication.processEvents()
        assert pause.width() == width
        c.pause_action.setChecked(False)
    wait_done(qtbot, c)
    assert c.continue_action.isEnabled()
    c.reset_weights()
    assert not c.continue_action.isEnabled()

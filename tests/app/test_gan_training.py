"""Training a GAN from the app, end to end: the ring example, a real GAN step, a real QThread.

What a student sees: the sample grid changes while the networks train, the GAN Lab view draws D's heatmap
and G's arrows, each step button while paused moves exactly one player by exactly one step, and pause and
stop behave as in a supervised run.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nnbuilder.project import load_project

from .helpers import Harness, shown_harness
from .test_training_controller import wait_done

ROOT = Path(__file__).resolve().parents[2]
RING = ROOT / "resources" / "examples" / "gan_ring_2d.nnb"


def ring(epochs: int) -> Any:
    project = load_project(RING)
    project.training.epochs = epochs
    return project


def open_window(qtbot: Any, project: Any) -> Harness:
    harness = shown_harness(qtbot, project, RING)
    return harness


def test_gan_trains_from_the_app_and_the_sample_grid_changes(qtbot: Any) -> None:
    window = open_window(qtbot, ring(2000))
    c = window.controller
    c.warm_up()
    d = c.dashboard
    samples = d.panels["gan_samples"]
    started = time.perf_counter()
    with qtbot.waitSignal(c.run_finished, timeout=60_000) as finished:
        assert c.train()
        qtbot.waitUntil(lambda: d.show_view("gan_samples"), timeout=30_000)
        qtbot.waitUntil(lambda: samples.updates >= 1, timeout=30_000)
        first = samples.history[-1].points.copy()
        qtbot.waitUntil(lambda: samples.updates >= 3, timeout=30_000)
        # the same noise, later in the run: the generator moved its samples
        assert np.abs(samples.history[-1].points - first).max() > 0.05
        assert d.show_view("gan_lab")
        lab = d.panels["gan_lab"]
        qtbot.waitUntil(lambda: lab.updates >= 1, timeout=30_000)
        c.stop()
    wait_done(qtbot, c)
    seconds = time.perf_counter() - started
    assert finished.args[0].stopped_by_user and window.errors == []
    assert samples.received <= 2 * seconds + 3  # the grid refreshes at most twice a second (and at the end)
    heat = lab.heat.image
    assert heat is not None and heat.ndim == 2 and 0.0 <= heat.min() and heat.max() <= 1.0
    assert len(lab.fake_points.data) == len(lab.last.fake) and len(lab.arrows.getData()[0]) == 6 * len(lab.last.fake)
    assert len(lab.real_points.data) > 100
    run = d.current
    assert {"loss_D", "loss_G"} <= set(run.batch_raw) and {"D_x", "D_G_z"} <= set(run.batch_raw)
    visible = {d.tabs.tabText(i) for i in range(d.tabs.count()) if d.tabs.isTabVisible(i)}
    assert {"Samples", "GAN Lab"} <= visible and "Decision boundary" not in visible
    assert d.show_view("gan_samples")  # hidden since the GAN Lab came forward, it draws when shown
    d.refresh_now()
    assert len(samples.history) >= 3 and samples.slider.maximum() == len(samples.history) - 1


def _pause(qtbot: Any, c: Any) -> None:
    c.pause_action.trigger()
    qtbot.waitUntil(lambda: c._worker is not None and c._worker.trainer is not None
                    and c._worker.trainer.is_paused, timeout=10_000)


def _wait_quiet(qtbot: Any, lab: Any, quiet_s: float = 0.6) -> None:
    """Wait until no GAN Lab frame has arrived for ``quiet_s`` seconds (real event loop, no fixed sleep)."""
    state = {"n": lab.received, "t": time.monotonic()}

    def quiet() -> bool:
        if lab.received != state["n"]:
            state.update(n=lab.received, t=time.monotonic())
        return time.monotonic() - state["t"] >= quiet_s

    qtbot.waitUntil(quiet, timeout=15_000)


def test_step_buttons_while_paused_advance_exactly_one_step(qtbot: Any) -> None:
    window = open_window(qtbot, ring(5000))
    c = window.controller
    d = c.dashboard
    lab = d.panels["gan_lab"]
    assert c.train()
    qtbot.waitUntil(lambda: d.show_view("gan_lab"), timeout=30_000)
    qtbot.waitUntil(lambda: lab.updates >= 1, timeout=30_000)
    _pause(qtbot, c)
    assert all(b.isEnabled() for b in lab.buttons.values())
    _wait_quiet(qtbot, lab)  # late frames from before the pause arrive (late indeed on a busy machine)
    d.refresh_now()
    before = lab.last
    batches = len(d.current.batch_x)
    lab.buttons["D"].click()
    qtbot.waitUntil(lambda: lab.received > 0 and lab.last is not before and lab.last.d_steps != before.d_steps,
                    timeout=10_000)
    after_d = lab.last
    assert after_d.g_steps == before.g_steps  # the generator did not move ...
    assert np.allclose(after_d.fake, before.fake)  # ... so neither did its samples
    assert not np.allclose(after_d.heat, before.heat)  # the discriminator did
    assert len(d.current.batch_x) == batches + 1  # one step: one more value on the curves
    lab.buttons["G"].click()
    qtbot.waitUntil(lambda: lab.last.g_steps != after_d.g_steps, timeout=10_000)
    after_g = lab.last
    assert after_g.g_steps == after_d.g_steps + 1 and after_g.d_steps == after_d.d_steps
    assert not np.allclose(after_g.fake, after_d.fake) and np.allclose(after_g.heat, after_d.heat)
    assert len(d.current.batch_x) == batches + 2
    qtbot.wait(300)  # and nothing else moved while paused
    assert len(d.current.batch_x) == batches + 2
    with qtbot.waitSignal(c.run_finished, timeout=10_000) as finished:
        c.stop()
    wait_done(qtbot, c)
    assert finished.args[0].stopped_by_user and window.errors == []
    assert not lab.buttons["D"].isEnabled()


def test_pause_resume_and_stop_a_gan_run(qtbot: Any) -> None:
    window = open_window(qtbot, ring(5000))
    c = window.controller
    d = c.dashboard
    assert c.train()
    qtbot.waitUntil(lambda: d.current is not None and len(d.current.batch_x) >= 20, timeout=30_000)
    _pause(qtbot, c)
    assert c.pause_action.text() == "Resume"
    qtbot.wait(150)
    frozen = len(d.current.batch_x)
    qtbot.wait(400)
    assert len(d.current.batch_x) == frozen, "batches kept coming while paused"
    c.pause_action.trigger()
    qtbot.waitUntil(lambda: len(d.current.batch_x) >= frozen + 10, timeout=10_000)
    with qtbot.waitSignal(c.run_finished, timeout=10_000) as finished:
        c.stop_action.trigger()
        assert not c.stop_action.isEnabled()
    wait_done(qtbot, c)
    assert finished.args[0].stopped_by_user
    assert window.errors == [] and window.locks[-1][0] is False
    assert "stopped" in d.current.outcome


def test_a_stopped_gan_run_leaves_its_hidden_views_at_the_stop(qtbot: Any) -> None:
    """Stopped while the Curves tab was shown, the hidden GAN Lab kept a picture of many epochs before the stop
    ("Epoch 142" of a run stopped at 159), and the Samples tab still said "(live)" after the run."""
    window = open_window(qtbot, ring(5000))
    c = window.controller
    d = c.dashboard
    lab, samples = d.panels["gan_lab"], d.panels["gan_samples"]
    assert c.train()
    qtbot.waitUntil(lambda: d.current is not None and len(d.current.batch_x) >= 40, timeout=30_000)
    d.tabs.setCurrentIndex(d.tab_index("curves"))  # the GAN views are hidden from now on
    frames = len(d.current.snapshots.frames("gan_lab"))
    qtbot.waitUntil(lambda: d.current.end_position() >= d.current.snapshots.end() + 1.5, timeout=30_000)
    with qtbot.waitSignal(c.run_finished, timeout=10_000):
        c.stop()
    wait_done(qtbot, c)
    run = d.current
    assert len(run.snapshots.frames("gan_lab")) > frames
    last_lab = run.snapshots.frames("gan_lab")[-1]
    last_grid = run.snapshots.frames("gan_samples")[-1]
    stopped_at = float(run.batch_x.view()[-1])
    assert last_lab.position == pytest.approx(stopped_at, abs=0.05) and last_grid.position == last_lab.position
    assert d.show_view("gan_samples")
    d.refresh_now()
    assert "(live)" not in samples.position_label.text() and "epoch" in samples.position_label.text()
    assert d.show_view("gan_lab")
    d.refresh_now()
    assert lab.last is last_lab.payload


def test_a_conditional_gan_trains_from_the_app_without_the_gan_lab(qtbot: Any) -> None:
    """D's heatmap over the plane would depend on a class, so a conditional GAN on 2-D data offers its samples
    but not the GAN Lab tab; the run finishes with the generator drawing each class at its own mode."""
    from nnbuilder.data.mixtures import ring_means
    from tests.training.test_conditional_gan import conditional_ring

    project = conditional_ring()
    project.training.epochs = 12
    window = open_window(qtbot, project)
    c = window.controller
    d = c.dashboard
    samples = d.panels["gan_samples"]
    with qtbot.waitSignal(c.run_finished, timeout=120_000):
        assert c.train()
        qtbot.waitUntil(lambda: d.show_view("gan_samples"), timeout=30_000)
        assert not d.show_view("gan_lab")
        qtbot.waitUntil(lambda: samples.updates >= 1, timeout=60_000)
    wait_done(qtbot, c)
    assert window.errors == [] and not d.show_view("gan_lab")
    points = samples.history[-1].points  # the grid's samples take the classes in turn: point i is of class i % 8
    nearest = np.linalg.norm(points[:, None] - ring_means()[None], axis=2).argmin(axis=1)
    assert (nearest == np.arange(len(points)) % 8).mean() >= 0.9

"""The optimizer race window: it draws the surface and the balls, a click moves the start, sliders re-run it."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

from nnbuilder.app.teach.race_view import OptimizerRaceView, lr_to_slider, slider_to_lr
from nnbuilder.teach.race import OPTIMIZERS, race


def distinct_colors(widget) -> int:  # type: ignore[no-untyped-def]
    image = widget.grab().toImage()
    step = 7
    return len({image.pixel(x, y) for x in range(0, image.width(), step) for y in range(0, image.height(), step)})


def test_race_draws_six_balls_that_follow_torch(qtbot) -> None:  # type: ignore[no-untyped-def]
    view = OptimizerRaceView()
    qtbot.addWidget(view)
    view.play_button.setChecked(True)  # paused: the test drives the steps
    view.show()
    qtbot.waitExposed(view)
    view.set_surface("rosenbrock")
    view.advance(40)
    expected = race("rosenbrock", view.start, steps=view.steps_spin.value())
    for name in OPTIMIZERS:
        np.testing.assert_allclose(view.ball_position(name), expected[name].points[40])
        xs, ys = view.loss_curves[name].getData()
        assert len(xs) == 41
    assert distinct_colors(view.plots) > 40  # a shaded surface, not an empty plot
    assert "(1 − x)²" in view.formula_label.text()


def test_click_sets_the_start_point_and_restarts(qtbot) -> None:  # type: ignore[no-untyped-def]
    view = OptimizerRaceView()
    qtbot.addWidget(view)
    view.play_button.setChecked(True)
    view.show()
    qtbot.waitExposed(view)
    view.set_surface("bowl")
    view.advance(20)
    vb = view.map_plot.vb
    scene_pt = vb.mapViewToScene(QPointF(1.0, -1.0))
    widget_pt = view.plots.mapFromScene(scene_pt)
    QTest.mouseClick(view.plots.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(int(widget_pt.x()), int(widget_pt.y())))
    assert view.start == (pytest.approx(1.0, abs=0.05), pytest.approx(-1.0, abs=0.05))
    assert view.step == 0
    for name in OPTIMIZERS:
        assert view.ball_position(name) == view.start


def test_sliders_change_the_race(qtbot) -> None:  # type: ignore[no-untyped-def]
    view = OptimizerRaceView()
    qtbot.addWidget(view)
    view.play_button.setChecked(True)
    view.set_surface("elongated")
    before = view.trajectories["Momentum"].points.copy()
    view.momentum_slider.setValue(50)
    assert view.momentum == 0.5
    assert not np.array_equal(view.trajectories["Momentum"].points, before)
    view.lr_plain_slider.setValue(lr_to_slider(2.0e-3))
    assert view.lr_plain_label.text() == f"{slider_to_lr(lr_to_slider(2.0e-3)):g}"
    view.checks["Adagrad"].setChecked(False)
    assert "Adagrad" not in view.trajectories
    view.set_surface("saddle")
    view.advance(300)
    assert "no bottom" in view.status_label.text()


def test_changing_the_surface_replaces_its_contour_lines(qtbot) -> None:  # type: ignore[no-untyped-def]
    import pyqtgraph as pg

    view = OptimizerRaceView()
    qtbot.addWidget(view)
    view.play_button.setChecked(True)
    view.show()
    view.set_surface("bowl")
    first = list(view.isocurves)
    view.set_surface("rosenbrock")
    drawn = [item for item in view.map_plot.scene().items() if isinstance(item, pg.IsocurveItem)]
    assert len(drawn) == len(view.isocurves) and not any(iso in drawn for iso in first)


def test_after_the_last_step_the_button_offers_a_replay(qtbot) -> None:  # type: ignore[no-untyped-def]
    """At "step 300 of 300" the button still said "Pause", and pressing Play then did nothing."""
    view = OptimizerRaceView()
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.advance(view.steps_spin.value())
    assert not view.timer.isActive()
    assert view.play_button.text() == "Replay"
    view.play_button.click()
    assert view.step == 0
    assert view.timer.isActive()
    assert view.play_button.text() == "Pause"
    assert view.step_label.text().startswith("step 0 of")
    view.play_button.click()  # an ordinary pause again while it runs
    assert view.play_button.text() == "Play" and not view.timer.isActive()


def _shown_paused(qtbot) -> OptimizerRaceView:  # type: ignore[no-untyped-def]
    """A race window on screen at a size a classroom projector gives it, paused so nothing moves under a test."""
    view = OptimizerRaceView()
    qtbot.addWidget(view)
    view.play_button.setChecked(True)
    view.resize(1200, 760)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_each_surface_is_shown_whole_and_in_the_same_units_across_and_up(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The bowl x² + y² drew as an ellipse (x stretched 1.4 times), so the paths did not cross its contours at
    right angles; and after the bowl, the elongated bowl kept the bowl's x range of ±2, its start at x = -3.5
    and the zig-zag of plain gradient descent off the map."""
    from nnbuilder.teach.race import SURFACES

    view = _shown_paused(qtbot)
    box = view.map_plot.getViewBox()
    for key in ("bowl", "elongated", "rosenbrock", "bowl"):
        view.set_surface(key)
        qtbot.waitUntil(lambda: box.width() > 0)
        QTest.qWait(0)
        (x0, x1), (y0, y1) = box.viewRange()
        s = SURFACES[key]
        assert x0 <= s.x_range[0] and x1 >= s.x_range[1] and y0 <= s.y_range[0] and y1 >= s.y_range[1], key
        assert x0 <= view.start[0] <= x1 and y0 <= view.start[1] <= y1
        across, up = box.width() / (x1 - x0), box.height() / (y1 - y0)
        assert abs(across - up) < 0.01 * up, (key, across, up)


def test_reopening_the_race_from_the_teach_menu_goes_on_playing(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Restart, close the window a second later, reopen it from the Teach menu: it stood still at "step 56 of
    300" under a "Pause" button, and took two presses to move."""
    window.teach.actions["race"].trigger()
    view = window.teach.views["race"]
    qtbot.waitExposed(view)
    view.restart_button.click()
    view.advance(56)
    view.close()
    assert not view.timer.isActive()
    window.teach.actions["race"].trigger()
    assert window.teach.views["race"] is view and view.isVisible()
    assert view.play_button.text() == "Pause" and view.timer.isActive()
    qtbot.waitUntil(lambda: view.step > 60, timeout=5_000)
    assert not view.step_label.text().startswith("step 56 of")

    view.play_button.click()  # paused, then closed and reopened: still paused, and the button offers Play
    assert view.play_button.text() == "Play"
    paused_at = view.step
    view.close()
    window.teach.actions["race"].trigger()
    assert view.play_button.text() == "Play" and not view.timer.isActive()
    QTest.qWait(150)
    assert view.step == paused_at
    view.play_button.click()
    assert view.play_button.text() == "Pause" and view.timer.isActive()

    view.advance(view.steps_spin.value())  # finished, closed and reopened: Replay, nothing running
    view.close()
    window.teach.actions["race"].trigger()
    assert view.play_button.text() == "Replay" and not view.timer.isActive()
    view.close()


def test_learning_rates_read_as_each_surface_defines_them(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The 400-step log slider has no step at 0.05: Bowl and Saddle showed (and raced with) η = 0.0501."""
    from nnbuilder.teach.race import SURFACES

    view = OptimizerRaceView()
    qtbot.addWidget(view)
    view.play_button.setChecked(True)
    for key, s in SURFACES.items():
        view.set_surface(key)
        assert view.lr_plain_label.text() == f"{s.lr_plain:g}", key
        assert view.lr_adaptive_label.text() == f"{s.lr_adaptive:g}", key
        assert (view.lr_plain, view.lr_adaptive) == (s.lr_plain, s.lr_adaptive)
        expected = race(key, view.start, steps=view.steps_spin.value())  # the surface's own learning rates
        for name in OPTIMIZERS:
            np.testing.assert_array_equal(view.trajectories[name].points, expected[name].points)
    view.set_surface("bowl")
    assert view.lr_plain_label.text() == "0.05"
    at = view.lr_plain_slider.value()
    view.lr_plain_slider.setValue(at + 1)  # moved: the slider's own step
    assert view.lr_plain_label.text() == f"{slider_to_lr(at + 1):g}" != "0.05"
    view.lr_plain_slider.setValue(at)  # back where the surface put it
    assert view.lr_plain_label.text() == "0.05" and view.lr_plain == 0.05


def loss_axis_labels(view: OptimizerRaceView) -> list[tuple[float, float, str]]:
    """The left axis' labels as drawn: (top, bottom, text) in the axis' pixels, top first."""
    from PySide6.QtGui import QImage, QPainter

    axis = view.loss_plot.getAxis("left")
    image = QImage(200, 1000, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        texts = axis.generateDrawSpecs(painter)[2]
    finally:
        painter.end()
    return sorted((r.top(), r.bottom(), text) for r, _flags, text in texts)


def test_loss_labels_on_the_log_scale_stand_apart(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Beale from (-4, 0): "10², 9·10¹, 8·10¹, 7·10¹ …" were drawn on top of each other."""
    view = _shown_paused(qtbot)
    view.set_surface("beale")
    view.set_start(-4.0, 0.0)
    view.advance(view.steps_spin.value())
    QTest.qWait(50)
    labels = loss_axis_labels(view)
    texts = [t for _top, _bottom, t in labels]
    assert "1" in texts and "10²" in texts and "9·10¹" not in texts, texts
    for (_t0, bottom, a), (top, _b1, b) in zip(labels, labels[1:], strict=False):
        assert top >= bottom, (a, b)  # each label below the one above it, not on it
    view.set_surface("saddle")  # no minimum: a linear loss axis, labelled as usual
    view.advance(view.steps_spin.value())
    QTest.qWait(50)
    assert len(loss_axis_labels(view)) >= 3

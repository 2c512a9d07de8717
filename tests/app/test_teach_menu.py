"""Every view of the Teach menu opens from the menu, draws, and follows the project that is open."""

from __future__ import annotations

from nnbuilder.app.teach.backprop_view import BackpropStepperView
from nnbuilder.app.teach.data_preview import DataPreview
from nnbuilder.app.teach.race_view import OptimizerRaceView
from nnbuilder.app.teach.sketch_view import SketchPadView


def test_teach_menu_opens_each_view_once(window, examples_dir, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.open_file(examples_dir / "spiral_playground.nnb", ask_to_save=False)
    titles = [a.text() for a in window.menuBar().actions()]
    assert "&Teach" in titles
    expected = {"race": OptimizerRaceView, "backprop": BackpropStepperView, "sketch": SketchPadView,
                "data": DataPreview}
    for key, cls in expected.items():
        window.teach.actions[key].trigger()
        view = window.teach.views[key]
        assert isinstance(view, cls) and view.isVisible() and view.isWindow()
        qtbot.waitExposed(view)
        image = view.grab().toImage()
        assert image.width() > 200 and image.height() > 200
        window.teach.actions[key].trigger()
        assert window.teach.views[key] is view  # raised again, not a second window
    sketch = window.teach.views["sketch"]
    assert sketch.model is None and "28×28" in sketch.source.text()  # the spiral network reads 2 numbers
    window.open_file(examples_dir / "linear_neuron_sse.nnb", ask_to_save=False)
    stepper = window.teach.views["backprop"]
    assert [la.node_id for la in stepper.net.layers] == ["neuron"]  # followed the newly opened project
    assert stepper.cost == "half_sse"
    for view in window.teach.views.values():
        view.close()


def test_the_timeline_opens_from_the_teach_menu(window, examples_dir, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.load_extensions()  # the training controller, as the app has it
    window.open_file(examples_dir / "spiral_playground.nnb", ask_to_save=False)
    c = window.training_controller
    window.teach.actions["timeline"].trigger()  # nothing trained yet: the status bar says what to do
    assert "train once" in window.statusBar().currentMessage()
    c.epochs_spin.setValue(5)
    c.warm_up()
    with qtbot.waitSignal(c.run_finished, timeout=60_000):
        assert c.train()
    qtbot.waitUntil(lambda: not c.is_busy, timeout=30_000)
    assert window.teach.open_timeline()
    bar = c.dashboard.timeline
    assert bar.isVisible() and bar.slider.hasFocus() and c.dock.isVisible()

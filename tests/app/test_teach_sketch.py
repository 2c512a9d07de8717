"""The sketch pad reads the project's trained weights; its probabilities are the model's predict."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from nnbuilder import load_project, save_project
from nnbuilder.app.document import Document
from nnbuilder.app.teach.sketch_view import CELL, SketchPadView
from nnbuilder.teach.sketch import centre_like_mnist
from nnbuilder.training import Trainer


def draw_seven(view: SketchPadView) -> None:
    pad = view.pad
    points = [(6, 6), (21, 6), (15, 15), (11, 23)]
    QTest.mousePress(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(points[0][0] * CELL, points[0][1] * CELL))
    for x, y in points[1:]:
        QTest.mouseMove(pad, QPoint(x * CELL, y * CELL))
    QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       QPoint(points[-1][0] * CELL, points[-1][1] * CELL))


def mnist_project(example: str, tmp_path, examples_dir):  # type: ignore[no-untyped-def]
    project = load_project(examples_dir / example)
    project.data.dataset = "mnist_test"
    project.training.epochs = 1
    project.training.validation_split = 0.1
    path = tmp_path / "digits.nnb"
    save_project(project, path)
    return project, path


def test_pad_uses_the_saved_weights_and_equals_predict(qtbot, tmp_path, examples_dir) -> None:  # type: ignore[no-untyped-def]
    project, path = mnist_project("fashion_mnist_mlp.nnb", tmp_path, examples_dir)
    trainer = Trainer(project)
    result = trainer.fit()
    assert type(result).__name__ == "Finished"
    trainer.save_weights(tmp_path / "digits.weights.safetensors")
    doc = Document()
    doc.open(path)
    view = SketchPadView(doc)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    assert view.model is not None and "digits.weights.safetensors" in view.model.source
    assert [n.text() for n in view.names] == [str(d) for d in range(10)]
    draw_seven(view)
    assert view.pad.picture.max() == 1.0 and 30 < (view.pad.picture > 0.5).sum() < 300
    assert view.centre_check.isChecked()
    centred = centre_like_mnist(view.pad.picture)
    np.testing.assert_array_equal(view.network_input(), centred)
    expected = trainer.predict(centred[None].astype(np.float32))[0]
    np.testing.assert_allclose(view.probabilities, expected, atol=1e-6)
    view.centre_check.setChecked(False)  # the drawing exactly as drawn
    as_drawn = trainer.predict(view.pad.picture[None].astype(np.float32))[0]
    np.testing.assert_allclose(view.probabilities, as_drawn, atol=1e-6)
    best = int(np.argmax(as_drawn))
    assert view.guess.text().startswith(f"Looks like: {best} ")
    assert view.guess.text().endswith(f"({view.bars[best].text()})")  # the heading and the bar agree
    assert view.bars[best].value() == int(round(float(as_drawn[best]) * 1000))
    view.show_test_picture()  # a real test digit: a one-epoch MLP gets it right with high probability
    assert float(view.probabilities.max()) > 0.5
    view.pad.clear()
    assert view.guess.text() == "Draw something"


def test_pad_takes_a_cnn_from_the_last_run(qtbot, tmp_path, examples_dir) -> None:  # type: ignore[no-untyped-def]
    project, path = mnist_project("fashion_mnist_cnn.nnb", tmp_path, examples_dir)
    trainer = Trainer(project)
    doc = Document()
    doc.open(path)
    view = SketchPadView(doc, controller=lambda: SimpleNamespace(trainer=trainer))
    qtbot.addWidget(view)
    assert view.model is not None and view.model.input_shape == (1, 28, 28)
    assert view.model.source == "the last training run"
    draw_seven(view)
    expected = trainer.predict(view.network_input()[None, None].astype(np.float32))[0]
    np.testing.assert_allclose(view.probabilities, expected, atol=1e-6)


def test_pad_says_what_to_do_without_weights_or_with_the_wrong_network(qtbot, tmp_path, examples_dir) -> None:  # type: ignore[no-untyped-def]
    _project, path = mnist_project("fashion_mnist_mlp.nnb", tmp_path, examples_dir)
    doc = Document()
    doc.open(path)
    view = SketchPadView(doc)
    qtbot.addWidget(view)
    assert view.model is None and "digits.weights.safetensors" in view.source.text()
    assert not view.pad.isEnabled()
    spiral = Document()
    spiral.open(examples_dir / "spiral_playground.nnb")
    other = SketchPadView(spiral)
    qtbot.addWidget(other)
    assert "draws 28×28 grey pictures" in other.source.text()


def test_pad_waits_for_a_running_training(qtbot, tmp_path, examples_dir) -> None:  # type: ignore[no-untyped-def]
    project, path = mnist_project("fashion_mnist_mlp.nnb", tmp_path, examples_dir)
    doc = Document()
    doc.open(path)
    view = SketchPadView(doc, controller=lambda: SimpleNamespace(trainer=Trainer(project), is_running=True))
    qtbot.addWidget(view)
    assert view.model is None and "is training" in view.source.text()


def test_fashion_pictures_are_read_where_fashion_mnist_put_them(qtbot, tmp_path, examples_dir) -> None:  # type: ignore[no-untyped-def]
    """Centring by mass suits MNIST's digits only: it moved the test garments and the network misread a third."""
    project = load_project(examples_dir / "fashion_mnist_mlp.nnb")
    project.training.epochs = 1
    trainer = Trainer(project)
    assert type(trainer.fit()).__name__ == "Finished"
    doc = Document()
    doc.open(examples_dir / "fashion_mnist_mlp.nnb")
    view = SketchPadView(doc, controller=lambda: SimpleNamespace(trainer=trainer))
    qtbot.addWidget(view)
    assert not view.centre_check.isChecked()
    right = 0
    for i in range(200):
        view.show_test_picture()
        np.testing.assert_array_equal(view.network_input(), view.pad.picture)
        truth = view.truth.text()
        assert truth.startswith(f"Test picture {i + 1} of 10,000: really <b>")
        right += truth.endswith(f"<b>{view.guess.text().removeprefix('Looks like: ').rsplit(' (', 1)[0]}</b>")
    assert right >= 150  # as they are: ~85 % right; centred like MNIST: ~64 %
    draw_seven(view)  # drawn over: no longer the test picture
    assert view.truth.text() == ""
    view.centre_check.setChecked(True)  # the student's choice stands when the model is reloaded
    view.reload()
    assert view.centre_check.isChecked()


def test_digits_are_centred_by_default(qtbot, tmp_path, examples_dir) -> None:  # type: ignore[no-untyped-def]
    project, path = mnist_project("fashion_mnist_mlp.nnb", tmp_path, examples_dir)
    doc = Document()
    doc.open(path)
    view = SketchPadView(doc, controller=lambda: SimpleNamespace(trainer=Trainer(project)))
    qtbot.addWidget(view)
    assert view.centre_check.isChecked()


def test_a_project_the_pad_cannot_use_clears_the_last_picture(window, tmp_path, examples_dir, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Fashion-MNIST's test pullover, "really Pullover" and the network's thumbnail stayed on the pad beside
    "… the input 'input' expects 2" after the spiral example was opened."""
    project = load_project(examples_dir / "fashion_mnist_mlp.nnb")
    path = tmp_path / "fashion.nnb"
    save_project(project, path)
    Trainer(project).save_weights(tmp_path / "fashion.weights.safetensors")
    window.open_file(path, ask_to_save=False)
    view = window.teach.open("sketch")
    qtbot.waitExposed(view)
    assert view.model is not None
    view.show_test_picture()
    view.show_test_picture()
    assert view.truth.text() == "Test picture 2 of 10,000: really <b>Pullover</b>"
    assert view.pad.picture.max() > 0 and not view.network_view.pixmap().isNull()
    window.open_file(examples_dir / "spiral_playground.nnb", ask_to_save=False)
    window.teach.open("sketch")
    assert view.model is None and "expects 2" in view.source.text()
    assert view.pad.picture.max() == 0  # an empty pad …
    assert view.pad.grab().toImage().pixelColor(CELL * 14 + 3, CELL * 14 + 3).value() == 0  # … drawn black
    assert view.truth.text() == ""
    assert view.network_view.pixmap().isNull()
    assert view.guess.text() == "" and view.bars == []


def test_a_test_picture_of_another_data_set_goes_when_the_project_changes(window, tmp_path, examples_dir,
                                                                            qtbot) -> None:  # type: ignore[no-untyped-def]
    """A usable project on another data set (Fashion-MNIST, then the bundled MNIST digits) kept the last test picture and
    its "really Pullover" line on the pad."""
    for name, example in (("fashion", "fashion_mnist_mlp.nnb"), ("digits", "fashion_mnist_mlp.nnb")):
        project = load_project(examples_dir / example)
        if name == "digits":
            project.data.dataset = "mnist_test"
        save_project(project, tmp_path / f"{name}.nnb")
        Trainer(project).save_weights(tmp_path / f"{name}.weights.safetensors")
    window.open_file(tmp_path / "fashion.nnb", ask_to_save=False)
    view = window.teach.open("sketch")
    qtbot.waitExposed(view)
    view.show_test_picture()
    assert "really" in view.truth.text() and view.pad.picture.max() > 0
    window.open_file(tmp_path / "digits.nnb", ask_to_save=False)
    window.teach.open("sketch")
    assert view.model is not None and view.truth.text() == "" and view.pad.picture.max() == 0

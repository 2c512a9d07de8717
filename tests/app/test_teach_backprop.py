"""The backprop stepper on the student's own network, opened from the Teach menu."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QGraphicsSimpleTextItem

from nnbuilder.teach.backprop import dense_net_from_project, forward_backward, target_vector


def test_stepper_shows_each_stage_and_labels_the_canvas(window, examples_dir, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.open_file(examples_dir / "spiral_playground.nnb", ask_to_save=False)
    menu_titles = [a.text() for a in window.teach.menu.actions()]
    assert "Backprop stepper…" in menu_titles
    view = window.teach.open("backprop")
    qtbot.waitExposed(view)
    assert view.net is not None and [la.node_id for la in view.net.layers] == ["hidden1", "hidden2", "output"]
    assert view.cost == "cross_entropy"
    view.sample_spin.setValue(3)
    expected = forward_backward(dense_net_from_project(window.document.project),
                                np.asarray(view.dataset.x[3], dtype=np.float64),
                                target_vector(view.dataset.y[3], 2, "classification"), "cross_entropy")
    view.advance()  # forward, layer 1
    assert "Forward, layer 1" in view.formula.text()
    assert f"{expected.layers[0].z[0]:+.4f}" in view.panel.toPlainText()
    assert "δ" not in view.panel.toPlainText()
    for _ in range(3):  # forward 2, forward 3, then δ of the output layer
        view.advance()
    assert "δᴸ = aᴸ − y" in view.formula.text()
    assert f"{expected.layers[2].delta[0]:+.4f}" in view.panel.toPlainText()
    view.advance()
    assert "δˡ = ((wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ′(zˡ)" in view.formula.text()
    label = view.node_labels["hidden2"]
    assert label.scene() is window.scene and "‖δ‖" in label.text()
    w_before = view.net.layers[0].w.copy()
    view.run_sample()
    assert "Update" in view.formula.text()
    np.testing.assert_allclose(view.net.layers[0].w, w_before - view.lr_spin.value() * expected.layers[0].grad_w)
    assert view.cost_after < view.cost_before  # one gradient step on this sample lowers its cost
    assert "‖∂C/∂w‖" in view.node_labels["hidden1"].text()
    image = view.grab().toImage()
    assert image.width() > 300 and image.height() > 300
    view.advance()  # after the update: the next sample
    assert view.sample_spin.value() == 4 and view.stage == -1
    view.close()
    assert view.node_labels == {}


def test_stepper_explains_a_network_it_cannot_show(window, examples_dir, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.open_file(examples_dir / "fashion_mnist_mlp.nnb", ask_to_save=False)
    view = window.teach.open("backprop")
    assert view.net is None
    assert "must be a flat vector" in view.message.text()
    assert not view.step_button.isEnabled()


def test_reopened_stepper_labels_the_canvas_for_the_stage_it_shows(window, examples_dir, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Closed at the Update stage and reopened: the panel still said Update, but the ‖a‖/‖δ‖ labels under
    the canvas nodes were gone."""
    window.open_file(examples_dir / "spiral_playground.nnb", ask_to_save=False)
    view = window.teach.open("backprop")
    qtbot.waitExposed(view)
    view.run_sample()
    assert "Update" in view.formula.text()
    shown = {key: label.text() for key, label in view.node_labels.items()}
    assert set(shown) == {"hidden1", "hidden2", "output"} and all("‖δ‖" in t for t in shown.values())
    view.close()
    assert view.node_labels == {}
    assert not any(isinstance(i, QGraphicsSimpleTextItem) and "‖a‖" in i.text() for i in window.scene.items())
    assert window.teach.open("backprop") is view
    qtbot.waitExposed(view)
    assert "Update" in view.formula.text()
    assert {key: label.text() for key, label in view.node_labels.items()} == shown
    for key, label in view.node_labels.items():
        assert label.scene() is window.scene and label.isVisible()
        assert label.parentItem() is window.scene.nodes[key]
        assert "‖a‖" in label.text() and "‖∂C/∂w‖" in label.text()
    view.close()

"""A GAN's own settings in the Project settings panel: each network's optimizer, learning rate and β₁, the
discriminator steps per generator step, the GAN loss and label smoothing. Each edit is one undoable step and
reaches the next run; the rows a GAN ignores are not on screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nnbuilder.app.training_controller import run_label, run_settings
from nnbuilder.project import dumps_project, load_project, loads_project
from nnbuilder.training import Trainer

from .helpers import Harness, shown_harness

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "resources" / "examples"


def open_harness(qtbot: Any, name: str) -> Harness:
    harness = shown_harness(qtbot, load_project(EXAMPLES / f"{name}.nnb"), EXAMPLES / f"{name}.nnb")
    qtbot.waitExposed(harness.window)
    return harness


def shown(widget: Any) -> bool:
    return widget.isVisibleTo(widget.window())


def test_a_gan_shows_its_own_settings_and_hides_what_it_ignores(qtbot: Any) -> None:
    h = open_harness(qtbot, "fashion_mnist_dcgan")
    panel = h.window.settings_panel
    g, d = panel.networks["generator"], panel.networks["discriminator"]
    for widget in (g.header, g.lr, g.beta1, d.lr, panel.d_steps, panel.gan_loss, panel.label_smoothing):
        assert shown(widget)
    assert (g.lr.value(), d.lr.value(), g.beta1.value()) == (0.002, 0.002, 0.5)
    assert g.optimizer.currentText() == "Adam" and panel.gan_loss.currentText().startswith("Non-saturating")
    # both networks have their own optimizer: the project's loss, optimizer, metrics and early stopping do nothing
    for widget in (panel.loss, panel.optimizer, panel.lr, panel.momentum, panel.metrics_row, panel.early_stopping,
                   panel.patience):
        assert not shown(widget)
    assert shown(panel.epochs) and shown(panel.batch_size) and shown(panel.seed) and not shown(panel.shared_header)
    # ...and the toolbar's LR says where the learning rates are instead of changing nothing
    c = h.controller
    assert not c.lr_spin.isEnabled() and "generator 0.002, discriminator 0.002" in c.lr_spin.toolTip()

    h.document.replace_project(load_project(EXAMPLES / "spiral_playground.nnb"), EXAMPLES / "spiral_playground.nnb")
    assert not shown(g.header) and not shown(panel.d_steps) and not shown(panel.gan_loss)
    assert shown(panel.loss) and shown(panel.lr) and shown(panel.metrics_row) and shown(panel.early_stopping)
    assert not shown(panel.shared_header)
    assert c.lr_spin.isEnabled()


def test_each_network_s_learning_rate_is_its_own_and_undoable(qtbot: Any) -> None:
    h = open_harness(qtbot, "fashion_mnist_dcgan")
    panel, doc = h.window.settings_panel, h.document
    d = panel.networks["discriminator"]
    d.lr.setValue(0.0004)
    d.beta1.setValue(0.9)
    project = doc.project
    assert project.role_graph("discriminator").optimizer.lr == 0.0004
    assert project.role_graph("discriminator").optimizer.beta1 == 0.9
    assert project.role_graph("generator").optimizer.lr == 0.002  # the other network keeps its own
    assert doc.undo_stack.undoText() == "Set discriminator β₁"
    trainer = Trainer(project.copy(), base_dir=EXAMPLES)  # what the next run trains with
    trainer.step.make_optimizers(1)
    groups = {name: opt.param_groups[0] for name, opt in trainer.step.optimizers.items()}
    assert groups["discriminator"]["lr"] == 0.0004 and groups["discriminator"]["betas"][0] == 0.9
    assert groups["generator"]["lr"] == 0.002 and groups["generator"]["betas"][0] == 0.5
    doc.undo()
    doc.undo()
    assert project.role_graph("discriminator").optimizer.lr == 0.002 and d.lr.value() == 0.002
    assert d.beta1.value() == 0.5
    assert d.beta1.isEnabled() and not d.momentum.isEnabled()  # Adam: β₁ applies, momentum does not
    d.optimizer.activated.emit(d.optimizer.findData("sgd"))
    assert project.role_graph("discriminator").optimizer.name == "sgd"
    assert d.momentum.isEnabled() and not d.beta1.isEnabled()
    d.momentum.setValue(0.9)
    assert project.role_graph("discriminator").optimizer.momentum == 0.9
    assert project.role_graph("generator").optimizer.name == "adam"


def test_a_network_that_used_the_project_s_optimizer_gets_a_copy_of_it(qtbot: Any) -> None:
    h = open_harness(qtbot, "mnist_gan")  # both networks train with the project's Adam, lr 0.0002
    panel, doc, project = h.window.settings_panel, h.document, h.document.project
    assert project.role_graph("generator").optimizer is None
    g = panel.networks["generator"]
    assert g.lr.value() == 0.0002 and shown(panel.lr)  # the project's optimizer still applies to a network
    assert shown(panel.shared_header) and "no optimizer of its own" in panel.shared_header.toolTip()
    assert h.controller.lr_spin.isEnabled()
    g.lr.setValue(0.001)
    own = project.role_graph("generator").optimizer
    assert own is not None and own.lr == 0.001 and own.beta1 == project.training.optimizer.beta1 == 0.5
    assert project.role_graph("discriminator").optimizer is None and project.training.optimizer.lr == 0.0002
    saved = loads_project(dumps_project(project))  # what Save writes and Open reads back
    assert saved.role_graph("generator").optimizer == own and saved.role_graph("discriminator").optimizer is None
    doc.undo()
    assert project.role_graph("generator").optimizer is None and g.lr.value() == 0.0002


def test_the_game_s_rules_edit_undoably_and_name_the_next_run(qtbot: Any) -> None:
    h = open_harness(qtbot, "gan_ring_2d")
    panel, doc = h.window.settings_panel, h.document
    t = doc.project.training
    before = run_settings(doc.project, epochs=t.epochs, batch_size=t.batch_size, lr=t.optimizer.lr, device="cpu")
    panel.d_steps.setValue(2)
    panel.gan_loss.activated.emit(panel.gan_loss.findData("least_squares"))
    panel.label_smoothing.setValue(0.1)
    assert (t.gan.d_steps, t.gan.loss, t.gan.label_smoothing) == (2, "least_squares", 0.1)
    trainer = Trainer(doc.project.copy(), base_dir=EXAMPLES)
    assert trainer.step.d_steps == 2 and trainer.step.least_squares and trainer.step.real_target == 0.9
    panel.networks["generator"].lr.setValue(0.002)
    after = run_settings(doc.project, epochs=t.epochs, batch_size=t.batch_size, lr=t.optimizer.lr, device="cpu")
    label = run_label(2, before, after, max_changes=4)
    assert "G lr 0.001 → 0.002" in label and "D steps 1 → 2" in label and "GAN loss non saturating → least squares" \
        in label and "label smoothing 0 → 0.1" in label
    for _ in range(4):
        doc.undo()
    assert (t.gan.d_steps, t.gan.loss, t.gan.label_smoothing) == (1, "non_saturating", 0.0)
    assert panel.d_steps.value() == 1 and panel.gan_loss.currentData() == "non_saturating"
    assert panel.label_smoothing.value() == 0.0


def test_a_change_to_the_discriminator_s_layers_names_the_next_run(qtbot: Any) -> None:
    project = load_project(EXAMPLES / "gan_ring_2d.nnb")
    t = project.training
    before = run_settings(project, epochs=t.epochs, batch_size=t.batch_size, lr=t.optimizer.lr, device="cpu")
    dense = next(n for n in project.role_graph("discriminator").nodes if n.type == "Dense")
    dense.params["units"] = int(dense.params["units"]) * 2
    after = run_settings(project, epochs=t.epochs, batch_size=t.batch_size, lr=t.optimizer.lr, device="cpu")
    assert f"discriminator.{dense.label or dense.id}.units" in run_label(2, before, after)


def _edit_field_width(combo: Any) -> int:
    """The width the combo gives its current text (its frame and arrow left out)."""
    from PySide6.QtWidgets import QStyle, QStyleOptionComboBox

    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    return combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                        QStyle.SubControl.SC_ComboBoxEditField, combo).width()


def _assert_combos_show_their_longest_item(window: Any) -> list[str]:
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QApplication, QScrollArea

    dock = window.docks["settingsDock"]
    dock.raise_()
    QApplication.processEvents()
    panel = window.settings_panel
    assert dock.width() <= 310  # the dock's default width (300): the combos fit it, it did not grow for them
    viewport = panel.findChild(QScrollArea).viewport()
    checked = []
    for combo in panel.combos():
        if not shown(combo):
            continue
        fm = combo.fontMetrics()
        longest = max((combo.itemText(i) for i in range(combo.count())), key=fm.horizontalAdvance)
        assert _edit_field_width(combo) >= fm.horizontalAdvance(longest), f"'{longest}' is cut off"
        right = combo.mapTo(viewport, QPoint(combo.width(), 0)).x()
        assert right <= viewport.width(), f"the combo with '{longest}' runs past the panel's edge"
        checked.append(longest)
    return checked


def test_every_settings_combo_shows_its_longest_item_at_the_default_dock_width(qtbot: Any) -> None:
    """The GAN loss showed "Non-saturating (origi" and "Least squares (LSGA"; the loss "Sparse categorical
    cross-entropy" was cut the same way. A row whose combo is wider than the field column goes under its label."""
    h = open_harness(qtbot, "fashion_mnist_dcgan")
    panel = h.window.settings_panel
    checked = _assert_combos_show_their_longest_item(h.window)
    assert "Non-saturating (original GAN)" in checked
    for key in ("non_saturating", "least_squares"):  # what the student reads when either is chosen
        panel.gan_loss.activated.emit(panel.gan_loss.findData(key))
        assert _edit_field_width(panel.gan_loss) >= panel.gan_loss.fontMetrics().horizontalAdvance(
            panel.gan_loss.currentText())
    h.document.replace_project(load_project(EXAMPLES / "fashion_mnist_cnn.nnb"), EXAMPLES / "fashion_mnist_cnn.nnb")
    checked = _assert_combos_show_their_longest_item(h.window)
    assert "Sparse categorical cross-entropy" in checked and "RMSprop" in checked


def test_the_shared_momentum_is_off_for_an_optimizer_without_momentum_like_each_network_s(qtbot: Any) -> None:
    """mnist_gan's shared optimizer is Adam: its Momentum field stayed editable while each network's row was off."""
    h = open_harness(qtbot, "mnist_gan")
    panel = h.window.settings_panel
    g = panel.networks["generator"]
    assert shown(panel.shared_header) and shown(panel.momentum)
    assert panel.optimizer.currentText() == "Adam"
    assert not panel.momentum.isEnabled() and not g.momentum.isEnabled()
    assert panel.momentum.toolTip() == g.momentum.toolTip() and "Adam" in panel.momentum.toolTip()
    for key, uses_momentum in (("sgd", True), ("rmsprop", True), ("adagrad", False), ("adamw", False)):
        panel.optimizer.activated.emit(panel.optimizer.findData(key))
        assert h.document.project.training.optimizer.name == key
        assert panel.momentum.isEnabled() == uses_momentum, key
        assert g.momentum.isEnabled() == uses_momentum, key  # the generator trains with the shared optimizer
    # a supervised project's momentum follows its optimizer the same way
    h.document.replace_project(load_project(EXAMPLES / "spiral_playground.nnb"), EXAMPLES / "spiral_playground.nnb")
    name = h.document.project.training.optimizer.name
    assert panel.momentum.isEnabled() == (name in ("sgd", "rmsprop"))

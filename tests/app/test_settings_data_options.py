"""The project settings show the data set's own options (from the registry) and the shuffle switch."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QSpinBox

from nnbuilder.data import get_info


def test_data_options_follow_the_registry_and_edit_undoably(window, examples_dir) -> None:
    window.open_file(examples_dir / "household_power_lecture.nnb")
    panel, doc = window.settings_panel, window.document
    fields = panel.data_options.fields
    assert list(fields) == [spec.name for spec in get_info("household_power").options]
    scaling = fields["scaling"]
    assert isinstance(scaling, QComboBox) and scaling.currentData() == "minmax"
    assert [scaling.itemData(i) for i in range(scaling.count())] == ["standardize", "minmax", "none"]
    assert "[0, 1]" in scaling.currentText() and "minmax" in scaling.toolTip()
    assert isinstance(fields["window"], QSpinBox) and fields["window"].value() == 60
    assert isinstance(fields["columns"], QLineEdit) and fields["columns"].text().startswith("Global_active_power, ")
    assert not panel.shuffle.isChecked() and doc.project.training.shuffle is False

    scaling.activated.emit(scaling.findData("standardize"))
    assert doc.project.data.options["scaling"] == "standardize"
    fields["window"].setValue(30)
    assert doc.project.data.options["window"] == 30
    panel.shuffle.setChecked(True)
    assert doc.project.training.shuffle is True
    doc.undo()
    doc.undo()
    doc.undo()
    assert doc.project.data.options["scaling"] == "minmax" and doc.project.data.options["window"] == 60
    assert fields["scaling"].currentData() == "minmax" and fields["window"].value() == 60
    assert not panel.shuffle.isChecked() and doc.project.training.shuffle is False

    fields["columns"].setText("Voltage, 2")
    fields["columns"].editingFinished.emit()
    assert doc.project.data.options["columns"] == ["Voltage", 2]
    before = doc.undo_stack.count()
    fields["columns"].editingFinished.emit()  # nothing changed: no new undo step
    assert doc.undo_stack.count() == before


def test_changing_the_data_set_rebuilds_its_option_rows(window) -> None:
    panel, doc = window.settings_panel, window.document
    ids = [panel.dataset.itemData(i) for i in range(panel.dataset.count())]
    panel.dataset.setCurrentIndex(ids.index("moons"))
    panel.dataset.activated.emit(ids.index("moons"))
    assert list(panel.data_options.fields) == ["samples", "noise", "seed"]
    assert panel.data_options.isVisibleTo(panel)
    panel.dataset.setCurrentIndex(ids.index("csv_table"))
    panel.dataset.activated.emit(ids.index("csv_table"))
    fields = panel.data_options.fields
    assert isinstance(fields["path"], QLineEdit) and fields["scaling"].currentData() == "standardize"
    fields["scaling"].activated.emit(fields["scaling"].findData("minmax"))
    assert doc.project.data.options == {"scaling": "minmax"}
    task = fields["task"]
    assert isinstance(task, QComboBox) and task.currentData() == "auto"
    panel.dataset.setCurrentIndex(ids.index("fashion_mnist"))
    panel.dataset.activated.emit(ids.index("fashion_mnist"))
    normalize = panel.data_options.fields["normalize"]
    assert isinstance(normalize, QCheckBox) and normalize.isChecked()
    normalize.setChecked(False)
    assert doc.project.data.options == {"normalize": False}


def test_mixed_precision_is_a_setting_that_can_be_undone(window, examples_dir) -> None:
    window.open_file(examples_dir / "fashion_mnist_dcgan.nnb")
    panel, doc = window.settings_panel, window.document
    assert panel.mixed_precision.isChecked() is doc.project.training.mixed_precision
    before = doc.project.training.mixed_precision
    panel.mixed_precision.setChecked(not before)
    assert doc.project.training.mixed_precision is (not before)
    doc.undo()
    assert doc.project.training.mixed_precision is before and panel.mixed_precision.isChecked() is before
    assert "bfloat16" in panel.mixed_precision.toolTip()


def test_the_scaling_choices_show_whole_in_a_narrow_settings_dock(qtbot) -> None:  # type: ignore[no-untyped-def]
    """At the default dock's width "standardize (mean 0, sd 1)" read "standardize (mean 0"."""
    from nnbuilder.app.widgets.data_options import DataOptionsForm

    form = DataOptionsForm()
    qtbot.addWidget(form)
    form.show_options("household_power", {})
    form.resize(240, form.sizeHint().height())  # the default window's dock: fields about 150 px wide
    form.show()
    qtbot.waitExposed(form)
    combo = form.fields["scaling"]
    assert isinstance(combo, QComboBox)
    room = combo.style().subControlRect(  # the text's room: the combo less its arrow and frame
        combo.style().ComplexControl.CC_ComboBox, _combo_option(combo),
        combo.style().SubControl.SC_ComboBoxEditField, combo).width()
    for i in range(combo.count()):
        assert combo.fontMetrics().horizontalAdvance(combo.itemText(i)) <= room, combo.itemText(i)


def _combo_option(combo):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QStyleOptionComboBox

    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    return option

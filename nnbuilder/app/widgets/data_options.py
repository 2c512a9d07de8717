"""The data set's own options (window, scaling, columns, file path, …) as form fields, built from the
registry's ``OptionSpec`` list so a new loader option appears in the editor without GUI code of its own.

Values are only shaped here (a number box keeps to its range, a list of columns is split at commas); the
registry checks them when the data is loaded and names the option that is wrong.
"""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit, QSizePolicy, QWidget

from .fields import make_float_spin, make_int_spin

#: Shown in a choice box beside the value the file stores, where the bare word says too little. "standardize"
#: says enough with the row's tooltip ("mean 0, standard deviation 1"): "standardize (mean 0, sd 1)" was cut to
#: "standardize (mean 0" in the default dock.
CHOICE_TITLES = {
    "minmax": "minmax ([0, 1])",
    "none": "none (raw values)",
}


def option_specs(dataset_id: str) -> list[Any]:
    """The data set's option specs; none when the id is unknown or the data layer is missing."""
    try:
        from ...data import get_info

        return list(get_info(dataset_id).options)
    except Exception:  # noqa: BLE001 - an unknown id or no data layer: the editor still edits the network
        return []


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _columns_text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _column_value(text: str) -> str | int:
    """'3' -> 3 (a 0-based index, as the option's help says), anything else stays a column name."""
    text = text.strip()
    return int(text) if text.isdigit() else text


class DataOptionsForm(QWidget):
    """One row per option of the current data set; ``option_edited(name, value)`` on each user edit."""

    option_edited = Signal(str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._dataset: str | None = None
        self._specs: list[Any] = []
        self.fields: dict[str, QWidget] = {}

    def show_options(self, dataset_id: str, options: dict[str, Any]) -> None:
        """Rows for ``dataset_id`` (rebuilt only when the data set changes), showing ``options`` over defaults."""
        if dataset_id != self._dataset:
            self._rebuild(dataset_id)
        for spec in self._specs:
            self._show(spec, options.get(spec.name, spec.default))

    def _rebuild(self, dataset_id: str) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)  # deletes the row's widgets
        self.fields = {}
        self._dataset = dataset_id
        self._specs = option_specs(dataset_id)
        for spec in self._specs:
            field = self._make(spec)
            field.setToolTip(spec.doc)
            label = QLabel(_label(spec.name))
            label.setToolTip(spec.doc)
            self.form.addRow(label, field)
            self.fields[spec.name] = field
        self.setVisible(bool(self._specs))

    def _make(self, spec: Any) -> QWidget:
        name, kind = spec.name, spec.kind
        if kind == "bool":
            box = QCheckBox()
            box.toggled.connect(lambda v, n=name: self.option_edited.emit(n, bool(v)))
            return box
        if kind == "choice" or (kind == "column" and spec.choices):
            combo = QComboBox()
            # Column names are long ("Global_active_power"): a combo as wide as its longest item would push
            # the whole settings form past the edge of its dock.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(10)
            # but as wide as the row lets it be
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            for choice in spec.choices or ():
                combo.addItem(CHOICE_TITLES.get(str(choice), str(choice)), choice)
            combo.activated.connect(lambda i, n=name, c=combo: self.option_edited.emit(n, c.itemData(i)))
            return combo
        if kind in ("int", "float"):
            low, high = spec.range if spec.range is not None else (None, None)
            spin = make_int_spin(low, high) if kind == "int" else make_float_spin(low, high)
            cast = int if kind == "int" else float
            spin.valueChanged.connect(lambda v, n=name, f=cast: self.option_edited.emit(n, f(v)))
            return spin
        edit = QLineEdit()
        if kind == "columns":
            edit.setPlaceholderText(", ".join(str(c) for c in (spec.choices or ())[:2]) or "names, comma-separated")
        elif kind == "path":
            edit.setPlaceholderText("relative to the project's folder" if spec.required else "optional")

        def commit(n: str = name, e: QLineEdit = edit, k: str = kind) -> None:
            text = e.text()
            if k == "columns":
                value: Any = [_column_value(t) for t in text.split(",") if t.strip()]
            elif k == "column":
                value = _column_value(text)
            else:
                value = text.strip() if k == "path" else text
            self.option_edited.emit(n, value)

        edit.editingFinished.connect(commit)
        return edit

    def _show(self, spec: Any, value: Any) -> None:
        field = self.fields[spec.name]
        field.blockSignals(True)
        try:
            if isinstance(field, QCheckBox):
                field.setChecked(bool(value))
            elif isinstance(field, QComboBox):
                i = field.findData(value)
                if i < 0:  # a value the file holds but the list does not: shown, so it can be seen and changed
                    field.addItem(f"{value} (not offered)", value)
                    i = field.count() - 1
                field.setCurrentIndex(i)
            elif isinstance(field, QLineEdit):
                text = _columns_text(value) if spec.kind == "columns" else (
                    os.fspath(value) if isinstance(value, os.PathLike) else str(value if value is not None else ""))
                if field.text() != text:
                    field.setText(text)
                    field.setCursorPosition(0)  # long lists of columns show their start
            elif isinstance(value, int | float) and not isinstance(value, bool):
                field.setValue(value)  # type: ignore[attr-defined]
        finally:
            field.blockSignals(False)

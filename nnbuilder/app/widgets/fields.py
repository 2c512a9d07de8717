"""Small editors used by the inspector and the settings panel."""

from __future__ import annotations

import math
import re
from typing import Any

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QValidator
from PySide6.QtWidgets import QAbstractSpinBox, QDoubleSpinBox, QLineEdit, QSpinBox, QWidget

INT_LIMIT = 2**31 - 1


class FloatSpinBox(QDoubleSpinBox):
    """A double spin box that shows numbers like 0.001 or 1e-05 compactly (``%g``), not 0.00100000."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDecimals(12)
        self.setKeyboardTracking(False)

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt API
        return f"{value:.6g}"

    def valueFromText(self, text: str) -> float:  # noqa: N802 - Qt API
        try:
            return float(text.strip().replace(",", "."))
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int) -> object:
        t = text.strip().replace(",", ".")
        if t in ("", "-", ".", "-.") or re.fullmatch(r"-?\d*\.?\d*(e-?\d*)?", t, re.IGNORECASE):
            try:
                v = float(t)
            except ValueError:
                return QValidator.State.Intermediate
            if math.isfinite(v) and self.minimum() <= v <= self.maximum():
                return QValidator.State.Acceptable
            return QValidator.State.Intermediate
        return QValidator.State.Invalid

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt API
        """Steps scale with the value (×/÷ 10^0.1) for rates such as 0.001; linear around zero."""
        v = self.value()
        if self.singleStep() == 0 and v > 0:
            self.setValue(v * math.pow(10, 0.1 * steps))
        else:
            super().stepBy(steps)


class _UndoKeysToWindow(QObject):
    """Ctrl+Z in a form field undoes the project's last change unless the field has typing of its own to undo.

    A line edit (and a spin box's) claims Ctrl+Z for its own text even when it has nothing to undo, so the
    window's Undo never ran while the Inspector had focus. Declining the shortcut override when the field's
    own undo history is empty lets the window's shortcut run.
    """

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and (
                event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo)):
            line = obj.lineEdit() if isinstance(obj, QAbstractSpinBox) else obj
            if isinstance(line, QLineEdit) and not (line.isUndoAvailable() or line.isRedoAvailable()):
                return True  # not accepted: the window's Undo/Redo shortcut fires
        return False


_UNDO_KEYS = _UndoKeysToWindow()


def route_undo_keys(root: QWidget) -> None:
    """Let Ctrl+Z / Ctrl+Shift+Z reach the window's Undo/Redo from every text field under ``root``."""
    for widget in [root, *root.findChildren(QWidget)]:
        if isinstance(widget, QLineEdit | QAbstractSpinBox) and not widget.property("_undo_routed"):
            widget.setProperty("_undo_routed", True)
            widget.installEventFilter(_UNDO_KEYS)


def make_int_spin(minimum: float | None, maximum: float | None, parent: QWidget | None = None) -> QSpinBox:
    box = QSpinBox(parent)
    box.setRange(int(minimum) if minimum is not None else -INT_LIMIT, int(maximum) if maximum is not None else INT_LIMIT)
    box.setKeyboardTracking(False)
    box.setAccelerated(True)
    return box


def make_float_spin(minimum: float | None, maximum: float | None, parent: QWidget | None = None) -> FloatSpinBox:
    box = FloatSpinBox(parent)
    box.setRange(minimum if minimum is not None else -1e12, maximum if maximum is not None else 1e12)
    span = (maximum if maximum is not None else 1.0) - (minimum if minimum is not None else 0.0)
    box.setSingleStep(0.01 if span <= 1 else 0.1 if span <= 10 else 1.0)
    return box


def parse_shape(text: str) -> list[int] | None:
    """'28, 28' / '28x28' / '[1, 28, 28]' -> [28, 28]; None when it is not a list of positive whole numbers."""
    parts = [p for p in re.split(r"[\s,x×*\[\]()]+", text.strip()) if p]
    if not parts:
        return None
    try:
        values = [int(p) for p in parts]
    except ValueError:
        return None
    return values if all(v >= 1 for v in values) else None


class ShapeEdit(QLineEdit):
    """Edits a shape such as 28×28; emits ``shape_edited`` with the list on Enter or focus-out."""

    shape_edited = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("sizes, e.g. 28, 28")
        self.setToolTip("Sizes separated by commas or ×, e.g. 28, 28 or 1×28×28 (without the batch size).")
        self.editingFinished.connect(self._on_self_editing_finished)
        self._value: list[int] = []

    def set_shape(self, value: Any) -> None:
        self._value = list(value) if isinstance(value, list | tuple) else []
        self.setText(", ".join(str(v) for v in self._value))
        self.setStyleSheet("")

    def shape(self) -> list[int] | None:
        return parse_shape(self.text())

    def _on_self_editing_finished(self) -> None:
        value = parse_shape(self.text())
        if value is None:
            self.setStyleSheet("QLineEdit { border: 2px solid #D62728; }")
            self.setToolTip("Not a shape: use positive whole numbers separated by commas, e.g. 28, 28.")
            return
        self.setStyleSheet("")
        if value != self._value:
            self._value = value
            self.shape_edited.emit(value)

"""Small editors used by the inspector and the settings panel.

Fields that can hold an entry they cannot use (a shape, a number out of range, a name that is taken) say why
in a sentence, ``note_changed``, which the inspector shows right under the field (``with_note``): while the
entry is wrong the sentence explains it, and when the entry is abandoned (focus leaves the field) the field
shows the value still in effect again and the sentence says so ("… Kept 2."), until the next edit. A wrong
entry is never dropped silently: ``entry_dropped`` repeats that sentence for a status bar, which is still
visible when the form itself has gone (another layer was clicked).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QKeySequence, QValidator
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

INT_LIMIT = 2**31 - 1
NOTE_COLOR = "#D62728"
_RED_LINE = f"QLineEdit {{ border: 2px solid {NOTE_COLOR}; }}"
#: A spin box's wrong entry is drawn in red: a style sheet border on the box itself would drop its arrows.
_RED_SPIN_TEXT = f"QLineEdit {{ color: {NOTE_COLOR}; }}"
#: Focus that leaves only for a moment (a menu, a tooltip, another window) does not abandon an entry.
_PASSING_FOCUS = (Qt.FocusReason.PopupFocusReason, Qt.FocusReason.ActiveWindowFocusReason)


def _quoted(text: str) -> str:
    """The entry as the sentence names it; an empty field has no text to quote."""
    return f"'{text.strip()}'" if text.strip() else "An empty entry"


def kept_sentence(reason: str, kept: str) -> str:
    """What the note says once a wrong entry is abandoned: why, and which value stayed."""
    return f"{reason} Kept {kept or 'the previous value'}."


class FieldNote(QLabel):
    """The small red sentence under a field; hidden while there is nothing to say, so it takes no room."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fieldNote")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setStyleSheet(f"QLabel {{ color: {NOTE_COLOR}; }}")
        font = self.font()
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * 0.9)
        self.setFont(font)
        self.hide()

    def set_note(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))


def with_note(field: QWidget, parent: QWidget | None = None) -> tuple[QWidget, FieldNote]:
    """``field`` with a ``FieldNote`` under it, in one widget for a form row.

    A field that reports its own problems (``note_changed``) gets them shown, and a spin box starts keeping
    out-of-range digits instead of refusing the keystroke: now that the note can explain why the entry is
    wrong, "5000" in a 1–1000 field stays visible instead of silently becoming "500".
    """
    host = QWidget(parent)
    lay = QVBoxLayout(host)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(2)
    field.setParent(host)
    lay.addWidget(field)
    note = FieldNote(host)
    lay.addWidget(note)
    if isinstance(field, CheckedLineEdit | IntSpinBox | FloatSpinBox):
        field.note_changed.connect(note.set_note)
    if isinstance(field, IntSpinBox | FloatSpinBox):
        field.explains_entries = True
    return host, note


class CheckedLineEdit(QLineEdit):
    """A line edit whose wrong entries are explained (``note_changed``) and, when abandoned, replaced by the
    value in effect with a sentence saying so.

    ``check`` (text -> reason or None) runs as the user types, so the reason appears while the entry is
    wrong; an empty field is judged only on Enter (clearing a field to retype is no mistake). The owner
    commits on ``editingFinished`` and calls ``refuse`` when the entry cannot be used, ``accept_entry`` when
    it was taken; ``set_kept_text`` shows the value in effect (a refresh from the document).
    """

    note_changed = Signal(str)
    #: The sentence about a wrong entry that was given up and replaced by the value in effect.
    entry_dropped = Signal(str)

    def __init__(self, parent: QWidget | None = None, check: Callable[[str], str | None] | None = None) -> None:
        super().__init__(parent)
        self.check = check
        self._kept_text = ""
        self._refusal = ""
        self._note = ""
        self.textEdited.connect(self._on_self_text_edited)

    @property
    def refusal(self) -> str:
        """Why the entry in the field cannot be used; empty while it can."""
        return self._refusal

    @property
    def note(self) -> str:
        """The sentence shown under the field (the refusal, or what was kept), empty when none."""
        return self._note

    def kept_display(self) -> str:
        """The value in effect as a sentence names it (a placeholder stands for an empty value)."""
        return self._kept_text or self.placeholderText()

    def set_kept_text(self, text: str) -> None:
        """Show the value in effect; a wrong entry and its explanation go with it."""
        self._kept_text = text
        self.setText(text)
        self._set_refusal("")
        self._set_note("")

    def accept_entry(self, kept_text: str | None = None) -> None:
        """The entry was taken: it is the value in effect now, and nothing is wrong."""
        self._kept_text = self.text() if kept_text is None else kept_text
        self._set_refusal("")
        self._set_note("")

    def refuse(self, reason: str) -> None:
        """The entry cannot be used: red border and ``reason`` under the field; the text stays to be corrected."""
        self._set_refusal(reason)
        self._set_note(reason)

    def show_note(self, text: str) -> None:
        """Show ``text`` under the field (about the value in effect) until the next edit."""
        self._set_note(text)

    def drop_entry(self) -> None:
        """Give up a refused entry: show the value in effect again and say so (note and ``entry_dropped``)."""
        if not self._refusal:
            return
        sentence = kept_sentence(self._refusal, self.kept_display())
        self.setText(self._kept_text)
        self._set_refusal("")
        self._set_note(sentence)
        self.entry_dropped.emit(sentence)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt API
        super().focusOutEvent(event)  # emits editingFinished when the text changed: the owner commits or refuses
        if self._refusal and event.reason() not in _PASSING_FOCUS:
            self.drop_entry()

    def _on_self_text_edited(self, text: str) -> None:
        reason = self.check(text) if self.check is not None and text.strip() else None
        if reason:
            self.refuse(reason)
        else:
            self._set_refusal("")
            self._set_note("")  # "kept …" stays only until the next edit

    def _set_refusal(self, reason: str) -> None:
        self._refusal = reason
        self.setStyleSheet(_RED_LINE if reason else "")

    def _set_note(self, text: str) -> None:
        if text != self._note:
            self._note = text
            self.note_changed.emit(text)


class _SpinNotes:
    """What IntSpinBox and FloatSpinBox share: explain an entry Qt would silently put back, and say it was kept.

    Qt restores the previous value when Enter, an arrow key or button, or leaving the field meets text that is
    not a value in range; ``_about_to_interpret`` runs just before, and ``_after_interpret`` tells what happened.
    """

    note_changed: Any
    entry_dropped: Any
    explains_entries: bool
    _note: str
    _live: bool
    _pending: tuple[str, str] | None

    def _init_notes(self: Any) -> None:
        self.explains_entries = False
        self._note = ""
        self._live = False  # the note explains the entry being typed (not a value that was kept)
        self._pending = None
        self.lineEdit().textEdited.connect(self._on_line_text_edited)
        self.lineEdit().textChanged.connect(self._on_line_text_changed)
        self.valueChanged.connect(self._on_value_changed)

    @property
    def note(self: Any) -> str:
        """The sentence shown under the field, empty when none."""
        return self._note

    def entry_problem(self: Any) -> str | None:
        """Why the text in the field is not a value this box takes, or None when it is one."""
        text = self.lineEdit().text()
        state = self.validate(text, self.lineEdit().cursorPosition())
        if isinstance(state, tuple):
            state = state[0]
        if state == QValidator.State.Acceptable:
            return None
        return self._explain(text)

    def kept_display(self: Any) -> str:
        """The value in effect as the field shows it."""
        return self.textFromValue(self.value()) if not (
            self.specialValueText() and self.value() == self.minimum()) else self.specialValueText()

    def show_note(self: Any, text: str) -> None:
        """Show ``text`` under the field (a refusal from the document) until the next edit."""
        self._live = False
        self._set_note(text)

    def drop_entry(self: Any) -> None:
        """Put the value in effect back in place of a wrong entry, and say so."""
        reason = self.entry_problem()
        if reason is None:
            return
        self.lineEdit().setText(self.kept_display())
        self._dropped(reason)

    def _about_to_interpret(self: Any) -> None:
        reason = self.entry_problem()
        self._pending = (reason, self.lineEdit().text()) if reason else None

    def _after_interpret(self: Any) -> None:
        pending, self._pending = self._pending, None
        if pending is not None and self.lineEdit().text() != pending[1]:  # Qt put the value in effect back
            self._dropped(pending[0])

    def _dropped(self: Any, reason: str) -> None:
        sentence = kept_sentence(reason, self.kept_display())
        self.lineEdit().setStyleSheet("")
        self.show_note(sentence)
        self.entry_dropped.emit(sentence)

    def _on_line_text_edited(self: Any, text: str) -> None:
        reason = self.entry_problem() if text.strip() else None
        self.lineEdit().setStyleSheet(_RED_SPIN_TEXT if reason and self.explains_entries else "")
        self._live = bool(reason)
        self._set_note(reason or "")

    def _on_value_changed(self: Any, value: float) -> None:
        """A new value was taken (typed, stepped): whatever the note said is over."""
        self._live = False
        self.lineEdit().setStyleSheet("")
        self._set_note("")

    def _on_line_text_changed(self: Any, text: str) -> None:
        """An arrow click or a refresh replaced a wrong entry by a value: its explanation goes too."""
        if self._live and self.entry_problem() is None:
            self._live = False
            self.lineEdit().setStyleSheet("")
            self._set_note("")

    def _set_note(self: Any, text: str) -> None:
        if text != self._note:
            self._note = text
            self.note_changed.emit(text)

    def _range_words(self: Any, kind: str) -> str:
        lo, hi = self.textFromValue(self.minimum()), self.textFromValue(self.maximum())
        if self.maximum() >= INT_LIMIT:
            return f"a {kind} of at least {lo}"
        return f"a {kind} from {lo} to {hi}"

    def _explain(self: Any, text: str) -> str:
        kind = "whole number" if isinstance(self, QSpinBox) else "number"
        t = text.strip()
        if not t:
            return f"The field was empty; it takes {self._range_words(kind)}."
        try:
            v = float(t.replace(",", "."))
        except ValueError:
            return f"{_quoted(t)} is not {self._range_words(kind)}."
        if v < self.minimum():
            return f"{_quoted(t)} is too small: the smallest allowed is {self.textFromValue(self.minimum())}."
        if v > self.maximum():
            return f"{_quoted(t)} is too large: the largest allowed is {self.textFromValue(self.maximum())}."
        return f"{_quoted(t)} is not {self._range_words(kind)}."

    def keyPressEvent(self: Any, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._about_to_interpret()
            super().keyPressEvent(event)  # type: ignore[misc]  # the spin box's own, next in the MRO
            self._after_interpret()
        else:
            super().keyPressEvent(event)  # type: ignore[misc]

    def focusOutEvent(self: Any, event: QFocusEvent) -> None:  # noqa: N802 - Qt API
        self._about_to_interpret()
        super().focusOutEvent(event)  # type: ignore[misc]
        self._after_interpret()


class IntSpinBox(_SpinNotes, QSpinBox):
    """A spin box for whole numbers whose wrong entries are explained rather than silently put back."""

    note_changed = Signal(str)
    entry_dropped = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._init_notes()

    def validate(self, text: str, pos: int) -> object:
        """Qt refuses a digit that would leave the range ("5000" in 1–1000 becomes "500" without a word); once
        the field explains its entries, such a number stays visible, is explained, and is never taken."""
        if not self.explains_entries:
            return super().validate(text, pos)
        if self.specialValueText() and text == self.specialValueText():
            return QValidator.State.Acceptable
        t = text.strip()
        if t.startswith("-") and self.minimum() >= 0:
            return QValidator.State.Invalid
        if t in ("", "-", "+"):
            return QValidator.State.Intermediate
        if not re.fullmatch(r"[+-]?\d+", t):
            return QValidator.State.Invalid
        return QValidator.State.Acceptable if self.minimum() <= int(t) <= self.maximum() else QValidator.State.Intermediate

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt API
        """Over a wrong entry an arrow does not step: Qt puts the value in effect back, which the note says."""
        self._about_to_interpret()
        super().stepBy(steps)
        self._after_interpret()


class FloatSpinBox(_SpinNotes, QDoubleSpinBox):
    """A double spin box that shows numbers like 0.001 or 1e-05 compactly (``%g``), not 0.00100000."""

    note_changed = Signal(str)
    entry_dropped = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDecimals(12)
        self.setKeyboardTracking(False)
        self._init_notes()

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
        """Steps scale with the value (×/÷ 10^0.1) for rates such as 0.001; linear around zero.

        Over a wrong entry Qt does not step but puts the value in effect back, which the note then says.
        """
        self._about_to_interpret()
        v = self.value()
        if self._pending is None and self.singleStep() == 0 and v > 0:
            self.setValue(v * math.pow(10, 0.1 * steps))
        else:
            super().stepBy(steps)
        self._after_interpret()


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


def make_int_spin(minimum: float | None, maximum: float | None, parent: QWidget | None = None) -> IntSpinBox:
    box = IntSpinBox(parent)
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


def shape_problem(text: str) -> str | None:
    """Why ``text`` is not a shape, as the sentence under the field, or None when it is one."""
    if parse_shape(text) is not None:
        return None
    return f"{_quoted(text)} is not a shape: use positive whole numbers separated by commas (e.g. 28, 28)."


class ShapeEdit(CheckedLineEdit):
    """Edits a shape such as 28×28; emits ``shape_edited`` with the list on Enter or focus-out.

    A text that is no shape is refused with the reason under the field (``note_changed``) and, when focus
    leaves, replaced by the shape in effect with a note saying it was kept.
    """

    shape_edited = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, check=shape_problem)
        self.setPlaceholderText("sizes, e.g. 28, 28")
        self.setToolTip("Sizes separated by commas or ×, e.g. 28, 28 or 1×28×28 (without the batch size).")
        self.editingFinished.connect(self._on_self_editing_finished)
        self._value: list[int] = []

    def set_shape(self, value: Any) -> None:
        self._value = list(value) if isinstance(value, list | tuple) else []
        self.set_kept_text(", ".join(str(v) for v in self._value))

    def shape(self) -> list[int] | None:
        return parse_shape(self.text())

    def _on_self_editing_finished(self) -> None:
        value = parse_shape(self.text())
        if value is None:
            self.refuse(shape_problem(self.text()) or "")
            return
        self.accept_entry(self._kept_text)  # the shape in effect changes when the owner has taken the new one
        if value != self._value:
            self.shape_edited.emit(value)
            if not self.refusal:  # taken (an owner that refuses it calls refuse() from the signal)
                self._value = value
                self._kept_text = ", ".join(str(v) for v in value)

"""The inspector: a form generated from the selected layer's ParamSpecs.

Every editor commits through ``Document.set_param`` / ``rename_node`` (one undo step per edit).
Spin boxes do not track the keyboard, so typing "128" is one edit, not three. When the document
changes (undo, another panel) the editors are refreshed with their signals blocked, so refreshing
never creates commands.

Each field has a note under it (``notes``, ``name_note``): why the entry cannot be used while it is wrong
(a shape that is no shape, a number out of range, a name another layer has), and once the entry is
abandoned, that the value in effect was kept. A tooltip alone went unseen, and the old value came back
without a word.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...layers import ParamSpec, fmt_shape, get_spec
from ..document import NAMES_TELL_APART, Document, EditRefusedError
from .fields import (
    CheckedLineEdit,
    FieldNote,
    FloatSpinBox,
    IntSpinBox,
    ShapeEdit,
    kept_sentence,
    make_float_spin,
    make_int_spin,
    route_undo_keys,
    with_note,
)

_SEVERITY_COLORS = {"error": "#D62728", "warning": "#B7791F", "info": "#2F6FB5"}


class InspectorPanel(QWidget):
    #: A refused edit, as a sentence (status bar).
    message = Signal(str)

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = document
        self.node_id: str | None = None
        self.editors: dict[str, QWidget] = {}
        #: The sentence under each parameter's field (hidden while empty).
        self.notes: dict[str, FieldNote] = {}
        self.name_edit: CheckedLineEdit | None = None
        self.name_note: FieldNote | None = None
        self._locked = False
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.doc_label = QLabel(self)
        self.doc_label.setWordWrap(True)
        self.doc_label.setEnabled(False)  # muted colour
        self.form_host = QWidget(self)
        self.form = QFormLayout(self.form_host)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setContentsMargins(0, 4, 0, 4)
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        inner = QWidget()
        lay = QVBoxLayout(inner)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.addWidget(self.title)
        lay.addWidget(self.doc_label)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        lay.addWidget(line)
        lay.addWidget(self.form_host)
        lay.addWidget(self.status)
        lay.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        document.node_changed.connect(self._on_document_node_changed)
        document.node_removed.connect(self._on_document_node_removed)
        document.inference_changed.connect(self._on_document_inference_changed)
        document.project_replaced.connect(self._on_document_project_replaced)
        document.current_graph_changed.connect(self._on_document_project_replaced)
        self.set_selection([])

    # ------------------------------------------------------------------ selection
    def set_selection(self, node_ids: list[str]) -> None:
        g = self.doc.current_graph
        ids = [i for i in node_ids if g.has_node(i)]
        self._clear_form()
        if len(ids) != 1:
            self.node_id = None
            if ids:
                names = ", ".join(html.escape(g.node(i).display_name) for i in ids[:8])
                self.title.setText(f"<b>{len(ids)} layers selected</b>")
                self.doc_label.setText(names + (" …" if len(ids) > 8 else ""))
            else:
                self.title.setText("<b>No layer selected</b>")
                self.doc_label.setText("Select a layer on the canvas to edit its parameters, or drag one in from "
                                       "the palette.")
            self.status.setText("")
            return
        self.node_id = ids[0]
        node = g.node(self.node_id)
        spec = get_spec(node.type)
        self.title.setText(f"<b>{html.escape(spec.title)}</b> <span style='color:gray'>({html.escape(spec.category)})"
                           "</span>")
        self.doc_label.setText(spec.doc)
        name = CheckedLineEdit(self.form_host, check=self._name_problem)
        name.setPlaceholderText(node.id)
        name.setToolTip("The name shown on the canvas and used for the layer in the generated PyTorch code; "
                        "each layer of a network has its own.")
        name.editingFinished.connect(self._on_name_edit_editing_finished)
        self.name_edit = name
        self.name_note = self._add_row(QLabel("Name"), name)
        for p in spec.params:
            editor = self._make_editor(p)
            editor.setToolTip(p.doc)
            label = QLabel(p.label)
            label.setToolTip(p.doc)
            self.notes[p.name] = self._add_row(label, editor)
            self.editors[p.name] = editor
        self._refresh_values()
        route_undo_keys(self.form_host)
        self.form_host.setEnabled(not self._locked)

    def set_locked(self, locked: bool) -> None:
        self._locked = locked
        self.form_host.setEnabled(not locked)

    def _add_row(self, label: QLabel, editor: QWidget) -> FieldNote:
        """A form row: ``label``, then ``editor`` with its note under it (in the field column)."""
        host, note = with_note(editor, self.form_host)
        self.form.addRow(label, host)
        label.setBuddy(editor)  # Alt+letter and screen readers reach the field itself, not its holder
        if isinstance(editor, CheckedLineEdit | IntSpinBox | FloatSpinBox):
            editor.entry_dropped.connect(self._on_field_entry_dropped)
        return note

    def _clear_form(self) -> None:
        # A wrong entry still in a field when the form goes (the layer is deselected without the field losing
        # focus first) is given up out loud, like one abandoned by clicking away.
        if self.node_id is not None and self.doc.current_graph.has_node(self.node_id):
            for field in [self.name_edit, *self.editors.values()]:
                if isinstance(field, CheckedLineEdit | IntSpinBox | FloatSpinBox):
                    field.drop_entry()
        while self.form.rowCount():
            self.form.removeRow(0)
        self.editors = {}
        self.notes = {}
        self.name_edit = None
        self.name_note = None

    def _make_editor(self, p: ParamSpec) -> QWidget:
        if p.kind == "int":
            box = make_int_spin(p.minimum, p.maximum, self.form_host)
            if p.zero_text and p.minimum == 0:
                box.setSpecialValueText(p.zero_text)  # MaxPooling2D's strides: "= pool size", not a bare 0
            box.valueChanged.connect(lambda v, n=p.name: self._commit(n, int(v)))
            return box
        if p.kind == "float":
            fbox = make_float_spin(p.minimum, p.maximum, self.form_host)
            fbox.valueChanged.connect(lambda v, n=p.name: self._commit(n, float(v)))
            return fbox
        if p.kind == "bool":
            check = QCheckBox(self.form_host)
            check.toggled.connect(lambda v, n=p.name: self._commit(n, bool(v)))
            return check
        if p.kind == "choice":
            combo = QComboBox(self.form_host)
            combo.addItems(list(p.choices))
            combo.currentTextChanged.connect(lambda v, n=p.name: self._commit(n, v))
            return combo
        if p.kind == "shape":
            edit = ShapeEdit(self.form_host)
            edit.shape_edited.connect(lambda v, n=p.name: self._commit(n, v))
            return edit
        line = CheckedLineEdit(self.form_host)
        line.editingFinished.connect(lambda n=p.name, w=line: self._commit(n, w.text()))
        return line

    # ------------------------------------------------------------------ refresh from the document
    def _refresh_values(self) -> None:
        if self.node_id is None:
            return
        g = self.doc.current_graph
        if not g.has_node(self.node_id):
            self.set_selection([])
            return
        node = g.node(self.node_id)
        spec = get_spec(node.type)
        params = spec.resolved_params(node.params)
        if self.name_edit is not None and not self.name_edit.hasFocus():
            self.name_edit.set_kept_text(node.label)
            self._note_shared_name()
        for name, editor in self.editors.items():
            value = params.get(name)
            editor.blockSignals(True)
            try:
                _set_editor_value(editor, value)
            finally:
                editor.blockSignals(False)
            if isinstance(editor, CheckedLineEdit | IntSpinBox | FloatSpinBox) and name in self.notes:
                self.notes[name].set_note(editor.note)  # its note_changed was blocked with the rest
        self._refresh_status()

    def _refresh_status(self) -> None:
        if self.node_id is None:
            return
        info = self.doc.inference().nodes.get(self.node_id)
        if info is None:
            return
        rows = []
        if info.input_shapes:
            rows.append("Input: " + ", ".join(html.escape(fmt_shape(s)) for s in info.input_shapes))
        if info.output_shape is not None:
            rows.append(f"Output: <b>{html.escape(fmt_shape(info.output_shape))}</b>")
        rows.append(f"Parameters: <b>{info.param_count:,}</b>")
        for p in sorted(info.problems, key=lambda p: {"error": 0, "warning": 1}.get(p.severity, 2)):
            color = _SEVERITY_COLORS.get(p.severity, "black")
            rows.append(f"<span style='color:{color}'><b>{p.severity.capitalize()}:</b> {html.escape(p.message)}</span>")
        self.status.setText("<br>".join(rows))

    def _on_document_node_changed(self, graph: str, node_id: str) -> None:
        if graph == self.doc.current_graph_name and node_id == self.node_id:
            self._refresh_values()

    def _on_document_node_removed(self, graph: str, node_id: str) -> None:
        if node_id == self.node_id and graph == self.doc.current_graph_name:
            self.set_selection([])

    def _on_document_inference_changed(self, graph: str) -> None:
        if graph == self.doc.current_graph_name:
            self._refresh_status()

    def _on_document_project_replaced(self, *args: Any) -> None:
        self.set_selection([])

    # ------------------------------------------------------------------ commits
    def _commit(self, name: str, value: Any) -> None:
        if self.node_id is None:
            return
        editor = self.editors.get(name)
        note = self.notes.get(name)
        if note is not None and not isinstance(editor, CheckedLineEdit | IntSpinBox | FloatSpinBox):
            note.set_note("")  # a check box's or a list's refusal is shown until its next edit
        try:
            self.doc.set_param(self.node_id, name, value)
        except EditRefusedError as exc:
            self.message.emit(str(exc))
            if isinstance(editor, CheckedLineEdit):
                editor.refuse(str(exc))  # the entry stays to be corrected; leaving the field puts the value back
                return
            self._refresh_values()  # a box, a list or a check box shows the value in effect again, and says why
            if isinstance(editor, IntSpinBox | FloatSpinBox):
                editor.show_note(kept_sentence(str(exc), editor.kept_display()))
            elif note is not None:
                note.set_note(str(exc))
            return
        if isinstance(editor, CheckedLineEdit):
            editor.accept_entry(editor.text())

    def _name_problem(self, text: str) -> str | None:
        """Checked as the name is typed, so a taken name is flagged before Enter."""
        if self.node_id is None or not self.doc.current_graph.has_node(self.node_id):
            return None
        return self.doc.name_problem(self.node_id, text)

    def _on_name_edit_editing_finished(self) -> None:
        if self.node_id is None or self.name_edit is None:
            return
        edit = self.name_edit
        try:
            self.doc.rename_node(self.node_id, edit.text())
        except EditRefusedError as exc:
            edit.refuse(str(exc))  # the layer keeps its name; the typed one stays to be corrected until focus leaves
            self.message.emit(str(exc))
            return
        if self.node_id is not None and self.doc.current_graph.has_node(self.node_id):
            edit.accept_entry(self.doc.current_graph.node(self.node_id).label)
            self._note_shared_name()

    def _note_shared_name(self) -> None:
        """A file saved before names had to differ may hold two layers of one name: say so under the name."""
        if self.node_id is None or self.name_edit is None or self.name_edit.refusal:
            return
        g = self.doc.current_graph
        name = g.node(self.node_id).display_name
        if any(n.id != self.node_id and n.display_name == name for n in g.nodes):
            self.name_edit.show_note(f"Another layer is also called '{name}'; give one of them another name: "
                                     f"{NAMES_TELL_APART[0].upper()}{NAMES_TELL_APART[1:]}")

    def _on_field_entry_dropped(self, sentence: str) -> None:
        """Also in the status bar: when the field was left by clicking another layer, its note is gone."""
        g = self.doc.current_graph
        who = g.node(self.node_id).display_name if self.node_id is not None and g.has_node(self.node_id) else ""
        self.message.emit(f"{who}: {sentence}" if who else sentence)


def _set_editor_value(editor: QWidget, value: Any) -> None:
    if isinstance(editor, FloatSpinBox):
        editor.setValue(float(value))
    elif isinstance(editor, QSpinBox):
        editor.setValue(int(value))
    elif isinstance(editor, QCheckBox):
        editor.setChecked(bool(value))
    elif isinstance(editor, QComboBox):
        editor.setCurrentText(str(value))
    elif isinstance(editor, ShapeEdit):
        editor.set_shape(value)
    elif isinstance(editor, CheckedLineEdit):
        editor.set_kept_text(str(value))
    elif isinstance(editor, QLineEdit):
        editor.setText(str(value))

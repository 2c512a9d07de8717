"""The Summary panel: the same rows and totals as ``nnbuilder summary``, from the latest inference.

The table is a model/view pair reset once per edit (a QTableWidget filled cell by cell re-measured
its columns after every cell, which took most of a second for 300 layers), and it is refilled only
while the panel is visible; the totals are always current.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from ...compiler import Summary, SummaryRow, summary_from_inference
from ..document import Document

HEADERS = ("Layer (type)", "Output Shape", "Param #")
_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class SummaryModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[SummaryRow] = []
        self.mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.mono.setStyleHint(QFont.StyleHint.TypeWriter)

    def set_rows(self, rows: list[SummaryRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: _Index = _ROOT) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = _ROOT) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else 3

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (f"{row.name} ({row.type})", row.shape_text,
                    f"{row.params:,}" + (f" (Keras: {row.keras_params:,})" if row.keras_params is not None else ""))[col]
        if role == Qt.ItemDataRole.ToolTipRole and row.note:
            return (f"{row.note}: PyTorch's {row.type} has b_ih and b_hh for every gate, Keras one bias; "
                    "the network trains with PyTorch's count.")
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and col == 1:
            return self.mono
        if role == Qt.ItemDataRole.UserRole:
            return row.node_id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None


class SummaryPanel(QWidget):
    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = document
        self.summary: Summary | None = None
        self._table_stale = True
        self.title = QLabel(self)
        self.model = SummaryModel()
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        h = self.table.horizontalHeader()
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        h.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        h.resizeSection(1, 150)
        h.resizeSection(2, 170)
        self.totals = QLabel(self)
        self.totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        copy_button = QPushButton("Copy as text", self)
        copy_button.setToolTip("Copy the summary exactly as `nnbuilder summary` prints it.")
        copy_button.clicked.connect(self._on_copy_button_clicked)
        bottom = QHBoxLayout()
        bottom.addWidget(self.totals, 1)
        bottom.addWidget(copy_button, 0)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.title)
        lay.addWidget(self.table, 1)
        lay.addLayout(bottom)
        document.project_changed.connect(self.refresh)
        document.current_graph_changed.connect(self.refresh)
        self.refresh()

    def summary_title(self) -> str:
        p = self.doc.project
        g = self.doc.current_graph
        return p.name if len(p.graphs) == 1 else f"{p.name} / {g.name}"

    def refresh(self, *args: object) -> None:
        s = summary_from_inference(self.doc.current_graph, self.doc.inference(), self.summary_title())
        self.summary = s
        self.title.setText(f'Model: "{s.title}"')
        keras = "" if s.keras_total_params is None else (
            f"<br><span style='color:gray'>{html.escape(s.keras_note())}</span>")
        self.totals.setText(f"<b>Total params: {s.total_params:,}</b> &nbsp;·&nbsp; Trainable params: "
                            f"{s.trainable_params:,} &nbsp;·&nbsp; Non-trainable params: {s.non_trainable_params:,}"
                            + keras)
        self._table_stale = True
        if self.isVisible():
            self._fill_table()

    def _fill_table(self) -> None:
        if self.summary is not None and self._table_stale:
            self.model.set_rows(self.summary.rows)
            self._table_stale = False

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        self._fill_table()
        super().showEvent(event)

    def text(self) -> str:
        """The summary as `nnbuilder summary` prints it."""
        return self.summary.format() if self.summary is not None else ""

    def _on_copy_button_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.text())

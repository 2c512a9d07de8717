"""A small search popup for choosing a layer type (insert on an edge, add at the cursor)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from ...layers import LayerSpec, search
from .palette import category_icon, layer_tooltip

TYPE_ROLE = Qt.ItemDataRole.UserRole + 1


class LayerPicker(QFrame):
    picked = Signal(str)

    def __init__(self, parent: QWidget | None = None, accept: Callable[[LayerSpec], bool] | None = None,
                 placeholder: str = "Type to find a layer…") -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.accept_spec = accept or (lambda spec: True)
        self.search_box = QLineEdit(self)
        self.search_box.setPlaceholderText(placeholder)
        self.list = QListWidget(self)
        self.list.setUniformItemSizes(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.search_box)
        lay.addWidget(self.list)
        self.setFixedWidth(240)
        self.search_box.textChanged.connect(self._on_search_box_text_changed)
        self.search_box.returnPressed.connect(self._on_search_box_return_pressed)
        self.list.itemActivated.connect(self._on_list_item_activated)
        self.list.itemClicked.connect(self._on_list_item_activated)
        self.search_box.installEventFilter(self)
        self._on_search_box_text_changed("")

    def types(self) -> list[str]:
        return [self.list.item(i).data(TYPE_ROLE) for i in range(self.list.count())]

    def popup(self, global_pos: QPoint) -> None:
        self.move(global_pos)
        self.show()
        self.search_box.setFocus()

    def choose(self, type_id: str) -> None:
        self.picked.emit(type_id)
        self.close()

    def _on_search_box_text_changed(self, text: str) -> None:
        self.list.clear()
        for spec in search(text):
            if not self.accept_spec(spec):
                continue
            item = QListWidgetItem(category_icon(spec.category), spec.title)
            item.setData(TYPE_ROLE, spec.type)
            item.setToolTip(layer_tooltip(spec))
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        # Fit the list to its rows (at most 12 visible) so the popup is no taller than it needs to be.
        rows = max(1, min(12, self.list.count()))
        row_h = self.list.sizeHintForRow(0) if self.list.count() else self.fontMetrics().height() + 4
        self.list.setFixedHeight(rows * row_h + 2 * self.list.frameWidth() + 2)
        self.adjustSize()

    def _on_search_box_return_pressed(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.choose(item.data(TYPE_ROLE))

    def _on_list_item_activated(self, item: QListWidgetItem) -> None:
        self.choose(item.data(TYPE_ROLE))

    def eventFilter(self, obj: object, event: object) -> bool:  # noqa: N802 - Qt API
        if obj is self.search_box and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                row = self.list.currentRow() + (1 if event.key() == Qt.Key.Key_Down else -1)
                self.list.setCurrentRow(max(0, min(self.list.count() - 1, row)))
                return True
        return super().eventFilter(obj, event)  # type: ignore[arg-type]

"""The layer palette: every registered layer type by category, searchable by title or alias.

Items carry the layer type id as ``application/x-nnbuilder-layer`` mime data so the canvas accepts
them as drops; double-click (or Enter in the search box) asks the window to add the layer at the
centre of the canvas.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QKeyEvent, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...layers import CATEGORIES, LayerSpec, all_specs, search
from ..canvas.view import LAYER_MIME
from ..theme import CATEGORY_COLORS

TYPE_ROLE = Qt.ItemDataRole.UserRole + 1


def layer_tooltip(spec: LayerSpec) -> str:
    aliases = f"<br><i>Also known as: {html.escape(', '.join(spec.aliases))}</i>" if spec.aliases else ""
    return f"<b>{html.escape(spec.title)}</b> — {html.escape(spec.doc)}{aliases}"


def category_icon(category: str) -> QIcon:
    pix = QPixmap(12, 12)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(CATEGORY_COLORS.get(category, "#888")))
    p.drawRoundedRect(1, 1, 10, 10, 3, 3)
    p.end()
    return QIcon(pix)


class LayerTree(QTreeWidget):
    """A tree whose drags carry the layer type id."""

    def mimeTypes(self) -> list[str]:  # noqa: N802 - Qt API
        return [LAYER_MIME]

    def mimeData(self, items: list[QTreeWidgetItem]) -> QMimeData:  # noqa: N802 - Qt API
        data = QMimeData()
        types = [i.data(0, TYPE_ROLE) for i in items if i.data(0, TYPE_ROLE)]
        if types:
            data.setData(LAYER_MIME, types[0].encode("utf-8"))
            data.setText(types[0])
        return data


class PalettePanel(QWidget):
    #: The user asked to add a layer type without choosing a place (double-click, Enter).
    add_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search_box = QLineEdit(self)
        self.search_box.setPlaceholderText("Search layers (Ctrl+F) — e.g. Linear, conv, LSTM")
        self.search_box.setClearButtonEnabled(True)
        self.tree = LayerTree(self)
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(True)
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setIndentation(12)
        self.tree.setUniformRowHeights(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.search_box)
        layout.addWidget(self.tree)
        self.items: dict[str, QTreeWidgetItem] = {}
        self.categories: dict[str, QTreeWidgetItem] = {}
        self._populate()
        self.search_box.textChanged.connect(self._on_search_box_text_changed)
        self.search_box.returnPressed.connect(self._on_search_box_return_pressed)
        # Double-click (not "activated", which is a single click on some platforms and would add a
        # layer whenever a drag starts) and Enter add the layer.
        self.tree.itemDoubleClicked.connect(self._on_tree_item_activated)
        self.search_box.installEventFilter(self)
        self.tree.installEventFilter(self)

    def _populate(self) -> None:
        bold = QFont(self.font())
        bold.setBold(True)
        for cat in CATEGORIES:
            top = QTreeWidgetItem([cat])
            top.setFont(0, bold)
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            top.setIcon(0, category_icon(cat))
            self.tree.addTopLevelItem(top)
            self.categories[cat] = top
        for spec in all_specs():
            parent = self.categories.get(spec.category)
            if parent is None:
                parent = QTreeWidgetItem([spec.category])
                self.tree.addTopLevelItem(parent)
                self.categories[spec.category] = parent
            item = QTreeWidgetItem([spec.title])
            item.setData(0, TYPE_ROLE, spec.type)
            item.setToolTip(0, layer_tooltip(spec))
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled)
            parent.addChild(item)
            self.items[spec.type] = item
        self.tree.expandAll()

    # ------------------------------------------------------------------ search
    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def visible_types(self) -> list[str]:
        """Layer types currently shown, in display order (best search match first when searching)."""
        if not self.search_box.text().strip():
            return [t for t, item in self.items.items() if not item.isHidden()]
        return [s.type for s in search(self.search_box.text())]

    def _on_search_box_text_changed(self, text: str) -> None:
        matches = {s.type for s in search(text)} if text.strip() else set(self.items)
        best = search(text)[0].type if text.strip() and matches else None
        for t, item in self.items.items():
            item.setHidden(t not in matches)
            item.setForeground(0, QBrush())
        for top in self.categories.values():
            top.setHidden(all(top.child(i).isHidden() for i in range(top.childCount())))
        self.tree.expandAll()
        if best is not None:
            self.tree.setCurrentItem(self.items[best])

    def _on_search_box_return_pressed(self) -> None:
        item = self.tree.currentItem()
        t = item.data(0, TYPE_ROLE) if item is not None and not item.isHidden() else None
        if not t and self.search_box.text().strip():
            found = search(self.search_box.text())
            t = found[0].type if found else None
        if t:
            self.add_requested.emit(t)

    def _on_tree_item_activated(self, item: QTreeWidgetItem, column: int) -> None:
        t = item.data(0, TYPE_ROLE)
        if t:
            self.add_requested.emit(t)

    def eventFilter(self, obj: object, event: object) -> bool:  # noqa: N802 - Qt API
        """Up/Down in the search box move through the results without leaving the box."""
        if obj is self.tree and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.tree.currentItem() is not None:
                self._on_tree_item_activated(self.tree.currentItem(), 0)
                return True
        if obj is self.search_box and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                visible = [self.items[t] for t in self.visible_types() if t in self.items]
                if visible:
                    cur = self.tree.currentItem()
                    i = visible.index(cur) if cur in visible else -1
                    i = min(len(visible) - 1, i + 1) if event.key() == Qt.Key.Key_Down else max(0, i - 1)
                    self.tree.setCurrentItem(visible[i])
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.search_box.clear()
                return True
        return super().eventFilter(obj, event)  # type: ignore[arg-type]

"""Image classification views: the lecture's "first 25" gallery with predicted and true labels, and the
confusion matrix, both refreshed at each epoch end.

The gallery's 25 cells (a view box and a label each) are created once; an update only swaps images and text.
Wrong predictions are titled in red so mistakes stand out without reading every label.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QWidget

from ..workers.messages import VIEW_IMAGES, DataView, GalleryUpdate, ViewFrame
from .panel import ViewPanel
from .style import CONFUSION_LUT, GREY_LUT, RIGHT, WRONG, PlotView, place, prepare_axes

GRID = 5
MAX_CELL_TEXT_CLASSES = 20


class ImagesPanel(ViewPanel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.gallery = PlotView()
        self.gallery_title = self.gallery.addLabel("Validation images: predicted (true)", colspan=GRID, size="10pt",
                                                   color="#222")
        self.gallery.nextRow()
        self.cells: list[tuple[pg.LabelItem, pg.ViewBox, pg.ImageItem]] = []
        self._rows: list[list[pg.GraphicsLayout]] = []  # the cells' layouts, a list per gallery row
        for r in range(GRID):
            self._rows.append([])
            for c in range(GRID):
                cell = self.gallery.addLayout(row=r + 1, col=c)
                self._rows[r].append(cell)
                cell.setContentsMargins(1, 1, 1, 1)
                label = cell.addLabel("", size="7pt", row=0, col=0)
                box = cell.addViewBox(row=1, col=0, lockAspect=True, invertY=True, enableMouse=False)
                box.setMenuEnabled(False)
                image = pg.ImageItem(axisOrder="row-major")
                box.addItem(image)
                self.cells.append((label, box, image))

        self.confusion_view = PlotView()
        self.confusion_plot = self.confusion_view.addPlot(title="Confusion matrix")
        prepare_axes(self.confusion_plot)
        self.confusion_plot.invertY(True)  # row 0 (the first true class) at the top, as in every textbook
        self.confusion_plot.setLabel("bottom", "predicted class")
        self.confusion_plot.setLabel("left", "true class")
        self.confusion_image = pg.ImageItem(axisOrder="row-major")
        self.confusion_image.setLookupTable(CONFUSION_LUT)
        self.confusion_plot.addItem(self.confusion_image)
        self._cell_texts: list[pg.TextItem] = []

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.gallery, 3)
        layout.addWidget(self.confusion_view, 2)
        self.class_names: list[str] | None = None
        self.validation_samples = 0  # the run's whole validation split (the matrix may count a subsample)
        self._pending: GalleryUpdate | None = None
        self._last: GalleryUpdate | None = None
        self.rows_shown = GRID
        self.updates = 0
        self.dirty = False
        self.show_gallery(True)

    MIN_IMAGE = 48  # px: a 28×28 picture drawn smaller than this is a smudge

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit_rows()

    def _fit_rows(self) -> None:
        """As many rows of pictures as the gallery's height shows at a readable size.

        In a default window's Training dock the 5 × 5 gallery drew its pictures ~12 px high under their
        labels: unreadable. A short dock now shows the first 10 or 15 pictures, each large enough to see.
        """
        height = self.gallery.height() - 30  # the title
        label = 16  # a cell's "predicted (true)" line
        rows = max(1, min(GRID, int(height // (label + self.MIN_IMAGE))))
        if rows == self.rows_shown:
            return
        place(self.gallery.ci, [(cell, r + 1, c, 1) for r in range(rows) for c, cell in enumerate(self._rows[r])],
              hidden=tuple(cell for cells in self._rows[rows:] for cell in cells))
        self.rows_shown = rows
        if self._last is not None and self._pending is None:
            self._pending = self._last  # drawn again: the title counts the pictures shown
            self.dirty = True

    def show_gallery(self, on: bool) -> None:
        """Tables and graphs have no pictures to show; their tab keeps only the confusion matrix."""
        self.gallery.setVisible(on)

    def set_classes(self, class_names: list[str] | None, count: int | None = None) -> None:
        """Label the confusion matrix's axes and make its cell texts; a no-op when the classes are the same
        (rebuilding 100 text items takes ~50 ms, which the window would feel at the start of every run)."""
        k = len(class_names) if class_names else int(count or 0)
        names = list(class_names) if class_names else [str(i) for i in range(k)]
        if names == self.class_names and (len(self._cell_texts) == k * k or k > MAX_CELL_TEXT_CLASSES):
            return
        self.class_names = names
        for text in self._cell_texts:
            self.confusion_plot.removeItem(text)
        self._cell_texts = []
        if 0 < k <= MAX_CELL_TEXT_CLASSES:
            for i in range(k * k):
                text = pg.TextItem("", color="#222", anchor=(0.5, 0.5))
                text.setPos(i % k + 0.5, i // k + 0.5)
                self.confusion_plot.addItem(text)
                self._cell_texts.append(text)
        names = self.class_names
        left = [(i + 0.5, f"{i} {names[i]}" if names[i] != str(i) else str(i)) for i in range(k)]
        bottom = [(i + 0.5, str(i)) for i in range(k)]
        self.confusion_plot.getAxis("left").setTicks([left])
        self.confusion_plot.getAxis("bottom").setTicks([bottom])
        if k:
            self.confusion_plot.disableAutoRange()
            self.confusion_plot.setRange(xRange=(0, k), yRange=(0, k), padding=0.02)
        self.confusion_image.clear()
        for label, _, image in self.cells:
            label.setText("")
            image.clear()

    def clear(self) -> None:
        """Another project or Clear runs: no picture or count of an earlier run stays."""
        self._pending = self._last = None
        self.validation_samples = 0
        for label, _, image in self.cells:
            label.setText("")
            image.clear()
        for text in self._cell_texts:
            text.setText("")
        self.confusion_image.clear()
        self.gallery_title.setText("Validation images: predicted (true)", size="10pt", color="#222")
        self.confusion_plot.setTitle("Confusion matrix")

    def set_data(self, info: DataView) -> None:
        self.set_classes(info.class_names)
        self.show_gallery(info.view == VIEW_IMAGES)

    def tab_title(self, info: DataView | None) -> str | None:
        return "Images" if info is None or info.view == VIEW_IMAGES else "Confusion matrix"

    def add_frame(self, frame: ViewFrame) -> None:
        self.set_gallery(frame.payload)

    def set_gallery(self, update: GalleryUpdate) -> None:
        self._pending = update
        self.dirty = True

    def _name(self, i: int) -> str:
        names = self.class_names or []
        return names[i] if 0 <= i < len(names) else str(i)

    def refresh(self) -> None:
        self.dirty = False
        update, self._pending = self._pending, None
        if update is None:
            return
        self._last = update
        if update.images is not None:
            imgs = update.images[:self.rows_shown * GRID]
            finite = imgs[np.isfinite(imgs)]
            lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
            hi = hi if hi > lo else lo + 1.0
            for i, (label, _box, image) in enumerate(self.cells):
                if i >= len(imgs):
                    label.setText("")
                    image.clear()
                    continue
                img = imgs[i]
                if img.ndim == 2:
                    image.setImage(img, levels=(lo, hi), lut=GREY_LUT, autoLevels=False)
                else:
                    rgb = np.clip((img - lo) / (hi - lo) * 255, 0, 255).astype(np.uint8)
                    image.setImage(np.ascontiguousarray(rgb), levels=(0, 255), autoLevels=False)
                p, t = int(update.predicted[i]), int(update.true[i])
                color = RIGHT if p == t else WRONG
                mark = "" if p == t else "✗ "
                text = f"{mark}{html.escape(self._name(p))} ({html.escape(self._name(t))})"
                label.setText(text, color=color, size="7pt", bold=p != t)
            wrong = int(np.sum(update.predicted[:len(imgs)] != update.true[:len(imgs)]))
            self.gallery_title.setText(
                f"First {len(imgs)} validation images, epoch {update.epoch}: predicted (true) — {wrong} wrong",
                size="10pt", color="#222")
        cm = update.confusion.astype(np.float32)
        k = cm.shape[0]
        if self.class_names is None or len(self.class_names) != k:
            self.set_classes(self.class_names if self.class_names and len(self.class_names) == k else None, k)
        rows = cm.sum(axis=1, keepdims=True)
        share = np.ascontiguousarray(cm / np.where(rows > 0, rows, 1.0), dtype=np.float32)
        self.confusion_image.setImage(share, levels=(0.0, 1.0), autoLevels=False)
        if len(self._cell_texts) == k * k:
            for i, text in enumerate(self._cell_texts):
                count = int(update.confusion.flat[i])
                text.setText(str(count) if count else "")
                text.setColor("w" if share.flat[i] > 0.55 else "#222")
        acc = float(np.trace(update.confusion)) / max(1, int(update.confusion.sum()))
        self.confusion_plot.setRange(xRange=(0, k), yRange=(0, k), padding=0.02)
        counted = int(update.confusion_samples)
        whole = self.validation_samples
        samples = (f"{counted:,} of {whole:,} validation samples (a subsample)" if whole > counted
                   else f"{counted:,} validation samples")
        self.confusion_plot.setTitle(
            f"Confusion matrix, epoch {update.epoch}<br><span style='font-size:8pt'>"
            f"{samples} · accuracy {100 * acc:.1f} %</span>")
        self.updates += 1

    def export_target(self) -> pg.GraphicsItem:
        return self.gallery.ci if self.gallery.isVisible() else self.confusion_view.ci

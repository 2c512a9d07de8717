"""Sketch pad: draw in 28×28 pixels and watch the trained network's class probabilities follow the pen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...teach.errors import TeachError
from ...teach.sketch import SIZE, SketchModel, centre_like_mnist, new_picture, sketch_model, stroke

CELL = 12  # screen pixels per picture pixel


class SketchPad(QWidget):
    """The 28×28 picture, drawn large; the left button inks, the right button erases."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.picture = new_picture()
        self.radius = 1.4
        self._last: tuple[float, float] | None = None
        self._erasing = False
        self.setFixedSize(SIZE * CELL, SIZE * CELL)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def clear(self) -> None:
        self.picture = new_picture()
        self.update()
        self.changed.emit()

    def set_picture(self, picture: np.ndarray) -> None:
        self.picture = np.clip(np.asarray(picture, dtype=np.float64).reshape(SIZE, SIZE), 0.0, 1.0).copy()
        self.update()
        self.changed.emit()

    def to_pixel(self, pos: QPointF) -> tuple[float, float]:
        return pos.x() / CELL, pos.y() / CELL

    def draw_segment(self, a: tuple[float, float], b: tuple[float, float]) -> None:
        if self._erasing:
            ink = stroke(new_picture(), a, b, self.radius * 1.6)
            self.picture = np.minimum(self.picture, 1.0 - ink)
        else:
            stroke(self.picture, a, b, self.radius)
        self.update()
        self.changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        self._erasing = event.button() == Qt.MouseButton.RightButton
        self._last = self.to_pixel(event.position())
        self.draw_segment(self._last, self._last)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if self._last is None:
            return
        here = self.to_pixel(event.position())
        self.draw_segment(self._last, here)
        self._last = here

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        self._last = None

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        grey = np.ascontiguousarray((self.picture * 255).astype(np.uint8))
        image = QImage(grey.data, SIZE, SIZE, SIZE, QImage.Format.Format_Grayscale8)
        p = QPainter(self)
        p.drawImage(QRectF(0, 0, SIZE * CELL, SIZE * CELL), image)
        p.setPen(QPen(QColor(60, 60, 60), 1))
        for i in range(0, SIZE + 1, 7):
            p.drawLine(i * CELL, 0, i * CELL, SIZE * CELL)
            p.drawLine(0, i * CELL, SIZE * CELL, i * CELL)
        p.end()


class SketchPadView(QWidget):
    """The pad, one probability bar per class, and where the weights came from."""

    def __init__(self, document: Any, controller: Callable[[], Any] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sketch pad")
        self.document = document
        self._controller = controller or (lambda: None)
        self.model: SketchModel | None = None
        self.probabilities: np.ndarray | None = None
        self.pad = SketchPad()
        self.clear_button = QPushButton("Clear")
        self.sample_button = QPushButton("A test picture")
        self.sample_button.setToolTip("Put a picture of the data set's test part on the pad, to compare.")
        self.reload_button = QPushButton("Reload model")
        self.centre_check = QCheckBox("Centre like MNIST")
        self.centre_check.setChecked(True)
        self.centre_check.setToolTip("MNIST's digits were moved so their centre of mass is the picture's centre; "
                                     "do the same to the drawing before the network reads it. Fashion-MNIST's "
                                     "garments were not, so it starts off for them.")
        self._centre_default_for: str | None = None  # the data set whose default the box shows
        self.network_view = QLabel()
        self.network_view.setFixedSize(SIZE * 3, SIZE * 3)
        self.network_view.setToolTip("What the network reads")
        self.guess = QLabel()
        f = self.guess.font()
        f.setPointSizeF(f.pointSizeF() * 1.6)
        f.setBold(True)
        self.guess.setFont(f)
        self.source = QLabel()
        self.source.setWordWrap(True)
        self.bars_box = QGridLayout()
        self.bars: list[QProgressBar] = []
        self.names: list[QLabel] = []
        self._test_images: np.ndarray | None = None
        self._test_labels: np.ndarray | None = None
        self._test_index = 0
        self._shown_test: np.ndarray | None = None  # the test picture on the pad, until the student draws on it
        self.truth = QLabel()  # what the test picture on the pad really is, to hold the answer against
        self.truth.setWordWrap(True)

        right = QVBoxLayout()
        right.addWidget(self.guess)
        right.addLayout(self.bars_box)
        right.addStretch(1)
        right.addWidget(self.source)
        left = QVBoxLayout()
        left.addWidget(self.pad)
        buttons = QHBoxLayout()
        for b in (self.clear_button, self.sample_button, self.reload_button):
            buttons.addWidget(b)
        left.addLayout(buttons)
        left.addWidget(QLabel("Left button draws, right button erases."))
        left.addWidget(self.truth)
        seen = QHBoxLayout()
        seen.addWidget(self.centre_check)
        seen.addStretch(1)
        seen.addWidget(QLabel("the network reads:"))
        seen.addWidget(self.network_view)
        left.addLayout(seen)
        left.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(left)
        layout.addLayout(right, 1)

        self.pad.changed.connect(self._on_pad_changed)
        self.clear_button.clicked.connect(self.pad.clear)
        self.sample_button.clicked.connect(self.show_test_picture)
        self.reload_button.clicked.connect(self.reload)
        self.centre_check.toggled.connect(self._on_pad_changed)
        document.project_replaced.connect(self.reload)
        self.reload()
        self.resize(760, 440)

    # ------------------------------------------------------------------------------------------ API
    def reload(self) -> None:
        """Take the weights of the app's last run, else those saved beside the project."""
        self._test_images = None
        project = self.document.project
        controller = self._controller()
        trainer = getattr(controller, "trainer", None)
        try:
            if bool(getattr(controller, "is_running", False)):  # the weights change under a running training
                raise TeachError("The network is training: press Reload model when the run has finished.")
            self.model = sketch_model(project, model=getattr(trainer, "model", None),
                                      project_path=getattr(self.document, "path", None))
        except TeachError as exc:
            self.model = None
            self.probabilities = None
            self._set_bars([])
            self.guess.setText("")
            # nothing of the last project stays beside the sentence: its test picture on the pad, what it really
            # was and what its network read (a pullover sat next to "the input 'input' expects 2")
            self._shown_test = None
            self.truth.setText("")
            self.network_view.clear()
            self.pad.picture = new_picture()
            self.pad.update()
            self.source.setText(f"<b>{exc}</b>")
            for w in (self.pad, self.sample_button, self.clear_button):
                w.setEnabled(False)
            return
        for w in (self.pad, self.sample_button, self.clear_button):
            w.setEnabled(True)
        dataset = project.data.dataset
        if dataset != self._centre_default_for and self._shown_test is not None:
            # a test picture of the last data set ("really Pullover") says nothing about this one's network;
            # a drawing of the student's own stays for the new network to read
            self._shown_test = None
            self.truth.setText("")
            self.pad.picture = new_picture()
            self.pad.update()
        if dataset != self._centre_default_for:  # a student's own choice stands until the data set changes
            # Centring moves a garment off where Fashion-MNIST put it (centred by its outline, not its mass):
            # a trained MLP read 64 % of the test garments right centred, against 85 % as they are.
            self._centre_default_for = dataset
            self.centre_check.blockSignals(True)
            self.centre_check.setChecked(dataset != "fashion_mnist")
            self.centre_check.blockSignals(False)
        self.source.setText(f"Weights from {self.model.source}. The network reads 28×28 pixels, ink 1 on black "
                            "0, like its training pictures.")
        self._set_bars(self.model.class_names)
        self.update_probabilities()

    def network_input(self) -> np.ndarray:
        """The 28×28 picture the network reads: the drawing, centred like MNIST when that box is ticked."""
        return centre_like_mnist(self.pad.picture) if self.centre_check.isChecked() else self.pad.picture.copy()

    def update_probabilities(self) -> None:
        if self._shown_test is not None and not np.array_equal(self.pad.picture, self._shown_test):
            self._shown_test = None  # drawn on or cleared: no longer the test picture
            self.truth.setText("")
        if self.model is None:
            return
        seen = self.network_input()
        grey = np.ascontiguousarray((seen * 255).astype(np.uint8))
        image = QImage(grey.data, SIZE, SIZE, SIZE, QImage.Format.Format_Grayscale8).copy()
        self.network_view.setPixmap(QPixmap.fromImage(image).scaled(SIZE * 3, SIZE * 3))
        self.probabilities = self.model.probabilities(seen)
        for bar, p in zip(self.bars, self.probabilities, strict=True):
            bar.setValue(int(round(float(p) * 1000)))
            bar.setFormat(f"{float(p) * 100:.1f} %")
        if self.pad.picture.max() == 0:
            self.guess.setText("Draw something")
        else:
            best = int(np.argmax(self.probabilities))
            self.guess.setText(f"Looks like: {self.model.class_names[best]} "
                               f"({float(self.probabilities[best]) * 100:.1f} %)")  # as its bar says: 99.8 % is not 100 %

    def show_test_picture(self) -> None:
        """The next test picture of the project's data set, as the network would get it."""
        if self._test_images is None:
            from ...data import DataError, load_dataset

            project = self.document.project
            options = dict(project.data.options, normalize=True, flatten=False, channels=False)
            try:
                ds = load_dataset(project.data.dataset, options)
            except DataError as exc:
                self.source.setText(f"<b>The test pictures could not be loaded: {exc}</b>")
                return
            test = ds.x_test is not None
            images = ds.x_test if test else ds.x
            self._test_images = np.asarray(images).reshape(len(images), SIZE, SIZE)
            self._test_labels = np.asarray(ds.y_test if test else ds.y).reshape(-1)
        i = self._test_index % len(self._test_images)
        self._test_index += 1
        self._shown_test = np.clip(self._test_images[i].astype(np.float64), 0.0, 1.0)
        label = int(self._test_labels[i]) if self._test_labels is not None else -1
        names = self.model.class_names if self.model is not None else []
        truth = names[label] if 0 <= label < len(names) else str(label)
        self.truth.setText(f"Test picture {i + 1:,} of {len(self._test_images):,}: really <b>{truth}</b>")
        self.pad.set_picture(self._test_images[i])

    # ------------------------------------------------------------------------------------------ helpers
    def _set_bars(self, names: list[str]) -> None:
        for w in self.bars + self.names:
            self.bars_box.removeWidget(w)
            w.deleteLater()
        self.bars, self.names = [], []
        for i, name in enumerate(names):
            label = QLabel(name)
            bar = QProgressBar()
            bar.setRange(0, 1000)
            bar.setTextVisible(True)
            self.bars_box.addWidget(label, i, 0)
            self.bars_box.addWidget(bar, i, 1)
            self.names.append(label)
            self.bars.append(bar)

    def _on_pad_changed(self) -> None:
        self.update_probabilities()

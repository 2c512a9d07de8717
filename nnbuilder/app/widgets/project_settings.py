"""Project settings: data set and its options, loss, optimizer, learning rate, epochs, batch size, shuffling,
validation split, metrics and early stopping. Each edit is one undoable ``SetTrainingSetting``/``SetDataSetting``.

A GAN project shows what its training uses instead: each network's own optimizer, learning rate, β₁ and momentum, the
discriminator steps per generator step, the GAN loss and label smoothing. The rows a GAN ignores (the loss,
the project's optimizer once both networks have their own, metrics, early stopping) are hidden, so no field
on screen is one that changes nothing."""

from __future__ import annotations

import importlib.util
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...layers import fmt_shape
from ...project.format_v2 import GAN_LOSSES
from ...project.io import LOSSES, METRICS, OPTIMIZERS
from ..document import Document, EditRefusedError
from .data_options import DataOptionsForm, option_specs
from .fields import make_float_spin, make_int_spin, route_undo_keys


def data_preview_available() -> bool:
    """Whether the app ships the data preview (the Teach tools' first-25-images / scatter / series view)."""
    try:
        return importlib.util.find_spec("nnbuilder.app.teach.data_preview") is not None
    except (ImportError, ValueError):
        return False

LOSS_TITLES = {
    "sparse_categorical_crossentropy": "Sparse categorical cross-entropy",
    "categorical_crossentropy": "Categorical cross-entropy",
    "binary_crossentropy": "Binary cross-entropy",
    "mse": "Mean squared error (MSE)",
    "mae": "Mean absolute error (MAE)",
    "huber": "Huber",
    "sse": "Sum of squared errors (½·SSE)",
    "perceptron": "Perceptron rule",
}
OPTIMIZER_TITLES = {"sgd": "SGD", "adam": "Adam", "adamw": "AdamW", "rmsprop": "RMSprop", "adagrad": "Adagrad"}
GAN_LOSS_TITLES = {"non_saturating": "Non-saturating (original GAN)", "least_squares": "Least squares (LSGAN)"}
NETWORKS = (("generator", "Generator"), ("discriminator", "Discriminator"))
#: The optimizers whose momentum training uses (nnbuilder.training.optim); the others have none.
MOMENTUM_OPTIMIZERS = ("sgd", "rmsprop")
MOMENTUM_TIP = ("SGD and RMSprop use momentum (0.9 is usual); Adam, AdamW and Adagrad have none, so it is off "
                "for them.")


def optimizer_combo() -> QComboBox:
    combo = QComboBox()
    for key in OPTIMIZERS:
        combo.addItem(OPTIMIZER_TITLES.get(key, key), key)
    return combo


def fit_combo_to_items(combo: QComboBox) -> None:
    """Never narrower than its longest item: "Sparse categorical cross-entropy" and "Non-saturating (original
    GAN)" were cut to "Non-saturating (origi" beside their labels. The form wraps such a row (the combo goes
    under its label, across the panel) instead of cutting its text or widening the dock."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    combo.setMinimumWidth(combo.sizeHint().width())


def show_momentum(spin: QWidget, optimizer_name: str) -> None:
    """Momentum is on for the optimizers that use it, off (with the same tooltip) for the others."""
    spin.setEnabled(optimizer_name in MOMENTUM_OPTIMIZERS)
    spin.setToolTip(MOMENTUM_TIP)


class NetworkOptimizerRows:
    """A GAN network's own optimizer, learning rate, Adam β₁ and momentum (SGD, RMSprop): a header and four rows."""

    def __init__(self, panel: ProjectSettingsPanel, form: QFormLayout, role: str, title: str) -> None:
        self.role = role
        self.header = QLabel(f"<b>{title}</b>")
        self.header.setToolTip(f"The {role} trains with its own optimizer; these values are saved with its graph.")
        form.addRow(self.header)
        self.optimizer = optimizer_combo()
        self.optimizer.activated.connect(lambda i: panel._set_network(role, "name", self.optimizer.itemData(i)))
        self.lr = make_float_spin(1e-8, 100.0)
        self.lr.setSingleStep(0)  # logarithmic steps (FloatSpinBox.stepBy)
        self.lr.setToolTip(f"The {role}'s learning rate. GANs often give both networks the same one (DCGAN: 0.0002).")
        self.lr.valueChanged.connect(lambda v: panel._set_network(role, "lr", float(v)))
        self.beta1 = make_float_spin(0.0, 0.999)
        self.beta1.setSingleStep(0.05)
        self.beta1.setToolTip("Adam's decay rate of the mean gradient (β₁). The DCGAN paper lowered it from 0.9 to 0.5, "
                              "which made its GANs train more steadily. Only Adam and AdamW use it.")
        self.beta1.valueChanged.connect(lambda v: panel._set_network(role, "beta1", round(float(v), 6)))
        self.momentum = make_float_spin(0.0, 1.0)
        self.momentum.setSingleStep(0.05)
        self.momentum.setToolTip(MOMENTUM_TIP)
        self.momentum.valueChanged.connect(lambda v: panel._set_network(role, "momentum", round(float(v), 6)))
        self.rows: list[QWidget] = [self.header]
        for label, widget in (("Optimizer", self.optimizer), ("Learning rate", self.lr), ("Adam β₁", self.beta1),
                              ("Momentum", self.momentum)):
            form.addRow(label, widget)
            self.rows.append(widget)

    @property
    def widgets(self) -> list[QWidget]:
        return [self.optimizer, self.lr, self.beta1, self.momentum]

    def show(self, optimizer: Any) -> None:
        self.optimizer.setCurrentIndex(max(0, self.optimizer.findData(optimizer.name)))
        self.lr.setValue(optimizer.lr)
        self.beta1.setValue(optimizer.beta1)
        self.beta1.setEnabled(optimizer.name in ("adam", "adamw"))
        self.momentum.setValue(optimizer.momentum)
        show_momentum(self.momentum, optimizer.name)  # RMSprop uses it too (torch.optim.RMSprop(momentum=...))


def dataset_choices() -> list[tuple[str, str, str]]:
    """(id, title, description) of every data set; falls back to bare ids if the data layer is missing."""
    try:
        from ...data import list_datasets

        return [(i.id, i.title, f"{i.category}: {i.description}") for i in list_datasets()]
    except Exception:  # noqa: BLE001 - the data layer is optional for editing
        ids = ("circle", "xor", "gaussians", "spiral", "moons", "blobs", "fashion_mnist", "mnist_test",
               "household_power", "karate_club", "cora")
        return [(i, i.replace("_", " ").capitalize(), "") for i in ids]


class ProjectSettingsPanel(QWidget):
    message = Signal(str)
    #: The student asked to see the data set's samples (the window opens the preview).
    preview_requested = Signal()

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = document
        self.host = QWidget()
        form = QFormLayout(self.host)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # see fit_combo_to_items
        self.form = form
        form.setContentsMargins(6, 6, 12, 6)  # room for the spin boxes' arrows beside the dock's edge

        self.dataset = QComboBox()
        for did, title, desc in dataset_choices():
            self.dataset.addItem(title, did)
            self.dataset.setItemData(self.dataset.count() - 1, desc, 3)  # Qt.ToolTipRole
        self.dataset.activated.connect(self._on_dataset_activated)
        form.addRow("Data set", self.dataset)

        data_row = QWidget()
        dlay = QHBoxLayout(data_row)
        dlay.setContentsMargins(0, 0, 0, 0)
        self.set_input_button = QPushButton("Set Input from data")
        self.set_input_button.setToolTip("Give the network's Input the shape of one sample of this data set "
                                         "(one undoable step).")
        self.set_input_button.clicked.connect(self._on_set_input_button_clicked)
        self.preview_button = QPushButton("Preview data")
        self.preview_button.setToolTip("Look at the data before training: samples with their labels.")
        self.preview_button.clicked.connect(self.preview_requested)
        self.preview_button.setVisible(data_preview_available())
        dlay.addWidget(self.set_input_button)
        dlay.addStretch(1)
        form.addRow("", data_row)
        form.addRow("", self.preview_button)  # its own row: beside Set Input the pair was wider than the dock
        self.sample_label = QLabel()
        self.sample_label.setWordWrap(True)
        self.sample_label.setEnabled(False)  # muted
        form.addRow("", self.sample_label)

        self.data_options = DataOptionsForm()
        self.data_options.option_edited.connect(self._set_option)
        form.addRow(self.data_options)

        self.loss = QComboBox()
        for key in LOSSES:
            self.loss.addItem(LOSS_TITLES.get(key, key), key)
        self.loss.activated.connect(lambda i: self._set("loss", self.loss.itemData(i)))
        form.addRow("Loss", self.loss)

        # in a GAN project whose networks (one or both) have no optimizer of their own: what they share
        self.shared_header = QLabel("<b>Shared optimizer</b>")
        self.shared_header.setToolTip("Used by each network below that has no optimizer of its own; changing a "
                                      "network's row gives it its own.")
        form.addRow(self.shared_header)
        self.optimizer = optimizer_combo()
        self.optimizer.activated.connect(lambda i: self._set("optimizer.name", self.optimizer.itemData(i)))
        form.addRow("Optimizer", self.optimizer)

        self.lr = make_float_spin(1e-8, 100.0)
        self.lr.setSingleStep(0)  # logarithmic steps (FloatSpinBox.stepBy)
        self.lr.valueChanged.connect(lambda v: self._set("optimizer.lr", float(v)))
        form.addRow("Learning rate", self.lr)

        self.momentum = make_float_spin(0.0, 1.0)
        self.momentum.setToolTip(MOMENTUM_TIP)
        self.momentum.valueChanged.connect(lambda v: self._set("optimizer.momentum", float(v)))
        form.addRow("Momentum", self.momentum)

        # GAN projects only (see the module docstring)
        self.networks = {role: NetworkOptimizerRows(self, form, role, title) for role, title in NETWORKS}
        self.gan_header = QLabel("<b>The game</b>")
        form.addRow(self.gan_header)
        self.d_steps = make_int_spin(1, 100)
        self.d_steps.setToolTip("Discriminator updates before each generator update (GAN Lab's k; the original "
                                "paper used 1). A stronger discriminator gives the generator better directions.")
        self.d_steps.valueChanged.connect(lambda v: self._set("gan.d_steps", int(v)))
        form.addRow("D steps per G step", self.d_steps)
        self.gan_loss = QComboBox()
        for key in GAN_LOSSES:
            self.gan_loss.addItem(GAN_LOSS_TITLES.get(key, key), key)
        self.gan_loss.setToolTip("Non-saturating: the generator maximises log D(G(z)) (Goodfellow et al.; the "
                                 "PyTorch DCGAN tutorial). Least squares: both networks fit scores of 0 and 1 "
                                 "(Mao et al.), which keeps gradients alive when D is sure.")
        self.gan_loss.activated.connect(lambda i: self._set("gan.loss", self.gan_loss.itemData(i)))
        form.addRow("GAN loss", self.gan_loss)
        self.label_smoothing = make_float_spin(0.0, 0.5)
        self.label_smoothing.setSingleStep(0.05)
        self.label_smoothing.setToolTip("One-sided label smoothing (Salimans et al. 2016): the discriminator learns "
                                        "to call real samples 1 − this value instead of 1, so it is never "
                                        "completely sure. 0 turns it off; 0.1 is usual.")
        self.label_smoothing.valueChanged.connect(lambda v: self._set("gan.label_smoothing", round(float(v), 6)))
        form.addRow("Label smoothing", self.label_smoothing)
        self._gan_rows: list[QWidget] = [*(w for n in self.networks.values() for w in n.rows), self.gan_header,
                                         self.d_steps, self.gan_loss, self.label_smoothing]

        self.epochs = make_int_spin(1, 100_000)
        self.epochs.valueChanged.connect(lambda v: self._set("epochs", int(v)))
        form.addRow("Epochs", self.epochs)

        self.batch_size = make_int_spin(1, 1_000_000)
        self.batch_size.valueChanged.connect(lambda v: self._set("batch_size", int(v)))
        form.addRow("Batch size", self.batch_size)

        self.shuffle = QCheckBox("every epoch")
        self.shuffle.setToolTip("Reshuffle the training samples before each epoch. Off, every epoch feeds them in "
                                "their order (Keras' shuffle=False), for a time series in time order.")
        self.shuffle.toggled.connect(lambda v: self._set("shuffle", bool(v)))
        form.addRow("Shuffle", self.shuffle)

        self.validation_split = make_float_spin(0.0, 0.9)
        self.validation_split.setSingleStep(0.05)
        self.validation_split.valueChanged.connect(lambda v: self._set("validation_split", round(float(v), 6)))
        form.addRow("Validation split", self.validation_split)

        metrics_row = QWidget()
        mlay = QGridLayout(metrics_row)  # two per line: a single row was wider than the dock
        mlay.setContentsMargins(0, 0, 0, 0)
        self.metrics: dict[str, QCheckBox] = {}
        for i, m in enumerate(METRICS):
            box = QCheckBox(m)
            box.toggled.connect(self._on_metric_toggled)
            mlay.addWidget(box, i // 2, i % 2)
            self.metrics[m] = box
        form.addRow("Metrics", metrics_row)
        self.metrics_row = metrics_row

        self.early_stopping = QCheckBox("on")
        self.early_stopping.toggled.connect(lambda v: self._set("early_stopping.enabled", bool(v)))
        self.patience = make_int_spin(0, 100_000)
        self.patience.setToolTip("Epochs without a better validation loss before training stops.")
        self.patience.valueChanged.connect(lambda v: self._set("early_stopping.patience", int(v)))
        form.addRow("Early stopping", self.early_stopping)  # one per row: side by side they were wider than the dock
        form.addRow("Patience", self.patience)

        self.seed = make_int_spin(0, 2**31 - 1)
        self.seed.valueChanged.connect(lambda v: self._set("seed", int(v)))
        form.addRow("Random seed", self.seed)

        self.mixed_precision = QCheckBox("mixed (16-bit)")
        self.mixed_precision.setToolTip(
            "Compute the forward passes in 16-bit floats (bfloat16 or float16) and keep the weights in 32-bit: "
            "faster on CUDA GPUs and on CPUs that compute bfloat16 in hardware (Intel AMX; AVX-512 BF16, as on "
            "AMD Zen 4 and later). Anywhere else training stays in 32-bit and the run's notes say so. The numbers "
            "differ slightly from a 32-bit run.")
        self.mixed_precision.toggled.connect(lambda v: self._set("mixed_precision", bool(v)))
        form.addRow("Precision", self.mixed_precision)

        note = QLabel("Training settings are saved with the project; every change can be undone.")
        note.setWordWrap(True)
        note.setEnabled(False)
        form.addRow(note)

        for combo in self.combos():
            fit_combo_to_items(combo)
        route_undo_keys(self.host)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.host)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(scroll)
        document.settings_changed.connect(self.refresh)
        document.project_replaced.connect(self.refresh)
        document.project_changed.connect(self._refresh_sample_label)
        self.refresh()

    def combos(self) -> list[QComboBox]:
        return [self.dataset, self.loss, self.optimizer, self.gan_loss, *(n.optimizer for n in self.networks.values())]

    def set_locked(self, locked: bool) -> None:
        self.host.setEnabled(not locked)

    def refresh(self) -> None:
        p = self.doc.project
        t = p.training
        widgets: list[Any] = [self.dataset, self.loss, self.optimizer, self.lr, self.momentum, self.epochs,
                              self.batch_size, self.shuffle, self.validation_split, self.early_stopping, self.patience, self.seed,
                              self.mixed_precision, *self.metrics.values(), self.d_steps, self.gan_loss,
                              self.label_smoothing, *(w for n in self.networks.values() for w in n.widgets)]
        for w in widgets:
            w.blockSignals(True)
        try:
            i = self.dataset.findData(p.data.dataset)
            if i < 0:
                self.dataset.addItem(f"{p.data.dataset} (unknown)", p.data.dataset)
                i = self.dataset.count() - 1
                fit_combo_to_items(self.dataset)
            self.dataset.setCurrentIndex(i)
            self.loss.setCurrentIndex(max(0, self.loss.findData(t.loss)))
            self.optimizer.setCurrentIndex(max(0, self.optimizer.findData(t.optimizer.name)))
            self.lr.setValue(t.optimizer.lr)
            self.momentum.setValue(t.optimizer.momentum)
            show_momentum(self.momentum, t.optimizer.name)  # as each network's row does
            self.epochs.setValue(t.epochs)
            self.batch_size.setValue(t.batch_size)
            self.shuffle.setChecked(t.shuffle)
            self.validation_split.setValue(t.validation_split)
            for m, box in self.metrics.items():
                box.setChecked(m in t.metrics)
            self.early_stopping.setChecked(t.early_stopping.enabled)
            self.patience.setValue(t.early_stopping.patience)
            self.seed.setValue(min(t.seed, 2**31 - 1))
            self.mixed_precision.setChecked(t.mixed_precision)
            if p.is_gan:
                for role, rows in self.networks.items():
                    rows.show(self.doc.network_optimizer(role))
                self.d_steps.setValue(t.gan.d_steps)
                self.gan_loss.setCurrentIndex(max(0, self.gan_loss.findData(t.gan.loss)))
                self.label_smoothing.setValue(t.gan.label_smoothing)
        finally:
            for w in widgets:
                w.blockSignals(False)
        self._show_rows_for(p)
        self.data_options.show_options(p.data.dataset, p.data.options)
        self._align_labels()
        self._refresh_sample_label()

    def _show_rows_for(self, project: Any) -> None:
        """A GAN's rows for a GAN project, the supervised ones otherwise (a GAN ignores the loss, metrics and
        early stopping, and the project's optimizer once both networks have their own)."""
        gan = project.is_gan
        uses_project_optimizer = project.shares_project_optimizer
        rows: list[tuple[QWidget, bool]] = [(w, gan) for w in self._gan_rows]
        rows += [(self.loss, not gan), (self.metrics_row, not gan), (self.early_stopping, not gan),
                 (self.patience, not gan), (self.optimizer, uses_project_optimizer),
                 (self.lr, uses_project_optimizer), (self.momentum, uses_project_optimizer),
                 (self.shared_header, gan and uses_project_optimizer)]
        for widget, visible in rows:
            self.form.setRowVisible(widget, visible)

    def _form_labels(self, form: QFormLayout) -> list[QLabel]:
        labels = []
        for row in range(form.rowCount()):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            widget = item.widget() if item is not None else None
            if isinstance(widget, QLabel) and widget.text():
                labels.append(widget)
        return labels

    def _align_labels(self) -> None:
        """The data set's option fields sit in a form of their own: give both forms one label column, so
        every field starts at the same x."""
        labels = self._form_labels(self.form) + self._form_labels(self.data_options.form)
        width = max((label.sizeHint().width() for label in labels), default=0)
        for label in labels:
            label.setMinimumWidth(width)

    def _refresh_sample_label(self) -> None:
        shape = self.doc.data_sample_shape()
        mismatch = self.doc.input_mismatch()
        if shape is None:
            self.sample_label.setText("One sample's shape is known once the data is loaded (Train).")
        else:
            self.sample_label.setText(f"One sample: {fmt_shape(shape)}" + (
                " — the Input does not match it." if mismatch else " — the Input matches it."))
        self.set_input_button.setEnabled(shape is not None and mismatch is not None)

    def _on_set_input_button_clicked(self) -> None:
        try:
            self.message.emit(self.doc.set_input_from_data())
        except EditRefusedError as exc:
            self.message.emit(str(exc))

    def _set(self, path: str, value: Any) -> None:
        try:
            self.doc.set_training_setting(path, value)
        except EditRefusedError as exc:
            self.message.emit(str(exc))
            self.refresh()

    def _set_network(self, role: str, field: str, value: Any) -> None:
        try:
            self.doc.set_network_optimizer_setting(role, field, value)
        except EditRefusedError as exc:
            self.message.emit(str(exc))
            self.refresh()

    def _set_option(self, name: str, value: Any) -> None:
        data = self.doc.project.data
        default = next((spec.default for spec in option_specs(data.dataset) if spec.name == name), None)
        if data.options.get(name, default) == value:
            return  # e.g. a text field left unchanged: no empty undo step
        try:
            self.doc.set_data_setting("options", {**data.options, name: value})
        except EditRefusedError as exc:
            self.message.emit(str(exc))
            self.refresh()

    def _on_dataset_activated(self, index: int) -> None:
        try:
            self.doc.set_data_setting("dataset", self.dataset.itemData(index))
        except EditRefusedError as exc:
            self.message.emit(str(exc))
            self.refresh()

    def _on_metric_toggled(self, checked: bool) -> None:
        self._set("metrics", [m for m, box in self.metrics.items() if box.isChecked()])


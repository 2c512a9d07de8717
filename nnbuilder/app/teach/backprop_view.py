"""Backprop stepper: one sample forward and backward through the student's own Dense network.

Each press of Step reveals one stage — zˡ and aˡ layer by layer, then δᴸ, δᴸ⁻¹ … δ¹, then every ∂C/∂w, then
the update — with the lecture's formula for that stage. The numbers come from ``nnbuilder.teach.backprop``
(checked against autograd); the side panel lists them per layer and, when the editor's canvas is given,
each Dense node gets a small label with the stage's value under it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QGraphicsSimpleTextItem,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...teach.backprop import (
    COST_TITLES,
    BackpropStep,
    DenseNet,
    apply_update,
    cost_for_loss,
    dense_net_from_project,
    forward_backward,
    target_vector,
)
from ...teach.errors import TeachError

SHOWN_VALUES = 8


def fmt_vector(v: np.ndarray) -> str:
    vals = ", ".join(f"{x:+.4f}" for x in v[:SHOWN_VALUES])
    more = f", … ({v.size} values, ‖·‖ = {np.linalg.norm(v):.4f})" if v.size > SHOWN_VALUES else ""
    return f"[{vals}{more}]"


def fmt_matrix(m: np.ndarray, rows: int = 3, cols: int = 6) -> str:
    lines = []
    for r in m[:rows]:
        tail = ", …" if m.shape[1] > cols else ""
        lines.append("[" + ", ".join(f"{x:+.4f}" for x in r[:cols]) + tail + "]")
    if m.shape[0] > rows:
        lines.append("…")
    return "<br>".join(lines) + f"<br><i>{m.shape[0]}×{m.shape[1]}, ‖·‖ = {np.linalg.norm(m):.4f}</i>"


class BackpropStepperView(QWidget):
    """Controls on top, the stage's formula, then one block of numbers per layer."""

    def __init__(self, document: Any, scene: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Backprop stepper")
        self.document = document
        self.scene = scene
        self.net: DenseNet | None = None
        self.dataset: Any = None
        self.result: BackpropStep | None = None
        self.stages: list[tuple[str, int]] = []
        self.stage = -1
        self.cost_before: float | None = None
        self.cost_after: float | None = None
        self.node_labels: dict[str, QGraphicsSimpleTextItem] = {}

        self.sample_spin = QSpinBox()
        self.sample_spin.setPrefix("sample ")
        self.cost_combo = QComboBox()
        for key, title in COST_TITLES.items():
            self.cost_combo.addItem(title, key)
        self.lr_spin = QDoubleSpinBox()
        self.lr_spin.setDecimals(4)
        self.lr_spin.setRange(0.0001, 10.0)
        self.lr_spin.setSingleStep(0.01)
        self.lr_spin.setPrefix("η = ")
        self.step_button = QPushButton("Step")
        self.step_button.setToolTip("Reveal the next stage: forward layer by layer, the δs backwards, ∂C/∂w, update.")
        self.sample_button = QPushButton("Whole sample")
        self.next_button = QPushButton("Next sample")
        self.reload_button = QPushButton("Reload network")
        self.reload_button.setToolTip("Read the network from the canvas again, with the weights a run starts from.")
        self.formula = QLabel()
        self.formula.setTextFormat(Qt.TextFormat.RichText)
        self.formula.setWordWrap(True)
        font = self.formula.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.formula.setFont(font)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.panel = QTextBrowser()

        top = QHBoxLayout()
        for w in (self.sample_spin, self.cost_combo, self.lr_spin):
            top.addWidget(w)
        top.addStretch(1)
        buttons = QHBoxLayout()
        for w in (self.step_button, self.sample_button, self.next_button, self.reload_button):
            buttons.addWidget(w)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addWidget(self.formula)
        layout.addWidget(self.message)
        layout.addWidget(self.panel, 1)

        self.step_button.clicked.connect(self.advance)
        self.sample_button.clicked.connect(self.run_sample)
        self.next_button.clicked.connect(self.next_sample)
        self.reload_button.clicked.connect(self.reload)
        self.sample_spin.valueChanged.connect(self._on_sample_changed)
        document.project_replaced.connect(self.reload)
        self.cost_combo.currentIndexChanged.connect(self._on_sample_changed)
        self.reload()
        self.resize(760, 720)

    # ------------------------------------------------------------------------------------------ API
    def reload(self) -> None:
        """Read the network and the data set from the project; a sentence explains what cannot be shown."""
        project = self.document.project
        self.net, self.result, self.stage = None, None, -1
        self._clear_node_labels()
        try:
            self.net = dense_net_from_project(project)
            self.dataset = self._load_data(project)
        except TeachError as exc:
            self.net = None
            self._show_problem(str(exc))
            return
        self.cost_combo.blockSignals(True)
        self.cost_combo.setCurrentIndex(self.cost_combo.findData(cost_for_loss(project.training.loss)))
        self.cost_combo.blockSignals(False)
        self.lr_spin.setValue(max(float(project.training.optimizer.lr), 0.0001))
        self.sample_spin.blockSignals(True)
        self.sample_spin.setRange(0, len(self.dataset.x) - 1)
        self.sample_spin.setSuffix(f" of {len(self.dataset.x)}")
        self.sample_spin.blockSignals(False)
        for w in (self.step_button, self.sample_button, self.next_button, self.sample_spin):
            w.setEnabled(True)
        self.message.setText("")
        self.start_sample()

    @property
    def cost(self) -> str:
        return str(self.cost_combo.currentData())

    def sample(self) -> tuple[np.ndarray, np.ndarray]:
        assert self.net is not None
        i = self.sample_spin.value()
        x = np.asarray(self.dataset.x[i], dtype=np.float64).reshape(-1)
        y = target_vector(self.dataset.y[i], self.net.layers[-1].units, self.dataset.task)
        return x, y

    def start_sample(self) -> None:
        """Forward and backward for the current sample (computed now, revealed stage by stage)."""
        if self.net is None:
            return
        x, y = self.sample()
        try:
            self.result = forward_backward(self.net, x, y, self.cost)
        except TeachError as exc:
            self.result = None
            self._show_problem(str(exc), keep_controls=True)
            return
        n = len(self.net.layers)
        self.stages = ([("forward", i) for i in range(n)] + [("delta", i) for i in range(n - 1, -1, -1)]
                       + [("grads", -1), ("update", -1)])
        self.stage = -1
        self.cost_before = self.result.cost
        self.cost_after = None
        self.message.setText("")
        self._render()

    def advance(self) -> None:
        """Reveal the next stage; after the update, start the next sample."""
        if self.result is None:
            return
        if self.stage >= len(self.stages) - 1:
            self.next_sample()
            return
        self.stage += 1
        if self.stages[self.stage][0] == "update":
            assert self.net is not None
            apply_update(self.net, self.result, self.lr_spin.value())
            x, y = self.sample()
            self.cost_after = forward_backward(self.net, x, y, self.cost).cost
        self._render()

    def run_sample(self) -> None:
        """Every remaining stage of this sample, the update included."""
        if self.result is None:
            return
        while self.stage < len(self.stages) - 1:
            self.advance()

    def next_sample(self) -> None:
        if self.net is None:
            return
        i = (self.sample_spin.value() + 1) % (self.sample_spin.maximum() + 1)
        if i == self.sample_spin.value():
            self.start_sample()
        else:
            self.sample_spin.setValue(i)

    def current_stage(self) -> tuple[str, int] | None:
        return self.stages[self.stage] if 0 <= self.stage < len(self.stages) else None

    # ------------------------------------------------------------------------------------------ drawing
    def _load_data(self, project: Any) -> Any:
        from ...data import DataError, load_dataset

        path = getattr(self.document, "path", None)
        try:
            ds = load_dataset(project.data.dataset, project.data.options, None if path is None else path.parent)
        except DataError as exc:
            raise TeachError(f"The project's data set could not be loaded: {exc}") from exc
        size = int(np.prod(ds.input_shape)) if ds.input_shape else 1
        assert self.net is not None
        if size != self.net.input_size:
            raise TeachError(f"The data set '{ds.title}' gives {size} values per sample but the input "
                             f"'{self.net.input_id}' expects {self.net.input_size}.")
        return ds

    def _show_problem(self, text: str, keep_controls: bool = False) -> None:
        self.message.setText(f"<b>{text}</b>")
        self.formula.setText("")
        self.panel.setHtml("")
        if not keep_controls:
            for w in (self.step_button, self.sample_button, self.next_button, self.sample_spin):
                w.setEnabled(False)

    def _layer_name(self, i: int) -> str:
        assert self.net is not None
        return f"layer {i + 1} · {self.net.layers[i].title} ({self.net.layers[i].activation})"

    def _formula_html(self) -> str:
        assert self.net is not None and self.result is not None
        st = self.current_stage()
        n = len(self.net.layers)
        if st is None:
            return ("Press <b>Step</b>: the sample goes forward layer by layer, then the error δ flows back, then "
                    "the weights move. Cost: " + COST_TITLES[self.cost])
        kind, i = st
        lnum = i + 1
        if kind == "forward":
            prev = "x" if i == 0 else f"a<sup>{i}</sup>"
            return (f"<b>Forward, layer {lnum}:</b> z<sup>{lnum}</sup> = w<sup>{lnum}</sup> {prev} + b<sup>{lnum}</sup>,"
                    f"&nbsp; a<sup>{lnum}</sup> = σ(z<sup>{lnum}</sup>) with σ = {self.net.layers[i].activation}")
        if kind == "delta":
            rule = self.result.layers[i].rule
            where = f"output layer, L = {lnum}" if i == n - 1 else f"layer l = {lnum}"
            return f"<b>Backward ({where}):</b> {rule}"
        if kind == "grads":
            return ("<b>Gradients:</b> ∂C/∂w<sup>l</sup> = a<sup>l−1</sup> δ<sup>l</sup> "
                    "(entry j,k is a<sub>k</sub><sup>l−1</sup> δ<sub>j</sub><sup>l</sup>), ∂C/∂b<sup>l</sup> = δ<sup>l</sup>")
        after = "" if self.cost_after is None else (f": C on this sample went from {self.cost_before:.5f} to "
                                                    f"{self.cost_after:.5f}")
        return (f"<b>Update:</b> w<sup>l</sup> ← w<sup>l</sup> − η ∂C/∂w<sup>l</sup>, b<sup>l</sup> ← b<sup>l</sup> − η "
                f"∂C/∂b<sup>l</sup> with η = {self.lr_spin.value():g}{after}. Step again for the next sample.")

    def _render(self) -> None:
        if self.net is None or self.result is None:
            return
        self.formula.setText(self._formula_html())
        n = len(self.net.layers)
        shown_forward = {i for k, i in self.stages[: self.stage + 1] if k == "forward"}
        shown_delta = {i for k, i in self.stages[: self.stage + 1] if k == "delta"}
        grads = any(k == "grads" for k, _ in self.stages[: self.stage + 1])
        current = self.current_stage()
        x, y = self.result.x, self.result.y
        parts = [f"<p><b>Sample {self.sample_spin.value()}</b>: x = {fmt_vector(x)} &nbsp; y = {fmt_vector(y)}"]
        if len(shown_forward) == n:
            parts.append(f"<br>output a<sup>L</sup> = {fmt_vector(self.result.output)}, C = {self.result.cost:.5f}")
        parts.append("</p>")
        for i in range(n):
            s = self.result.layers[i]
            active = current is not None and current[1] == i
            style = " style='background:#FFF4CC'" if active else ""
            rows = [f"<div{style}><h3>{self._layer_name(i)}</h3><table cellspacing='4'>"]
            if i in shown_forward:
                rows.append(f"<tr><td>z<sup>{i + 1}</sup></td><td>{fmt_vector(s.z)}</td></tr>")
                rows.append(f"<tr><td>a<sup>{i + 1}</sup></td><td>{fmt_vector(s.a)}</td></tr>")
            if i in shown_delta:
                rows.append(f"<tr><td>δ<sup>{i + 1}</sup></td><td>{fmt_vector(s.delta)}</td></tr>")
            if grads:
                rows.append(f"<tr><td valign='top'>∂C/∂w<sup>{i + 1}</sup></td><td>{fmt_matrix(s.grad_w)}</td></tr>")
            rows.append("</table></div>")
            parts.append("".join(rows))
        self.panel.setHtml("".join(parts))
        self._update_node_labels(shown_forward, shown_delta, grads)

    # -- labels on the canvas nodes (the scene's public ``nodes`` dict; no change to the canvas code) ----------
    def _update_node_labels(self, forward: set[int], delta: set[int], grads: bool) -> None:
        if self.scene is None or self.net is None or self.result is None or not self.isVisible():
            return  # labels on the canvas only while the stepper is open (showEvent puts them back)
        nodes = getattr(self.scene, "nodes", {})
        for i, layer in enumerate(self.net.layers):
            item = nodes.get(layer.node_id)
            if item is None:
                continue
            label = self.node_labels.get(layer.node_id)
            if label is None or label.scene() is None:
                label = QGraphicsSimpleTextItem(item)
                label.setBrush(QColor("#9C2F00"))
                f = QFont()
                f.setPointSizeF(8.5)
                label.setFont(f)
                label.setPos(0, item.boundingRect().height() + 4)
                self.node_labels[layer.node_id] = label
            s = self.result.layers[i]
            lines = []
            if i in forward:
                lines.append(f"‖a‖ = {np.linalg.norm(s.a):.3f}")
            if i in delta:
                lines.append(f"‖δ‖ = {np.linalg.norm(s.delta):.4f}")
            if grads:
                lines.append(f"‖∂C/∂w‖ = {np.linalg.norm(s.grad_w):.4f}")
            label.setText("\n".join(lines))

    def _clear_node_labels(self) -> None:
        for label in self.node_labels.values():
            try:
                if label.scene() is not None:
                    label.scene().removeItem(label)
            except RuntimeError:  # the canvas rebuilt its items and took the label with them
                pass
        self.node_labels = {}

    # ------------------------------------------------------------------------------------------ slots
    def _on_sample_changed(self, *_args: object) -> None:
        self.start_sample()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        # closing took the labels off the canvas: reopened, the stage the panel still shows gets its labels back
        # (they were gone while the panel said Update)
        self._render()

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        self._clear_node_labels()
        super().closeEvent(event)

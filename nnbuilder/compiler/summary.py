"""The model summary in the Keras/torchinfo convention, computed from inference alone.

The counts are PyTorch's, since that is what trains. They differ from Keras for LSTM and SimpleRNN: PyTorch
keeps two bias vectors per gate (``b_ih`` and ``b_hh``), Keras one, so a 21-unit LSTM has 3,696 parameters
here and 3,612 in Keras. Students compare with the lecture's Keras summary, so those rows carry the Keras
count and a note, and the totals say what Keras would print. (Keras' GRU, with its default
``reset_after=True``, keeps two bias vectors as PyTorch does: the counts agree.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..layers import Shape
from ..project.model import Graph, TrainingConfig
from .build import module_names
from .infer import Inference, Problem, infer


@dataclass(frozen=True)
class SummaryRow:
    name: str
    type: str
    node_id: str
    output_shape: Shape | None
    params: int
    trainable: bool
    keras_params: int | None = None  # set only where Keras counts differently

    @property
    def note(self) -> str:
        if self.keras_params is None:
            return ""
        return f"Keras: {self.keras_params:,} — PyTorch keeps two bias vectors"

    @property
    def shape_text(self) -> str:
        if self.output_shape is None:
            return "?"
        return "(" + ", ".join(["None", *map(str, self.output_shape)]) + ")"


@dataclass
class Summary:
    title: str
    rows: list[SummaryRow]
    total_params: int
    trainable_params: int
    problems: list[Problem] = field(default_factory=list)

    @property
    def non_trainable_params(self) -> int:
        return self.total_params - self.trainable_params

    @property
    def keras_total_params(self) -> int | None:
        """What Keras' model.summary() would print as the total, when it differs from PyTorch's count."""
        if all(r.keras_params is None for r in self.rows):
            return None
        return self.total_params - sum(r.params - r.keras_params for r in self.rows if r.keras_params is not None)

    def keras_note(self) -> str:
        keras = self.keras_total_params
        if keras is None:
            return ""
        kinds = sorted({r.type for r in self.rows if r.keras_params is not None})
        return (f"Keras would count {keras:,} params: PyTorch's {' and '.join(kinds)} layers keep two bias vectors "
                "per gate (b_ih and b_hh), Keras' keep one.")

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.title,
            "layers": [
                {"name": r.name, "type": r.type, "node": r.node_id,
                 "output_shape": list(r.output_shape) if r.output_shape is not None else None,
                 "params": r.params, "trainable": r.trainable,
                 **({"keras_params": r.keras_params} if r.keras_params is not None else {})}
                for r in self.rows
            ],
            **({"keras_total_params": self.keras_total_params} if self.keras_total_params is not None else {}),
            "total_params": self.total_params,
            "trainable_params": self.trainable_params,
            "non_trainable_params": self.non_trainable_params,
            "problems": [{"severity": p.severity, "node": p.node, "message": p.message} for p in self.problems],
        }

    def format(self) -> str:
        headers = ("Layer (type)", "Output Shape", "Param #")
        body = [(f"{r.name} ({r.type})", r.shape_text, f"{r.params:,}") for r in self.rows]
        widths = [max(len(h), *(len(b[i]) for b in body)) + 3 if body else len(h) + 3
                  for i, h in enumerate(headers)]
        line = "=" * sum(widths)
        out = [f'Model: "{self.title}"', line, "".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip(),
               line]
        for b, r in zip(body, self.rows, strict=True):
            text = "".join(c.ljust(w) for c, w in zip(b, widths, strict=True))
            out.append((text + f"({r.note})" if r.note else text).rstrip())
        out += [
            line,
            f"Total params: {self.total_params:,}",
            f"Trainable params: {self.trainable_params:,}",
            f"Non-trainable params: {self.non_trainable_params:,}",
        ]
        if self.keras_note():
            out.append(self.keras_note())
        return "\n".join(out)


def summary_from_inference(graph: Graph, inf: Inference, title: str | None = None) -> Summary:
    names = module_names(graph)
    rows = []
    for nid in inf.order:
        info = inf.nodes[nid]
        if info.spec is None or info.spec.is_source or info.spec.type == "Output":
            continue
        rows.append(SummaryRow(names[nid], info.spec.title, nid, info.output_shape, info.param_count, info.trainable,
                               keras_param_count(info.spec.type, info.params, info.param_count)))
    return Summary(title or graph.name, rows, inf.total_params, inf.trainable_params, list(inf.problems))


#: Gates per recurrent cell whose second bias vector Keras does not have (GRU: Keras keeps both, too).
_EXTRA_BIAS_GATES = {"LSTM": 4, "SimpleRNN": 1}


def keras_param_count(layer_type: str, params: dict[str, Any], torch_count: int) -> int | None:
    """The count Keras reports for this layer, or None when it is PyTorch's count."""
    gates = _EXTRA_BIAS_GATES.get(layer_type)
    if gates is None or torch_count == 0:
        return None
    directions = 2 if params.get("bidirectional") else 1
    extra = gates * int(params.get("units", 0)) * directions * int(params.get("num_layers", 1) or 1)
    return torch_count - extra if extra else None


def summarize_graph(graph: Graph, training: TrainingConfig | None = None, title: str | None = None) -> Summary:
    return summary_from_inference(graph, infer(graph, training), title)

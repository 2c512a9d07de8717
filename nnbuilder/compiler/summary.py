"""The model summary in the Keras/torchinfo convention, computed from inference alone."""

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

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.title,
            "layers": [
                {"name": r.name, "type": r.type, "node": r.node_id,
                 "output_shape": list(r.output_shape) if r.output_shape is not None else None,
                 "params": r.params, "trainable": r.trainable}
                for r in self.rows
            ],
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
        for b in body:
            out.append("".join(c.ljust(w) for c, w in zip(b, widths, strict=True)).rstrip())
        out += [
            line,
            f"Total params: {self.total_params:,}",
            f"Trainable params: {self.trainable_params:,}",
            f"Non-trainable params: {self.non_trainable_params:,}",
        ]
        return "\n".join(out)


def summary_from_inference(graph: Graph, inf: Inference, title: str | None = None) -> Summary:
    names = module_names(graph)
    rows = []
    for nid in inf.order:
        info = inf.nodes[nid]
        if info.spec is None or info.spec.is_source or info.spec.type == "Output":
            continue
        rows.append(SummaryRow(names[nid], info.spec.title, nid, info.output_shape, info.param_count, info.trainable))
    return Summary(title or graph.name, rows, inf.total_params, inf.trainable_params, list(inf.problems))


def summarize_graph(graph: Graph, training: TrainingConfig | None = None, title: str | None = None) -> Summary:
    return summary_from_inference(graph, infer(graph, training), title)

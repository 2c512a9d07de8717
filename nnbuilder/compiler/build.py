"""Graph -> ``torch.nn.Module``.

The network is emitted as a ``torch.fx.GraphModule``: each layer node becomes a named
submodule and the wiring becomes generated Python code. That gives a plain forward with no
per-call dictionary look-ups (as fast as a hand-written module), readable code for the Code
panel (``model.code``), and a module TorchScript and ONNX can trace.
"""

from __future__ import annotations

import keyword
import re
from typing import Any

from ..project.errors import ProjectError
from ..project.model import Graph, TrainingConfig
from .infer import Inference, infer


class CompileError(ProjectError):
    """The graph has problems that stop it from becoming a model."""


def module_names(graph: Graph) -> dict[str, str]:
    """node id -> Python identifier used as the submodule name (labels win over ids)."""
    used: set[str] = set()
    out: dict[str, str] = {}
    for n in graph.nodes:
        base = re.sub(r"\W", "_", n.label or n.id).strip("_") or "layer"
        if base[0].isdigit() or keyword.iskeyword(base):
            base = "layer_" + base
        name, i = base, 2
        while name in used:
            name, i = f"{base}_{i}", i + 1
        used.add(name)
        out[n.id] = name
    return out


def build_module(graph: Graph, training: TrainingConfig | None = None, inference: Inference | None = None) -> Any:
    """Compile ``graph``; raises CompileError naming the first problems when it cannot run."""
    import torch
    from torch import fx, nn

    inf = inference or infer(graph, training)
    if not inf.ok:
        errs = inf.errors()
        listed = " ".join(p.message for p in errs[:3])
        more = f" (and {len(errs) - 3} more)" if len(errs) > 3 else ""
        raise CompileError(f"The network cannot be built yet: {listed}{more}")
    names = module_names(graph)
    root = nn.Module()
    g = fx.Graph()
    values: dict[str, fx.Node] = {}
    input_names: list[str] = []
    incoming: dict[str, list] = {}
    for e in graph.edges:
        incoming.setdefault(e.target, []).append(e)
    for nid in inf.inputs:
        values[nid] = g.placeholder(names[nid])
        input_names.append(names[nid])
    for nid in inf.order:
        info = inf.nodes[nid]
        spec = info.spec
        if spec is None or spec.is_source or info.input_shapes is None:
            continue
        args = [values[e.source] for port in spec.inputs for e in incoming.get(nid, ()) if e.target_port == port.name]
        if spec.type == "Output":
            values[nid] = args[0]
            continue
        module = spec.build(info.params, info.input_shapes)
        if not graph.node(nid).trainable:
            for p in module.parameters():
                p.requires_grad_(False)
        root.add_module(names[nid], module)
        values[nid] = g.call_module(names[nid], tuple(args))
    outs = [values[o] for o in inf.outputs if o in values]
    g.output(outs[0] if len(outs) == 1 else tuple(outs))
    model = fx.GraphModule(root, g, class_name=_class_name(graph.name))
    model.input_names = input_names  # type: ignore[attr-defined]
    model.output_names = [names[o] for o in inf.outputs]  # type: ignore[attr-defined]
    children = set(dict(root.named_children()))
    model.node_modules = {nid: names[nid] for nid in inf.order if names[nid] in children}  # type: ignore[attr-defined]
    model.output_activation = inf.output_activation()  # type: ignore[attr-defined]
    model.input_dtypes = [  # type: ignore[attr-defined]
        torch.long if inf.nodes[i].params.get("dtype") == "int64" else torch.float32 for i in inf.inputs
    ]
    return model


def _class_name(name: str) -> str:
    parts = re.split(r"\W+", name)
    cls = "".join(p[:1].upper() + p[1:] for p in parts if p) or "Model"
    return cls if cls[0].isalpha() else "Model" + cls

"""Graph -> ``torch.nn.Module``.

The network is emitted as a ``torch.fx.GraphModule``: each layer node becomes a named
submodule and the wiring becomes generated Python code. That gives a plain forward with no
per-call dictionary look-ups (as fast as a hand-written module), readable code for the Code
panel (``model.code``), and a module TorchScript and ONNX can trace.
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from typing import Any

from ..project.errors import ProjectError
from ..project.model import Graph, TrainingConfig
from .infer import Inference, infer


class CompileError(ProjectError):
    """The graph has problems that stop it from becoming a model."""


#: Attributes of ``torch.nn.Module`` and ``torch.fx.GraphModule`` (torch 2.x, public names; names starting
#: with "_" cannot occur), the ones the compiler sets on the model, and names the generated ``forward``
#: uses. A submodule with one of these names would shadow a method or be shadowed by it, so such a label
#: gets a ``_layer`` suffix. tests/core/test_module_names.py checks this list against the installed torch.
RESERVED_NAMES = frozenset("""
    T_destination add_module add_submodule apply bfloat16 buffers call_super_init children code compile cpu
    cuda delete_all_unused_submodules delete_submodule double dump_patches eval extra_repr float forward
    get_buffer get_extra_state get_parameter get_submodule graph half ipu load_state_dict meta modules mtia
    named_buffers named_children named_modules named_parameters parameters print_readable recompile
    register_backward_hook register_buffer register_forward_hook register_forward_pre_hook
    register_full_backward_hook register_full_backward_pre_hook register_load_state_dict_post_hook
    register_load_state_dict_pre_hook register_module register_parameter register_state_dict_post_hook
    register_state_dict_pre_hook requires_grad_ set_extra_state set_submodule shape_env share_memory
    state_dict to to_empty to_folder train training type xpu zero_grad
    input_names output_names node_modules output_activation input_dtypes
    self torch fx_pytree pytree device inf nan NoneType
""".split())


def _identifier(text: str) -> str:
    """``text`` as a Python identifier that reads back as itself (Python NFKC-normalises identifiers)."""
    chars = [c if (c.isascii() and (c.isalnum() or c == "_")) or
             (("a" + c).isidentifier() and unicodedata.normalize("NFKC", c) == c) else "_" for c in text]
    base = "".join(chars).strip("_") or "layer"
    if not base[0].isidentifier() or keyword.iskeyword(base) or keyword.issoftkeyword(base):
        base = "layer_" + base
    if base in RESERVED_NAMES:
        base += "_layer"
    return base


def module_names(graph: Graph) -> dict[str, str]:
    """node id -> Python identifier used as the submodule name (labels win over ids).

    Names never clash with each other nor with an attribute of the compiled module, whatever the labels.
    """
    used: set[str] = set()
    next_suffix: dict[str, int] = {}
    out: dict[str, str] = {}
    for n in graph.nodes:
        base = _identifier(n.label or n.id)
        name = base
        if name in used:
            i = next_suffix.get(base, 2)
            while f"{base}_{i}" in used:
                i += 1
            name = f"{base}_{i}"
            next_suffix[base] = i + 1
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
    by_id = {n.id: n for n in graph.nodes}
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
        if not by_id[nid].trainable:
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

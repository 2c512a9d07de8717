"""A drawn graph as a readable, stand-alone PyTorch ``model.py``.

The source is written from nnbuilder's own graph and layer catalog, not traced: every canvas layer
with state or a mode becomes a named submodule in ``__init__`` (``torch.nn`` classes where they exist,
a few small classes in the same file otherwise), and ``forward`` walks the graph in the compiler's
order with one statement per layer, reusing ``x`` along chains so it reads like hand-written code.
Submodules are created in the same order as the compiled module, so ``torch.manual_seed(seed)``
followed by ``Model()`` gives the very weights nnbuilder starts training from.

The file imports torch only. Identifiers come from sanitised node names (see ``names.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..compiler import Inference, infer
from ..layers import fmt_shape
from ..project.model import Graph, Project
from .errors import ExportError
from .names import Namer, camel, safe_text

PEELABLE = ("softmax", "log_softmax", "sigmoid")
# Noise: the generator takes z; Label: a conditional GAN's networks take the class, one-hot
ALIAS_TYPES = ("Input", "Noise", "Label", "GraphInput", "Output", "Identity")

_ACT_EXPR: dict[str, Callable[[str], str]] = {
    "relu": lambda e: f"torch.relu({e})",
    "sigmoid": lambda e: f"torch.sigmoid({e})",
    "tanh": lambda e: f"torch.tanh({e})",
    "softmax": lambda e: f"torch.softmax({e}, dim=-1)",
    "log_softmax": lambda e: f"torch.log_softmax({e}, dim=-1)",
    "leaky_relu": lambda e: f"F.leaky_relu({e})",
    "elu": lambda e: f"F.elu({e})",
    "gelu": lambda e: f"F.gelu({e})",
    "step": lambda e: f"step({e})",
}

HELPERS: dict[str, str] = {
    "step": '''
def step(x: torch.Tensor) -> torch.Tensor:
    """Heaviside step, the perceptron's activation: 1 where x > 0, else 0."""
    return (x > 0).to(x.dtype)
''',
    "Step": '''
class Step(nn.Module):
    """Heaviside step as a layer: 1 where x > 0, else 0 (its gradient is zero almost everywhere)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return step(x)
''',
    "GCNConv": '''
class GCNConv(nn.Module):
    """Graph convolution (Kipf & Welling 2017): H' = A_hat @ H @ W + b.

    A_hat = D^-1/2 (A + I) D^-1/2 is the normalised adjacency with self-loops, passed in as the second
    argument (a dense or sparse tensor), so every node mixes its neighbours' features.
    """

    def __init__(self, in_features: int, units: int, bias: bool = True) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.empty(in_features, units))
        self.bias = nn.Parameter(torch.zeros(units)) if bias else None
        nn.init.xavier_uniform_(self.weight)

    def forward(self, x: torch.Tensor, adjacency: torch.Tensor) -> torch.Tensor:
        support = x @ self.weight
        out = torch.sparse.mm(adjacency, support) if adjacency.is_sparse else adjacency @ support
        if self.bias is not None:
            out = out + self.bias
        return out
''',
    "Add": '''
class Add(nn.Module):
    """Adds its inputs element by element (a residual or skip connection)."""

    def forward(self, *xs: torch.Tensor) -> torch.Tensor:
        out = xs[0]
        for x in xs[1:]:
            out = out + x
        return out
''',
    "Multiply": '''
class Multiply(nn.Module):
    """Multiplies its inputs element by element (gating)."""

    def forward(self, *xs: torch.Tensor) -> torch.Tensor:
        out = xs[0]
        for x in xs[1:]:
            out = out * x
        return out
''',
    "Concatenate": '''
class Concatenate(nn.Module):
    """Joins its inputs along one axis of the sample (the batch axis is not counted, -1 = last)."""

    def __init__(self, axis: int = -1) -> None:
        super().__init__()
        self.dim = axis if axis < 0 else axis + 1

    def forward(self, *xs: torch.Tensor) -> torch.Tensor:
        return torch.cat(xs, dim=self.dim)
''',
}
HELPER_ORDER = ("step", "Step", "GCNConv", "Add", "Multiply", "Concatenate")
HELPER_DEPENDS = {"Step": ("step",)}


@dataclass
class Emitted:
    """What one layer contributes: an optional submodule, forward statements and helpers it needs."""

    ctor: str | None = None
    lines: list[str] = field(default_factory=list)
    helpers: tuple[str, ...] = ()
    alias: str | None = None  # the layer passes its input through: its value is this variable
    uses_functional: bool = False


@dataclass
class ModelSource:
    """The generated ``model.py`` and what other exporters need to know about it."""

    code: str
    class_name: str
    graph: Graph
    inference: Inference
    attributes: dict[str, str]  # node id -> submodule attribute (layers with a submodule only)
    inputs: list[tuple[str, str, str]]  # (node id, forward argument, "x" | "graph")
    input_dtypes: list[str]  # per input: "float32" | "int64" | "graph"
    has_logits: bool  # forward takes logits=True to leave out the final softmax/sigmoid
    final_activation: str | None


def pick_graph(project: Project, name: str | None = None) -> Graph:
    """The graph to export: the named one, else a GAN project's generator, else the project's model."""
    if name is not None:
        return project.graph(name)
    for g in project.graphs:
        if g.role == "generator":
            return g
    return project.graph(None)


def _kw(**pairs: Any) -> str:
    return "".join(f", {k}={v!r}" for k, v in pairs.items())


def _emit(spec_type: str, p: dict[str, Any], shapes: list[tuple[int, ...]], attr: str, args: list[str],
          out: str, peel: bool) -> Emitted:
    """Source for one layer. ``peel``: this is the output layer and its final activation goes after ``logits``."""
    a0 = args[0] if args else "x"
    call = f"self.{attr}({', '.join(args)})"

    def with_act(expr: str) -> Emitted:
        act = p.get("activation", "linear")
        if act == "linear" or peel:
            return Emitted(lines=[f"{out} = {expr}"], helpers=("step",) if act == "step" and not peel else ())
        return Emitted(lines=[f"{out} = {_ACT_EXPR[act](expr)}"], helpers=("step",) if act == "step" else (),
                       uses_functional=act in ("leaky_relu", "elu", "gelu"))

    t = spec_type
    if t in ALIAS_TYPES:
        return Emitted(alias=a0)
    if t == "Dense":
        e = with_act(call)
        e.ctor = f"nn.Linear({shapes[0][-1]}, {p['units']}" + ("" if p["use_bias"] else ", bias=False") + ")"
        return e
    if t in ("Conv1d", "Conv2d"):
        cls = "nn.Conv1d" if t == "Conv1d" else "nn.Conv2d"
        k, st = p["kernel_size"], p["strides"]
        extra = ""
        if st != 1:
            extra += f", stride={st}"
        if p["padding"] == "same" and st == 1:
            extra += ', padding="same"'
        elif p["padding"] == "same":
            extra += f", padding={(k - 1) // 2}"
        if not p["use_bias"]:
            extra += ", bias=False"
        e = with_act(call)
        e.ctor = f"{cls}({shapes[0][0]}, {p['filters']}, kernel_size={k}{extra})"
        return e
    if t == "ConvTranspose2d":
        extra = f", stride={p['strides']}, padding={p['padding']}"
        if p["output_padding"]:
            extra += f", output_padding={p['output_padding']}"
        if not p["use_bias"]:
            extra += ", bias=False"
        e = with_act(call)
        e.ctor = f"nn.ConvTranspose2d({shapes[0][0]}, {p['filters']}, kernel_size={p['kernel_size']}{extra})"
        return e
    if t == "Flatten":
        return Emitted(ctor="nn.Flatten()", lines=[f"{out} = {call}"])
    if t == "Reshape":
        dims = ", ".join(str(int(d)) for d in p["shape"])
        return Emitted(lines=[f"{out} = {a0}.reshape({a0}.shape[0], {dims})"])
    if t == "Permute":
        dims = ", ".join(str(int(d)) for d in p["dims"])
        return Emitted(lines=[f"{out} = {a0}.permute(0, {dims})"])
    if t == "Dropout":
        return Emitted(ctor=f"nn.Dropout({p['rate']!r})", lines=[f"{out} = {call}"])
    if t in ("BatchNorm1d", "BatchNorm2d"):
        extra = ""
        if p["epsilon"] != 1e-5:
            extra += f", eps={p['epsilon']!r}"
        if p["momentum"] != 0.1:
            extra += f", momentum={p['momentum']!r}"
        return Emitted(ctor=f"nn.{t}({shapes[0][0]}{extra})", lines=[f"{out} = {call}"])
    if t == "LayerNorm":
        extra = f", eps={p['epsilon']!r}" if p["epsilon"] != 1e-5 else ""
        return Emitted(ctor=f"nn.LayerNorm({shapes[0][-1]}{extra})", lines=[f"{out} = {call}"])
    if t == "Embedding":
        return Emitted(ctor=f"nn.Embedding({p['input_dim']}, {p['output_dim']})", lines=[f"{out} = {call}"])
    if t in ("MaxPool1d", "MaxPool2d", "AvgPool2d"):
        k = p["pool_size"]
        stride = p["strides"] or k
        extra = f", stride={stride}" if stride != k else ""
        return Emitted(ctor=f"nn.{t}({k}{extra})", lines=[f"{out} = {call}"])
    if t == "GlobalAvgPool":
        return Emitted(lines=[f"{out} = {a0}.flatten(2).mean(dim=2)"])
    if t == "Upsample":
        mode = p["mode"]
        if mode == "linear" and len(shapes[0]) == 3:
            mode = "bilinear"
        extra = ", align_corners=False" if mode != "nearest" else ""
        return Emitted(ctor=f'nn.Upsample(scale_factor={p["scale_factor"]}, mode="{mode}"{extra})',
                       lines=[f"{out} = {call}"])
    if t in ("SimpleRNN", "LSTM", "GRU"):
        cls = {"SimpleRNN": "nn.RNN", "LSTM": "nn.LSTM", "GRU": "nn.GRU"}[t]
        units, layers = p["units"], p["num_layers"]
        extra = ""
        if layers != 1:
            extra += f", num_layers={layers}"
            if p["dropout"]:
                extra += f", dropout={p['dropout']!r}"
        if p["bidirectional"]:
            extra += ", bidirectional=True"
        lines = [f"{out}, _ = {call}"]
        if not p["return_sequences"]:
            if p["bidirectional"]:
                lines.append(f"{out} = torch.cat([{out}[:, -1, :{units}], {out}[:, 0, {units}:]], dim=1)"
                             "  # forward ends last, backward first")
            else:
                lines.append(f"{out} = {out}[:, -1]  # the last time step")
        return Emitted(ctor=f"{cls}({shapes[0][-1]}, {units}, batch_first=True{extra})", lines=lines)
    if t == "GCNConv":
        e = with_act(call)
        e.ctor = f"GCNConv({shapes[0][0]}, {p['units']}" + ("" if p["use_bias"] else ", bias=False") + ")"
        e.helpers = (*e.helpers, "GCNConv")
        return e
    if t in ("Add", "Multiply"):
        return Emitted(ctor=f"{t}()", lines=[f"{out} = {call}"], helpers=(t,))
    if t == "Concatenate":
        return Emitted(ctor=f"Concatenate(axis={p['axis']})", lines=[f"{out} = {call}"], helpers=("Concatenate",))
    # activation layers
    if t == "Step":
        return Emitted(ctor="Step()", lines=[f"{out} = {call}"], helpers=("Step",))
    simple = {"ReLU": "nn.ReLU()", "GELU": "nn.GELU()", "Sigmoid": "nn.Sigmoid()", "Tanh": "nn.Tanh()"}
    if t in simple:
        return Emitted(ctor=simple[t], lines=[f"{out} = {call}"])
    if t == "LeakyReLU":
        extra = "" if p["negative_slope"] == 0.01 else repr(p["negative_slope"])
        return Emitted(ctor=f"nn.LeakyReLU({extra})", lines=[f"{out} = {call}"])
    if t == "ELU":
        extra = "" if p["alpha"] == 1.0 else repr(p["alpha"])
        return Emitted(ctor=f"nn.ELU({extra})", lines=[f"{out} = {call}"])
    if t in ("Softmax", "LogSoftmax"):
        axis = p["axis"]
        dim = axis if axis < 0 else axis + 1
        return Emitted(ctor=f"nn.{t}(dim={dim})", lines=[f"{out} = {call}"])
    raise KeyError(t)


def _final_activation(graph: Graph, inf: Inference) -> tuple[str | None, str | None]:
    """(node id whose final activation can be left out for training, that activation)."""
    if len(inf.outputs) != 1:
        return None, None
    nid = inf.outputs[0]
    node = graph.node(nid)
    while node.type == "Output":
        ins = graph.incoming(node.id)
        if len(ins) != 1:
            return None, None
        node = graph.node(ins[0].source)
    info = inf.nodes[node.id]
    spec = info.spec
    if spec is None:
        return None, None
    table = {"Softmax": "softmax", "LogSoftmax": "log_softmax", "Sigmoid": "sigmoid"}
    if spec.type in table:
        if spec.type != "Sigmoid":
            axis = info.params["axis"]
            dim = axis if axis < 0 else axis + 1
            if dim not in (-1, 1) and not (len(info.output_shape or ()) == 1 and dim == 1):
                return None, None
        return node.id, table[spec.type]
    act = info.params.get("activation")
    if act in PEELABLE:
        return node.id, act
    return None, None


def _reaching(g: Graph, outputs: list[str]) -> set[str]:
    """Nodes whose value reaches an output (the others cannot change the result)."""
    back: dict[str, list[str]] = {}
    for e in g.edges:
        back.setdefault(e.target, []).append(e.source)
    seen: set[str] = set()
    stack = list(outputs)
    while stack:
        cur = stack.pop()
        if cur not in seen:
            seen.add(cur)
            stack.extend(back.get(cur, ()))
    return seen


def model_source(project: Project, graph: str | Graph | None = None, *, source_name: str = "") -> ModelSource:
    """The ``model.py`` text for a graph of ``project``; ExportError naming the problem when it cannot be made."""
    g = graph if isinstance(graph, Graph) else pick_graph(project, graph)
    inf = infer(g)  # the network alone: a loss that does not fit it stops train.py, not model.py
    if not inf.ok:
        errs = inf.errors()
        listed = " ".join(p.message for p in errs[:3])
        more = f" (and {len(errs) - 3} more)" if len(errs) > 3 else ""
        raise ExportError(f"The graph '{safe_text(g.name)}' cannot be exported yet: {listed}{more}")
    by_id = {n.id: n for n in g.nodes}
    edges_in: dict[str, list] = {}
    consumers: dict[str, int] = {}
    for e in g.edges:
        edges_in.setdefault(e.target, []).append(e)
        consumers[e.source] = consumers.get(e.source, 0) + 1
    order = [nid for nid in inf.order if inf.nodes[nid].spec is not None]

    namer = Namer()
    class_name = camel(g.name if g.role == "generator" or len(project.graphs) > 1 else project.name)
    namer.reserve(class_name)
    for helper in HELPERS:
        namer.reserve(helper)

    # forward arguments
    feature_inputs = [nid for nid in inf.inputs if inf.nodes[nid].spec.type != "GraphInput"]  # type: ignore[union-attr]
    graph_inputs = [nid for nid in inf.inputs if nid not in feature_inputs]
    body = [nid for nid in order if not inf.nodes[nid].spec.is_source]  # type: ignore[union-attr]
    var: dict[str, str] = {}
    useful = _reaching(g, inf.outputs)
    stmts = [nid for nid in body if nid in useful]  # the nodes forward computes, in order

    def tensor_inputs(nid: str) -> list[Any]:
        spec = inf.nodes[nid].spec
        assert spec is not None
        return [e for port in spec.inputs if port.kind == "tensor" for e in edges_in.get(nid, ())
                if e.target_port == port.name]

    def chains(nid: str) -> bool:
        """Whether nid's value can live in ``x``: the last statement of a one-output network, or a value used
        once, by the very next statement, as its only tensor."""
        if nid not in useful:
            return False
        position = stmts.index(nid)
        if position == len(stmts) - 1:
            return len(inf.outputs) == 1
        if consumers.get(nid, 0) != 1 or nid in inf.outputs:
            return False
        nxt = stmts[position + 1] if position + 1 < len(stmts) else None
        if nxt is None or inf.nodes[nxt].spec.type in ALIAS_TYPES:  # type: ignore[union-attr]
            return False
        ins = tensor_inputs(nxt)
        return len(ins) == 1 and ins[0].source == nid

    inputs: list[tuple[str, str, str]] = []
    dtypes: list[str] = []
    for nid in feature_inputs:
        if len(feature_inputs) == 1:
            first = stmts[0] if stmts else None
            ins = tensor_inputs(first) if first else []
            name = "x" if consumers.get(nid, 0) == 1 and len(ins) == 1 and ins[0].source == nid else "inputs"
        else:
            name = namer.take(by_id[nid].display_name, by_id[nid].type)
        var[nid] = name
        inputs.append((nid, name, "x"))
        dtypes.append("int64" if inf.nodes[nid].params.get("dtype") == "int64" else "float32")
    for i, nid in enumerate(graph_inputs):
        name = "adjacency" if i == 0 else namer.take(by_id[nid].display_name, "adjacency")
        var[nid] = name
        inputs.append((nid, name, "graph"))
        dtypes.append("graph")
    ordered_inputs = sorted(inputs, key=lambda t: inf.inputs.index(t[0]))
    dtypes = [dtypes[inputs.index(t)] for t in ordered_inputs]
    inputs = ordered_inputs

    peel_node, final_act = _final_activation(g, inf)
    attributes: dict[str, str] = {}
    init_lines: list[str] = []
    forward_lines: list[str] = []
    helpers: set[str] = set()
    functional = False
    frozen: list[str] = []
    peel_value = peel_call = ""
    for nid in body:
        node, info = by_id[nid], inf.nodes[nid]
        spec = info.spec
        assert spec is not None and info.input_shapes is not None
        args = [var[e.source] for port in spec.inputs for e in edges_in.get(nid, ()) if e.target_port == port.name]
        attr = namer.take(node.display_name, node.type)
        out = "x" if chains(nid) else attr
        try:
            em = _emit(spec.type, info.params, info.input_shapes, attr, args, out, peel=nid == peel_node)
        except KeyError:
            raise ExportError(f"The layer '{safe_text(node.display_name)}' ({spec.title}) cannot be written as "
                              "PyTorch code yet.") from None
        if em.alias is not None:
            var[nid] = em.alias
            continue
        var[nid] = out
        if em.ctor is not None:
            attributes[nid] = attr
            if nid in useful:
                init_lines.append(f"self.{attr} = {em.ctor}")
            else:
                init_lines.append(f"self.{attr} = {em.ctor}  # not connected to the output")
            if not node.trainable:
                frozen.append(attr)
        helpers.update(em.helpers)
        functional = functional or em.uses_functional
        if nid not in useful:
            continue
        if nid == peel_node and spec.type in ("Softmax", "LogSoftmax", "Sigmoid"):
            peel_value, peel_call = args[0], f"self.{attr}({args[0]})"
            continue
        forward_lines.extend(em.lines)
        if nid == peel_node:
            peel_value = out
            peel_call = _ACT_EXPR[final_act](out)  # type: ignore[index]

    outs = [var[o] for o in inf.outputs]
    has_logits = peel_node is not None
    if has_logits:
        forward_lines += ["if logits:", f"    return {peel_value}", f"return {peel_call}"]
    else:
        forward_lines.append(f"return {outs[0]}" if len(outs) == 1 else f"return {', '.join(outs)}")
    for attr in frozen:
        init_lines.append(f"self.{attr}.requires_grad_(False)  # frozen on the canvas")
    if not init_lines:
        init_lines.append("pass")

    needed: set[str] = set()
    for h in helpers:
        needed.add(h)
        needed.update(HELPER_DEPENDS.get(h, ()))

    code = _render(project, g, inf, class_name, inputs, dtypes, init_lines, forward_lines, needed, functional,
                   has_logits, final_act, source_name)
    return ModelSource(code=code, class_name=class_name, graph=g, inference=inf, attributes=attributes,
                       inputs=inputs, input_dtypes=dtypes, has_logits=has_logits, final_activation=final_act)


def _render(project: Project, g: Graph, inf: Inference, class_name: str, inputs: list[tuple[str, str, str]],
            dtypes: list[str], init_lines: list[str], forward_lines: list[str], helpers: set[str],
            functional: bool, has_logits: bool, final_act: str | None, source_name: str) -> str:
    title = safe_text(project.name)
    where = f" ({safe_text(source_name)})" if source_name else ""
    in_desc = []
    for (nid, name, kind), dt in zip(inputs, dtypes, strict=True):
        if kind == "graph":
            in_desc.append("the normalised adjacency (nodes x nodes)")
        elif inf.nodes[nid].spec is not None and inf.nodes[nid].spec.type == "Label":  # type: ignore[union-attr]
            classes = (inf.nodes[nid].output_shape or (0,))[0]
            in_desc.append(f"{name}, the class as {classes} one-hot values")
        else:
            shape = inf.nodes[nid].output_shape or ()
            in_desc.append(fmt_shape(shape) + (" token ids" if dt == "int64" else ""))
    out_desc = [fmt_shape(inf.nodes[o].output_shape or ()) for o in inf.outputs]
    lines = [
        f'"""{title}{where}: the network drawn in nnbuilder, as plain PyTorch.',
        "",
        "Needs only torch (and safetensors to load saved weights). Typical use:",
        "",
        f"    from model import {class_name}",
        "    from safetensors.torch import load_file",
        f"    model = {class_name}()",
        '    model.load_state_dict(load_file("weights.safetensors"))',
        "    model.eval()",
        *_label_use(inf, inputs),
        '"""',
        "",
        "import torch",
    ]
    if functional:
        lines.append("import torch.nn.functional as F")
    lines.append("from torch import nn")
    lines.append("")
    for h in HELPER_ORDER:
        if h in helpers:
            lines.append(HELPERS[h].rstrip("\n"))
            lines.append("")
    lines.append("")
    lines.append(f"class {class_name}(nn.Module):")
    per = "node" if any(kind == "graph" for _n, _v, kind in inputs) else "sample"
    doc = f"Input: {'; '.join(in_desc)}. Output: {', '.join(out_desc)} per {per}."
    if has_logits:
        lines.append(f'    """{doc}')
        lines.append("")
        lines.append(f"    forward(..., logits=True) leaves out the final {final_act}, for losses computed from")
        lines.append("    logits (exact, and what the training scripts use).")
        lines.append('    """')
    else:
        lines.append(f'    """{doc}"""')
    lines.append("")
    lines.append("    def __init__(self) -> None:")
    lines.append("        super().__init__()")
    lines.extend("        " + ln for ln in init_lines)
    lines.append("")
    args = ", ".join(f"{name}: torch.Tensor" for _nid, name, _k in inputs)
    if has_logits:
        args += ", logits: bool = False"
    ret = "torch.Tensor" if len(inf.outputs) == 1 else "tuple[torch.Tensor, ...]"
    lines.append(f"    def forward(self, {args}) -> {ret}:")
    lines.extend("        " + ln for ln in forward_lines)
    lines.append("")
    lines.append(_MAIN.format(class_name=class_name, example=_example_inputs(inf, inputs, dtypes)).rstrip("\n"))
    return "\n".join(lines) + "\n"


def _label_use(inf: Inference, inputs: list[tuple[str, str, str]]) -> list[str]:
    """Docstring lines showing how a conditional GAN's network is called with a class (none for others)."""
    labels = [(nid, name) for nid, name, _kind in inputs
              if inf.nodes[nid].spec is not None and inf.nodes[nid].spec.type == "Label"]  # type: ignore[union-attr]
    if not labels:
        return []
    nid, name = labels[0]
    classes = int((inf.nodes[nid].output_shape or (2,))[0])
    args = []
    for other, _other_name, _kind in inputs:
        if other == nid:
            args.append(name)
        else:
            shape = ", ".join(str(d) for d in (inf.nodes[other].output_shape or ()))
            args.append(f"torch.randn(1, {shape})" if shape else "torch.randn(1)")
    return [
        "",
        f"The class goes in as {classes} one-hot values (the data set's class number 3, for example):",
        "",
        f"    {name} = torch.nn.functional.one_hot(torch.tensor([3]), {classes}).float()",
        f"    out = model({', '.join(args)})",
    ]


def _example_inputs(inf: Inference, inputs: list[tuple[str, str, str]], dtypes: list[str]) -> str:
    parts = []
    for (nid, _name, kind), dt in zip(inputs, dtypes, strict=True):
        if kind == "graph":
            parts.append("torch.eye(4)")
            continue
        shape = inf.nodes[nid].output_shape or ()
        batch = "4" if not any(i[2] == "graph" for i in inputs) else "4"
        dims = ", ".join([batch, *(str(d) for d in shape)])
        if inf.nodes[nid].spec is not None and inf.nodes[nid].spec.type == "Label":  # type: ignore[union-attr]
            classes = int(shape[0]) if shape else 2
            # classes 0, 1, 2, 3 as one-hot rows: what a conditional GAN's network is given
            parts.append(f"torch.nn.functional.one_hot(torch.arange(4) % {classes}, {classes}).float()")
            continue
        if dt == "int64":
            high = 2
            for n in inf.nodes.values():
                if n.spec is not None and n.spec.type == "Embedding":
                    high = n.params["input_dim"]
            parts.append(f"torch.randint(0, {high}, ({dims},))")
        else:
            parts.append(f"torch.randn({dims})")
    return ", ".join(parts)


_MAIN = '''
if __name__ == "__main__":
    # A quick check: build the model (with the exported weights when they are next to this file) and run it.
    from pathlib import Path

    model = {class_name}()
    weights = Path(__file__).with_name("weights.safetensors")
    if weights.exists():
        from safetensors.torch import load_file

        model.load_state_dict(load_file(str(weights)))
    model.eval()
    with torch.no_grad():
        out = model({example})
    shapes = tuple(out.shape) if isinstance(out, torch.Tensor) else [tuple(o.shape) for o in out]
    print(type(model).__name__, "->", shapes)
'''

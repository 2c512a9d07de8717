"""Shape inference and problems for a graph, without building any torch module.

The result is the single source the canvas (node colours, shapes, counts), the problems panel,
the summary and the compiler read. It is pure Python and fast (a 300-node graph in a few ms),
so the app can re-run it on every edit.
"""

from __future__ import annotations

import functools
import os
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from ..layers import LayerSpec, PortSpec, Shape, ShapeError, fmt_shape, get_spec
from ..project.model import Edge, Graph, TrainingConfig

ERROR, WARNING, INFO = "error", "warning", "info"

CE_LOSSES = ("sparse_categorical_crossentropy", "categorical_crossentropy")

#: Layers that pass whole-number token ids through unchanged; every other layer but Embedding needs floats.
_ID_PASS_THROUGH = frozenset({"Flatten", "Reshape", "Permute", "Identity", "Output"})

# Sizes: a warning when a laptop is unlikely to cope, an error when the computer cannot hold it at all.
BYTES_PER_VALUE = 4  # float32
WARN_PARAMS = 250_000_000  # 1 GB of weights; training needs about four times that (gradients, Adam state)
WARN_BATCH_BYTES = 2 * 1024**3  # one layer's output for a whole batch


@functools.cache
def memory_bytes() -> int:
    """Physical memory of this computer (64 GB when the system does not say)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, OSError, ValueError):
        return 64 * 1024**3


def _fmt_bytes(n: float) -> str:
    if n >= 1024**6:
        return "more than an exabyte"
    for unit in ("bytes", "KB", "MB", "GB", "TB", "PB"):
        if n < 1024 or unit == "PB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n:,.1f} PB"


def _fmt_count(n: int) -> str:
    return f"{n:,}" if n < 10**15 else f"about 10^{len(str(n)) - 1}"


@dataclass(frozen=True)
class Problem:
    severity: str  # error | warning | info
    message: str
    node: str | None = None
    edge: Edge | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


@dataclass
class NodeInfo:
    id: str
    spec: LayerSpec | None
    params: dict[str, Any]
    input_shapes: list[Shape] | None = None
    output_shape: Shape | None = None
    param_count: int = 0
    trainable: bool = True
    problems: list[Problem] = field(default_factory=list)
    dtype: str = "float32"  # what the node's output holds: float32 values or int64 token ids
    ids_from: str | None = None  # for int64 output: the Input node the ids come from

    @property
    def severity(self) -> str | None:
        """The worst problem on this node (error > warning > info), None when clean."""
        sev = {p.severity for p in self.problems}
        for s in (ERROR, WARNING, INFO):
            if s in sev:
                return s
        return None


@dataclass
class Inference:
    nodes: dict[str, NodeInfo]
    order: list[str]
    inputs: list[str]
    outputs: list[str]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)

    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def total_params(self) -> int:
        return sum(n.param_count for n in self.nodes.values())

    @property
    def trainable_params(self) -> int:
        return sum(n.param_count for n in self.nodes.values() if n.trainable)

    def output_activation(self) -> str | None:
        """'softmax', 'log_softmax', 'sigmoid' or 'step' when the (single) output ends in one."""
        if len(self.outputs) != 1:
            return None
        return _final_activation(self, self.outputs[0])


def _final_activation(inf: Inference, node_id: str, graph: Graph | None = None) -> str | None:
    info = inf.nodes[node_id]
    spec = info.spec
    if spec is None:
        return None
    table = {"Softmax": "softmax", "LogSoftmax": "log_softmax", "Sigmoid": "sigmoid", "Step": "step"}
    if spec.type in table:
        return table[spec.type]
    act = info.params.get("activation")
    if act in ("softmax", "log_softmax", "sigmoid", "step"):
        return act
    return None


def infer(graph: Graph, training: TrainingConfig | None = None) -> Inference:
    """Shapes, parameter counts and problems for every node of ``graph``.

    ``training`` adds checks that depend on the loss (e.g. a Softmax output with cross-entropy).
    """
    problems: list[Problem] = []
    infos: dict[str, NodeInfo] = {}
    by_id = {n.id: n for n in graph.nodes}
    for n in graph.nodes:
        try:
            spec = get_spec(n.type)
        except KeyError:
            infos[n.id] = NodeInfo(n.id, None, dict(n.params), trainable=n.trainable)
            _add(infos[n.id], problems, ERROR, f"{n.display_name} has unknown layer type {n.type!r}.")
            continue
        params = spec.resolved_params(n.params)
        info = NodeInfo(n.id, spec, params, trainable=n.trainable)
        infos[n.id] = info
        for p in spec.params:
            try:
                params[p.name] = p.coerce(params[p.name])
            except ValueError as exc:
                _add(info, problems, ERROR, f"{n.display_name}: {p.label.lower()} {exc}.")

    # -- edges: ports exist, kinds match, single-input ports get one edge -------------------
    into: dict[tuple[str, str], list[Edge]] = {}
    out_edges: dict[str, list[Edge]] = {n.id: [] for n in graph.nodes}
    valid_edges: list[Edge] = []
    ports: dict[tuple[str, str, bool], PortSpec | None] = {}

    def port(spec: LayerSpec, name: str, out: bool) -> PortSpec | None:
        key = (spec.type, name, out)
        if key not in ports:
            ports[key] = spec.output_port(name) if out else spec.input_port(name)
        return ports[key]

    for e in graph.edges:
        if e.source not in infos or e.target not in infos:
            problems.append(Problem(ERROR, f"A connection points to a missing node ({e.source} → {e.target}).",
                                    edge=e))
            continue
        s_spec, t_spec = infos[e.source].spec, infos[e.target].spec
        if s_spec is None or t_spec is None:
            continue
        refusal = graph.check_connect(e, in_graph=True, nodes=by_id)  # ports exist, kinds match: the model's own rules
        if refusal is not None:
            p = Problem(ERROR, refusal.message, node=e.target, edge=e)
            problems.append(p)
            infos[e.target].problems.append(p)
            continue
        into.setdefault((e.target, e.target_port), []).append(e)
        out_edges[e.source].append(e)
        valid_edges.append(e)

    for (tid, port), edges in into.items():
        spec = infos[tid].spec
        assert spec is not None
        pspec = spec.input_port(port)
        if pspec is not None and not pspec.multiple and len(edges) > 1:
            names = ", ".join(by_id[e.source].display_name for e in edges)
            _add(infos[tid], problems, ERROR,
                 f"{by_id[tid].display_name} has {len(edges)} connections into '{port}' ({names}) but takes "
                 "one — merge them first with Add or Concatenate.")

    # -- cycles (Kahn) -----------------------------------------------------------------------
    indeg = {nid: 0 for nid in infos}
    for e in valid_edges:
        indeg[e.target] += 1
    queue = deque(nid for nid in infos if indeg[nid] == 0)
    order: list[str] = []
    while queue:
        nid = queue.popleft()
        order.append(nid)
        for e in out_edges[nid]:
            indeg[e.target] -= 1
            if indeg[e.target] == 0:
                queue.append(e.target)
    ordered = set(order)
    in_cycle_list = [nid for nid in infos if nid not in ordered]
    in_cycle = set(in_cycle_list)
    for nid in in_cycle_list:
        _add(infos[nid], problems, ERROR,
             f"{by_id[nid].display_name} is part of a cycle; data must flow one way from Input to output.")

    # -- inputs, outputs, reachability ----------------------------------------------------------
    inputs = [n.id for n in graph.nodes if infos[n.id].spec is not None and infos[n.id].spec.is_source]
    if not graph.nodes:
        problems.append(Problem(ERROR, "The network is empty: drag an Input and some layers onto the canvas."))
    elif not any(infos[i].spec.type in ("Input", "Noise") for i in inputs):  # type: ignore[union-attr]
        problems.append(Problem(ERROR, "The network has no Input layer: add one and connect it to the first layer."))
    explicit_outputs = [n.id for n in graph.nodes if infos[n.id].spec is not None
                        and infos[n.id].spec.type == "Output"]
    if explicit_outputs:
        outputs = explicit_outputs
    else:
        outputs = [n.id for n in graph.nodes if not out_edges[n.id] and infos[n.id].spec is not None
                   and not infos[n.id].spec.is_source and n.id not in in_cycle]
    reach_from_input = _reach(inputs, {k: [e.target for e in v] for k, v in out_edges.items()})
    back: dict[str, list[str]] = {nid: [] for nid in infos}
    for e in valid_edges:
        back[e.target].append(e.source)
    reach_to_output = _reach(outputs, back)
    source_types = {infos[i].spec.type for i in inputs}  # type: ignore[union-attr]
    start = "the Noise layer" if "Noise" in source_types and "Input" not in source_types else "an Input"
    for n in graph.nodes:
        info = infos[n.id]
        if info.spec is None or n.id in in_cycle:
            continue
        if info.spec.is_source:
            if not out_edges[n.id]:
                _add(info, problems, WARNING, f"{n.display_name} is not connected to any layer.")
            continue
        if n.id not in reach_from_input:
            _add(info, problems, ERROR, f"{n.display_name} gets no data: connect it (through other layers) to {start}.")
        elif n.id not in reach_to_output:
            _add(info, problems, WARNING,
                 f"{n.display_name} is not connected to the output, so it does not affect the result.")
    if not explicit_outputs and len(outputs) > 1:
        names = ", ".join(by_id[o].display_name for o in outputs)
        for o in outputs:
            _add(infos[o], problems, WARNING,
                 f"The network has {len(outputs)} ends ({names}), so each becomes an output. Connect the loose "
                 "ends, delete them, or add Output nodes to choose.")

    # -- shapes, in topological order ---------------------------------------------------------
    too_big = False
    for nid in order:
        info = infos[nid]
        spec = info.spec
        if spec is None or any(p.is_error for p in info.problems):
            continue
        name = by_id[nid].display_name
        shapes: list[Shape] = []
        missing_upstream = False
        id_sources: list[NodeInfo] = []
        float_sources: list[NodeInfo] = []
        for in_port in spec.inputs:
            edges = into.get((nid, in_port.name), [])
            if not edges:
                if nid in reach_from_input:
                    what = "a graph" if in_port.kind == "graph" else "an input"
                    _add(info, problems, ERROR, f"{name} needs {what} on its '{in_port.name}' port.")
                missing_upstream = True
                continue
            if in_port.multiple and len(edges) < spec.min_inputs:
                _add(info, problems, ERROR, f"{name} needs at least {spec.min_inputs} inputs but has {len(edges)}.")
                missing_upstream = True
                continue
            for e in edges:
                upinfo = infos[e.source]
                up = upinfo.output_shape
                if up is None:
                    missing_upstream = True
                else:
                    shapes.append(up)
                    if in_port.kind != "graph":
                        (id_sources if upinfo.dtype == "int64" else float_sources).append(upinfo)
        if missing_upstream:
            continue
        if spec.is_source:
            if spec.type == "Input" and info.params.get("dtype") == "int64":
                info.dtype, info.ids_from = "int64", nid
        elif not _dtype_ok(info, spec, name, id_sources, float_sources, by_id, problems):
            continue
        info.input_shapes = shapes
        try:
            out = spec.infer(shapes, info.params)
            info.output_shape = out[0] if out else shapes[0] if shapes else None
            info.param_count = spec.count_params(shapes, info.params)
        except ShapeError as exc:
            msg = f"{name}: {exc}"
            _add(info, problems, ERROR, msg)
            continue
        for w in spec.warnings(shapes, info.params):
            _add(info, problems, WARNING, f"{name}: {w}")
        too_big = _size_checks(info, name, problems, training) or too_big

    total = sum(i.param_count for i in infos.values())
    if too_big:
        pass  # the layers at fault are named already
    elif total * BYTES_PER_VALUE > memory_bytes():
        problems.append(Problem(ERROR, f"The network has {_fmt_count(total)} parameters, which need "
                                f"{_fmt_bytes(total * BYTES_PER_VALUE)} of memory; this computer has "
                                f"{_fmt_bytes(memory_bytes())}, so it cannot be built. Use fewer or smaller layers."))
    elif total > WARN_PARAMS:
        problems.append(Problem(WARNING, f"The network has {_fmt_count(total)} parameters "
                                f"({_fmt_bytes(total * BYTES_PER_VALUE)}); training needs about four times that "
                                "in memory, more than most laptops have."))

    inf = Inference(infos, order, inputs, outputs, problems)
    if training is not None:
        _loss_checks(inf, graph, training)
    return inf


def _dtype_ok(info: NodeInfo, spec: LayerSpec, name: str, id_sources: list[NodeInfo],
              float_sources: list[NodeInfo], by_id: dict[str, Any], problems: list[Problem]) -> bool:
    """Token ids (an int64 Input) only go into an Embedding, and an Embedding only takes token ids."""
    if spec.type == "Embedding":
        if float_sources:
            src = float_sources[0]
            _add(info, problems, ERROR,
                 f"{name} looks up token ids, but {by_id[src.id].display_name} sends float32 values — set the "
                 "Input's dtype to int64 (whole-number ids) or remove the Embedding.")
            return False
        return True
    if not id_sources:
        return True
    src = id_sources[0]
    origin = by_id[src.ids_from or src.id].display_name
    if spec.type in _ID_PASS_THROUGH and not float_sources:
        info.dtype, info.ids_from = "int64", src.ids_from
        return True
    _add(info, problems, ERROR,
         f"{name} gets whole-number token ids (int64) from {origin}, but only an Embedding can take them — "
         f"put an Embedding before {name}, or set {origin}'s dtype to float32.")
    return False


def _size_checks(info: NodeInfo, name: str, problems: list[Problem], training: TrainingConfig | None) -> bool:
    """One layer whose output or weights cannot fit: say so here rather than fail inside torch (True then)."""
    shape = info.output_shape
    values = 1
    for d in shape or ():
        values *= d
    per_sample = values * BYTES_PER_VALUE
    memory = memory_bytes()
    if per_sample > memory or info.param_count * BYTES_PER_VALUE > memory:
        what = (f"output holds {_fmt_count(values)} values per sample ({_fmt_bytes(per_sample)})"
                if per_sample > memory else
                f"weights hold {_fmt_count(info.param_count)} values ({_fmt_bytes(info.param_count * BYTES_PER_VALUE)})")
        _add(info, problems, ERROR, f"{name}'s {what}, more than this computer's {_fmt_bytes(memory)} of memory, "
             "so it cannot be built. Make the shape or the layer smaller.")
        return True
    batch = training.batch_size if training is not None else 32
    if per_sample * batch > WARN_BATCH_BYTES:
        _add(info, problems, WARNING, f"{name}'s output for a batch of {batch} needs {_fmt_bytes(per_sample * batch)} "
             "of memory, more than most laptops can spare; use a smaller shape or batch size.")
    return False


def _loss_checks(inf: Inference, graph: Graph, training: TrainingConfig) -> None:
    if len(inf.outputs) != 1:
        return
    out = inf.outputs[0]
    act = inf.output_activation()
    name = graph.node(out).display_name
    loss = training.loss
    if graph.role == "generator":  # its output is a sample, which no loss compares with targets
        return
    if graph.role == "discriminator":  # scored by the GAN loss, whatever the supervised loss setting says
        if training.gan.loss != "non_saturating":
            return
        loss = "binary_crossentropy"
    info = inf.nodes[out]
    if loss in CE_LOSSES and act == "softmax":
        _add(info, inf.problems, INFO,
             f"{name} ends in softmax and the loss is {loss}: the trainer takes the log of these probabilities "
             "(negative log-likelihood), so softmax is not applied twice.")
    elif loss in CE_LOSSES and act == "log_softmax":
        _add(info, inf.problems, INFO, f"{name} ends in log-softmax: the trainer uses negative log-likelihood directly.")
    elif loss in CE_LOSSES and act in ("sigmoid", "step"):
        _add(info, inf.problems, WARNING,
             f"{name} ends in {act} but the loss is {loss}; use softmax (or no activation) for several classes.")
    elif loss == "binary_crossentropy" and act == "sigmoid":
        _add(info, inf.problems, INFO, f"{name} ends in sigmoid: the trainer computes binary cross-entropy from "
             "the value before the sigmoid (the logit), which is exact and safe from log(0).")
    elif loss == "binary_crossentropy" and act == "softmax":
        _add(info, inf.problems, WARNING, f"{name} ends in softmax but the loss is binary cross-entropy; "
             "use sigmoid for a yes/no output.")
    elif loss == "perceptron" and act != "step":
        _add(info, inf.problems, WARNING, f"The perceptron rule expects {name} to end in a Step activation.")
    if info.output_shape is not None and loss in CE_LOSSES and len(info.output_shape) != 1:
        _add(info, inf.problems, ERROR, f"{name} outputs {fmt_shape(info.output_shape)} but {loss} needs one score "
             "per class — add a Flatten and a Dense with one unit per class.")


def _reach(starts: list[str], adj: dict[str, list[str]]) -> set[str]:
    seen: set[str] = set()
    stack = list(starts)
    while stack:
        cur = stack.pop()
        if cur in seen:
            continue
        seen.add(cur)
        stack.extend(adj.get(cur, ()))
    return seen


def _add(info: NodeInfo, problems: list[Problem], severity: str, message: str) -> None:
    p = Problem(severity, message, node=info.id)
    info.problems.append(p)
    problems.append(p)

"""Shape inference and problems for a graph, without building any torch module.

The result is the single source the canvas (node colours, shapes, counts), the problems panel,
the summary and the compiler read. It is pure Python and fast (a 300-node graph in a few ms),
so the app can re-run it on every edit.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from ..layers import LayerSpec, Shape, ShapeError, fmt_shape, get_spec
from ..project.model import Edge, Graph, TrainingConfig

ERROR, WARNING, INFO = "error", "warning", "info"

_CE_LOSSES = ("sparse_categorical_crossentropy", "categorical_crossentropy")


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
    for e in graph.edges:
        if e.source not in infos or e.target not in infos:
            problems.append(Problem(ERROR, f"A connection points to a missing node ({e.source} → {e.target}).",
                                    edge=e))
            continue
        s_spec, t_spec = infos[e.source].spec, infos[e.target].spec
        if s_spec is None or t_spec is None:
            continue
        refusal = graph.check_connect(e, in_graph=True)  # ports exist, kinds match: the model's own rules
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
    in_cycle = [nid for nid in infos if nid not in set(order)]
    for nid in in_cycle:
        _add(infos[nid], problems, ERROR,
             f"{by_id[nid].display_name} is part of a cycle; data must flow one way from Input to output.")

    # -- inputs, outputs, reachability ----------------------------------------------------------
    inputs = [n.id for n in graph.nodes if infos[n.id].spec is not None and infos[n.id].spec.is_source]
    if not graph.nodes:
        problems.append(Problem(ERROR, "The network is empty: drag an Input and some layers onto the canvas."))
    elif not any(infos[i].spec.type == "Input" for i in inputs):  # type: ignore[union-attr]
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
    for n in graph.nodes:
        info = infos[n.id]
        if info.spec is None or n.id in in_cycle:
            continue
        if info.spec.is_source:
            if not out_edges[n.id]:
                _add(info, problems, WARNING, f"{n.display_name} is not connected to any layer.")
            continue
        if n.id not in reach_from_input:
            _add(info, problems, ERROR, f"{n.display_name} gets no data: connect it (through other layers) to an Input.")
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
    for nid in order:
        info = infos[nid]
        spec = info.spec
        if spec is None or any(p.is_error for p in info.problems):
            continue
        name = by_id[nid].display_name
        shapes: list[Shape] = []
        missing_upstream = False
        for port in spec.inputs:
            edges = into.get((nid, port.name), [])
            if not edges:
                if nid in reach_from_input:
                    what = "a graph" if port.kind == "graph" else "an input"
                    _add(info, problems, ERROR, f"{name} needs {what} on its '{port.name}' port.")
                missing_upstream = True
                continue
            if port.multiple and len(edges) < spec.min_inputs:
                _add(info, problems, ERROR, f"{name} needs at least {spec.min_inputs} inputs but has {len(edges)}.")
                missing_upstream = True
                continue
            for e in edges:
                up = infos[e.source].output_shape
                if up is None:
                    missing_upstream = True
                else:
                    shapes.append(up)
        if missing_upstream:
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

    inf = Inference(infos, order, inputs, outputs, problems)
    if training is not None:
        _loss_checks(inf, graph, training)
    return inf


def _loss_checks(inf: Inference, graph: Graph, training: TrainingConfig) -> None:
    if len(inf.outputs) != 1:
        return
    out = inf.outputs[0]
    act = inf.output_activation()
    name = graph.node(out).display_name
    loss = training.loss
    info = inf.nodes[out]
    if loss in _CE_LOSSES and act == "softmax":
        _add(info, inf.problems, INFO,
             f"{name} ends in softmax and the loss is {loss}: the trainer takes the log of these probabilities "
             "(negative log-likelihood), so softmax is not applied twice.")
    elif loss in _CE_LOSSES and act == "log_softmax":
        _add(info, inf.problems, INFO, f"{name} ends in log-softmax: the trainer uses negative log-likelihood directly.")
    elif loss in _CE_LOSSES and act in ("sigmoid", "step"):
        _add(info, inf.problems, WARNING,
             f"{name} ends in {act} but the loss is {loss}; use softmax (or no activation) for several classes.")
    elif loss == "binary_crossentropy" and act == "sigmoid":
        _add(info, inf.problems, INFO, f"{name} ends in sigmoid: binary cross-entropy is computed on the "
             "probabilities directly.")
    elif loss == "binary_crossentropy" and act == "softmax":
        _add(info, inf.problems, WARNING, f"{name} ends in softmax but the loss is binary cross-entropy; "
             "use sigmoid for a yes/no output.")
    elif loss == "perceptron" and act != "step":
        _add(info, inf.problems, WARNING, f"The perceptron rule expects {name} to end in a Step activation.")
    if info.output_shape is not None and loss in _CE_LOSSES and len(info.output_shape) != 1:
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

"""The project document: graphs of layer nodes plus data and training settings.

Plain dataclasses with no torch and no Qt, so the file format, the CLI, the compiler and the
app's undo commands all share one model. Every mutation the app makes goes through the small
methods here (add/remove node and edge, set params) so the invariants live in one place.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import ProjectError

FORMAT_NAME = "nnbuilder-project"
FORMAT_VERSION = 3  # 2: per-graph optimizers, optimizer betas, GAN settings, Noise layers; 3: shuffle, scaling

# \Z, not $: "$" also matches before a final newline, which would let the id "hidden1\n" through.
_ID_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*\Z")


def valid_id(node_id: str) -> bool:
    """Letters, digits, _ and - with a letter or _ first (ids appear in code and JSON paths)."""
    return isinstance(node_id, str) and _ID_RE.match(node_id) is not None


@dataclass
class Node:
    id: str
    type: str
    params: dict[str, Any] = field(default_factory=dict)
    position: tuple[float, float] = (0.0, 0.0)
    label: str = ""
    trainable: bool = True

    @property
    def display_name(self) -> str:
        return self.label or self.id

    def copy(self) -> Node:
        return Node(self.id, self.type, copy.deepcopy(self.params), tuple(self.position), self.label, self.trainable)


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    source_port: str = "out"
    target_port: str = "in"

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.source, self.source_port, self.target, self.target_port)


@dataclass(frozen=True)
class ConnectRefusal:
    """Why a connection is not allowed: ``field`` is the wrong end ("source", "target", "source_port",
    "target_port") or None for a rule about the pair, ``message`` the sentence shown to the student."""

    field: str | None
    message: str


@dataclass
class Graph:
    name: str = "model"
    role: str = "model"  # model | generator | discriminator
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    optimizer: OptimizerConfig | None = None  # this graph's own optimizer (a GAN's G and D); None: the project's

    # -- queries -------------------------------------------------------------
    def node(self, node_id: str) -> Node:
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(node_id)

    def has_node(self, node_id: str) -> bool:
        return any(n.id == node_id for n in self.nodes)

    def node_index(self, node_id: str) -> int:
        for i, n in enumerate(self.nodes):
            if n.id == node_id:
                return i
        raise KeyError(node_id)

    def incoming(self, node_id: str) -> list[Edge]:
        return [e for e in self.edges if e.target == node_id]

    def outgoing(self, node_id: str) -> list[Edge]:
        return [e for e in self.edges if e.source == node_id]

    def new_id(self, base: str) -> str:
        """A fresh node id such as ``dense_3`` derived from a type or label."""
        stem = re.sub(r"[^A-Za-z0-9_]", "_", base).strip("_").lower() or "node"
        if not stem[0].isalpha():
            stem = "n_" + stem
        used = {n.id for n in self.nodes}
        i = 1
        while f"{stem}_{i}" in used:
            i += 1
        return f"{stem}_{i}"

    def would_create_cycle(self, source: str, target: str) -> bool:
        """True when an edge source -> target closes a loop (target already reaches source)."""
        if source == target:
            return True
        adj: dict[str, list[str]] = {}
        for e in self.edges:
            adj.setdefault(e.source, []).append(e.target)
        stack, seen = [target], set()
        while stack:
            cur = stack.pop()
            if cur == source:
                return True
            if cur in seen:
                continue
            seen.add(cur)
            stack.extend(adj.get(cur, ()))
        return False

    def check_connect(self, edge: Edge, *, in_graph: bool = False,
                      nodes: Mapping[str, Node] | None = None) -> ConnectRefusal | None:
        """Why ``edge`` cannot join this graph, as a sentence naming both layers, or None when it can.

        The one place the connection rules live: the editor asks before drawing a wire, inference asks about
        every wire of a loaded graph (``in_graph=True``: the edge is already there, so being present, and
        a single-input port's other wires, are inference's own checks), and the file reader asks about
        every edge it reads. ``field`` says which end is wrong, so the reader can name the JSON field.
        """
        from ..layers import get_spec  # layer types resolve through the catalog (no torch at import)

        if nodes is None:  # callers checking every wire of a graph pass an id -> node map, so the check stays O(1)
            nodes = {n.id: n for n in self.nodes if n.id in (edge.source, edge.target)}
        for end, nid in (("source", edge.source), ("target", edge.target)):
            if nid not in nodes:
                return ConnectRefusal(end, f"The connection {edge.source} → {edge.target} points to {nid!r}, "
                                           "which does not exist.")
        s_node, t_node = nodes[edge.source], nodes[edge.target]
        s_name, t_name = s_node.display_name, t_node.display_name
        try:
            s_spec, t_spec = get_spec(s_node.type), get_spec(t_node.type)
        except Exception:  # noqa: BLE001 - an unknown type is reported on the node itself
            return None
        sp, tp = s_spec.output_port(edge.source_port), t_spec.input_port(edge.target_port)
        if sp is None:
            return ConnectRefusal("source_port", f"{s_name} ({s_spec.title}) has no output port {edge.source_port!r}.")
        if tp is None:
            return ConnectRefusal("target_port", f"{t_name} ({t_spec.title}) has no input port {edge.target_port!r}.")
        if edge.source == edge.target:
            return ConnectRefusal(None, f"{s_name} cannot be connected to itself.")
        if sp.kind != tp.kind:
            if tp.kind == "graph":
                return ConnectRefusal(None, f"{t_name}'s '{tp.name}' input needs a Graph node, but {s_name} sends "
                                            "values.")
            return ConnectRefusal(None, f"{s_name} sends a graph, which {t_name}'s '{tp.name}' input cannot take — "
                                        "connect it to a GCNConv's 'graph' input.")
        if in_graph:
            return None
        if any(e.key == edge.key for e in self.edges):
            return ConnectRefusal(None, f"{s_name} is already connected to {t_name}.")
        if self.would_create_cycle(edge.source, edge.target):
            return ConnectRefusal(None, f"Connecting {s_name} to {t_name} would create a cycle; data must flow "
                                        "one way.")
        if not tp.multiple:
            taken = [e for e in self.edges if e.target == edge.target and e.target_port == edge.target_port]
            if taken:
                other = self.node(taken[0].source).display_name if self.has_node(taken[0].source) else taken[0].source
                return ConnectRefusal(None, f"{t_name}'s '{tp.name}' input is already connected to {other}; it takes "
                                            "one input — delete that connection first, or merge with Add or "
                                            "Concatenate.")
        return None

    # -- mutations (the app's undo commands call these) ---------------------------
    def add_node(self, node: Node, index: int | None = None) -> None:
        if not valid_id(node.id):
            raise ProjectError(f"'{node.id}' is not a valid node id (letters, digits, _ and -).")
        if self.has_node(node.id):
            raise ProjectError(f"A node with id '{node.id}' already exists.")
        if index is None:
            self.nodes.append(node)
        else:
            self.nodes.insert(index, node)

    def remove_node(self, node_id: str) -> tuple[Node, int, list[tuple[int, Edge]]]:
        """Remove a node and its edges; returns what is needed to put them back exactly."""
        idx = self.node_index(node_id)
        node = self.nodes.pop(idx)
        removed = [(i, e) for i, e in enumerate(self.edges) if node_id in (e.source, e.target)]
        self.edges = [e for e in self.edges if node_id not in (e.source, e.target)]
        return node, idx, removed

    def add_edge(self, edge: Edge, index: int | None = None) -> None:
        if any(e.key == edge.key for e in self.edges):
            raise ProjectError(f"{edge.source} is already connected to {edge.target}.")
        if index is None:
            self.edges.append(edge)
        else:
            self.edges.insert(index, edge)

    def remove_edge(self, edge: Edge) -> int:
        for i, e in enumerate(self.edges):
            if e.key == edge.key:
                del self.edges[i]
                return i
        raise KeyError(edge.key)

    def copy(self) -> Graph:
        return Graph(self.name, self.role, [n.copy() for n in self.nodes], list(self.edges),
                     copy.deepcopy(self.optimizer))


@dataclass
class DataConfig:
    dataset: str = "spiral"
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class OptimizerConfig:
    name: str = "adam"
    lr: float = 0.001
    momentum: float = 0.0
    nesterov: bool = False
    weight_decay: float = 0.0
    schedule: str = "none"  # none | step | cosine | exponential
    step_size: int = 10
    gamma: float = 0.5
    beta1: float = 0.9  # Adam/AdamW moment decay rates (a DCGAN uses beta1 = 0.5)
    beta2: float = 0.999


@dataclass
class EarlyStoppingConfig:
    enabled: bool = False
    monitor: str = "val_loss"
    patience: int = 5
    min_delta: float = 0.0
    restore_best: bool = True


@dataclass
class GANConfig:
    """How a generator and a discriminator graph train against each other."""

    d_steps: int = 1  # discriminator updates per generator update
    loss: str = "non_saturating"  # non_saturating | least_squares
    label_smoothing: float = 0.0  # one-sided: real targets become 1 - this value


@dataclass
class TrainingConfig:
    loss: str = "sparse_categorical_crossentropy"
    optimizer: OptimizerConfig = field(default_factory=OptimizerConfig)
    epochs: int = 10
    batch_size: int = 32
    shuffle: bool = True  # reshuffle the training rows every epoch; False feeds them in order (Keras shuffle=F)
    metrics: list[str] = field(default_factory=lambda: ["accuracy"])
    validation_split: float = 0.2
    early_stopping: EarlyStoppingConfig = field(default_factory=EarlyStoppingConfig)
    seed: int = 0
    device: str = "auto"
    mixed_precision: bool = False
    gan: GANConfig = field(default_factory=GANConfig)


@dataclass
class Project:
    name: str = "Untitled"
    graphs: list[Graph] = field(default_factory=lambda: [Graph()])
    data: DataConfig = field(default_factory=DataConfig)
    training: TrainingConfig = field(default_factory=TrainingConfig)
    notes: str = ""

    def graph(self, name: str | None = None) -> Graph:
        """The named graph, or the only/first 'model' graph when no name is given."""
        if name is None:
            if len(self.graphs) == 1:
                return self.graphs[0]
            for g in self.graphs:
                if g.role == "model":
                    return g
            return self.graphs[0]
        for g in self.graphs:
            if g.name == name:
                return g
        names = ", ".join(repr(g.name) for g in self.graphs)
        raise ProjectError(f"The project has no graph named {name!r} (it has {names}).")

    def role_graph(self, role: str) -> Graph | None:
        """The first graph with ``role`` (generator, discriminator), or None."""
        return next((g for g in self.graphs if g.role == role), None)

    @property
    def is_gan(self) -> bool:
        """A generator and a discriminator graph: training pits them against each other."""
        return self.role_graph("generator") is not None and self.role_graph("discriminator") is not None

    def optimizer_of(self, graph: Graph) -> OptimizerConfig:
        """What ``graph`` trains with: its own optimizer settings (a GAN's networks may have them), else the
        project's."""
        return graph.optimizer or self.training.optimizer

    @property
    def shares_project_optimizer(self) -> bool:
        """Whether the project's optimizer settings are used by some graph: always, except in a GAN whose
        generator and discriminator both have their own."""
        if not self.is_gan:
            return True
        return any(g is not None and g.optimizer is None
                   for g in (self.role_graph("generator"), self.role_graph("discriminator")))

    def copy(self) -> Project:
        return copy.deepcopy(self)

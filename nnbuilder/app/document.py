"""The open project as a Qt object: Project + QUndoStack, the one mutation path of the app.

Views never change the project themselves. They call an intent method here (``add_node``,
``connect``, ``set_param`` ...), which checks it, wraps it in a ``QUndoCommand`` and pushes it; the
command's redo/undo call the small ``_apply_*`` primitives below, which change the ``Project`` and
emit fine-grained signals so the scene can mirror the graph without being rebuilt. After every
command, shape inference (``compiler.infer``, a few ms) is re-run for the touched graphs and
``inference_changed`` / ``project_changed`` tell the canvas, problems, summary and code panels.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from ..compiler import Inference, infer
from ..compiler.infer import Problem
from ..layers import fmt_shape, get_spec
from ..project import (
    Edge,
    Graph,
    Node,
    Project,
    ProjectError,
    dumps_project,
    load_project,
    loads_project,
    save_project,
)

DEFAULT_LOCK_REASON = "Training — editing is locked"
_MISSING = object()


class EditRefusedError(Exception):
    """An edit the user asked for cannot be made; the message says why in one sentence."""


class Document(QObject):
    """Project + undo stack + inference results, with signals for every kind of change."""

    #: The whole project was replaced (New, Open, recovery): views rebuild.
    project_replaced = Signal()
    #: Anything in the project changed (after inference was refreshed).
    project_changed = Signal()
    #: Inference of one graph (by name) was refreshed.
    inference_changed = Signal(str)
    node_added = Signal(str, str)  # graph, node id
    node_removed = Signal(str, str)
    node_changed = Signal(str, str)  # params or label
    node_moved = Signal(str, str)
    edge_added = Signal(str, object)  # graph, Edge
    edge_removed = Signal(str, object)
    settings_changed = Signal()  # data or training settings
    current_graph_changed = Signal(str)
    modified_changed = Signal(bool)
    path_changed = Signal(object)  # Path | None
    editing_locked_changed = Signal(bool, str)

    def __init__(self, project: Project | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self.project: Project = project or new_empty_project()
        self.path: Path | None = None
        #: File name shown in the title for an unsaved copy (an opened example, a template).
        self.suggested_name: str | None = None
        self._current = self.project.graph().name
        self._inferences: dict[str, Inference] = {}
        self._dirty: set[str] = set()
        self._batch = 0
        self._locked = False
        self._lock_reason = ""
        self._extra_modified = False
        self.undo_stack.cleanChanged.connect(self._on_undo_stack_clean_changed)
        self._reinfer_all()

    # ------------------------------------------------------------------ queries
    @property
    def current_graph_name(self) -> str:
        return self._current

    @property
    def current_graph(self) -> Graph:
        return self.graph(self._current)

    def graph(self, name: str | None = None) -> Graph:
        return self.project.graph(name if name is not None else self._current)

    def inference(self, graph: str | None = None) -> Inference:
        """The latest inference of a graph (the current one by default)."""
        return self._inferences[graph if graph is not None else self._current]

    @property
    def is_modified(self) -> bool:
        return self._extra_modified or not self.undo_stack.isClean()

    @property
    def display_name(self) -> str:
        if self.path is not None:
            return self.path.name
        return self.suggested_name or "Untitled"

    @property
    def editing_locked(self) -> bool:
        return self._locked

    @property
    def lock_reason(self) -> str:
        return self._lock_reason

    # ------------------------------------------------------------------ whole-project operations
    def set_current_graph(self, name: str) -> None:
        self.project.graph(name)  # raises ProjectError for an unknown name
        if name != self._current:
            self._current = name
            self.current_graph_changed.emit(name)

    def replace_project(self, project: Project, path: Path | None = None, *, modified: bool = False,
                        suggested_name: str | None = None) -> None:
        """Swap in another project (New/Open/recovery); clears undo history."""
        self.project = project
        self.path = Path(path) if path is not None else None
        self.suggested_name = suggested_name
        self._current = project.graph().name
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self._extra_modified = modified
        self._reinfer_all()
        self.project_replaced.emit()
        self.current_graph_changed.emit(self._current)
        self.path_changed.emit(self.path)
        self.modified_changed.emit(self.is_modified)
        self.project_changed.emit()

    def open(self, path: str | Path) -> None:
        """Load a file; on ProjectError nothing changes (the error propagates to the caller)."""
        project = load_project(path)
        self.replace_project(project, Path(path))

    def save(self, path: str | Path | None = None) -> Path:
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ProjectError("The project has no file name yet; use Save As.")
        save_project(self.project, target)
        changed_path = target != self.path
        self.path = target
        self.suggested_name = None
        self._extra_modified = False
        self.undo_stack.setClean()
        if changed_path:
            self.path_changed.emit(self.path)
        self.modified_changed.emit(False)
        return target

    def set_editing_locked(self, locked: bool, reason: str = DEFAULT_LOCK_REASON) -> None:
        """While locked (training), every intent below raises EditRefusedError and undo/redo do nothing."""
        self._locked = bool(locked)
        self._lock_reason = reason if locked else ""
        self.editing_locked_changed.emit(self._locked, self._lock_reason)

    # ------------------------------------------------------------------ undo
    def push(self, command: Any) -> None:
        self._check_unlocked()
        self.undo_stack.push(command)

    def undo(self) -> None:
        if not self._locked:
            self.undo_stack.undo()

    def redo(self) -> None:
        if not self._locked:
            self.undo_stack.redo()

    # ------------------------------------------------------------------ intents (one command each)
    def add_node(self, type_id: str, position: tuple[float, float] = (0.0, 0.0), *,
                 params: dict[str, Any] | None = None, graph: str | None = None) -> str:
        """Add a layer of ``type_id`` (id, title or alias) at ``position``; returns the new node id."""
        from .commands import AddNodeCommand

        self._check_unlocked()
        spec = get_spec(type_id)
        g = self.graph(graph)
        node = Node(g.new_id(spec.type), spec.type, dict(params or {}), (float(position[0]), float(position[1])))
        self.push(AddNodeCommand(self, g.name, node))
        return node.id

    def remove_items(self, node_ids: Iterable[str] = (), edges: Iterable[Edge] = (), *,
                     graph: str | None = None) -> None:
        """Delete nodes (with their connections) and connections, as one undo step."""
        from .commands import RemoveNodesCommand

        self._check_unlocked()
        g = self.graph(graph)
        ids = [i for i in dict.fromkeys(node_ids) if g.has_node(i)]
        keys = {e.key for e in g.edges}
        es = [e for e in dict.fromkeys(edges) if e.key in keys and e.source not in ids and e.target not in ids]
        if ids or es:
            self.push(RemoveNodesCommand(self, g.name, ids, es))

    def connection_problem(self, source: str, source_port: str, target: str, target_port: str, *,
                           graph: str | None = None) -> str | None:
        """Why an edge cannot be drawn (a sentence), or None when it can."""
        if self._locked:
            return self._lock_reason
        refusal = self.graph(graph).check_connect(Edge(source, target, source_port, target_port))
        return None if refusal is None else refusal.message

    def connect(self, source: str, source_port: str, target: str, target_port: str, *,
                graph: str | None = None) -> Edge:
        """Draw an edge, or raise EditRefusedError with the reason."""
        from .commands import AddEdgeCommand

        reason = self.connection_problem(source, source_port, target, target_port, graph=graph)
        if reason:
            raise EditRefusedError(reason)
        edge = Edge(source, target, source_port, target_port)
        self.push(AddEdgeCommand(self, self.graph(graph).name, edge))
        return edge

    def move_nodes(self, positions: dict[str, tuple[float, float]], *, merge: bool = False,
                   graph: str | None = None, text: str | None = None) -> None:
        """One undo step for a drag (``merge`` joins consecutive keyboard nudges of the same nodes)."""
        from .commands import MoveNodesCommand

        self._check_unlocked()
        g = self.graph(graph)
        moves = {}
        for nid, pos in positions.items():
            old = tuple(g.node(nid).position)
            new = (float(pos[0]), float(pos[1]))
            if old != new:
                moves[nid] = (old, new)
        if moves:
            self.push(MoveNodesCommand(self, g.name, moves, mergeable=merge, text=text))

    def set_param(self, node_id: str, name: str, value: Any, *, graph: str | None = None) -> None:
        """Set one parameter (checked against its ParamSpec) as one undo step."""
        from .commands import SetParamCommand

        self._check_unlocked()
        g = self.graph(graph)
        node = g.node(node_id)
        pspec = get_spec(node.type).param(name)
        try:
            value = pspec.coerce(value)
        except ValueError as exc:
            raise EditRefusedError(f"{node.display_name}: {pspec.label.lower()} {exc}.") from None
        if node.params.get(name, _MISSING) == value:
            return
        self.push(SetParamCommand(self, g.name, node_id, name, value))

    def rename_node(self, node_id: str, label: str, *, graph: str | None = None) -> None:
        from .commands import RenameNodeCommand

        self._check_unlocked()
        g = self.graph(graph)
        label = label.strip()
        if label == g.node(node_id).id:
            label = ""
        if g.node(node_id).label != label:
            self.push(RenameNodeCommand(self, g.name, node_id, label))

    def insert_node_on_edge(self, edge: Edge, type_id: str, position: tuple[float, float] | None = None, *,
                            graph: str | None = None) -> str:
        """Replace ``a → b`` by ``a → new → b`` (one undo step); returns the new node id."""
        from .commands import InsertNodeOnEdgeCommand

        self._check_unlocked()
        g = self.graph(graph)
        spec = get_spec(type_id)
        src_port = get_spec(g.node(edge.source).type).output_port(edge.source_port)
        kind = src_port.kind if src_port is not None else "tensor"
        tensor_in = [p for p in spec.inputs if p.kind == kind]
        if not tensor_in or not spec.outputs:
            raise EditRefusedError(f"A {spec.title} layer cannot be placed on a connection; it needs an input and "
                                   "an output.")
        if position is None:
            a, b = g.node(edge.source).position, g.node(edge.target).position
            position = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2 + 40)
        node = Node(g.new_id(spec.type), spec.type, {}, (float(position[0]), float(position[1])))
        self.push(InsertNodeOnEdgeCommand(self, g.name, edge, node, tensor_in[0].name, spec.outputs[0].name))
        return node.id

    def add_connected_node(self, source: str, source_port: str, type_id: str, position: tuple[float, float], *,
                           graph: str | None = None) -> str:
        """Add a layer fed by ``source``'s output (one undo step); returns the new node id."""
        from .commands import AddConnectedNodeCommand

        self._check_unlocked()
        g = self.graph(graph)
        spec = get_spec(type_id)
        out = get_spec(g.node(source).type).output_port(source_port)
        kind = out.kind if out is not None else "tensor"
        port = next((p for p in spec.inputs if p.kind == kind), None)
        if port is None or spec.is_source:
            raise EditRefusedError(f"A {spec.title} layer cannot take {g.node(source).display_name}'s output.")
        node = Node(g.new_id(spec.type), spec.type, {}, (float(position[0]), float(position[1])))
        self.push(AddConnectedNodeCommand(self, g.name, node, Edge(source, node.id, source_port, port.name)))
        return node.id

    def copy_nodes(self, node_ids: Iterable[str], *, graph: str | None = None) -> str:
        """The selection as .nnb text (one graph holding the nodes and the edges between them)."""
        g = self.graph(graph)
        ids = set(node_ids)
        sub = Graph(g.name, g.role, [n.copy() for n in g.nodes if n.id in ids],
                    [e for e in g.edges if e.source in ids and e.target in ids])
        return dumps_project(Project(name="clipboard", graphs=[sub]))

    def paste(self, text: str, offset: tuple[float, float] = (40.0, 40.0), *, graph: str | None = None) -> list[str]:
        """Add the nodes of copied .nnb text with fresh ids; returns the new ids (empty if not a project)."""
        from .commands import PasteCommand

        self._check_unlocked()
        try:
            src = loads_project(text).graphs[0]
        except (ProjectError, IndexError):
            return []
        if not src.nodes:
            return []
        g = self.graph(graph)
        scratch = g.copy()
        mapping: dict[str, str] = {}
        nodes = []
        for n in src.nodes:
            new = n.copy()
            new.id = scratch.new_id(n.type)
            new.position = (n.position[0] + offset[0], n.position[1] + offset[1])
            scratch.add_node(new)
            mapping[n.id] = new.id
            nodes.append(new)
        edges = [Edge(mapping[e.source], mapping[e.target], e.source_port, e.target_port) for e in src.edges]
        self.push(PasteCommand(self, g.name, nodes, edges))
        return [n.id for n in nodes]

    def auto_layout(self, *, graph: str | None = None, max_columns: int | None = None) -> None:
        from .commands import AutoLayoutCommand
        from .layout import layered_layout

        self._check_unlocked()
        g = self.graph(graph)
        target = layered_layout(g, max_columns=max_columns)
        moves = {n.id: (tuple(n.position), target[n.id]) for n in g.nodes if tuple(n.position) != target[n.id]}
        if moves:
            self.push(AutoLayoutCommand(self, g.name, moves))

    def set_training_setting(self, path: str, value: Any) -> None:
        """``path`` names a TrainingConfig field, dotted for nested ones (``optimizer.lr``)."""
        from .commands import SetTrainingSettingCommand

        self._check_unlocked()
        if self.get_training_setting(path) != value:
            self.push(SetTrainingSettingCommand(self, path, value))

    def get_training_setting(self, path: str) -> Any:
        obj: Any = self.project.training
        for part in path.split("."):
            obj = getattr(obj, part)
        return obj

    def set_data_setting(self, key: str, value: Any) -> None:
        """``key`` is ``dataset`` (which also resets the options) or ``options``."""
        from .commands import SetDataSettingCommand

        self._check_unlocked()
        if getattr(self.project.data, key) != value:
            self.push(SetDataSettingCommand(self, key, value))

    # ------------------------------------------------------------------ primitives (commands only)
    def _apply_insert_node(self, graph: str, node: Node, index: int | None = None) -> None:
        self.graph(graph).add_node(node, index)
        self._dirty.add(graph)
        self.node_added.emit(graph, node.id)

    def _apply_remove_node(self, graph: str, node_id: str) -> tuple[Node, int, list[tuple[int, Edge]]]:
        g = self.graph(graph)
        for e in g.edges:
            if node_id in (e.source, e.target):
                self.edge_removed.emit(graph, e)
        result = g.remove_node(node_id)
        self._dirty.add(graph)
        self.node_removed.emit(graph, node_id)
        return result

    def _apply_insert_edge(self, graph: str, edge: Edge, index: int | None = None) -> int:
        g = self.graph(graph)
        g.add_edge(edge, index)
        self._dirty.add(graph)
        self.edge_added.emit(graph, edge)
        return g.edges.index(edge) if index is None else index

    def _apply_remove_edge(self, graph: str, edge: Edge) -> int:
        idx = self.graph(graph).remove_edge(edge)
        self._dirty.add(graph)
        self.edge_removed.emit(graph, edge)
        return idx

    def _apply_param(self, graph: str, node_id: str, name: str, value: Any) -> None:
        node = self.graph(graph).node(node_id)
        if value is _MISSING:
            node.params.pop(name, None)
        else:
            node.params[name] = copy.deepcopy(value)
        self._dirty.add(graph)
        self.node_changed.emit(graph, node_id)

    def _apply_label(self, graph: str, node_id: str, label: str) -> None:
        self.graph(graph).node(node_id).label = label
        self._dirty.add(graph)
        self.node_changed.emit(graph, node_id)

    def _apply_positions(self, graph: str, positions: dict[str, tuple[float, float]]) -> None:
        g = self.graph(graph)
        for nid, pos in positions.items():
            g.node(nid).position = (float(pos[0]), float(pos[1]))
            self.node_moved.emit(graph, nid)

    def _apply_training(self, path: str, value: Any) -> None:
        parts = path.split(".")
        obj: Any = self.project.training
        for part in parts[:-1]:
            obj = getattr(obj, part)
        setattr(obj, parts[-1], copy.deepcopy(value))
        self._dirty.update(g.name for g in self.project.graphs)  # the loss changes output checks
        self.settings_changed.emit()

    def _apply_data(self, key: str, value: Any) -> None:
        setattr(self.project.data, key, copy.deepcopy(value))
        self._dirty.update(g.name for g in self.project.graphs)  # the Input is checked against the data
        self.settings_changed.emit()

    @contextmanager
    def _batched(self) -> Iterator[None]:
        """Run several primitives, then re-infer once (macros)."""
        self._batch += 1
        try:
            yield
        finally:
            self._batch -= 1
        self._flush()

    def _flush(self) -> None:
        """After a command: refresh inference of touched graphs and tell the views."""
        if self._batch:
            return
        dirty, self._dirty = self._dirty, set()
        for name in dirty:
            if any(g.name == name for g in self.project.graphs):
                self._inferences[name] = self._infer(self.graph(name))
        for name in sorted(dirty):
            if name in self._inferences:
                self.inference_changed.emit(name)
        self.project_changed.emit()

    def _reinfer_all(self) -> None:
        self._dirty.clear()
        self._inferences = {g.name: self._infer(g) for g in self.project.graphs}

    def _infer(self, graph: Graph) -> Inference:
        """Shapes and problems of ``graph``, plus whether its Input takes what the chosen data set gives."""
        inf = infer(graph, self.project.training)
        fit = self.input_mismatch(graph)
        if fit is not None:
            node_id, message = fit
            problem = Problem("error", message, node=node_id)
            inf.nodes[node_id].problems.insert(0, problem)
            inf.problems.insert(0, problem)
        return inf

    def data_sample_shape(self) -> tuple[int, ...] | None:
        """One sample's shape for the project's data set, when it is known without loading (built-ins)."""
        from ..data.shapes import sample_shape

        return sample_shape(self.project.data.dataset, self.project.data.options)

    def _data_input(self, graph: Graph) -> Node | None:
        """The Input that receives the data set's samples: the only Input of the model graph."""
        if graph.role != "model":
            return None
        inputs = [n for n in graph.nodes if n.type == "Input"]
        return inputs[0] if len(inputs) == 1 else None

    @staticmethod
    def _input_shape(node: Node) -> tuple[int, ...]:
        """The Input's shape as it will be built: its own value, or the layer's default."""
        value = node.params.get("shape", get_spec(node.type).param("shape").default)
        return tuple(int(v) for v in value or ())

    def input_mismatch(self, graph: Graph | None = None) -> tuple[str, str] | None:
        """(Input node id, sentence) when the Input's shape is not the data set's sample shape."""
        graph = graph or self.graph(self.project.graph().name)
        node = self._data_input(graph)
        expected = self.data_sample_shape()
        if node is None or expected is None:
            return None
        shape = self._input_shape(node)
        if shape == expected:
            return None
        hint = ""
        if len(expected) > 1 and shape == (math.prod(expected),):
            hint = " (or turn on the data set's 'flatten' option)"
        elif len(shape) == len(expected) + 1 and shape[0] == 1 and shape[1:] == expected:
            hint = " (or turn on the data set's 'channels' option)"
        return node.id, (f"{node.display_name} takes samples of {fmt_shape(shape)}, but every sample of the data set "
                         f"'{self.project.data.dataset}' is {fmt_shape(expected)}: click Set Input from data in "
                         f"Project settings{hint}.")

    def set_input_from_data(self) -> str:
        """Give the model's Input the data set's sample shape (one undoable step); returns what happened."""
        graph = self.project.graph()
        node = self._data_input(graph)
        expected = self.data_sample_shape()
        if node is None:
            return "The network needs exactly one Input layer to take the data."
        if expected is None:
            return "The shape of this data set is known only after loading it; Train will report it."
        if self._input_shape(node) == expected:
            return f"{node.display_name} already takes {fmt_shape(expected)}."
        self.set_param(node.id, "shape", list(expected), graph=graph.name)
        return f"{node.display_name} now takes {fmt_shape(expected)}, the shape of one sample."

    def _check_unlocked(self) -> None:
        if self._locked:
            raise EditRefusedError(self._lock_reason or DEFAULT_LOCK_REASON)

    def _on_undo_stack_clean_changed(self, clean: bool) -> None:
        self.modified_changed.emit(self.is_modified)


def new_empty_project() -> Project:
    """What File ▸ New opens: one empty graph with the default settings."""
    return Project(name="Untitled")

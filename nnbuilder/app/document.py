"""The editor half of the open project: intents, the undo stack and the lock, on top of ``ProjectModel``.

Views never change the project themselves. They call an intent method here (``add_node``, ``connect``,
``set_param`` ...), which checks it, wraps it in a ``QUndoCommand`` and pushes it; the command's redo/undo
call the model's public primitives (project_model.py), which change the ``Project``, emit fine-grained
signals and re-run shape inference for the touched graphs. While training runs, the lock refuses every
intent and undo/redo with a sentence that says why.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

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
from . import commands
from .project_model import MISSING, ProjectModel

DEFAULT_LOCK_REASON = "Training — editing is locked"
#: Why two layers of one graph may not share a name: every message about a layer names it by it.
NAMES_TELL_APART = "names tell layers apart in Problems, Summary and exported code."


class EditRefusedError(Exception):
    """An edit the user asked for cannot be made; the message says why in one sentence."""


class Document(ProjectModel):
    """The project model plus the undo stack, the lock, the file it came from, and one intent per edit."""

    modified_changed = Signal(bool)
    path_changed = Signal(object)  # Path | None
    editing_locked_changed = Signal(bool, str)

    def __init__(self, project: Project | None = None, parent: QObject | None = None) -> None:
        super().__init__(project or new_empty_project(), parent)
        self.undo_stack = QUndoStack(self)
        self.path: Path | None = None
        #: File name shown in the title for an unsaved copy (an opened example, a template).
        self.suggested_name: str | None = None
        self._locked = False
        self._lock_reason = ""
        self._extra_modified = False
        self.undo_stack.cleanChanged.connect(self._on_undo_stack_clean_changed)

    # ------------------------------------------------------------------ queries
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
        self.reinfer_all()
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
        self._check_unlocked()
        spec = get_spec(type_id)
        g = self.graph(graph)
        params = dict(params or {})
        if spec.type == "Label" and "classes" not in params:  # the data set's classes, not the catalogue's 10
            from ..data.shapes import class_count

            classes = class_count(self.project.data.dataset)
            if classes:
                params["classes"] = classes
        node = Node(_new_node_id(g, spec.type), spec.type, params, (float(position[0]), float(position[1])))
        self.push(commands.AddNodeCommand(self, g.name, node))
        return node.id

    def remove_items(self, node_ids: Iterable[str] = (), edges: Iterable[Edge] = (), *,
                     graph: str | None = None) -> None:
        """Delete nodes (with their connections) and connections, as one undo step."""
        self._check_unlocked()
        g = self.graph(graph)
        ids = [i for i in dict.fromkeys(node_ids) if g.has_node(i)]
        keys = {e.key for e in g.edges}
        es = [e for e in dict.fromkeys(edges) if e.key in keys and e.source not in ids and e.target not in ids]
        if ids or es:
            self.push(commands.RemoveNodesCommand(self, g.name, ids, es))

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
        reason = self.connection_problem(source, source_port, target, target_port, graph=graph)
        if reason:
            raise EditRefusedError(reason)
        edge = Edge(source, target, source_port, target_port)
        self.push(commands.AddEdgeCommand(self, self.graph(graph).name, edge))
        return edge

    def move_nodes(self, positions: dict[str, tuple[float, float]], *, merge: bool = False,
                   graph: str | None = None, text: str | None = None) -> None:
        """One undo step for a drag (``merge`` joins consecutive keyboard nudges of the same nodes)."""
        self._check_unlocked()
        g = self.graph(graph)
        moves = {}
        for nid, pos in positions.items():
            old = tuple(g.node(nid).position)
            new = (float(pos[0]), float(pos[1]))
            if old != new:
                moves[nid] = (old, new)
        if moves:
            self.push(commands.MoveNodesCommand(self, g.name, moves, mergeable=merge, text=text))

    def set_param(self, node_id: str, name: str, value: Any, *, graph: str | None = None) -> None:
        """Set one parameter (checked against its ParamSpec) as one undo step."""
        self._check_unlocked()
        g = self.graph(graph)
        node = g.node(node_id)
        pspec = get_spec(node.type).param(name)
        try:
            value = pspec.coerce(value)
        except ValueError as exc:
            raise EditRefusedError(f"{node.display_name}: {pspec.label.lower()} {exc}.") from None
        if node.params.get(name, MISSING) == value:
            return
        self.push(commands.SetParamCommand(self, g.name, node_id, name, value))

    def name_problem(self, node_id: str, label: str, *, graph: str | None = None) -> str | None:
        """Why layer ``node_id`` cannot be called ``label`` (a sentence), or None when it can.

        Problems, Summary, the toolbar and exported code name layers by ``display_name`` (the label, else the
        id), so two layers of one graph must never show the same one: a name is refused when it is another
        layer's name, or another layer's id (which that layer shows again once its name is cleared). Keeping
        the current name is always allowed, so files saved with duplicate names still open and edit.
        """
        g = self.graph(graph)
        node = g.node(node_id)
        label = label.strip()
        if label == node.id:
            label = ""  # as rename_node: the id is what an unnamed layer shows
        if label == node.label:
            return None
        shown = label or node.id
        for other in g.nodes:
            if other.id == node_id:
                continue
            if other.display_name == shown:
                return f"Another layer is already called '{shown}'; {NAMES_TELL_APART}"
            if other.id == shown:
                return (f"'{shown}' is the id of another layer ({other.display_name}), which it shows without a "
                        f"name; {NAMES_TELL_APART}")
        return None

    def rename_node(self, node_id: str, label: str, *, graph: str | None = None) -> None:
        """Give a layer a name (one undo step); a name another layer has or shows is refused (``name_problem``)."""
        self._check_unlocked()
        g = self.graph(graph)
        label = label.strip()
        if label == g.node(node_id).id:
            label = ""
        if g.node(node_id).label != label:
            problem = self.name_problem(node_id, label, graph=g.name)
            if problem:
                raise EditRefusedError(problem)
            self.push(commands.RenameNodeCommand(self, g.name, node_id, label))

    def insert_node_on_edge(self, edge: Edge, type_id: str, position: tuple[float, float] | None = None, *,
                            graph: str | None = None) -> str:
        """Replace ``a → b`` by ``a → new → b`` (one undo step); returns the new node id."""
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
        node = Node(_new_node_id(g, spec.type), spec.type, {}, (float(position[0]), float(position[1])))
        self.push(commands.InsertNodeOnEdgeCommand(self, g.name, edge, node, tensor_in[0].name, spec.outputs[0].name))
        return node.id

    def add_connected_node(self, source: str, source_port: str, type_id: str, position: tuple[float, float], *,
                           graph: str | None = None) -> str:
        """Add a layer fed by ``source``'s output (one undo step); returns the new node id."""
        self._check_unlocked()
        g = self.graph(graph)
        spec = get_spec(type_id)
        out = get_spec(g.node(source).type).output_port(source_port)
        kind = out.kind if out is not None else "tensor"
        port = next((p for p in spec.inputs if p.kind == kind), None)
        if port is None or spec.is_source:
            raise EditRefusedError(f"A {spec.title} layer cannot take {g.node(source).display_name}'s output.")
        node = Node(_new_node_id(g, spec.type), spec.type, {}, (float(position[0]), float(position[1])))
        self.push(commands.AddConnectedNodeCommand(self, g.name, node, Edge(source, node.id, source_port, port.name)))
        return node.id

    def copy_nodes(self, node_ids: Iterable[str], *, graph: str | None = None) -> str:
        """The selection as .nnb text (one graph holding the nodes and the edges between them)."""
        g = self.graph(graph)
        ids = set(node_ids)
        sub = Graph(g.name, g.role, [n.copy() for n in g.nodes if n.id in ids],
                    [e for e in g.edges if e.source in ids and e.target in ids])
        return dumps_project(Project(name="clipboard", graphs=[sub]))

    def paste(self, text: str, offset: tuple[float, float] = (40.0, 40.0), *, graph: str | None = None) -> list[str]:
        """Add the nodes of copied .nnb text with fresh ids, one undo step; returns the new ids (empty if not a
        project).

        A copied name that the graph already shows becomes the next free ``name_2``, ``name_3`` … (as unnamed
        copies get fresh ids), so a paste or a Duplicate never makes two layers that messages cannot tell apart.
        """
        self._check_unlocked()
        try:
            src = loads_project(text).graphs[0]
        except (ProjectError, IndexError):
            return []
        if not src.nodes:
            return []
        g = self.graph(graph)
        taken = _names_in_use(g)
        mapping: dict[str, str] = {}
        nodes = []
        for n in src.nodes:
            new = n.copy()
            new.id = _new_node_id(g, n.type, taken)
            taken.add(new.id)
            if new.label:
                new.label = _fresh_name(new.label, taken)
                taken.add(new.label)
            new.position = (n.position[0] + offset[0], n.position[1] + offset[1])
            mapping[n.id] = new.id
            nodes.append(new)
        edges = [Edge(mapping[e.source], mapping[e.target], e.source_port, e.target_port) for e in src.edges]
        self.push(commands.PasteCommand(self, g.name, nodes, edges))
        return [n.id for n in nodes]

    def auto_layout(self, *, graph: str | None = None, max_columns: int | None = None) -> None:
        from .layout import layered_layout

        self._check_unlocked()
        g = self.graph(graph)
        target = layered_layout(g, max_columns=max_columns)
        moves = {n.id: (tuple(n.position), target[n.id]) for n in g.nodes if tuple(n.position) != target[n.id]}
        if moves:
            self.push(commands.AutoLayoutCommand(self, g.name, moves))

    def set_training_setting(self, path: str, value: Any) -> None:
        """``path`` names a TrainingConfig field, dotted for nested ones (``optimizer.lr``)."""
        self._check_unlocked()
        if self.get_training_setting(path) != value:
            self.push(commands.SetTrainingSettingCommand(self, path, value))

    def network_optimizer(self, role: str) -> Any:
        """The optimizer settings a GAN network (``generator``/``discriminator``) trains with: its own, else the
        project's."""
        return self.project.optimizer_of(self._network(role))

    def _network(self, role: str) -> Graph:
        graph = self.project.role_graph(role)
        if graph is None:
            raise EditRefusedError(f"This project has no {role} graph.")
        return graph

    def set_network_optimizer_setting(self, role: str, field: str, value: Any) -> None:
        """One optimizer field (``name``, ``lr``, ``beta1``...) of a GAN network, one undoable step. A network that
        used the project's optimizer gets a copy of it with the change, so the other network keeps its own."""
        self._check_unlocked()
        graph = self._network(role)
        current = self.project.optimizer_of(graph)
        if getattr(current, field) == value:
            return
        new = copy.deepcopy(current)
        setattr(new, field, value)
        what = {"lr": "learning rate", "beta1": "β₁", "name": "optimizer"}.get(field, field.replace("_", " "))
        self.push(commands.SetGraphOptimizerCommand(self, graph.name, new, f"Set {role} {what}"))

    def set_notes(self, text: str) -> None:
        """The project's notes, one undoable step. Allowed while training: they are not part of the network."""
        if self.project.notes != text:
            self.push(commands.SetNotesCommand(self, text))

    def set_data_setting(self, key: str, value: Any) -> None:
        """``key`` is ``dataset`` (which also resets the options) or ``options``."""
        self._check_unlocked()
        if getattr(self.project.data, key) != value:
            self.push(commands.SetDataSettingCommand(self, key, value))

    # ------------------------------------------------------------------ primitives (commands only)
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


def _names_in_use(g: Graph) -> set[str]:
    """Every id and every name the graph's layers have: what a new layer's id or name must not repeat."""
    return {n.id for n in g.nodes} | {n.label for n in g.nodes if n.label}


def _new_node_id(g: Graph, type_id: str, taken: set[str] | None = None) -> str:
    """A fresh id such as ``dense_3`` that is no layer's id nor name either.

    ``Graph.new_id`` avoids ids only; a layer named "dense_2" would then show the same name as a new Dense,
    whose id is also its displayed name until it is given one.
    """
    used = _names_in_use(g) | (taken or set())
    stem = g.new_id(type_id).rpartition("_")[0]  # new_id always answers stem_<number>
    i = 1
    while f"{stem}_{i}" in used:
        i += 1
    return f"{stem}_{i}"


def _fresh_name(name: str, taken: set[str]) -> str:
    """``name`` if no layer uses it, else the next free ``name_2``, ``name_3`` … (a copy of "hidden_2" is
    "hidden_3", not "hidden_2_2")."""
    if name not in taken:
        return name
    match = re.fullmatch(r"(.+?)_(\d+)", name)
    stem = match.group(1) if match else name
    i = 2
    while f"{stem}_{i}" in taken:
        i += 1
    return f"{stem}_{i}"


def new_empty_project() -> Project:
    """What File ▸ New opens: one empty graph with the default settings."""
    return Project(name="Untitled")

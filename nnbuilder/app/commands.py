"""Undo commands: every change to the project is one of these (``VerbNounCommand``).

Commands know only the project model (``ProjectModel`` and its public primitives) and plain model objects
(ids, ``Node``, ``Edge``), never the editor or graphics items, so undo works the same whether the change
came from the canvas, the inspector or a test. Each redo/undo ends with ``ProjectModel.flush`` (re-infer +
signals); macros batch their children so shapes are inferred once per user action.
"""

from __future__ import annotations

import copy
import weakref
from typing import Any

from PySide6.QtGui import QUndoCommand

from ..project import Edge, Node
from .project_model import MISSING, ProjectModel

MOVE_MERGE_ID = 1001


class DocumentCommand(QUndoCommand):
    """Base: subclasses implement ``_redo``/``_undo``; inference is refreshed after each."""

    def __init__(self, doc: ProjectModel, text: str, parent: QUndoCommand | None = None) -> None:
        super().__init__(text, parent)
        # A weak reference: the document's undo stack owns the commands, and a Python reference
        # cycle through Qt-owned objects can make the garbage collector free them twice.
        self._doc = weakref.ref(doc)

    @property
    def doc(self) -> ProjectModel:
        doc = self._doc()
        if doc is None:  # pragma: no cover - the stack dies with its document
            raise RuntimeError("the document of this command no longer exists")
        return doc

    def redo(self) -> None:
        with self.doc.batched():
            self._redo()

    def undo(self) -> None:
        with self.doc.batched():
            self._undo()

    def _redo(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _undo(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class MacroCommand(DocumentCommand):
    """A command made of steps, run in order and undone in reverse, with one inference at the end.

    The steps are kept in a Python list rather than as Qt child commands: PySide would otherwise
    own them twice (Python and the parent command), which crashes when the stack is cleared.
    """

    def __init__(self, doc: ProjectModel, text: str, parent: QUndoCommand | None = None) -> None:
        super().__init__(doc, text, parent)
        self.steps: list[DocumentCommand] = []

    def _redo(self) -> None:
        for step in self.steps:
            step._redo()

    def _undo(self) -> None:
        for step in reversed(self.steps):
            step._undo()


class AddNodeCommand(DocumentCommand):
    def __init__(self, doc: ProjectModel, graph: str, node: Node, parent: QUndoCommand | None = None) -> None:
        from ..layers import get_spec

        super().__init__(doc, f"Add {get_spec(node.type).title}", parent)
        self.graph, self.node = graph, node.copy()

    def _redo(self) -> None:
        self.doc.insert_node(self.graph, self.node.copy())

    def _undo(self) -> None:
        self.doc.remove_node(self.graph, self.node.id)


class RemoveNodesCommand(DocumentCommand):
    """Delete nodes with all their edges, plus explicitly selected edges; undo restores exact order."""

    def __init__(self, doc: ProjectModel, graph: str, node_ids: list[str], edges: list[Edge] = (),  # type: ignore[assignment]
                 parent: QUndoCommand | None = None) -> None:
        n = len(node_ids)
        what = f"{n} layer{'s' if n != 1 else ''}" if n else f"{len(edges)} connection{'s' if len(edges) != 1 else ''}"
        super().__init__(doc, f"Delete {what}", parent)
        self.graph, self.node_ids, self.edges = graph, list(node_ids), list(edges)
        self._removed_edges: list[tuple[int, Edge]] = []
        self._removed_nodes: list[tuple[Node, int, list[tuple[int, Edge]]]] = []

    def _redo(self) -> None:
        self._removed_edges = [(self.doc.remove_edge(self.graph, e), e) for e in self.edges]
        self._removed_nodes = [self.doc.remove_node(self.graph, nid) for nid in self.node_ids]

    def _undo(self) -> None:
        for node, idx, edges in reversed(self._removed_nodes):
            self.doc.insert_node(self.graph, node, idx)
            for i, e in sorted(edges, key=lambda t: t[0]):
                self.doc.insert_edge(self.graph, e, i)
        for i, e in reversed(self._removed_edges):
            self.doc.insert_edge(self.graph, e, i)


class AddEdgeCommand(DocumentCommand):
    def __init__(self, doc: ProjectModel, graph: str, edge: Edge, parent: QUndoCommand | None = None) -> None:
        super().__init__(doc, "Connect layers", parent)
        self.graph, self.edge = graph, edge

    def _redo(self) -> None:
        self.doc.insert_edge(self.graph, self.edge)

    def _undo(self) -> None:
        self.doc.remove_edge(self.graph, self.edge)


class RemoveEdgeCommand(DocumentCommand):
    def __init__(self, doc: ProjectModel, graph: str, edge: Edge, parent: QUndoCommand | None = None) -> None:
        super().__init__(doc, "Delete connection", parent)
        self.graph, self.edge = graph, edge
        self._index = 0

    def _redo(self) -> None:
        self._index = self.doc.remove_edge(self.graph, self.edge)

    def _undo(self) -> None:
        self.doc.insert_edge(self.graph, self.edge, self._index)


class MoveNodesCommand(DocumentCommand):
    """One drag (or a run of keyboard nudges, merged) of one or more nodes."""

    def __init__(self, doc: ProjectModel, graph: str, moves: dict[str, tuple[tuple[float, float], tuple[float, float]]],
                 mergeable: bool = False, text: str | None = None, parent: QUndoCommand | None = None) -> None:
        n = len(moves)
        super().__init__(doc, text or f"Move {n} layer{'s' if n != 1 else ''}", parent)
        self.graph, self.moves, self.mergeable = graph, dict(moves), mergeable

    def id(self) -> int:
        return MOVE_MERGE_ID if self.mergeable else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt API
        if not (isinstance(other, MoveNodesCommand) and other.mergeable and other.graph == self.graph
                and set(other.moves) == set(self.moves)):
            return False
        self.moves = {nid: (self.moves[nid][0], other.moves[nid][1]) for nid in self.moves}
        return True

    def _redo(self) -> None:
        self.doc.set_node_positions(self.graph, {nid: new for nid, (_, new) in self.moves.items()})

    def _undo(self) -> None:
        self.doc.set_node_positions(self.graph, {nid: old for nid, (old, _) in self.moves.items()})


class AutoLayoutCommand(MoveNodesCommand):
    def __init__(self, doc: ProjectModel, graph: str, moves: dict[str, tuple[tuple[float, float], tuple[float, float]]],
                 parent: QUndoCommand | None = None) -> None:
        super().__init__(doc, graph, moves, mergeable=False, text="Auto-layout", parent=parent)


class SetParamCommand(DocumentCommand):
    def __init__(self, doc: ProjectModel, graph: str, node_id: str, name: str, value: Any,
                 parent: QUndoCommand | None = None) -> None:
        node = doc.graph(graph).node(node_id)
        super().__init__(doc, f"Set {node.display_name} {name.replace('_', ' ')}", parent)
        self.graph, self.node_id, self.name = graph, node_id, name
        self.value = copy.deepcopy(value)
        self.old = copy.deepcopy(node.params[name]) if name in node.params else MISSING

    def _redo(self) -> None:
        self.doc.set_node_param(self.graph, self.node_id, self.name, self.value)

    def _undo(self) -> None:
        self.doc.set_node_param(self.graph, self.node_id, self.name, self.old)


class RenameNodeCommand(DocumentCommand):
    def __init__(self, doc: ProjectModel, graph: str, node_id: str, label: str, parent: QUndoCommand | None = None) -> None:
        node = doc.graph(graph).node(node_id)
        super().__init__(doc, f"Rename {node.display_name}", parent)
        self.graph, self.node_id, self.label, self.old = graph, node_id, label, node.label

    def _redo(self) -> None:
        self.doc.set_node_label(self.graph, self.node_id, self.label)

    def _undo(self) -> None:
        self.doc.set_node_label(self.graph, self.node_id, self.old)


class InsertNodeOnEdgeCommand(MacroCommand):
    """a → b becomes a → new → b: remove the edge, add the node, add two edges (one undo step)."""

    def __init__(self, doc: ProjectModel, graph: str, edge: Edge, node: Node, in_port: str, out_port: str,
                 parent: QUndoCommand | None = None) -> None:
        from ..layers import get_spec

        super().__init__(doc, f"Insert {get_spec(node.type).title}", parent)
        self.node_id = node.id
        self.steps = [
            RemoveEdgeCommand(doc, graph, edge),
            AddNodeCommand(doc, graph, node),
            AddEdgeCommand(doc, graph, Edge(edge.source, node.id, edge.source_port, in_port)),
            AddEdgeCommand(doc, graph, Edge(node.id, edge.target, out_port, edge.target_port)),
        ]


class AddConnectedNodeCommand(MacroCommand):
    """Add a layer and connect an existing output to it (dragging from a port into empty space)."""

    def __init__(self, doc: ProjectModel, graph: str, node: Node, edge: Edge, parent: QUndoCommand | None = None) -> None:
        from ..layers import get_spec

        super().__init__(doc, f"Add {get_spec(node.type).title}", parent)
        self.node_id = node.id
        self.steps = [AddNodeCommand(doc, graph, node), AddEdgeCommand(doc, graph, edge)]


class PasteCommand(DocumentCommand):
    def __init__(self, doc: ProjectModel, graph: str, nodes: list[Node], edges: list[Edge],
                 parent: QUndoCommand | None = None) -> None:
        n = len(nodes)
        super().__init__(doc, f"Paste {n} layer{'s' if n != 1 else ''}", parent)
        self.graph, self.nodes, self.edges = graph, [x.copy() for x in nodes], list(edges)

    def _redo(self) -> None:
        for n in self.nodes:
            self.doc.insert_node(self.graph, n.copy())
        for e in self.edges:
            self.doc.insert_edge(self.graph, e)

    def _undo(self) -> None:
        for e in reversed(self.edges):
            self.doc.remove_edge(self.graph, e)
        for n in reversed(self.nodes):
            self.doc.remove_node(self.graph, n.id)


class SetTrainingSettingCommand(DocumentCommand):
    def __init__(self, doc: ProjectModel, path: str, value: Any, parent: QUndoCommand | None = None) -> None:
        super().__init__(doc, f"Set {path.split('.')[-1].replace('_', ' ')}", parent)
        self.path, self.value = path, copy.deepcopy(value)
        self.old = copy.deepcopy(doc.get_training_setting(path))

    def _redo(self) -> None:
        self.doc.set_training_value(self.path, self.value)

    def _undo(self) -> None:
        self.doc.set_training_value(self.path, self.old)


class SetGraphOptimizerCommand(DocumentCommand):
    """A graph's own optimizer (a GAN's generator or discriminator), or None for the project's."""

    def __init__(self, doc: ProjectModel, graph: str, optimizer: Any, text: str,
                 parent: QUndoCommand | None = None) -> None:
        super().__init__(doc, text, parent)
        self.graph, self.value = graph, copy.deepcopy(optimizer)
        self.old = copy.deepcopy(doc.graph(graph).optimizer)

    def _redo(self) -> None:
        self.doc.set_graph_optimizer_value(self.graph, self.value)

    def _undo(self) -> None:
        self.doc.set_graph_optimizer_value(self.graph, self.old)


class SetNotesCommand(DocumentCommand):
    def __init__(self, doc: ProjectModel, text: str, parent: QUndoCommand | None = None) -> None:
        super().__init__(doc, "Edit notes", parent)
        self.text, self.old = str(text), doc.project.notes

    def _redo(self) -> None:
        self.doc.set_notes_value(self.text)

    def _undo(self) -> None:
        self.doc.set_notes_value(self.old)


class SetDataSettingCommand(DocumentCommand):
    """Change the dataset (its options go back to the defaults) or the options."""

    def __init__(self, doc: ProjectModel, key: str, value: Any, parent: QUndoCommand | None = None) -> None:
        super().__init__(doc, "Set data set" if key == "dataset" else "Set data options", parent)
        self.key, self.value = key, copy.deepcopy(value)
        self.old_dataset = doc.project.data.dataset
        self.old_options = copy.deepcopy(doc.project.data.options)

    def _redo(self) -> None:
        if self.key == "dataset":
            self.doc.set_data_value("dataset", self.value)
            self.doc.set_data_value("options", {})
        else:
            self.doc.set_data_value(self.key, self.value)

    def _undo(self) -> None:
        self.doc.set_data_value("dataset", self.old_dataset)
        self.doc.set_data_value("options", self.old_options)

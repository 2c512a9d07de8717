"""The open project as a Qt object: the Project, its latest inference, and a signal for every change.

This is the model half of the app's document (Orange's ``Scheme`` to its ``SchemeEditWidget``): public
primitives that insert and remove nodes and edges, set parameters and settings, each emitting a fine-grained
signal so views mirror the graph without rebuilding it, and shape inference re-run for the graphs a change
touched. It knows nothing of undo, intents or locking; that is ``Document``, the editor half, built on top.
Undo commands import only this module, so commands and the editor no longer import each other.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from ..compiler import Inference, infer
from ..compiler.data_checks import (
    add_data_checks,
    data_input,
    data_sample_shape,
    dataset_problems,
    input_mismatch,
    input_shape,
    output_mismatch,
)
from ..project import Edge, Graph, Node, Project

#: A parameter that is absent (its default applies), as opposed to one set to None.
MISSING = object()


class ProjectModel(QObject):
    """Project + inference results, with signals for every kind of change."""

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
    notes_changed = Signal()  # the project's notes (the text for the class)
    current_graph_changed = Signal(str)

    def __init__(self, project: Project, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project: Project = project
        self._current = self.project.graph().name
        self._inferences: dict[str, Inference] = {}
        self._dirty: set[str] = set()
        self._batch = 0
        self._checked_base: Path | None = None
        self.reinfer_all()
        path_changed = getattr(self, "path_changed", None)  # the Document's signal: Save As moves the folder
        if path_changed is not None:
            path_changed.connect(self._on_path_changed)

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

    def set_current_graph(self, name: str) -> None:
        self.project.graph(name)  # raises ProjectError for an unknown name
        if name != self._current:
            self._current = name
            self.current_graph_changed.emit(name)

    def get_training_setting(self, path: str) -> Any:
        obj: Any = self.project.training
        for part in path.split("."):
            obj = getattr(obj, part)
        return obj

    # ------------------------------------------------------------------ primitives (undo commands call these)
    def insert_node(self, graph: str, node: Node, index: int | None = None) -> None:
        self.graph(graph).add_node(node, index)
        self._dirty.add(graph)
        self.node_added.emit(graph, node.id)

    def remove_node(self, graph: str, node_id: str) -> tuple[Node, int, list[tuple[int, Edge]]]:
        g = self.graph(graph)
        for e in g.edges:
            if node_id in (e.source, e.target):
                self.edge_removed.emit(graph, e)
        result = g.remove_node(node_id)
        self._dirty.add(graph)
        self.node_removed.emit(graph, node_id)
        return result

    def insert_edge(self, graph: str, edge: Edge, index: int | None = None) -> int:
        g = self.graph(graph)
        g.add_edge(edge, index)
        self._dirty.add(graph)
        self.edge_added.emit(graph, edge)
        return g.edges.index(edge) if index is None else index

    def remove_edge(self, graph: str, edge: Edge) -> int:
        idx = self.graph(graph).remove_edge(edge)
        self._dirty.add(graph)
        self.edge_removed.emit(graph, edge)
        return idx

    def set_node_param(self, graph: str, node_id: str, name: str, value: Any) -> None:
        node = self.graph(graph).node(node_id)
        if value is MISSING:
            node.params.pop(name, None)
        else:
            node.params[name] = copy.deepcopy(value)
        self._dirty.add(graph)
        self.node_changed.emit(graph, node_id)

    def set_node_label(self, graph: str, node_id: str, label: str) -> None:
        self.graph(graph).node(node_id).label = label
        self._dirty.add(graph)
        self.node_changed.emit(graph, node_id)

    def set_node_positions(self, graph: str, positions: dict[str, tuple[float, float]]) -> None:
        g = self.graph(graph)
        for nid, pos in positions.items():
            g.node(nid).position = (float(pos[0]), float(pos[1]))
            self.node_moved.emit(graph, nid)

    def set_training_value(self, path: str, value: Any) -> None:
        parts = path.split(".")
        obj: Any = self.project.training
        for part in parts[:-1]:
            obj = getattr(obj, part)
        setattr(obj, parts[-1], copy.deepcopy(value))
        self._dirty.update(g.name for g in self.project.graphs)  # the loss changes output checks
        self.settings_changed.emit()

    def set_graph_optimizer_value(self, graph: str, optimizer: Any) -> None:
        """A graph's own optimizer settings (``OptimizerConfig``), or None to use the project's."""
        self.graph(graph).optimizer = copy.deepcopy(optimizer)
        self.settings_changed.emit()

    def set_notes_value(self, text: str) -> None:
        self.project.notes = str(text)
        self.notes_changed.emit()

    def set_data_value(self, key: str, value: Any) -> None:
        setattr(self.project.data, key, copy.deepcopy(value))
        self._dirty.update(g.name for g in self.project.graphs)  # the Input is checked against the data
        self.settings_changed.emit()

    @contextmanager
    def batched(self) -> Iterator[None]:
        """Run several primitives, then re-infer once (macros)."""
        self._batch += 1
        try:
            yield
        finally:
            self._batch -= 1
        self.flush()

    def flush(self) -> None:
        """After a command: refresh inference of touched graphs and tell the views."""
        if self._batch:
            return
        dirty, self._dirty = self._dirty, set()
        if dirty and self._is_gan():  # one graph's edit can make or mend a problem of the pair
            dirty |= {g.name for g in self.project.graphs}
        for name in dirty:
            if any(g.name == name for g in self.project.graphs):
                self._inferences[name] = self._infer(self.graph(name))
        for name in sorted(dirty):
            if name in self._inferences:
                self.inference_changed.emit(name)
        self.project_changed.emit()

    def reinfer_all(self) -> None:
        self._dirty.clear()
        self._inferences = {g.name: self._infer(g) for g in self.project.graphs}

    def _infer(self, graph: Graph) -> Inference:
        """Shapes and problems of ``graph``, plus what the data settings reveal (the data set exists, the Input
        takes its samples, the output has one unit per class, a GAN's two networks fit): the core's
        ``add_data_checks``, the same checks ``nnbuilder validate`` prints."""
        self._checked_base = self.data_base_dir()
        return add_data_checks(self.project, graph, infer(graph, self.project.training), self._checked_base)

    def data_base_dir(self) -> Path | None:
        """The folder the data set's relative paths start at (the project file's, as for Train); None until the
        project is saved, when a relative path is not checked."""
        path = getattr(self, "path", None)  # the Document's file, set before it re-infers an opened project
        return Path(path).parent if path is not None else None

    def _on_path_changed(self, *_args: object) -> None:
        """Saved into another folder: the data set's relative paths now point elsewhere, so a file found before
        may be missing now, or the reverse. Re-check every graph only when that verdict changed, so a plain Save
        refreshes no view."""
        old, new = self._checked_base, self.data_base_dir()
        if old == new:
            return
        if [p.message for p in dataset_problems(self.project, old)] == \
                [p.message for p in dataset_problems(self.project, new)]:
            self._checked_base = new
            return
        self._dirty.update(g.name for g in self.project.graphs)
        self.flush()

    def _is_gan(self) -> bool:
        return self.project.is_gan

    def data_sample_shape(self) -> tuple[int, ...] | None:
        """One sample's shape for the project's data set, when it is known without loading (built-ins)."""
        return data_sample_shape(self.project)

    def output_mismatch(self, graph: Graph, inf: Inference) -> tuple[str, str, str] | None:
        """(node id, severity, sentence) when the output's units do not suit the data set's classes; the node is
        the layer whose Units field to change (see ``compiler.data_checks.output_mismatch``)."""
        problem = output_mismatch(self.project, graph, inf)
        if problem is None or problem.node is None:
            return None
        return problem.node, problem.severity, problem.message

    @staticmethod
    def _data_input(graph: Graph) -> Node | None:
        """The Input that receives the data set's samples: the only Input of the model graph."""
        return data_input(graph)

    @staticmethod
    def _input_shape(node: Node) -> tuple[int, ...]:
        """The Input's shape as it will be built: its own value, or the layer's default."""
        return input_shape(node)

    def input_mismatch(self, graph: Graph | None = None) -> tuple[str, str] | None:
        """(Input node id, sentence) when the Input's shape is not the data set's sample shape."""
        graph = graph or self.graph(self.project.graph().name)
        problem = input_mismatch(self.project, graph)
        if problem is None or problem.node is None:
            return None
        return problem.node, problem.message

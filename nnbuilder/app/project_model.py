"""The open project as a Qt object: the Project, its latest inference, and a signal for every change.

This is the model half of the app's document (Orange's ``Scheme`` to its ``SchemeEditWidget``): public
primitives that insert and remove nodes and edges, set parameters and settings, each emitting a fine-grained
signal so views mirror the graph without rebuilding it, and shape inference re-run for the graphs a change
touched. It knows nothing of undo, intents or locking; that is ``Document``, the editor half, built on top.
Undo commands import only this module, so commands and the editor no longer import each other.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QObject, Signal

from ..compiler import Inference, infer
from ..compiler.infer import Problem
from ..layers import fmt_shape, get_spec
from ..project import Edge, Graph, Node, Project

#: A parameter that is absent (its default applies), as opposed to one set to None.
MISSING = object()


def _attach(inf: Inference, problem: Problem, first: bool = False) -> None:
    """Add a problem the data set or the other graph reveals to ``inf``, and to its node when drawn here."""
    where = [inf.problems]
    if problem.node in inf.nodes:
        where.append(inf.nodes[problem.node].problems)
    for problems in where:
        if first:
            problems.insert(0, problem)
        else:
            problems.append(problem)


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
        self.reinfer_all()

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
        """Shapes and problems of ``graph``, plus whether its Input takes what the chosen data set gives."""
        inf = infer(graph, self.project.training)
        fit = self.input_mismatch(graph)
        if fit is not None:
            _attach(inf, Problem("error", fit[1], node=fit[0]), first=True)
        units = self.output_mismatch(graph, inf)
        if units is not None:
            _attach(inf, Problem(units[1], units[2], node=units[0]))
        self._point_at_channels(inf)
        if self._is_gan():
            from ..compiler.gan_checks import check_gan

            for gp in check_gan(self.project, self.data_sample_shape()):
                if gp.graph == graph.name:  # shown on the graph whose node the student should change first
                    _attach(inf, gp.as_problem())
        return inf

    def _point_at_channels(self, inf: Inference) -> None:
        """A convolution fed the data set's H×W pictures is told to add a Reshape; where the data set can add
        the channel axis itself, say so too: "Set Input from data" gave 28×28 and the student went looking for a
        Reshape while the Channels box in Project settings was the switch."""
        from ..data.shapes import sample_shape

        data = self.project.data
        if data.options.get("channels"):
            return
        try:
            now = sample_shape(data.dataset, data.options)
            with_axis = sample_shape(data.dataset, {**data.options, "channels": True})
        except Exception:  # noqa: BLE001 - an unknown or user data set: nothing to point at
            return
        if now is None or with_axis is None or len(now) != 2 or len(with_axis) != 3:
            return
        shape = "×".join(str(d) for d in with_axis)
        tip = (f" Or tick Channels in Project settings and press Set Input from data: the pictures then come as "
               f"{shape}.")

        def pointed(problem: Problem) -> Problem:
            if "expects channels×height×width but gets" in problem.message and tip not in problem.message:
                return Problem(problem.severity, problem.message + tip, problem.node, problem.edge)
            return problem

        inf.problems[:] = [pointed(p) for p in inf.problems]
        for info in inf.nodes.values():
            info.problems[:] = [pointed(p) for p in info.problems]

    def _is_gan(self) -> bool:
        roles = {g.role for g in self.project.graphs}
        return {"generator", "discriminator"} <= roles

    def data_sample_shape(self) -> tuple[int, ...] | None:
        """One sample's shape for the project's data set, when it is known without loading (built-ins)."""
        from ..data.shapes import sample_shape

        return sample_shape(self.project.data.dataset, self.project.data.options)

    def output_mismatch(self, graph: Graph, inf: Inference) -> tuple[str, str, str] | None:
        """(output node id, severity, sentence) when the output's units do not suit the data set's classes.

        Fewer units than classes fails at Train ("class ids up to 9 but the output layer has 2 units"); more
        trains, with units that are never the right answer (a perceptron with 3 Step units on the two blobs),
        which a student would not notice. Both are said while drawing, on the output node.
        """
        from ..compiler.infer import CE_LOSSES
        from ..data.shapes import class_count

        if graph.role != "model" or len(inf.outputs) != 1:
            return None
        classes = class_count(self.project.data.dataset)
        loss = self.project.training.loss
        out = inf.outputs[0]
        shape = inf.nodes[out].output_shape
        if classes is None or shape is None or len(shape) != 1:
            return None
        units = int(shape[0])
        one_for_two = loss in ("binary_crossentropy", "perceptron") and classes == 2 and units == 1
        if (loss not in CE_LOSSES and loss not in ("binary_crossentropy", "perceptron")) or one_for_two \
                or units == classes:
            return None
        name = graph.node(out).display_name
        data = f"the data set '{self.project.data.dataset}' has {classes} classes"
        if units < classes:
            return out, "error", (f"{name} has {units} unit{'s' if units != 1 else ''} but {data}: give it "
                                  f"{classes} units, one per class.")
        extra = units - classes
        never = "the last unit is" if extra == 1 else f"the last {extra} units are"
        return out, "warning", (f"{name} has {units} units but {data}: {never} never the right answer; give it "
                                f"{classes} units, one per class"
                                + (" (or 1 for a yes/no output)." if classes == 2 and loss not in CE_LOSSES
                                   else "."))

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


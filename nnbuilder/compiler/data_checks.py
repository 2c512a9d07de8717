"""Whether a project's network suits its data set: checks that need the data settings, not only the graph.

``infer`` looks at one graph; these checks also read ``project.data``: that the data set exists (a built-in id,
or the student's own file found on disk), that the model's Input takes the data set's sample shape, that the
output has one unit per class, and, for a GAN, that the generator and discriminator fit each other and the
data. They used to live in the app's project model, so ``nnbuilder validate`` listed fewer problems than the
app's Problems panel; both now call ``add_data_checks``, so a file is judged the same way everywhere.

Pure Python: no Qt, no torch, nothing is loaded (only the catalogue of data sets is read and a user file's
existence checked), so the app can run it on every edit.
"""

from __future__ import annotations

import difflib
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..layers import fmt_shape, get_spec
from ..project.model import Graph, Node, Project
from .infer import CE_LOSSES, ERROR, WARNING, Inference, Problem, infer

__all__ = [
    "DataProblem", "add_data_checks", "data_graph", "data_input", "data_sample_shape", "dataset_problems",
    "input_mismatch", "input_shape", "output_mismatch", "point_at_channels",
]

#: Losses whose targets are class ids, so the output needs one unit per class (or one for a yes/no output).
_CLASS_LOSSES = (*CE_LOSSES, "binary_crossentropy", "perceptron")
#: The phrase a convolution's "needs a channel axis" problem contains; ``point_at_channels`` extends it.
_CHANNELS_PHRASE = "expects channels×height×width but gets"


@dataclass(frozen=True)
class DataProblem:
    """A problem of the project's data settings (no node is at fault): ``field`` is where in the project file
    the student fixes it (``data.dataset``, ``data.options.path``), so the command line can name it."""

    message: str
    field: str
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def as_problem(self) -> Problem:
        return Problem(self.severity, self.message)


# ---------------------------------------------------------------------------------------------- the data set
def dataset_problems(project: Project, base_dir: Path | str | None = None) -> list[DataProblem]:
    """Why the project's data set cannot be loaded, said before Train: an unknown id, bad options, a missing file.

    ``base_dir`` is the project file's folder, where relative paths start (as the trainer resolves them). When
    it is None (a project never saved) a relative path is not checked: where it points is not known yet, and
    a file that is there must never be reported missing.
    """
    from ..data import DataError, get_info, list_datasets, validate_options

    data = project.data
    try:
        info = get_info(data.dataset)
    except DataError:
        ids = [d.id for d in list_datasets()]
        close = difflib.get_close_matches(str(data.dataset), ids, n=1)
        guess = f" Did you mean '{close[0]}'?" if close else ""
        return [DataProblem(f"There is no data set called '{data.dataset}'.{guess} Pick one in Project settings ▸ "
                            f"Data set; the available ones are {', '.join(ids)}.", "data.dataset")]
    base = Path(base_dir) if base_dir is not None else None
    try:
        checked = validate_options(info, data.options, base)
    except DataError as exc:
        return [DataProblem(f"{exc} Change it in Project settings ▸ Data set.", "data.options")]
    except Exception:  # noqa: BLE001 - a value the data layer cannot even compare (an enormous number): Train says
        return []
    problems = []
    for spec in info.options:
        if spec.kind != "path" or not checked.get(spec.name):
            continue
        raw = os.fspath(data.options.get(spec.name, spec.default))
        if base is None and not Path(raw).expanduser().is_absolute():
            continue
        path = Path(checked[spec.name])
        try:
            found = path.exists()
        except (OSError, ValueError):  # a name the system refuses (a NUL byte): the loader says so at Train
            continue
        if not found:
            what = "folder" if info.id == "image_folder" else "file"
            where = "" if Path(raw).expanduser().is_absolute() else f" (looked for {path})"
            problems.append(DataProblem(
                f"The {what} '{raw}' of the data set '{info.title}' does not exist{where}: choose it again in "
                f"Project settings ▸ Data set, or put the {what} there.", f"data.options.{spec.name}"))
    return problems


def data_sample_shape(project: Project) -> tuple[int, ...] | None:
    """One sample's shape for the project's data set when it is known without loading (built-ins), else None;
    also None while the data settings are wrong (``dataset_problems`` says why)."""
    from ..data import DataError, get_info, validate_options
    from ..data.shapes import sample_shape

    data = project.data
    try:
        validate_options(get_info(data.dataset), data.options)
        return sample_shape(data.dataset, data.options)
    except (DataError, ValueError, TypeError, KeyError, OverflowError):
        return None


def data_graph(project: Project) -> Graph | None:
    """The graph the data set feeds (the discriminator of a GAN, else the model graph): the data set's own
    problems are listed with it, once, rather than with every graph."""
    if project.is_gan:
        return project.role_graph("discriminator")
    return project.graph() if project.graphs else None


# ---------------------------------------------------------------------------------------------- the Input
def data_input(graph: Graph) -> Node | None:
    """The Input that receives the data set's samples: the only Input of the model graph."""
    if graph.role != "model":
        return None
    inputs = [n for n in graph.nodes if n.type == "Input"]
    return inputs[0] if len(inputs) == 1 else None


def input_shape(node: Node) -> tuple[int, ...]:
    """The Input's shape as it will be built: its own value, or the layer's default."""
    value = node.params.get("shape", get_spec(node.type).param("shape").default)
    return tuple(int(v) for v in value or ())


def input_mismatch(project: Project, graph: Graph, expected: Sequence[int] | None = None) -> Problem | None:
    """An error on the Input when its shape is not the data set's sample shape (``expected``, worked out from
    the project when not given): said while drawing, instead of seconds after Train once the data loaded."""
    node = data_input(graph)
    expected = tuple(expected) if expected is not None else data_sample_shape(project)
    if node is None or expected is None:
        return None
    try:
        shape = input_shape(node)
    except (TypeError, ValueError):  # a shape that is no list of sizes: infer reports it on the Input
        return None
    if shape == expected:
        return None
    hint = ""
    if len(expected) > 1 and shape == (math.prod(expected),):
        hint = " (or turn on the data set's 'flatten' option)"
    elif len(shape) == len(expected) + 1 and shape[0] == 1 and shape[1:] == expected:
        hint = " (or turn on the data set's 'channels' option)"
    return Problem(ERROR, f"{node.display_name} takes samples of {fmt_shape(shape)}, but every sample of the data "
                          f"set '{project.data.dataset}' is {fmt_shape(expected)}: click Set Input from data in "
                          f"Project settings{hint}.", node=node.id)


# ---------------------------------------------------------------------------------------------- the output
def _width_setter(graph: Graph, inf: Inference, out: str) -> tuple[str, bool]:
    """(node, has units): the layer that decides how many values the output ``out`` gives.

    Walks back from the output through layers that keep the values as they are and have no Units field
    (ReLU, Dropout, BatchNorm, an Output marker) to the layer whose 'units' set the count, so the problem
    names a layer the student can change. When the walk stops at a layer without units (a Flatten, a merge),
    that layer is returned with False.
    """
    current, seen = out, set()
    while current not in seen:
        seen.add(current)
        info = inf.nodes.get(current)
        if info is None or info.spec is None:
            return current, False
        if any(p.name == "units" for p in info.spec.params):
            units = info.params.get("units")
            # a bidirectional RNN gives 2 × units: then changing units to the class count would be wrong
            return current, info.output_shape is not None and tuple(info.output_shape) == (units,)
        incoming = graph.incoming(current)
        if len(incoming) != 1 or info.input_shapes is None or len(info.input_shapes) != 1 \
                or info.input_shapes[0] != info.output_shape:
            return current, False
        current = incoming[0].source
    return current, False  # a loop: infer reports it


def output_mismatch(project: Project, graph: Graph, inf: Inference) -> Problem | None:
    """A problem on the layer that sets the output's size when it does not suit the data set's classes.

    Fewer units than classes fails at Train ("class ids up to 9 but the output layer has 2 units"); more trains,
    with units that are never the right answer (a perceptron with 3 Step units on the two blobs), which a
    student would not notice. Both are said while drawing, on the layer whose Units field to change: behind a
    ReLU or an Output marker that is the Dense before it, not the ReLU, which has no such field.
    """
    from ..data.shapes import class_count

    if graph.role != "model" or len(inf.outputs) != 1:
        return None
    classes = class_count(project.data.dataset)
    loss = project.training.loss
    out = inf.outputs[0]
    shape = inf.nodes[out].output_shape
    if classes is None or shape is None or len(shape) != 1 or loss not in _CLASS_LOSSES:
        return None
    units = int(shape[0])
    one_for_two = loss in ("binary_crossentropy", "perceptron") and classes == 2 and units == 1
    if one_for_two or units == classes:
        return None
    data = f"the data set '{project.data.dataset}' has {classes} classes"
    yes_no = " (or 1 for a yes/no output)" if classes == 2 and loss not in CE_LOSSES else ""
    severity = ERROR if units < classes else WARNING
    extra = units - classes
    setter, has_units = _width_setter(graph, inf, out)
    out_name = graph.node(out).display_name
    if has_units:
        name = graph.node(setter).display_name
        if units < classes:
            head = f"{name} has {units} unit{'s' if units != 1 else ''} but {data}"
        else:
            never = "the last unit is" if extra == 1 else f"the last {extra} units are"
            head = f"{name} has {units} units but {data}: {never} never the right answer"
        if setter == out:
            fix = f"give it {classes} units, one per class{yes_no}."
        else:
            fix = f"give {name} {classes} units, one per class{yes_no}; {out_name} after it keeps that count."
        return Problem(severity, f"{head}{': ' if units < classes else '; '}{fix}", node=setter)
    values = f"{units} value{'s' if units != 1 else ''}"
    if units < classes:
        head = f"{out_name} gives {values} but {data}"
    else:
        never = "the last value is" if extra == 1 else f"the last {extra} values are"
        head = f"{out_name} gives {values} but {data}: {never} never the right answer"
    after = graph.node(setter).display_name
    return Problem(severity, f"{head}{': ' if units < classes else '; '}add a Dense layer with {classes} units, "
                             f"one per class{yes_no}, after {after}, which sets that size.", node=out)


# ---------------------------------------------------------------------------------------------- hints
def point_at_channels(project: Project, inf: Inference) -> None:
    """Extend "a convolution needs channels×height×width" problems, in place, where the data set can add the
    channel axis itself: "Set Input from data" gave 28×28 and the student went looking for a Reshape while the
    Channels box in Project settings was the switch."""
    from ..data.shapes import sample_shape

    data = project.data
    if not isinstance(data.options, dict) or data.options.get("channels"):
        return
    try:
        now = sample_shape(data.dataset, data.options)
        with_axis = sample_shape(data.dataset, {**data.options, "channels": True})
    except Exception:  # noqa: BLE001 - an unknown or user data set: nothing to point at
        return
    if now is None or with_axis is None or len(now) != 2 or len(with_axis) != 3:
        return
    tip = (f" Or tick Channels in Project settings and press Set Input from data: the pictures then come as "
           f"{fmt_shape(with_axis)}.")

    def pointed(problem: Problem) -> Problem:
        if _CHANNELS_PHRASE in problem.message and tip not in problem.message:
            return Problem(problem.severity, problem.message + tip, problem.node, problem.edge)
        return problem

    inf.problems[:] = [pointed(p) for p in inf.problems]
    for info in inf.nodes.values():
        info.problems[:] = [pointed(p) for p in info.problems]


# ---------------------------------------------------------------------------------------------- all of it
def _attach(inf: Inference, problem: Problem, first: bool = False) -> None:
    """Add a problem the data set or the other graph reveals to ``inf``, and to its node when drawn here."""
    where = [inf.problems]
    if problem.node is not None and problem.node in inf.nodes:
        where.append(inf.nodes[problem.node].problems)
    for problems in where:
        if first:
            problems.insert(0, problem)
        else:
            problems.append(problem)


def label_outside_gan(name: str) -> str:
    """Why a Class label layer cannot feed a model: its classes come from the data set only in a GAN."""
    return (f"'{name}' is a Class label layer, which only a conditional GAN's generator and discriminator use; "
            "a model that predicts classes reads its samples from an Input (the classes are what it learns to "
            "give). Remove it, or give the project a generator and a discriminator.")


def add_data_checks(project: Project, graph: Graph, inf: Inference | None = None,
                    base_dir: Path | str | None = None) -> Inference:
    """``inf`` (``infer(graph)`` when not given) with every problem the data settings reveal added to it.

    The single place the app's Problems panel and ``nnbuilder validate`` get these from, so both list the same.
    The data set's own problems come first, on the graph the data feeds; while the data set cannot be loaded,
    the Input and output are not compared with it (there is nothing to compare with).
    """
    if inf is None:
        inf = infer(graph, project.training)
    if graph.role == "model":
        for node in graph.nodes:
            if node.type == "Label":
                _attach(inf, Problem(ERROR, label_outside_gan(node.display_name), node=node.id), first=True)
    target = data_graph(project)
    own = dataset_problems(project, base_dir)
    if target is not None and target.name == graph.name:
        for i, dp in enumerate(own):
            inf.problems.insert(i, dp.as_problem())
    if not any(dp.is_error for dp in own):
        expected = data_sample_shape(project)
        fit = input_mismatch(project, graph, expected)
        if fit is not None:
            _attach(inf, fit, first=True)
        units = output_mismatch(project, graph, inf)
        if units is not None:
            _attach(inf, units)
        point_at_channels(project, inf)
    else:
        expected = None
    if project.is_gan:
        from ..data.shapes import class_count
        from .gan_checks import check_gan

        classes = None if any(dp.is_error for dp in own) else class_count(project.data.dataset)
        for gp in check_gan(project, expected, data_classes=classes):
            if gp.graph == graph.name:  # shown on the graph whose node the student should change first
                _attach(inf, gp.as_problem())
    return inf

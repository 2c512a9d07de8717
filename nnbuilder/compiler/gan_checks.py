"""Checks across the two graphs of a GAN: what ``infer`` cannot see because it looks at one graph at a time.

The generator's output must fit the discriminator's input and the real data's samples, the generator must
start from a Noise layer, and the discriminator must end in one score per sample. A conditional GAN has a
Class label in both graphs, with the data set's number of classes. Every sentence names the
nodes on both sides (``graph/node``) so the student knows which two layers to make agree. Pure Python: the
app's problems panel, ``nnbuilder validate`` and the trainer all call ``check_gan``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..layers.spec import fmt_shape
from ..project.model import Graph, Project
from .infer import ERROR, Inference, Problem, infer


@dataclass(frozen=True)
class GanProblem:
    """A problem of the pair: ``graph`` is the graph whose ``node`` the student should change first."""

    message: str
    graph: str
    node: str | None = None
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def as_problem(self) -> Problem:
        return Problem(self.severity, self.message, node=self.node)


def _name(graph: Graph, node_id: str) -> str:
    return f"'{graph.node(node_id).display_name}' ({graph.name})"


def _output_node(graph: Graph, inf: Inference) -> str | None:
    """The layer that makes the graph's output (the layer feeding an Output node, if there is one)."""
    if len(inf.outputs) != 1:
        return None
    out = inf.outputs[0]
    if graph.node(out).type == "Output":
        incoming = graph.incoming(out)
        if incoming:
            return incoming[0].source
    return out


def _label_problems(gen: Graph, g_inf: Inference, g_labels: list[str], disc: Graph, d_inf: Inference,
                    d_labels: list[str], data_classes: int | None, data_title: str | None) -> list[GanProblem]:
    """A conditional GAN's class labels: one in each graph or none, the same number of classes in both, and
    as many as the data set has. A label in one graph alone trains, but to no purpose: a discriminator that
    never sees the label cannot hold the generator to the asked class, and a generator without one cannot be
    asked for a class at all."""
    problems: list[GanProblem] = []
    for graph, labels in ((gen, g_labels), (disc, d_labels)):
        if len(labels) > 1:
            problems.append(GanProblem(
                f"The {graph.role} '{graph.name}' has {len(labels)} Class label layers; it takes at most one.",
                graph.name, labels[1]))
    if problems or (not g_labels and not d_labels):
        return problems
    if not d_labels:
        return [GanProblem(
            f"The generator has the Class label {_name(gen, g_labels[0])}, but the discriminator '{disc.name}' has "
            "none: add a Class label to the discriminator too (joined to the sample, e.g. by a Dense and a Reshape "
            "into an extra channel), or it never checks that a sample shows the asked class and the generator "
            "learns to ignore its label.", gen.name, g_labels[0])]  # on the one label there is, to find it
    if not g_labels:
        return [GanProblem(
            f"The discriminator has the Class label {_name(disc, d_labels[0])}, but the generator '{gen.name}' has "
            "none: add a Class label to the generator too (joined to its Noise by a Concatenate), or remove the "
            "discriminator's.", disc.name, d_labels[0])]
    g_k = int(g_inf.nodes[g_labels[0]].output_shape[0])  # type: ignore[index]
    d_k = int(d_inf.nodes[d_labels[0]].output_shape[0])  # type: ignore[index]
    what = f"The data set '{data_title}'" if data_title else "The data set"
    if data_classes == 0:
        return [GanProblem(
            f"{what} has no classes, so the Class labels {_name(gen, g_labels[0])} and "
            f"{_name(disc, d_labels[0])} have nothing to say: remove both, or pick a data set with classes.",
            gen.name, g_labels[0])]
    if data_classes is not None:  # each label that disagrees with the data, on its own graph
        for graph, label, k in ((gen, g_labels[0], g_k), (disc, d_labels[0], d_k)):
            if k != data_classes:
                problems.append(GanProblem(
                    f"{what} has {data_classes} classes, but the Class label {_name(graph, label)} has {k}; set "
                    f"it to {data_classes}.", graph.name, label))
    elif g_k != d_k:
        problems.append(GanProblem(
            f"The Class label {_name(gen, g_labels[0])} has {g_k} classes but {_name(disc, d_labels[0])} has "
            f"{d_k}; give both the data set's number of classes.", disc.name, d_labels[0]))
    return problems


def _shape_text(shape: Sequence[int]) -> str:
    n = math.prod(shape) if shape else 1
    return f"{fmt_shape(shape)}" if len(shape) > 1 else f"{n} value{'s' if n != 1 else ''}"


def check_gan(project: Project, sample_shape: Sequence[int] | None = None, data_title: str | None = None,
              data_classes: int | None = None) -> list[GanProblem]:
    """Problems of the generator/discriminator pair (empty when they fit); ``sample_shape`` is one real
    sample's shape and ``data_classes`` its number of classes (0: none, a regression set) when the data set is
    known."""
    gen = project.role_graph("generator")
    disc = project.role_graph("discriminator")
    if gen is None or disc is None:
        missing = "generator" if gen is None else "discriminator"
        return [GanProblem(f"A GAN needs a graph with the role {missing}; add one or change a graph's role.",
                           (disc or gen).name if (disc or gen) else "")]
    problems: list[GanProblem] = []
    g_inf, d_inf = infer(gen), infer(disc)
    for graph, inf, role in ((gen, g_inf, "generator"), (disc, d_inf, "discriminator")):
        errors = inf.errors()
        if errors:
            first = errors[0]
            problems.append(GanProblem(f"The {role} '{graph.name}' cannot be built yet: {first.message}",
                                       graph.name, first.node))
    if problems:
        return problems

    # the generator starts from noise (and, in a conditional GAN, a class label)
    g_sources = list(g_inf.inputs)
    g_labels = [n for n in g_sources if gen.node(n).type == "Label"]
    g_rest = [n for n in g_sources if gen.node(n).type != "Label"]
    noise = [n for n in g_rest if gen.node(n).type == "Noise"]
    if len(g_rest) != 1 or len(noise) != 1:
        if noise:
            msg = (f"The generator '{gen.name}' has {len(g_rest)} inputs besides a class label; it takes exactly "
                   "one, a Noise layer.")
        elif g_rest:
            src = g_rest[0]
            shape = g_inf.nodes[src].output_shape or ()
            msg = (f"The generator starts from the Input layer {_name(gen, src)}, but a generator makes samples out "
                   f"of random noise: replace it with a Noise layer (latent size {math.prod(shape) or 100}).")
        else:
            msg = f"The generator '{gen.name}' needs a Noise layer to start from."
        problems.append(GanProblem(msg, gen.name, g_rest[0] if g_rest else None))

    # the discriminator reads samples (and, in a conditional GAN, their class)
    d_sources = list(d_inf.inputs)
    d_labels = [n for n in d_sources if disc.node(n).type == "Label"]
    d_rest = [n for n in d_sources if disc.node(n).type != "Label"]
    d_inputs = [n for n in d_rest if disc.node(n).type == "Input"]
    if len(d_rest) != 1 or len(d_inputs) != 1:
        problems.append(GanProblem(
            f"The discriminator '{disc.name}' needs exactly one Input layer (it reads one sample, real or generated) "
            f"and has {len(d_rest)} input layers{' besides a class label' if d_labels else ''}.", disc.name,
            d_rest[0] if d_rest else None))
    problems.extend(_label_problems(gen, g_inf, g_labels, disc, d_inf, d_labels, data_classes, data_title))

    g_out = _output_node(gen, g_inf)
    d_out = _output_node(disc, d_inf)
    if g_out is None:
        problems.append(GanProblem(f"The generator '{gen.name}' has {len(g_inf.outputs)} outputs; it needs exactly "
                                   "one: the generated sample.", gen.name))
    if d_out is None:
        problems.append(GanProblem(f"The discriminator '{disc.name}' has {len(d_inf.outputs)} outputs; it needs "
                                   "exactly one: the score 'real or generated'.", disc.name))
    if problems:
        return problems
    assert g_out is not None and d_out is not None
    d_in = d_inputs[0]
    g_shape = tuple(g_inf.nodes[g_inf.outputs[0]].output_shape or ())
    d_in_shape = tuple(d_inf.nodes[d_in].output_shape or ())
    if g_shape != d_in_shape:
        fix = ""
        if math.prod(g_shape) == math.prod(d_in_shape):
            fix = f" (the sizes agree: add a Reshape to [{', '.join(map(str, d_in_shape))}] at the end of the generator)"
        problems.append(GanProblem(
            f"The generator's output {_name(gen, g_out)} gives {_shape_text(g_shape)} per sample, but the "
            f"discriminator's input {_name(disc, d_in)} expects {_shape_text(d_in_shape)}; make the two the same"
            f"{fix}.", gen.name, g_out))
    if sample_shape is not None:
        real = tuple(int(d) for d in sample_shape)
        if real != g_shape:
            what = f"The data set '{data_title}'" if data_title else "The data set"
            hint = ""
            if len(real) == len(g_shape) + 1 and real[0] == 1 and real[1:] == g_shape:
                hint = " or turn off the data set's 'channels' option"
            elif len(g_shape) == len(real) + 1 and g_shape[0] == 1 and g_shape[1:] == real:
                hint = " or turn on the data set's 'channels' option"
            elif len(g_shape) == 1 and math.prod(real) == g_shape[0]:
                hint = " or turn on the data set's 'flatten' option"
            problems.append(GanProblem(
                f"{what} gives real samples shaped {fmt_shape(real)}, but the generator's output {_name(gen, g_out)} "
                f"gives {fmt_shape(g_shape)} (and the discriminator's input {_name(disc, d_in)} expects "
                f"{fmt_shape(d_in_shape)}); generated and real samples must have the same shape: make the "
                f"generator end in {fmt_shape(real)}{hint}.", gen.name, g_out))
    d_shape = tuple(d_inf.nodes[d_inf.outputs[0]].output_shape or ())
    if math.prod(d_shape) != 1:
        problems.append(GanProblem(
            f"The discriminator must end in one score per sample (real or generated), but its output "
            f"{_name(disc, d_out)} gives {_shape_text(d_shape)}; end it in a Dense layer with 1 unit"
            f"{' after a Flatten' if len(d_shape) > 1 else ''} (sigmoid, or no activation).", disc.name, d_out))
    return problems

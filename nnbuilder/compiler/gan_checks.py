"""Checks across the two graphs of a GAN: what ``infer`` cannot see because it looks at one graph at a time.

The generator's output must fit the discriminator's input and the real data's samples, the generator must
start from a Noise layer, and the discriminator must end in one score per sample. Every sentence names the
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


def _shape_text(shape: Sequence[int]) -> str:
    n = math.prod(shape) if shape else 1
    return f"{fmt_shape(shape)}" if len(shape) > 1 else f"{n} value{'s' if n != 1 else ''}"


def check_gan(project: Project, sample_shape: Sequence[int] | None = None, data_title: str | None = None
              ) -> list[GanProblem]:
    """Problems of the generator/discriminator pair (empty when they fit); ``sample_shape`` is one real
    sample's shape when the data set is known."""
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

    # the generator starts from noise
    g_sources = list(g_inf.inputs)
    noise = [n for n in g_sources if gen.node(n).type == "Noise"]
    if len(g_sources) != 1 or len(noise) != 1:
        if noise:
            msg = (f"The generator '{gen.name}' has {len(g_sources)} inputs; it takes exactly one, a Noise layer.")
        elif g_sources:
            src = g_sources[0]
            shape = g_inf.nodes[src].output_shape or ()
            msg = (f"The generator starts from the Input layer {_name(gen, src)}, but a generator makes samples out "
                   f"of random noise: replace it with a Noise layer (latent size {math.prod(shape) or 100}).")
        else:
            msg = f"The generator '{gen.name}' needs a Noise layer to start from."
        problems.append(GanProblem(msg, gen.name, g_sources[0] if g_sources else None))

    # the discriminator reads samples
    d_sources = list(d_inf.inputs)
    d_inputs = [n for n in d_sources if disc.node(n).type == "Input"]
    if len(d_sources) != 1 or len(d_inputs) != 1:
        problems.append(GanProblem(
            f"The discriminator '{disc.name}' needs exactly one Input layer (it reads one sample, real or generated) "
            f"and has {len(d_sources)} input layers.", disc.name, d_sources[0] if d_sources else None))

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

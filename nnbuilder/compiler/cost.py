"""How much arithmetic one forward pass of a graph takes: a rough multiply-add count from the inferred shapes.

The app uses it to decide how many CPU threads training gets (see ``leave_a_core_for_the_gui``): tiny
networks train fastest on one thread, while convolutional ones gain from every core. An estimate is enough
for that; it counts the layers that dominate (dense, convolution, recurrent, graph convolution) and treats
the rest as one operation per output value.
"""

from __future__ import annotations

import math

from nnbuilder.project import Graph

from .infer import infer

_CONV = ("Conv1d", "Conv2d")
_TRANSPOSED = ("ConvTranspose1d", "ConvTranspose2d")
_RECURRENT = ("LSTM", "GRU", "RNN", "SimpleRNN")
_MATMUL = ("Dense", "GCNConv")


def _prod(shape: tuple[int, ...] | list[int] | None) -> int:
    return int(math.prod(int(d) for d in shape)) if shape else 1


def forward_macs_per_sample(graph: Graph) -> int:
    """Multiply-adds of one sample's forward pass (0 when the shapes cannot be inferred)."""
    try:
        inf = infer(graph)
    except Exception:  # noqa: BLE001 - a graph that does not infer has no cost to speak of yet
        return 0
    total = 0
    for info in inf.nodes.values():
        if info.spec is None or info.output_shape is None:
            continue
        kind = info.spec.type
        out = tuple(info.output_shape)
        inputs = info.input_shapes or []
        if kind in _CONV:
            total += info.param_count * _prod(out[1:])
        elif kind in _TRANSPOSED:
            total += info.param_count * _prod(tuple(inputs[0])[1:] if inputs and inputs[0] else out[1:])
        elif kind in _RECURRENT:
            steps = int(inputs[0][0]) if inputs and inputs[0] else 1
            total += info.param_count * steps
        elif kind in _MATMUL:
            total += info.param_count * _prod(out[:-1])
        else:  # activations, pooling, normalisation, reshapes: about one operation per value
            total += _prod(out)
    return int(total)

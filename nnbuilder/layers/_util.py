"""Helpers shared by the layer families' shape rules."""

from __future__ import annotations

from math import prod

from .spec import ParamSpec, Shape, ShapeError, fmt_shape

ACTIVATIONS = ("linear", "relu", "sigmoid", "tanh", "softmax", "log_softmax", "leaky_relu", "elu", "gelu", "step")


def activation_param(default: str = "linear") -> ParamSpec:
    return ParamSpec("activation", "choice", default, "Applied to the layer's output (Keras style).",
                     choices=ACTIVATIONS)


def one_input(title: str, inputs: list[Shape]) -> Shape:
    if len(inputs) != 1:
        raise ShapeError(f"{title} takes exactly one input but gets {len(inputs)}.")
    return inputs[0]


def need_rank(title: str, shape: Shape, ranks: tuple[int, ...], what: str, fix: str = "") -> None:
    if len(shape) not in ranks:
        msg = f"{title} expects {what} but gets {fmt_shape(shape)}"
        raise ShapeError(msg + (f" — {fix}" if fix else "") + ".")


def numel(shape: Shape) -> int:
    return prod(shape) if shape else 1


def conv_out(length: int, kernel: int, stride: int, padding: int, title: str, dim_name: str = "size") -> int:
    out = (length + 2 * padding - kernel) // stride + 1
    if out < 1:
        raise ShapeError(
            f"{title}'s kernel ({kernel}) is larger than its input's {dim_name} ({length}) — use a smaller "
            "kernel, padding 'same', or remove a pooling layer before it."
        )
    return out

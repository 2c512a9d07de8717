"""Merge layers: several inputs on one port become one output."""

from __future__ import annotations

from typing import Any

from .spec import LayerSpec, ParamSpec, PortSpec, Shape, ShapeError, fmt_shape

_MANY = (PortSpec("in", multiple=True, doc="Connect two or more layers here."),)


def _elementwise(title: str):
    def infer(inputs: list[Shape], p: dict[str, Any]) -> list[Shape]:
        if len(inputs) < 2:
            raise ShapeError(f"{title} needs at least two inputs but gets {len(inputs)}.")
        first = inputs[0]
        for s in inputs[1:]:
            if s != first:
                shapes = ", ".join(fmt_shape(x) for x in inputs)
                raise ShapeError(f"{title} needs inputs of the same shape but gets {shapes}.")
        return [first]

    return infer


def _concat_infer(inputs: list[Shape], p: dict[str, Any]) -> list[Shape]:
    if len(inputs) < 2:
        raise ShapeError(f"Concatenate needs at least two inputs but gets {len(inputs)}.")
    rank = len(inputs[0])
    if any(len(s) != rank for s in inputs):
        raise ShapeError("Concatenate needs inputs of the same rank but gets "
                         + ", ".join(fmt_shape(s) for s in inputs) + ".")
    axis = p["axis"]
    if not -rank <= axis < rank:
        raise ShapeError(f"Concatenate's axis {axis} does not exist for inputs of rank {rank}.")
    ax = axis % rank
    for s in inputs[1:]:
        if any(a != b for i, (a, b) in enumerate(zip(s, inputs[0], strict=True)) if i != ax):
            raise ShapeError("Concatenate needs inputs that match except along the joined axis but gets "
                             + ", ".join(fmt_shape(s) for s in inputs) + ".")
    out = list(inputs[0])
    out[ax] = sum(s[ax] for s in inputs)
    return [tuple(out)]


def _build(name: str):
    def build(p: dict[str, Any], inputs: list[Shape]) -> Any:
        from . import modules

        if name == "Concatenate":
            return modules.Concatenate(p["axis"])
        return getattr(modules, name)()

    return build


SPECS = [
    LayerSpec("Add", "Add", "Merge", "Adds its inputs element by element (residual / skip connections).",
              _elementwise("Add"), _build("Add"), inputs=_MANY, min_inputs=2, aliases=("Sum",)),
    LayerSpec("Concatenate", "Concatenate", "Merge", "Joins its inputs side by side along one axis.",
              _concat_infer, _build("Concatenate"), inputs=_MANY, min_inputs=2,
              params=(ParamSpec("axis", "int", -1, "Axis to join along (-1 = last).", -8, 7),),
              aliases=("Concat", "cat")),
    LayerSpec("Multiply", "Multiply", "Merge", "Multiplies its inputs element by element (gating).",
              _elementwise("Multiply"), _build("Multiply"), inputs=_MANY, min_inputs=2, aliases=("Mul",)),
]

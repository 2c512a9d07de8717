"""Activation layers, each its own palette entry (Keras: layer_activation)."""

from __future__ import annotations

from typing import Any

from ._util import one_input
from .spec import LayerSpec, ParamSpec, Shape, ShapeError


def _act(title: str, factory_name: str, doc: str, aliases: tuple[str, ...] = (),
         params: tuple[ParamSpec, ...] = (), type_id: str | None = None) -> LayerSpec:
    def infer(inputs: list[Shape], p: dict[str, Any]) -> list[Shape]:
        s = one_input(title, inputs)
        if "axis" in p and not (-len(s) <= p["axis"] < len(s)):
            raise ShapeError(f"{title}'s axis {p['axis']} does not exist for an input of rank {len(s)}.")
        return [s]

    def build(p: dict[str, Any], inputs: list[Shape]) -> Any:
        from torch import nn

        from .modules import Step

        if factory_name == "Step":
            return Step()
        if factory_name in ("Softmax", "LogSoftmax"):
            axis = p["axis"]
            return getattr(nn, factory_name)(dim=axis if axis < 0 else axis + 1)
        if factory_name == "LeakyReLU":
            return nn.LeakyReLU(p["negative_slope"])
        if factory_name == "ELU":
            return nn.ELU(p["alpha"])
        return getattr(nn, factory_name)()

    return LayerSpec(type_id or title, title, "Activations", doc, infer, build, params=params, aliases=aliases,
                     key_params=tuple(x.name for x in params))


_AXIS = ParamSpec("axis", "int", -1, "Dimension whose values sum to one (-1 = last).", -8, 7)

SPECS = [
    _act("Step", "Step", "Heaviside step: 1 when the input is above 0, else 0 (the perceptron's threshold).",
         ("Heaviside", "Threshold")),
    _act("Linear", "Identity", "Passes values through unchanged: f(x) = x.", ("Identity",), type_id="Identity"),
    _act("ReLU", "ReLU", "Rectified linear unit: max(0, x).", ("relu",)),
    _act("LeakyReLU", "LeakyReLU", "Like ReLU but lets a small slope through below zero.",
         params=(ParamSpec("negative_slope", "float", 0.01, "Slope for x < 0.", 0.0, 1.0),)),
    _act("ELU", "ELU", "Exponential linear unit: x above 0, α(eˣ − 1) below.",
         params=(ParamSpec("alpha", "float", 1.0, "Value approached for large negative x.", 0.0, 100.0),)),
    _act("GELU", "GELU", "Gaussian error linear unit, a smooth ReLU used in transformers."),
    _act("Sigmoid", "Sigmoid", "Squashes values into (0, 1): 1 / (1 + e⁻ˣ).", ("Logistic",)),
    _act("Tanh", "Tanh", "Squashes values into (−1, 1)."),
    _act("Softmax", "Softmax", "Turns scores into probabilities that sum to one.", params=(_AXIS,)),
    _act("LogSoftmax", "LogSoftmax", "Logarithm of the softmax probabilities (for NLL losses).", params=(_AXIS,)),
]

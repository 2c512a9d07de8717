"""How a layer type is declared: once, read by palette, inspector, inference, compiler and files.

A ``LayerSpec`` carries everything any part of the program needs to know about a layer type.
Shape rules are pure functions over tuples (no torch), so shape inference is instant and
works without torch installed; ``build`` imports torch only when a model is compiled.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

Shape = tuple[int, ...]

#: The value a "graph" port carries during inference: the adjacency has no per-sample shape.
GRAPH: Shape = ()


class ShapeError(Exception):
    """A layer cannot accept its inputs; the message tells the student what to change."""


def fmt_shape(shape: Sequence[int]) -> str:
    """1×28×28 style, as the problems panel and the canvas show shapes."""
    if len(shape) == 0:
        return "a scalar"
    return "×".join(str(d) for d in shape)


@dataclass(frozen=True)
class ParamSpec:
    name: str
    kind: str  # int | float | bool | choice | shape | str
    default: Any
    doc: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    title: str = ""
    zero_text: str = ""  # what a 0 stands for, shown in its place ("= pool size"): a bare 0 read as an error

    @property
    def label(self) -> str:
        return self.title or self.name.replace("_", " ").capitalize()

    def coerce(self, value: Any) -> Any:
        """The value in canonical form, or ValueError with a sentence saying what is wrong."""
        k = self.kind
        if k == "bool":
            if isinstance(value, bool):
                return value
            raise ValueError(f"must be true or false, not {value!r}")
        if k == "int":
            if isinstance(value, bool) or not isinstance(value, int | float) or (
                isinstance(value, float) and not value.is_integer()
            ):
                raise ValueError(f"must be a whole number, not {value!r}")
            value = int(value)
            self._check_range(value)
            return value
        if k == "float":
            if isinstance(value, bool) or not isinstance(value, int | float) or (
                    isinstance(value, float) and not math.isfinite(value)):
                raise ValueError(f"must be a number, not {_num(value) if isinstance(value, int | float) else repr(value)}")
            try:
                value = float(value)
            except OverflowError:
                raise ValueError(f"must be a number of sensible size, not {_num(value)}") from None
            self._check_range(value)
            return value
        if k == "choice":
            if value not in self.choices:
                raise ValueError(f"must be one of {', '.join(self.choices)}, not {value!r}")
            return value
        if k == "shape":
            if not isinstance(value, list | tuple) or not value:
                raise ValueError(f"must be a list of sizes such as [28, 28], not {value!r}")
            out = []
            for d in value:
                if isinstance(d, bool) or not isinstance(d, int) or d < (self.minimum or 1):
                    raise ValueError(f"must hold positive whole numbers, not {value!r}")
                out.append(int(d))
            return out
        if k == "str":
            if not isinstance(value, str):
                raise ValueError(f"must be text, not {value!r}")
            return value
        raise ValueError(f"has unknown kind {k}")

    def _check_range(self, value: float) -> None:
        if self.minimum is not None and value < self.minimum:
            raise ValueError(f"must be at least {_num(self.minimum)}, not {_num(value)}")
        if self.maximum is not None and value > self.maximum:
            raise ValueError(f"must be at most {_num(self.maximum)}, not {_num(value)}")


def _num(v: float) -> str:
    if isinstance(v, int):  # exact, and no float conversion (which overflows past 1e308)
        return str(v) if abs(v) < 10**15 else f"a number with {len(str(abs(v)))} digits"
    return str(int(v)) if float(v).is_integer() else repr(v)


@dataclass(frozen=True)
class PortSpec:
    name: str
    kind: str = "tensor"  # tensor | graph
    multiple: bool = False  # accepts several incoming edges (merge layers)
    doc: str = ""


IN = PortSpec("in")
OUT = PortSpec("out")


def _no_warnings(inputs: list[Shape], params: dict[str, Any]) -> list[str]:
    return []


def _zero_params(inputs: list[Shape], params: dict[str, Any]) -> int:
    return 0


@dataclass(frozen=True)
class LayerSpec:
    type: str
    title: str
    category: str
    doc: str
    infer: Callable[[list[Shape], dict[str, Any]], list[Shape]]
    build: Callable[[dict[str, Any], list[Shape]], Any]
    params: tuple[ParamSpec, ...] = ()
    inputs: tuple[PortSpec, ...] = (IN,)
    outputs: tuple[PortSpec, ...] = (OUT,)
    aliases: tuple[str, ...] = ()
    count_params: Callable[[list[Shape], dict[str, Any]], int] = _zero_params
    warnings: Callable[[list[Shape], dict[str, Any]], list[str]] = _no_warnings
    key_params: tuple[str, ...] = ()
    min_inputs: int = 1  # for a `multiple` port: fewest edges that make sense
    is_source: bool = False  # Input-like: no incoming edges, supplies data
    extra: dict[str, Any] = field(default_factory=dict)

    def param(self, name: str) -> ParamSpec:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def defaults(self) -> dict[str, Any]:
        return {p.name: (list(p.default) if isinstance(p.default, list | tuple) else p.default) for p in self.params}

    def input_port(self, name: str) -> PortSpec | None:
        return next((p for p in self.inputs if p.name == name), None)

    def output_port(self, name: str) -> PortSpec | None:
        return next((p for p in self.outputs if p.name == name), None)

    def resolved_params(self, params: dict[str, Any]) -> dict[str, Any]:
        """Defaults overlaid with the node's own values (validated elsewhere)."""
        out = self.defaults()
        out.update({k: v for k, v in params.items() if k in out})
        return out

    def describe(self, params: dict[str, Any]) -> str:
        """The key params as a short line for the node face, e.g. 'units 128 · relu'."""
        p = self.resolved_params(params)
        bits = []
        for k in self.key_params:
            v = p.get(k)
            if isinstance(v, list | tuple):
                v = fmt_shape(v)
            if k == "activation":
                if v != "linear":
                    bits.append(str(v))
                continue
            if isinstance(v, bool):
                if v:
                    bits.append(k.replace("_", " "))
                continue
            bits.append(f"{k.replace('_', ' ')} {v}")
        return " · ".join(bits)

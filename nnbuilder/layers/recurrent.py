"""Recurrent layers with Keras semantics (batch first; return_sequences chooses the output)."""

from __future__ import annotations

from typing import Any

from ._util import need_rank, one_input
from .spec import LayerSpec, ParamSpec, Shape

_GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def _infer(title: str):
    def infer(inputs: list[Shape], p: dict[str, Any]) -> list[Shape]:
        s = one_input(title, inputs)
        need_rank(title, s, (2,), "a sequence (time steps×features)",
                  f"add a Reshape to {s[0] if s else 'n'}×1 before it" if len(s) == 1 else
                  "use a Reshape or Flatten to get time steps×features")
        width = p["units"] * (2 if p["bidirectional"] else 1)
        return [(s[0], width) if p["return_sequences"] else (width,)]

    return infer


def _count(cell: str):
    def count(inputs: list[Shape], p: dict[str, Any]) -> int:
        g, h = _GATES[cell], p["units"]
        dirs = 2 if p["bidirectional"] else 1
        total, in_size = 0, inputs[0][-1]
        for _ in range(p["num_layers"]):
            total += dirs * g * (h * in_size + h * h + 2 * h)
            in_size = h * dirs
        return total

    return count


def _build(cell: str):
    def build(p: dict[str, Any], inputs: list[Shape]) -> Any:
        from .modules import Recurrent

        return Recurrent(cell, inputs[0][-1], p["units"], p["num_layers"], p["bidirectional"],
                         p["return_sequences"], p["dropout"])

    return build


def _params(units: int) -> tuple[ParamSpec, ...]:
    return (
        ParamSpec("units", "int", units, "Size of the hidden state.", 1, 100_000),
        ParamSpec("num_layers", "int", 1, "Stacked recurrent layers inside this node.", 1, 16),
        ParamSpec("bidirectional", "bool", False, "Also read the sequence backwards."),
        ParamSpec("return_sequences", "bool", False,
                  "Output every time step (to feed another recurrent layer) or only the last one."),
        ParamSpec("dropout", "float", 0.0, "Dropout between stacked layers.", 0.0, 0.99),
    )


_KEYS = ("units", "return_sequences", "bidirectional")

SPECS = [
    LayerSpec("SimpleRNN", "SimpleRNN", "Recurrent", "The plain recurrent cell: h = tanh(W·x + U·h + b).",
              _infer("SimpleRNN"), _build("rnn"), params=_params(32), aliases=("RNN",),
              count_params=_count("rnn"), key_params=_KEYS),
    LayerSpec("LSTM", "LSTM", "Recurrent", "Long short-term memory: gated cells that keep information for long.",
              _infer("LSTM"), _build("lstm"), params=_params(32), aliases=("layer_lstm",),
              count_params=_count("lstm"), key_params=_KEYS),
    LayerSpec("GRU", "GRU", "Recurrent", "Gated recurrent unit: a lighter LSTM with two gates.",
              _infer("GRU"), _build("gru"), params=_params(32), count_params=_count("gru"), key_params=_KEYS),
]

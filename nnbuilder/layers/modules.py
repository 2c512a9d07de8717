"""Small torch modules the catalog needs that torch.nn does not have as such.

Imported only when a model is built, so shape inference and the app's startup stay torch-free.
"""

from __future__ import annotations

import math

import torch
from torch import nn


class Step(nn.Module):
    """Heaviside step, the perceptron's activation: 1 where x > 0, else 0.

    Its gradient is zero almost everywhere, so gradient descent cannot train it; the trainer uses
    Rosenblatt's perceptron rule for networks whose output is a Step neuron.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x > 0).to(x.dtype)


class Reshape(nn.Module):
    def __init__(self, shape: list[int]) -> None:
        super().__init__()
        self.shape = tuple(shape)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.reshape(x.shape[0], *self.shape)

    def extra_repr(self) -> str:
        return f"shape={self.shape}"


class Permute(nn.Module):
    """Keras-style axis reorder over the per-sample dims (1-based), batch dim untouched."""

    def __init__(self, dims: list[int]) -> None:
        super().__init__()
        self.dims = tuple(dims)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.permute(0, *self.dims)

    def extra_repr(self) -> str:
        return f"dims={self.dims}"


class GlobalAvgPool(nn.Module):
    """Average over every spatial position: (N, C, ...) -> (N, C)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.flatten(2).mean(dim=2)


class Recurrent(nn.Module):
    """torch's RNN/LSTM/GRU with Keras semantics: batch first, ``return_sequences`` picks the output."""

    def __init__(self, cell: str, input_size: int, units: int, num_layers: int, bidirectional: bool,
                 return_sequences: bool, dropout: float = 0.0) -> None:
        super().__init__()
        cls = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell]
        self.rnn = cls(input_size, units, num_layers=num_layers, batch_first=True,
                       bidirectional=bidirectional, dropout=dropout if num_layers > 1 else 0.0)
        self.return_sequences = return_sequences

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(x)
        if self.return_sequences:
            return out
        if not self.rnn.bidirectional:
            return out[:, -1]
        h = self.rnn.hidden_size
        # forward direction ends at the last step, the backward one at the first
        return torch.cat([out[:, -1, :h], out[:, 0, h:]], dim=1)


class GCNConv(nn.Module):
    """Graph convolution of Kipf & Welling: H' = Â H W + b with Â = D^-1/2 (A + I) D^-1/2.

    The normalised adjacency arrives as the second input (dense or sparse), so one module works
    for the karate club and for Cora alike.
    """

    def __init__(self, in_features: int, units: int, bias: bool = True) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.empty(in_features, units))
        self.bias = nn.Parameter(torch.zeros(units)) if bias else None
        nn.init.xavier_uniform_(self.weight)

    def forward(self, x: torch.Tensor, adjacency: torch.Tensor) -> torch.Tensor:
        support = x @ self.weight
        out = torch.sparse.mm(adjacency, support) if adjacency.is_sparse else adjacency @ support
        if self.bias is not None:
            out = out + self.bias
        return out

    def extra_repr(self) -> str:
        return f"{self.weight.shape[0]}, {self.weight.shape[1]}, bias={self.bias is not None}"


class Add(nn.Module):
    def forward(self, *xs: torch.Tensor) -> torch.Tensor:
        out = xs[0]
        for x in xs[1:]:
            out = out + x
        return out


class Multiply(nn.Module):
    def forward(self, *xs: torch.Tensor) -> torch.Tensor:
        out = xs[0]
        for x in xs[1:]:
            out = out * x
        return out


class Concatenate(nn.Module):
    def __init__(self, axis: int) -> None:
        super().__init__()
        self.axis = axis  # over the per-sample dims, -1 = last

    def forward(self, *xs: torch.Tensor) -> torch.Tensor:
        dim = self.axis if self.axis < 0 else self.axis + 1
        return torch.cat(xs, dim=dim)

    def extra_repr(self) -> str:
        return f"axis={self.axis}"


def activation_module(name: str) -> nn.Module | None:
    """The module for a Keras-style activation name; None for 'linear'."""
    table = {
        "linear": None,
        "relu": nn.ReLU,
        "sigmoid": nn.Sigmoid,
        "tanh": nn.Tanh,
        "softmax": lambda: nn.Softmax(dim=-1),
        "log_softmax": lambda: nn.LogSoftmax(dim=-1),
        "leaky_relu": nn.LeakyReLU,
        "elu": nn.ELU,
        "gelu": nn.GELU,
        "step": Step,
    }
    factory = table[name]
    return None if factory is None else factory()


def with_activation(layer: nn.Module, activation: str) -> nn.Module:
    act = activation_module(activation)
    if act is None:
        return layer
    return nn.Sequential(layer, act)


def same_padding(kernel: int, dilation: int = 1) -> int:
    return math.floor(dilation * (kernel - 1) / 2)

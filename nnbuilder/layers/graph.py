"""Graph layers: the graph input and Kipf & Welling's graph convolution."""

from __future__ import annotations

from typing import Any

from ._util import activation_param, need_rank
from .spec import GRAPH, LayerSpec, ParamSpec, PortSpec, Shape, ShapeError


def _graph_input_infer(inputs: list[Shape], p: dict[str, Any]) -> list[Shape]:
    return [GRAPH]


def _graph_input_build(p: dict[str, Any], inputs: list[Shape]) -> Any:
    from torch import nn

    return nn.Identity()


def _gcn_infer(inputs: list[Shape], p: dict[str, Any]) -> list[Shape]:
    if len(inputs) != 2:
        raise ShapeError("GCNConv needs node features on 'in' and the graph on 'graph'.")
    s = inputs[0]
    need_rank("GCNConv", s, (1,), "one feature vector per node", "add a Flatten or Dense before it")
    return [(p["units"],)]


def _gcn_count(inputs: list[Shape], p: dict[str, Any]) -> int:
    return inputs[0][0] * p["units"] + (p["units"] if p["use_bias"] else 0)


def _gcn_build(p: dict[str, Any], inputs: list[Shape]) -> Any:
    from .modules import GCNConv, activation_module

    conv = GCNConv(inputs[0][0], p["units"], bias=p["use_bias"])
    act = activation_module(p["activation"])
    if act is None:
        return conv
    return _GCNWithActivation(conv, act)


def _GCNWithActivation(conv: Any, act: Any) -> Any:  # noqa: N802 - a factory standing in for a class
    from torch import nn

    class GCNWithActivation(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = conv
            self.act = act

        def forward(self, x, adjacency):  # type: ignore[no-untyped-def]
            return self.act(self.conv(x, adjacency))

    return GCNWithActivation()


SPECS = [
    LayerSpec(
        "GraphInput", "Graph", "Graph",
        "The dataset's graph (who is connected to whom), fed to graph convolutions.",
        _graph_input_infer, _graph_input_build, inputs=(), outputs=(PortSpec("out", kind="graph"),),
        aliases=("Adjacency", "GraphInput"), is_source=True,
    ),
    LayerSpec(
        "GCNConv", "GCNConv", "Graph",
        "Graph convolution (Kipf & Welling): each node mixes its neighbours' features, Â·H·W.",
        _gcn_infer, _gcn_build,
        params=(
            ParamSpec("units", "int", 16, "Features per node after the layer.", 1, 100_000),
            activation_param(),
            ParamSpec("use_bias", "bool", True, "Learn a bias per output feature."),
        ),
        inputs=(PortSpec("in"), PortSpec("graph", kind="graph")),
        aliases=("GraphConv", "GCN"), count_params=_gcn_count, key_params=("units", "activation"),
    ),
]

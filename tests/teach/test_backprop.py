"""Every δ and ∂C/∂w the stepper shows equals torch.autograd's, for several activations and both costs."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812

from nnbuilder import load_project
from nnbuilder.paths import examples_dir
from nnbuilder.project import Edge, Graph, Node, Project, TrainingConfig
from nnbuilder.teach import TeachError
from nnbuilder.teach.backprop import (
    DenseLayer,
    DenseNet,
    apply_update,
    dense_net_from_project,
    forward_backward,
    target_vector,
)

TORCH_ACT = {
    "linear": lambda z: z, "relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh,
    "leaky_relu": F.leaky_relu, "elu": F.elu, "gelu": F.gelu, "softmax": lambda z: torch.softmax(z, dim=0),
}


def random_net(sizes: list[int], acts: list[str], seed: int) -> DenseNet:
    rng = np.random.default_rng(seed)
    layers = [DenseLayer(f"d{i}", f"dense {i}", rng.normal(0, 1.0 / np.sqrt(sizes[i]), (sizes[i + 1], sizes[i])),
                         rng.normal(0, 0.3, sizes[i + 1]), acts[i]) for i in range(len(acts))]
    return DenseNet("input", sizes[0], layers)


def autograd(net: DenseNet, x: np.ndarray, y: np.ndarray, cost: str):  # type: ignore[no-untyped-def]
    a = torch.tensor(x, dtype=torch.float64)
    ws, bs, zs = [], [], []
    for layer in net.layers:
        w = torch.tensor(layer.w, requires_grad=True)
        b = torch.tensor(layer.b, requires_grad=True)
        z = w @ a + b
        z.retain_grad()
        a = TORCH_ACT[layer.activation](z)
        ws.append(w)
        bs.append(b)
        zs.append(z)
    yt = torch.tensor(y, dtype=torch.float64)
    if cost == "half_sse":
        c = 0.5 * ((a - yt) ** 2).sum()
    elif net.layers[-1].activation == "softmax":
        c = -(yt * torch.log(a)).sum()
    else:
        c = F.binary_cross_entropy(a, yt, reduction="sum")
    c.backward()
    return c.item(), [z.grad.numpy() for z in zs], [w.grad.numpy() for w in ws], [b.grad.numpy() for b in bs]


CASES = [
    ([2, 8, 8, 3], ["tanh", "relu", "softmax"], "cross_entropy"),
    ([2, 8, 8, 3], ["tanh", "relu", "softmax"], "half_sse"),
    ([4, 16, 1], ["sigmoid", "sigmoid"], "cross_entropy"),
    ([4, 16, 1], ["sigmoid", "sigmoid"], "half_sse"),
    ([3, 6, 5, 2], ["leaky_relu", "elu", "linear"], "half_sse"),
    ([3, 10, 10, 4], ["gelu", "softmax", "sigmoid"], "half_sse"),
    ([5, 64, 64, 10], ["relu", "tanh", "softmax"], "cross_entropy"),
]


@pytest.mark.parametrize(("sizes", "acts", "cost"), CASES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_delta_and_gradient_matches_autograd(sizes: list[int], acts: list[str], cost: str, seed: int) -> None:
    net = random_net(sizes, acts, seed)
    rng = np.random.default_rng(100 + seed)
    x = rng.normal(size=sizes[0])
    y = target_vector(seed % sizes[-1], sizes[-1], "classification") if cost == "cross_entropy" else \
        rng.uniform(0, 1, sizes[-1])
    step = forward_backward(net, x, y, cost)
    c, deltas, gws, gbs = autograd(net, x, y, cost)
    assert step.cost == pytest.approx(c, abs=1e-9)
    for mine, d, gw, gb in zip(step.layers, deltas, gws, gbs, strict=True):
        assert np.max(np.abs(mine.delta - d)) <= 1e-6
        assert np.max(np.abs(mine.grad_w - gw)) <= 1e-6
        assert np.max(np.abs(mine.grad_b - gb)) <= 1e-6
    assert all(np.abs(layer.grad_w).max() > 1e-6 for layer in step.layers)  # not a trivially zero case


def test_softmax_cross_entropy_output_delta_is_a_minus_y() -> None:
    net = random_net([2, 4, 3], ["relu", "softmax"], 5)
    y = np.array([0.0, 1.0, 0.0])
    step = forward_backward(net, np.array([0.3, -0.7]), y, "cross_entropy")
    np.testing.assert_allclose(step.layers[-1].delta, step.output - y)
    assert step.layers[-1].rule.startswith("δᴸ = aᴸ − y")
    assert step.layers[0].rule == "δˡ = ((wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ′(zˡ)"
    half = forward_backward(net, np.array([0.3, -0.7]), y, "half_sse")
    assert half.layers[-1].rule.startswith("δᴸ = Jᵀ (aᴸ − y)")


def test_the_spiral_network_is_read_with_the_weights_a_run_starts_from() -> None:
    project = load_project(examples_dir() / "spiral_playground.nnb")
    net = dense_net_from_project(project)
    assert [la.node_id for la in net.layers] == ["hidden1", "hidden2", "output"]
    assert [la.activation for la in net.layers] == ["tanh", "tanh", "softmax"]
    torch.manual_seed(project.training.seed)
    from nnbuilder import build_model

    model = build_model(project)
    first = next(m for m in model.modules() if isinstance(m, torch.nn.Linear))
    np.testing.assert_allclose(net.layers[0].w, first.weight.detach().double().numpy())


def test_apply_update_is_one_sgd_step_of_torch() -> None:
    project = load_project(examples_dir() / "spiral_playground.nnb")
    from nnbuilder import build_model

    torch.manual_seed(3)
    model = build_model(project).double()
    net = dense_net_from_project(project, model)
    x, y = np.array([0.5, -1.2]), target_vector(1, 2, "classification")
    step = forward_backward(net, x, y, "cross_entropy")
    apply_update(net, step, 0.1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    probs = model(torch.tensor(x[None]))
    loss = -torch.log(probs[0, 1])
    loss.backward()
    opt.step()
    linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    for layer, lin in zip(net.layers, linears, strict=True):
        np.testing.assert_allclose(layer.w, lin.weight.detach().numpy(), atol=1e-12)
        np.testing.assert_allclose(layer.b, lin.bias.detach().numpy(), atol=1e-12)


def _chain(*nodes: tuple[str, str, dict]) -> Project:
    g = Graph()
    for i, (nid, typ, params) in enumerate(nodes):
        g.add_node(Node(nid, typ, params, (i * 200.0, 0.0)))
        if i:
            g.add_edge(Edge(nodes[i - 1][0], nid))
    return Project(graphs=[g], training=TrainingConfig(loss="mse"))


def test_activation_layers_fold_into_the_dense_before_them() -> None:
    p = _chain(("input", "Input", {"shape": [3]}), ("d", "Dense", {"units": 5}), ("act", "Sigmoid", {}),
               ("out", "Dense", {"units": 2}))
    net = dense_net_from_project(p)
    assert [la.activation for la in net.layers] == ["sigmoid", "linear"]


def test_networks_the_stepper_cannot_show_are_refused_by_name() -> None:
    wide = _chain(("input", "Input", {"shape": [2]}), ("big", "Dense", {"units": 128}))
    with pytest.raises(TeachError, match="'big' has 128 units"):
        dense_net_from_project(wide)
    image = load_project(examples_dir() / "fashion_mnist_cnn.nnb")
    with pytest.raises(TeachError, match="must be a flat vector"):
        dense_net_from_project(image)
    drop = _chain(("input", "Input", {"shape": [2]}), ("d", "Dense", {"units": 4}), ("drop", "Dropout", {}),
                  ("o", "Dense", {"units": 1}))
    with pytest.raises(TeachError, match="'drop' is a Dropout"):
        dense_net_from_project(drop)
    step = _chain(("input", "Input", {"shape": [2]}), ("neuron", "Dense", {"units": 1, "activation": "step"}))
    with pytest.raises(TeachError, match="'neuron' uses 'step'"):
        dense_net_from_project(step)
    net = random_net([2, 3], ["relu"], 0)
    with pytest.raises(TeachError, match="Cross-entropy needs probabilities"):
        forward_backward(net, np.zeros(2), np.array([1.0, 0, 0]), "cross_entropy")

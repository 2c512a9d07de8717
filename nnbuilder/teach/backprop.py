"""The lecture's backpropagation, written out for one sample through a small Dense network.

Forward:  zˡ = wˡ aˡ⁻¹ + bˡ,  aˡ = σ(zˡ)   (a⁰ = x)
Output:   δᴸ = (aᴸ − y) ⊙ σ′(zᴸ)            for C = ½·Σ (aᴸ − y)²
          δᴸ = aᴸ − y                        for cross-entropy after a softmax (or a sigmoid)
Hidden:   δˡ = ((wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ′(zˡ)
Weights:  ∂C/∂wˡ = δˡ (aˡ⁻¹)ᵀ (entry j,k is aₖˡ⁻¹ δⱼˡ),  ∂C/∂bˡ = δˡ

The numbers are computed exactly like that in float64 numpy, not by autograd, so the stepper shows the
formula it evaluates; the tests compare every δ and ∂C/∂w with torch.autograd. A softmax in a hidden layer
(or with ½·SSE) is not elementwise, so its σ′ is the Jacobian J = diag(a) − a aᵀ and "⊙ σ′(z)" becomes
"Jᵀ ·"; the step says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import TeachError

MAX_UNITS = 64
ELEMENTWISE = ("linear", "relu", "sigmoid", "tanh", "leaky_relu", "elu", "gelu")
SUPPORTED = (*ELEMENTWISE, "softmax")
COSTS = ("half_sse", "cross_entropy")
COST_TITLES = {"half_sse": "½·SSE  C = ½ Σ (aᴸ − y)²", "cross_entropy": "cross-entropy  C = −Σ y log aᴸ"}
LEAKY_SLOPE = 0.01  # torch.nn.LeakyReLU's default, which the Dense layer builds
ELU_ALPHA = 1.0
# Activation layers that may follow a linear Dense on the canvas; they fold into it.
ACTIVATION_NODES = {"Identity": "linear", "ReLU": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh",
                    "LeakyReLU": "leaky_relu", "ELU": "elu", "GELU": "gelu", "Softmax": "softmax"}


def activate(name: str, z: np.ndarray) -> np.ndarray:
    if name == "linear":
        return z.copy()
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "leaky_relu":
        return np.where(z > 0, z, LEAKY_SLOPE * z)
    if name == "elu":
        return np.where(z > 0, z, ELU_ALPHA * np.expm1(np.minimum(z, 0.0)))
    if name == "gelu":
        return 0.5 * z * (1.0 + _erf(z / math.sqrt(2.0)))
    if name == "softmax":
        e = np.exp(z - z.max())
        return e / e.sum()
    raise TeachError(f"The backprop stepper cannot show the activation '{name}'.")


def derivative(name: str, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """σ′(z) for elementwise activations (a vector), the Jacobian ∂a/∂z for softmax (a matrix)."""
    if name == "linear":
        return np.ones_like(z)
    if name == "relu":
        return (z > 0).astype(np.float64)  # torch's choice at exactly 0: gradient 0
    if name == "sigmoid":
        return a * (1.0 - a)
    if name == "tanh":
        return 1.0 - a**2
    if name == "leaky_relu":
        return np.where(z > 0, 1.0, LEAKY_SLOPE)
    if name == "elu":
        return np.where(z > 0, 1.0, ELU_ALPHA * np.exp(np.minimum(z, 0.0)))
    if name == "gelu":
        pdf = np.exp(-0.5 * z**2) / math.sqrt(2.0 * math.pi)
        return 0.5 * (1.0 + _erf(z / math.sqrt(2.0))) + z * pdf
    if name == "softmax":
        return np.diag(a) - np.outer(a, a)
    raise TeachError(f"The backprop stepper cannot show the activation '{name}'.")


def _erf(x: np.ndarray) -> np.ndarray:
    return np.vectorize(math.erf, otypes=[np.float64])(x)


@dataclass
class DenseLayer:
    """One Dense layer as the lecture writes it: w is (units × inputs), b is (units,)."""

    node_id: str
    title: str
    w: np.ndarray
    b: np.ndarray
    activation: str

    @property
    def units(self) -> int:
        return int(self.w.shape[0])


@dataclass
class DenseNet:
    input_id: str
    input_size: int
    layers: list[DenseLayer]

    def copy(self) -> DenseNet:
        return DenseNet(self.input_id, self.input_size,
                        [DenseLayer(la.node_id, la.title, la.w.copy(), la.b.copy(), la.activation)
                         for la in self.layers])


@dataclass
class LayerStep:
    z: np.ndarray
    a: np.ndarray
    delta: np.ndarray
    grad_w: np.ndarray
    grad_b: np.ndarray
    rule: str  # the formula used for this layer's δ, with the numbers' meaning


@dataclass
class BackpropStep:
    """Everything one sample's forward and backward pass produced, layer by layer (index 0 = first Dense)."""

    x: np.ndarray
    y: np.ndarray
    cost: float
    cost_name: str
    layers: list[LayerStep] = field(default_factory=list)

    @property
    def output(self) -> np.ndarray:
        return self.layers[-1].a


def forward_backward(net: DenseNet, x: np.ndarray, y: np.ndarray, cost: str = "half_sse") -> BackpropStep:
    """One sample forward, then δᴸ … δ¹ and every ∂C/∂w, ∂C/∂b by the lecture's formulas."""
    if cost not in COSTS:
        raise TeachError(f"Unknown cost '{cost}'; choose one of {', '.join(COSTS)}.")
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    if x.size != net.input_size:
        raise TeachError(f"The sample has {x.size} values but the input '{net.input_id}' expects {net.input_size}.")
    out = net.layers[-1]
    if y.size != out.units:
        raise TeachError(f"The target has {y.size} values but the output layer '{out.title}' has {out.units} units.")
    zs, acts = [], [x]
    for layer in net.layers:
        z = layer.w @ acts[-1] + layer.b
        zs.append(z)
        acts.append(activate(layer.activation, z))
    a_out = acts[-1]
    deltas: list[np.ndarray] = [np.empty(0)] * len(net.layers)
    rules: list[str] = [""] * len(net.layers)
    if cost == "cross_entropy":
        if out.activation not in ("softmax", "sigmoid"):
            raise TeachError(f"Cross-entropy needs probabilities, but the output layer '{out.title}' uses "
                             f"'{out.activation}'; give it a softmax (or sigmoid) activation, or use ½·SSE.")
        if np.any(a_out <= 0) or (out.activation == "sigmoid" and np.any(a_out >= 1)):
            raise TeachError(f"The output layer '{out.title}' gives a probability of exactly 0 or 1, so the "
                             "cross-entropy is infinite; the weights are too large.")
        if out.activation == "softmax":
            c = float(-np.sum(y * np.log(a_out)))
        else:
            c = float(-np.sum(y * np.log(a_out) + (1 - y) * np.log1p(-a_out)))
        deltas[-1] = a_out - y
        rules[-1] = f"δᴸ = aᴸ − y   (cross-entropy after {out.activation}: σ′ cancels)"
    else:
        c = float(0.5 * np.sum((a_out - y) ** 2))
        d = derivative(out.activation, zs[-1], a_out)
        if d.ndim == 2:
            deltas[-1] = d.T @ (a_out - y)
            rules[-1] = "δᴸ = Jᵀ (aᴸ − y)   (softmax is not elementwise: J = diag(a) − a aᵀ)"
        else:
            deltas[-1] = (a_out - y) * d
            rules[-1] = "δᴸ = (aᴸ − y) ⊙ σ′(zᴸ)"
    for i in range(len(net.layers) - 2, -1, -1):
        back = net.layers[i + 1].w.T @ deltas[i + 1]
        d = derivative(net.layers[i].activation, zs[i], acts[i + 1])
        if d.ndim == 2:
            deltas[i] = d.T @ back
            rules[i] = "δˡ = Jᵀ ((wˡ⁺¹)ᵀ δˡ⁺¹)   (softmax: J = diag(a) − a aᵀ)"
        else:
            deltas[i] = back * d
            rules[i] = "δˡ = ((wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ′(zˡ)"
    step = BackpropStep(x=x, y=y, cost=c, cost_name=cost)
    for i in range(len(net.layers)):
        step.layers.append(LayerStep(z=zs[i], a=acts[i + 1], delta=deltas[i], grad_w=np.outer(deltas[i], acts[i]),
                                     grad_b=deltas[i].copy(), rule=rules[i]))
    return step


def apply_update(net: DenseNet, step: BackpropStep, lr: float) -> None:
    """Gradient descent on this one sample: wˡ ← wˡ − η ∂C/∂wˡ, bˡ ← bˡ − η ∂C/∂bˡ."""
    if not (lr > 0 and math.isfinite(lr)):
        raise TeachError(f"The learning rate must be a positive number, not {lr}.")
    for layer, s in zip(net.layers, step.layers, strict=True):
        layer.w -= lr * s.grad_w
        layer.b -= lr * s.grad_b


def cost_for_loss(loss: str) -> str:
    """The stepper's cost for a project's loss: cross-entropy for the CE losses, the lecture's ½·SSE otherwise."""
    return "cross_entropy" if "crossentropy" in loss else "half_sse"


# -- reading the project's graph ------------------------------------------------------------------------------
def dense_net_from_project(project: Any, model: Any = None) -> DenseNet:
    """The project's graph as a DenseNet with the weights of ``model`` (built from the project when None).

    Only chains Input → Dense (→ activation layer) … are accepted, each at most MAX_UNITS wide, because the
    stepper prints every number; anything else is refused with a sentence naming the node.
    """
    from ..compiler import build_module, infer, module_names

    graph = project.graph()
    inf = infer(graph, project.training)
    if not inf.ok:
        first = inf.errors()[0].message
        raise TeachError(f"The network has problems to fix first: {first}")
    if len(inf.inputs) != 1 or len(inf.outputs) != 1:
        raise TeachError("The backprop stepper needs a chain with one Input and one output.")
    input_id = inf.inputs[0]
    in_shape = inf.nodes[input_id].output_shape
    if in_shape is None or len(in_shape) != 1:
        raise TeachError(f"The input '{graph.node(input_id).display_name}' must be a flat vector for the backprop "
                         f"stepper (it is {in_shape}); it shows Dense networks on 2-D points or small tables.")
    if in_shape[0] > MAX_UNITS:
        raise TeachError(f"The input '{graph.node(input_id).display_name}' has {in_shape[0]} values; the backprop "
                         f"stepper shows at most {MAX_UNITS} per layer.")
    if model is None:
        import torch

        torch.manual_seed(int(project.training.seed))  # the same first weights as a training run
        model = build_module(graph, project.training, inf)
    names = module_names(graph)
    layers: list[DenseLayer] = []
    order = [n for n in inf.order if n != input_id]
    for nid in order:
        node = graph.node(nid)
        spec = inf.nodes[nid].spec
        params = inf.nodes[nid].params
        if node.type == "Dense":
            units = int(params.get("units", 0))
            if units > MAX_UNITS:
                raise TeachError(f"The layer '{node.display_name}' has {units} units; the backprop stepper shows "
                                 f"at most {MAX_UNITS} per layer. Make it narrower to step through it.")
            act = str(params.get("activation", "linear"))
            if act not in SUPPORTED:
                raise TeachError(f"The layer '{node.display_name}' uses '{act}', which has no gradient the stepper "
                                 f"can show; use one of {', '.join(SUPPORTED)}.")
            linear = _linear_of(model.get_submodule(names[nid]), node.display_name)
            layers.append(DenseLayer(nid, node.display_name, linear.weight.detach().double().cpu().numpy().copy(),
                                     _bias(linear), act))
        elif node.type in ACTIVATION_NODES and layers and layers[-1].activation == "linear":
            layers[-1].activation = ACTIVATION_NODES[node.type]
            if node.type == "Softmax" and int(params.get("axis", -1)) not in (-1, 0):
                raise TeachError(f"The Softmax '{node.display_name}' must work over the units (axis -1).")
        elif spec is not None and spec.type == "Output":
            continue
        else:
            raise TeachError(f"The backprop stepper shows Dense layers only; '{node.display_name}' is a {node.type}. "
                             "Open it on a network of Input and Dense layers (e.g. the spiral example).")
    if not layers:
        raise TeachError("The network has no Dense layer to step through.")
    return DenseNet(input_id, int(in_shape[0]), layers)


def _linear_of(module: Any, title: str) -> Any:
    from torch import nn

    if isinstance(module, nn.Linear):
        return module
    for child in module.modules():
        if isinstance(child, nn.Linear):
            return child
    raise TeachError(f"The layer '{title}' has no weights to show.")


def _bias(linear: Any) -> np.ndarray:
    if linear.bias is None:
        return np.zeros(linear.out_features)
    return linear.bias.detach().double().cpu().numpy().copy()


def target_vector(label: Any, units: int, task: str) -> np.ndarray:
    """y for the cost: one-hot for a class id (a single 0/1 for one output unit), the values for regression."""
    if task == "regression":
        return np.asarray(label, dtype=np.float64).reshape(-1)
    cls = int(np.asarray(label).reshape(-1)[0])
    if units == 1:
        return np.array([float(cls)])
    if not 0 <= cls < units:
        raise TeachError(f"The sample's class {cls} does not fit the output layer's {units} units.")
    y = np.zeros(units)
    y[cls] = 1.0
    return y

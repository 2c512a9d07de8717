"""The training view: the student's model, re-traced flat, with a final Softmax/Sigmoid left out when the
loss can use logits instead.

Why: a Keras-style network ends in ``Dense(10, softmax)`` and is trained with sparse categorical
cross-entropy. Computing cross-entropy from logits (``F.cross_entropy``) is exact and the fastest path;
taking the log of softmax probabilities is what Keras does on some backends and it adds kernels per batch
and a clamp that zeroes gradients of confident mistakes. The view shares every submodule (and so every
parameter and buffer) with the model, so training it trains the model; ``trainer.model`` itself is never
changed and still ends in its softmax for prediction, export and the code view.

Re-tracing also inlines the ``Sequential(Linear, activation)`` wrappers the compiler makes for a Dense
with an activation, saving a module call per layer per batch.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import fx, nn

from .objective import CE_LOSSES


class _FlatTracer(fx.Tracer):
    """Treats every module except containers as a leaf, so custom layers are never traced into.

    A container with hooks stays a leaf too: inlining it would silently skip the hooks someone put on
    it (a test, a debugger, the app's activation views).
    """

    def is_leaf_module(self, m: nn.Module, module_qualified_name: str) -> bool:
        if not isinstance(m, nn.Sequential | fx.GraphModule):
            return True
        return module_qualified_name != "" and has_hooks(m)


def has_hooks(module: nn.Module) -> bool:
    return bool(module._forward_hooks or module._forward_pre_hooks or getattr(module, "_backward_hooks", None))


def hooks_signature(model: nn.Module) -> tuple[str, ...]:
    """Names of containers that carry hooks; the trainer rebuilds the view when this changes."""
    return tuple(name for name, m in model.named_modules()
                 if name and isinstance(m, nn.Sequential) and has_hooks(m))


def _activation_of(module: nn.Module) -> str | None:
    from ..layers.modules import Step

    if isinstance(module, nn.Softmax) and module.dim in (-1, 1):
        return "softmax"
    if isinstance(module, nn.LogSoftmax) and module.dim in (-1, 1):
        return "log_softmax"
    if isinstance(module, nn.Sigmoid):
        return "sigmoid"
    if isinstance(module, Step):
        return "step"
    return None


def _output_kind(loss: str, activation: str | None) -> tuple[str, bool]:
    """(what the view outputs, whether to peel the final activation) for a loss and final activation."""
    if loss in CE_LOSSES:
        if activation in ("softmax", "log_softmax"):
            return "logits", True
        if activation is None:
            return "logits", False
        return "probs", False  # sigmoid / step: odd for CE; compute it on the values as probabilities
    if loss == "binary_crossentropy":
        if activation == "sigmoid":
            return "logits", True
        if activation is None:
            return "logits", False
        return "probs", False
    if loss == "perceptron":
        return "step", False
    return "values", False


def training_view(model: Any, loss: str) -> tuple[nn.Module, str, str | None]:
    """(view, output kind, final activation) for ``model`` trained with ``loss``.

    Output kinds: "logits", "probs", "log_probs", "values", "step". Falls back to the model itself
    (and the probability formulas) when the graph cannot be re-traced.
    """
    fallback_act = getattr(model, "output_activation", None)
    try:
        graph = _FlatTracer().trace(model)
    except Exception:  # noqa: BLE001 - an untraceable custom layer: train the model as it is
        kind, _ = _output_kind(loss, fallback_act)
        if kind == "logits" and fallback_act in ("softmax", "sigmoid"):
            kind = "probs"
        elif kind == "logits" and fallback_act == "log_softmax":
            kind = "log_probs"
        return model, kind, fallback_act
    output = next(n for n in graph.nodes if n.op == "output")
    final = output.args[0]
    activation = None
    if isinstance(final, fx.Node) and final.op == "call_module":
        activation = _activation_of(model.get_submodule(final.target))
    kind, peel = _output_kind(loss, activation)
    if peel and isinstance(final, fx.Node) and len(final.args) == 1 and isinstance(final.args[0], fx.Node):
        output.args = (final.args[0],)
        graph.erase_node(final)
    elif kind == "logits" and activation == "log_softmax":
        kind = "log_probs"
    graph.lint()
    view = fx.GraphModule(_flat_root(model, graph), graph, class_name=type(model).__name__ + "TrainingView")
    view.train(model.training)
    return view, kind, activation


def _flat_root(model: nn.Module, graph: fx.Graph) -> nn.Module:
    """A root holding the same leaf modules under flat names (``hiddenlayer_0`` for ``hiddenlayer.0``).

    Plain attribute names make the generated forward do one attribute look-up per layer instead of
    ``getattr(self.hiddenlayer, "0")``. Falls back to the model itself when the graph reads attributes.
    """
    if any(n.op == "get_attr" for n in graph.nodes):
        return model
    root = nn.Module()
    used: set[str] = set()
    for node in graph.nodes:
        if node.op != "call_module":
            continue
        name = base = node.target.replace(".", "_")
        i = 2
        while name in used:
            name, i = f"{base}_{i}", i + 1
        used.add(name)
        root.add_module(name, model.get_submodule(node.target))
        node.target = name
    return root


def postprocess(output: torch.Tensor, kind: str, task: str, loss: str) -> torch.Tensor:
    """Turn the view's output into what ``Trainer.predict`` promises: probabilities for classes, else values."""
    if kind == "logits":
        if loss == "binary_crossentropy" or (output.dim() > 1 and output.shape[1] == 1):
            return torch.sigmoid(output)
        return torch.softmax(output, dim=1)
    if kind == "log_probs":
        return output.exp()
    return output

"""Weight and gradient health for the dashboard's weight views, computed only when asked for.

Everything is copied to numpy so the app's thread can hold it while training mutates the tensors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from .events import Snapshot

_CONV = (nn.Conv1d, nn.Conv2d, nn.Conv3d)


def _first(module: nn.Module, types: tuple[type, ...]) -> nn.Module | None:
    for m in module.modules():
        if isinstance(m, types):
            return m
    return None


def _relu_output(module: nn.Module) -> bool:
    """Whether the module's output has just been through a ReLU (so a zero means 'unit is off')."""
    if isinstance(module, nn.ReLU):
        return True
    if isinstance(module, nn.Sequential) and len(module) and isinstance(module[-1], nn.ReLU):
        return True
    return isinstance(getattr(module, "act", None), nn.ReLU)


def weight_matrices(model: nn.Module) -> dict[str, Any]:
    """Dense weight matrices (units × inputs) and the first convolution's filters, by module name."""
    from ..layers.modules import GCNConv

    out: dict[str, Any] = {}
    conv_seen = False
    for name, child in model.named_children():
        lin = _first(child, (nn.Linear,))
        if lin is not None:
            out[name] = lin.weight.detach().float().cpu().numpy().copy()
            continue
        gcn = _first(child, (GCNConv,))
        if gcn is not None:
            out[name] = gcn.weight.detach().float().t().cpu().numpy().copy()
            continue
        conv = _first(child, _CONV)
        if conv is not None and not conv_seen:
            out[name] = conv.weight.detach().float().cpu().numpy().copy()
            conv_seen = True
    return out


def grad_norms(model: nn.Module) -> dict[str, float]:
    """L2 norm of each top-level module's gradients (the last step's), one device sync in all."""
    names, norms = [], []
    for name, child in model.named_children():
        grads = [p.grad.detach().float().norm() for p in child.parameters() if p.grad is not None]
        if grads:
            names.append(name)
            norms.append(torch.stack(grads).norm())
    if not norms:
        return {}
    return dict(zip(names, torch.stack(norms).tolist(), strict=True))


def dead_units(model: nn.Module, probe: Callable[[], Any]) -> dict[str, float]:
    """Share of units that output zero for every sample of a probe batch, for ReLU-activated modules.

    A unit is one feature of a Dense output or one channel of a convolution's output.
    """
    targets = [(name, child) for name, child in model.named_children() if _relu_output(child)]
    if not targets:
        return {}
    found: dict[str, torch.Tensor] = {}
    hooks = []
    for name, child in targets:
        def hook(_m: nn.Module, _inp: Any, out: Any, _name: str = name) -> None:
            if isinstance(out, torch.Tensor) and out.dim() >= 2:
                # max over every axis except the unit axis (1): a unit is dead if it is never above 0
                alive = out.detach().amax(dim=[d for d in range(out.dim()) if d != 1]) > 0
                found[_name] = 1.0 - alive.float().mean()
        hooks.append(child.register_forward_hook(hook))
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            probe()
    finally:
        model.train(was_training)
        for h in hooks:
            h.remove()
    if not found:
        return {}
    keys = list(found)
    return dict(zip(keys, torch.stack([found[k] for k in keys]).tolist(), strict=True))


def take_snapshot(model: nn.Module, probe: Callable[[], Any] | None, epoch: int, batch: int) -> Snapshot:
    return Snapshot(
        epoch=epoch,
        batch=batch,
        weights=weight_matrices(model),
        grad_norms=grad_norms(model),
        dead_units=dead_units(model, probe) if probe is not None else {},
    )

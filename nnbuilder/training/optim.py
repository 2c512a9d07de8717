"""Optimizers and learning-rate schedules from a project's ``OptimizerConfig`` (shared by every step).

A GAN gives its generator and discriminator one each (a graph's own ``optimizer`` or the project's), a
supervised step one; the settings, their checks and their sentences are the same.
"""

from __future__ import annotations

import math
from typing import Any

from .errors import TrainingError


def no_parameters_message(model: Any, what: str = "The network") -> str:
    """Why there is nothing to train: no layer with weights at all, or every such layer frozen."""
    if any(True for _ in model.parameters()):
        return (f"{what} has no trainable weights: every layer with weights is frozen; untick 'frozen' on at "
                "least one of them.")
    return (f"{what} has no trainable parameters: none of its layers (activations such as ReLU, Flatten, "
            "pooling...) has weights to learn. Add a layer with weights, such as Dense or Conv2D.")


def make_optimizer(params: list[Any], oc: Any, device_type: str, epochs: int) -> tuple[Any, Any]:
    """(optimizer, scheduler or None) for ``params``; TrainingError with a sentence for bad settings."""
    import torch

    name = str(oc.name).strip().lower()
    lr, wd = float(oc.lr), float(oc.weight_decay)
    if not lr > 0 or not math.isfinite(lr):
        raise TrainingError(f"The learning rate must be a positive number, not {oc.lr}.", kind="model")
    fused = device_type in ("cpu", "cuda")
    betas = (float(getattr(oc, "beta1", 0.9)), float(getattr(oc, "beta2", 0.999)))

    def adaptive(cls: Any, **kw: Any) -> Any:
        if fused:
            try:
                return cls(params, fused=True, **kw)
            except (RuntimeError, TypeError, ValueError):
                pass
        return cls(params, **kw)

    if name == "sgd":
        if oc.nesterov and oc.momentum <= 0:
            raise TrainingError("Nesterov momentum needs a momentum above 0 (e.g. 0.9).", kind="model")
        opt = torch.optim.SGD(params, lr=lr, momentum=float(oc.momentum), nesterov=bool(oc.nesterov),
                              weight_decay=wd)
    elif name == "adam":
        opt = adaptive(torch.optim.Adam, lr=lr, betas=betas, weight_decay=wd)
    elif name == "adamw":
        opt = adaptive(torch.optim.AdamW, lr=lr, betas=betas, weight_decay=wd)
    elif name == "rmsprop":
        opt = torch.optim.RMSprop(params, lr=lr, momentum=float(oc.momentum), weight_decay=wd)
    elif name == "adagrad":
        opt = torch.optim.Adagrad(params, lr=lr, weight_decay=wd)
    else:
        raise TrainingError(f"Unknown optimizer '{oc.name}'; choose sgd, adam, adamw, rmsprop or adagrad.",
                            kind="model")
    schedule = str(oc.schedule or "none").lower()
    sched = torch.optim.lr_scheduler
    scheduler = None
    if schedule == "step":
        scheduler = sched.StepLR(opt, step_size=max(1, int(oc.step_size)), gamma=float(oc.gamma))
    elif schedule == "exponential":
        scheduler = sched.ExponentialLR(opt, gamma=float(oc.gamma))
    elif schedule == "cosine":
        scheduler = sched.CosineAnnealingLR(opt, T_max=max(1, epochs))
    elif schedule not in ("none", ""):
        raise TrainingError(f"Unknown learning-rate schedule '{oc.schedule}'; choose none, step, cosine or "
                            "exponential.", kind="model")
    return opt, scheduler

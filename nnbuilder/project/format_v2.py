"""Reading and writing the sections format version 2 added: a graph's own optimizer and the GAN settings.

Kept beside ``io.py`` (which calls these) so the reader's general rules stay in one place: every fault is a
``ProjectError`` naming the JSON path, unknown keys are refused, defaults are written out.
"""

from __future__ import annotations

from typing import Any

from .model import GANConfig, OptimizerConfig

GAN_LOSSES = ("non_saturating", "least_squares")
OPTIMIZERS = ("sgd", "adam", "adamw", "rmsprop", "adagrad")
SCHEDULES = ("none", "step", "cosine", "exponential")
OPTIMIZER_KEYS = {"name", "lr", "momentum", "nesterov", "weight_decay", "schedule", "step_size", "gamma",
                  "beta1", "beta2"}


def read_betas(o: dict[str, Any], path: str, ctx: Any, into: OptimizerConfig) -> None:
    """Adam's beta1/beta2 (each in [0, 1))."""
    into.beta1 = ctx.number(o.get("beta1", into.beta1), f"{path}.beta1", 0.0, 0.999999)
    into.beta2 = ctx.number(o.get("beta2", into.beta2), f"{path}.beta2", 0.0, 0.999999)


def read_graph_optimizer(raw: Any, path: str, ctx: Any) -> OptimizerConfig | None:
    """A graph's ``optimizer`` object (null or absent: the project's optimizer); same rules as the project's."""
    if raw is None:
        return None
    o = ctx.obj(raw, path)
    ctx.known_keys(o, path, OPTIMIZER_KEYS)
    oc = OptimizerConfig()
    result = OptimizerConfig(
        name=ctx.choice(_lower(o.get("name", oc.name)), f"{path}.name", OPTIMIZERS),
        lr=ctx.number(o.get("lr", oc.lr), f"{path}.lr", 0.0, 100.0, lo_open=True),
        momentum=ctx.number(o.get("momentum", oc.momentum), f"{path}.momentum", 0.0, 1.0),
        nesterov=ctx.boolean(o.get("nesterov", oc.nesterov), f"{path}.nesterov"),
        weight_decay=ctx.number(o.get("weight_decay", oc.weight_decay), f"{path}.weight_decay", 0.0, 10.0),
        schedule=ctx.choice(o.get("schedule", oc.schedule), f"{path}.schedule", SCHEDULES),
        step_size=ctx.integer(o.get("step_size", oc.step_size), f"{path}.step_size", 1),
        gamma=ctx.number(o.get("gamma", oc.gamma), f"{path}.gamma", 0.0, 1.0, lo_open=True),
    )
    read_betas(o, path, ctx, result)
    return result


def _lower(value: Any) -> Any:
    """Text in lower case (``"Adam"`` is read as ``adam``); anything else as it is, so the refusal names what
    the file holds (``found true``), not its Python text lowered (``found text 'true'`` or ``'none'``)."""
    return value.lower() if isinstance(value, str) else value


def read_gan(raw: Any, path: str, ctx: Any) -> GANConfig:
    d = ctx.obj(raw, path)
    ctx.known_keys(d, path, {"d_steps", "loss", "label_smoothing"})
    g = GANConfig()
    return GANConfig(
        d_steps=ctx.integer(d.get("d_steps", g.d_steps), f"{path}.d_steps", 1, 100),
        loss=ctx.choice(d.get("loss", g.loss), f"{path}.loss", GAN_LOSSES),
        label_smoothing=ctx.number(d.get("label_smoothing", g.label_smoothing), f"{path}.label_smoothing", 0.0, 0.5),
    )


def optimizer_dict(o: OptimizerConfig) -> dict[str, Any]:
    return {"name": o.name, "lr": o.lr, "momentum": o.momentum, "nesterov": o.nesterov,
            "weight_decay": o.weight_decay, "schedule": o.schedule, "step_size": o.step_size, "gamma": o.gamma,
            "beta1": o.beta1, "beta2": o.beta2}


def graph_optimizer_dict(g: Any) -> dict[str, Any]:
    """``{"optimizer": ...}`` for a graph with its own optimizer, else nothing (the key is left out)."""
    return {"optimizer": optimizer_dict(g.optimizer)} if g.optimizer is not None else {}


def gan_dict(g: GANConfig) -> dict[str, Any]:
    return {"d_steps": g.d_steps, "loss": g.loss, "label_smoothing": g.label_smoothing}

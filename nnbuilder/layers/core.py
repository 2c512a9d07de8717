"""Core layers: Input, Noise, Label, Dense, Flatten, Reshape, Dropout, normalisation, Embedding, Output."""

from __future__ import annotations

from typing import Any

from ._util import activation_param, need_rank, numel, one_input
from .spec import LayerSpec, ParamSpec, Shape, ShapeError, fmt_shape


def _input_infer(inputs: list[Shape], p: dict[str, Any]) -> list[Shape]:
    return [tuple(p["shape"])]


def _noise_infer(inputs: list[Shape], p: dict[str, Any]) -> list[Shape]:
    return [(int(p["latent"]),)]


def _label_infer(inputs: list[Shape], p: dict[str, Any]) -> list[Shape]:
    return [(int(p["classes"]),)]


def _build_none(p: dict[str, Any], inputs: list[Shape]) -> Any:
    from torch import nn

    return nn.Identity()


def _dense_infer(inputs: list[Shape], p: dict[str, Any]) -> list[Shape]:
    s = one_input("Dense", inputs)
    if len(s) == 0:
        raise ShapeError("Dense needs at least one feature per sample.")
    if len(s) >= 3:
        raise ShapeError(f"Dense expects a flat input but gets {fmt_shape(s)} — add a Flatten before it.")
    return [(*s[:-1], p["units"])]


def _dense_warn(inputs: list[Shape], p: dict[str, Any]) -> list[str]:
    s = inputs[0] if inputs else ()
    if len(s) == 2:
        return [
            f"Dense gets {fmt_shape(s)}, so it works on each of the {s[0]} rows separately "
            f"(output {s[0]}×{p['units']}). Add a Flatten before it if you meant one vector per sample."
        ]
    return []


def _dense_count(inputs: list[Shape], p: dict[str, Any]) -> int:
    return inputs[0][-1] * p["units"] + (p["units"] if p["use_bias"] else 0)


def _dense_build(p: dict[str, Any], inputs: list[Shape]) -> Any:
    from torch import nn

    from .modules import with_activation

    return with_activation(nn.Linear(inputs[0][-1], p["units"], bias=p["use_bias"]), p["activation"])


def _flatten_infer(inputs: list[Shape], p: dict[str, Any]) -> list[Shape]:
    return [(numel(one_input("Flatten", inputs)),)]


def _flatten_build(p: dict[str, Any], inputs: list[Shape]) -> Any:
    from torch import nn

    return nn.Flatten()


def _reshape_infer(inputs: list[Shape], p: dict[str, Any]) -> list[Shape]:
    s = one_input("Reshape", inputs)
    target = tuple(p["shape"])
    if numel(target) != numel(s):
        raise ShapeError(
            f"Reshape cannot turn {fmt_shape(s)} ({numel(s)} values) into {fmt_shape(target)} "
            f"({numel(target)} values) — the sizes must multiply to the same number."
        )
    return [target]


def _reshape_build(p: dict[str, Any], inputs: list[Shape]) -> Any:
    from .modules import Reshape

    return Reshape(p["shape"])


def _permute_infer(inputs: list[Shape], p: dict[str, Any]) -> list[Shape]:
    s = one_input("Permute", inputs)
    dims = list(p["dims"])
    if sorted(dims) != list(range(1, len(s) + 1)):
        raise ShapeError(f"Permute's dims {dims} must list each of 1..{len(s)} once for an input of "
                         f"{fmt_shape(s)}.")
    return [tuple(s[d - 1] for d in dims)]


def _permute_build(p: dict[str, Any], inputs: list[Shape]) -> Any:
    from .modules import Permute

    return Permute(p["dims"])


def _same_shape(title: str):
    def infer(inputs: list[Shape], p: dict[str, Any]) -> list[Shape]:
        return [one_input(title, inputs)]

    return infer


def _dropout_build(p: dict[str, Any], inputs: list[Shape]) -> Any:
    from torch import nn

    return nn.Dropout(p["rate"])


def _bn1_infer(inputs: list[Shape], p: dict[str, Any]) -> list[Shape]:
    s = one_input("BatchNorm1D", inputs)
    need_rank("BatchNorm1D", s, (1, 2), "features or channels×length",
              "use BatchNorm2D for images")
    return [s]


def _bn2_infer(inputs: list[Shape], p: dict[str, Any]) -> list[Shape]:
    s = one_input("BatchNorm2D", inputs)
    need_rank("BatchNorm2D", s, (3,), "channels×height×width", "use BatchNorm1D for flat features")
    return [s]


def _bn_count(inputs: list[Shape], p: dict[str, Any]) -> int:
    return 2 * inputs[0][0]


def _bn1_build(p: dict[str, Any], inputs: list[Shape]) -> Any:
    from torch import nn

    return nn.BatchNorm1d(inputs[0][0], momentum=p["momentum"], eps=p["epsilon"])


def _bn2_build(p: dict[str, Any], inputs: list[Shape]) -> Any:
    from torch import nn

    return nn.BatchNorm2d(inputs[0][0], momentum=p["momentum"], eps=p["epsilon"])


def _ln_infer(inputs: list[Shape], p: dict[str, Any]) -> list[Shape]:
    s = one_input("LayerNorm", inputs)
    if len(s) == 0:
        raise ShapeError("LayerNorm needs at least one feature per sample.")
    return [s]


def _ln_count(inputs: list[Shape], p: dict[str, Any]) -> int:
    return 2 * inputs[0][-1]


def _ln_build(p: dict[str, Any], inputs: list[Shape]) -> Any:
    from torch import nn

    return nn.LayerNorm(inputs[0][-1], eps=p["epsilon"])


def _emb_infer(inputs: list[Shape], p: dict[str, Any]) -> list[Shape]:
    s = one_input("Embedding", inputs)
    need_rank("Embedding", s, (1,), "a sequence of token ids (length)", "feed it an Input of shape [length]")
    return [(s[0], p["output_dim"])]


def _emb_count(inputs: list[Shape], p: dict[str, Any]) -> int:
    return p["input_dim"] * p["output_dim"]


def _emb_build(p: dict[str, Any], inputs: list[Shape]) -> Any:
    from torch import nn

    return nn.Embedding(p["input_dim"], p["output_dim"])


_MOMENTUM = ParamSpec("momentum", "float", 0.1, "How fast running statistics follow each batch.", 0.0, 1.0)
_EPS = ParamSpec("epsilon", "float", 1e-5, "Added to the variance to avoid dividing by zero.", 1e-12, 1.0)

SPECS = [
    LayerSpec(
        "Input", "Input", "Core",
        "Where samples enter the network; the shape leaves out the batch dimension.",
        _input_infer, _build_none,
        params=(
            ParamSpec("shape", "shape", [2], "Size of one sample, e.g. [28, 28] for an image."),
            ParamSpec("dtype", "choice", "float32", "float32 for measurements, int64 for token ids.",
                      choices=("float32", "int64")),
        ),
        inputs=(), aliases=("InputLayer",), key_params=("shape",), is_source=True,
    ),
    LayerSpec(
        "Noise", "Noise", "Core",
        "Where a generator starts: a fresh random vector per sample (the latent code z), not data.",
        _noise_infer, _build_none,
        params=(
            ParamSpec("latent", "int", 100, "Length of the random vector z.", 1, 100_000, title="Latent size"),
            ParamSpec("distribution", "choice", "normal", "normal: z ~ N(0, 1); uniform: z ~ U(-1, 1).",
                      choices=("normal", "uniform")),
        ),
        inputs=(), aliases=("Latent", "LatentInput", "NoiseInput"), key_params=("latent", "distribution"),
        is_source=True,
    ),
    LayerSpec(
        "Label", "Class label", "Core",
        "Where a conditional GAN is told the class, as a one-hot vector: in the generator the class to draw, in "
        "the discriminator the class of the sample it judges.",
        _label_infer, _build_none,
        params=(ParamSpec("classes", "int", 10, "How many classes the data set has (the vector's length).", 2,
                          100_000, title="Classes"),),
        inputs=(), aliases=("ClassLabel", "Condition", "ConditionLabel"), key_params=("classes",), is_source=True,
    ),
    LayerSpec(
        "Dense", "Dense", "Core",
        "Every input connected to every unit: y = activation(xW + b).",
        _dense_infer, _dense_build,
        params=(
            ParamSpec("units", "int", 10, "Number of neurons.", 1, 1_000_000),
            activation_param(),
            ParamSpec("use_bias", "bool", True, "Learn a bias b for each unit."),
        ),
        aliases=("Linear", "FullyConnected", "layer_dense"), count_params=_dense_count, warnings=_dense_warn,
        key_params=("units", "activation"),
    ),
    LayerSpec("Flatten", "Flatten", "Core", "Lays all values of a sample out in one long vector (28×28 → 784).",
              _flatten_infer, _flatten_build, aliases=("layer_flatten",)),
    LayerSpec(
        "Reshape", "Reshape", "Core", "Rearranges a sample's values into a new shape of the same size.",
        _reshape_infer, _reshape_build,
        params=(ParamSpec("shape", "shape", [1, 28, 28], "Target shape without the batch dimension."),),
        aliases=("View", "Unflatten"), key_params=("shape",),
    ),
    LayerSpec(
        "Permute", "Permute", "Core",
        "Reorders a sample's axes, e.g. [2, 1] swaps time×features into features×time for Conv1D.",
        _permute_infer, _permute_build,
        params=(ParamSpec("dims", "shape", [2, 1], "New order of the axes, counted from 1 (Keras style)."),),
        aliases=("Transpose", "permute"), key_params=("dims",),
    ),
    LayerSpec(
        "Dropout", "Dropout", "Core", "While training, zeroes a random share of values to fight overfitting.",
        _same_shape("Dropout"), _dropout_build,
        params=(ParamSpec("rate", "float", 0.5, "Share of values dropped.", 0.0, 0.99),),
        key_params=("rate",),
    ),
    LayerSpec(
        "BatchNorm1d", "BatchNorm1D", "Core", "Normalises each feature over the batch, then scales and shifts.",
        _bn1_infer, _bn1_build, params=(_MOMENTUM, _EPS), aliases=("BatchNormalization", "BatchNorm1d"),
        count_params=_bn_count,
    ),
    LayerSpec(
        "BatchNorm2d", "BatchNorm2D", "Core", "Normalises each image channel over the batch.",
        _bn2_infer, _bn2_build, params=(_MOMENTUM, _EPS), aliases=("BatchNorm2d",), count_params=_bn_count,
    ),
    LayerSpec(
        "LayerNorm", "LayerNormalization", "Core", "Normalises the last dimension of each sample on its own.",
        _ln_infer, _ln_build, params=(_EPS,), aliases=("LayerNorm",), count_params=_ln_count,
    ),
    LayerSpec(
        "Embedding", "Embedding", "Core", "Looks up a learned vector for each integer token id.",
        _emb_infer, _emb_build,
        params=(
            ParamSpec("input_dim", "int", 1000, "Vocabulary size (largest id + 1).", 1, 10_000_000),
            ParamSpec("output_dim", "int", 32, "Length of each vector.", 1, 100_000),
        ),
        count_params=_emb_count, key_params=("input_dim", "output_dim"),
    ),
    LayerSpec(
        "Output", "Output", "Core",
        "Marks a model output. Optional: without it, layers with no outgoing connection are the outputs.",
        _same_shape("Output"), _build_none, outputs=(), aliases=("OutputLayer",),
    ),
]

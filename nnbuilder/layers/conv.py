"""Convolution, pooling and resampling layers (channels first, as in PyTorch)."""

from __future__ import annotations

from typing import Any

from ._util import activation_param, conv_out, need_rank, one_input
from .spec import LayerSpec, ParamSpec, Shape, ShapeError

_RANK_WHAT = {1: "channels×length", 2: "channels×height×width"}
_RANK_FIX = {
    1: "add a Reshape to channels×length (e.g. 1×100) before it",
    2: "add a Reshape to 1×28×28 (channels×height×width) before it",
}


def _padding_amount(title: str, p: dict[str, Any]) -> int:
    k, s = p["kernel_size"], p["strides"]
    if p["padding"] == "valid":
        return 0
    if s == 1 or k % 2 == 1:
        return (k - 1) // 2
    raise ShapeError(f"{title} cannot use padding 'same' with an even kernel ({k}) and strides {s} — "
                     "use an odd kernel size or strides 1.")


def _conv_infer(title: str, dims: int):
    def infer(inputs: list[Shape], p: dict[str, Any]) -> list[Shape]:
        s = one_input(title, inputs)
        need_rank(title, s, (dims + 1,), _RANK_WHAT[dims], _RANK_FIX[dims])
        pad = _padding_amount(title, p)
        k, st = p["kernel_size"], p["strides"]
        if p["padding"] == "same" and st == 1:
            spatial = s[1:]
        else:
            spatial = tuple(conv_out(d, k, st, pad, title, n) for d, n in zip(s[1:], ("height", "width"),
                                                                                 strict=False))
        return [(p["filters"], *spatial)]

    return infer


def _conv_count(dims: int):
    def count(inputs: list[Shape], p: dict[str, Any]) -> int:
        c = inputs[0][0]
        return c * p["filters"] * p["kernel_size"] ** dims + (p["filters"] if p["use_bias"] else 0)

    return count


def _conv_build(dims: int):
    def build(p: dict[str, Any], inputs: list[Shape]) -> Any:
        from torch import nn

        from .modules import with_activation

        cls = nn.Conv1d if dims == 1 else nn.Conv2d
        k, st = p["kernel_size"], p["strides"]
        if p["padding"] == "same" and st == 1:
            padding: Any = "same"
        else:
            padding = _padding_amount(cls.__name__, p)
        layer = cls(inputs[0][0], p["filters"], k, stride=st, padding=padding, bias=p["use_bias"])
        return with_activation(layer, p["activation"])

    return build


def _convt_infer(inputs: list[Shape], p: dict[str, Any]) -> list[Shape]:
    s = one_input("Conv2DTranspose", inputs)
    need_rank("Conv2DTranspose", s, (3,), _RANK_WHAT[2], _RANK_FIX[2])
    k, st, pad, op = p["kernel_size"], p["strides"], p["padding"], p["output_padding"]
    if op >= st:
        raise ShapeError(f"Conv2DTranspose's output padding ({op}) must be smaller than its strides ({st}).")
    spatial = []
    for d in s[1:]:
        out = (d - 1) * st - 2 * pad + k + op
        if out < 1:
            raise ShapeError(f"Conv2DTranspose's padding ({pad}) is too large for an input of size {d}.")
        spatial.append(out)
    return [(p["filters"], *spatial)]


def _convt_count(inputs: list[Shape], p: dict[str, Any]) -> int:
    return inputs[0][0] * p["filters"] * p["kernel_size"] ** 2 + (p["filters"] if p["use_bias"] else 0)


def _convt_build(p: dict[str, Any], inputs: list[Shape]) -> Any:
    from torch import nn

    from .modules import with_activation

    layer = nn.ConvTranspose2d(inputs[0][0], p["filters"], p["kernel_size"], stride=p["strides"],
                               padding=p["padding"], output_padding=p["output_padding"], bias=p["use_bias"])
    return with_activation(layer, p["activation"])


def _pool_infer(title: str, dims: int):
    def infer(inputs: list[Shape], p: dict[str, Any]) -> list[Shape]:
        s = one_input(title, inputs)
        need_rank(title, s, (dims + 1,), _RANK_WHAT[dims], _RANK_FIX[dims])
        k = p["pool_size"]
        st = p["strides"] or k
        return [(s[0], *(conv_out(d, k, st, 0, title) for d in s[1:]))]

    return infer


def _pool_build(kind: str, dims: int):
    def build(p: dict[str, Any], inputs: list[Shape]) -> Any:
        from torch import nn

        cls = getattr(nn, f"{kind}Pool{dims}d")
        return cls(p["pool_size"], stride=p["strides"] or p["pool_size"])

    return build


def _gap_infer(inputs: list[Shape], p: dict[str, Any]) -> list[Shape]:
    s = one_input("GlobalAveragePooling", inputs)
    need_rank("GlobalAveragePooling", s, (2, 3), "channels×length or channels×height×width")
    return [(s[0],)]


def _gap_build(p: dict[str, Any], inputs: list[Shape]) -> Any:
    from .modules import GlobalAvgPool

    return GlobalAvgPool()


def _up_infer(inputs: list[Shape], p: dict[str, Any]) -> list[Shape]:
    s = one_input("UpSampling", inputs)
    need_rank("UpSampling", s, (2, 3), "channels×length or channels×height×width")
    return [(s[0], *(d * p["scale_factor"] for d in s[1:]))]


def _up_build(p: dict[str, Any], inputs: list[Shape]) -> Any:
    from torch import nn

    mode = p["mode"]
    if mode == "linear" and len(inputs[0]) == 3:
        mode = "bilinear"
    kwargs = {"align_corners": False} if mode != "nearest" else {}
    return nn.Upsample(scale_factor=p["scale_factor"], mode=mode, **kwargs)


def _conv_params(default_filters: int, default_kernel: int) -> tuple[ParamSpec, ...]:
    return (
        ParamSpec("filters", "int", default_filters, "Number of output channels (feature maps).", 1, 100_000),
        ParamSpec("kernel_size", "int", default_kernel, "Width of the sliding window.", 1, 1024),
        ParamSpec("strides", "int", 1, "Step between window positions.", 1, 1024),
        ParamSpec("padding", "choice", "valid", "'same' keeps the size (with strides 1); 'valid' shrinks it.",
                  choices=("valid", "same")),
        activation_param(),
        ParamSpec("use_bias", "bool", True, "Learn a bias per output channel."),
    )


def _pool_params() -> tuple[ParamSpec, ...]:
    return (
        ParamSpec("pool_size", "int", 2, "Width of the pooling window.", 1, 1024),
        ParamSpec("strides", "int", 0, "Step between windows (0 = same as the pool size).", 0, 1024,
                  zero_text="= pool size"),
    )


SPECS = [
    LayerSpec("Conv1d", "Conv1D", "Convolution", "Slides learned filters along a sequence (channels×length).",
              _conv_infer("Conv1D", 1), _conv_build(1), params=_conv_params(16, 3), aliases=("Conv1d",),
              count_params=_conv_count(1), key_params=("filters", "kernel_size", "activation")),
    LayerSpec("Conv2d", "Conv2D", "Convolution", "Slides learned filters over an image (channels×height×width).",
              _conv_infer("Conv2D", 2), _conv_build(2), params=_conv_params(32, 3), aliases=("Conv2d",),
              count_params=_conv_count(2), key_params=("filters", "kernel_size", "activation")),
    LayerSpec(
        "ConvTranspose2d", "Conv2DTranspose", "Convolution",
        "Learned upsampling: the transpose of a convolution (used by GAN generators).",
        _convt_infer, _convt_build,
        params=(
            ParamSpec("filters", "int", 32, "Number of output channels.", 1, 100_000),
            ParamSpec("kernel_size", "int", 4, "Width of the window.", 1, 1024),
            ParamSpec("strides", "int", 2, "Upsampling factor.", 1, 1024),
            ParamSpec("padding", "int", 1, "Pixels trimmed from each border of the output.", 0, 1024),
            ParamSpec("output_padding", "int", 0, "Extra pixels added on one side.", 0, 1024),
            activation_param(),
            ParamSpec("use_bias", "bool", True, "Learn a bias per output channel."),
        ),
        aliases=("ConvTranspose2d", "Deconvolution"), count_params=_convt_count,
        key_params=("filters", "kernel_size", "strides"),
    ),
    LayerSpec("MaxPool1d", "MaxPooling1D", "Convolution", "Keeps the largest value in each window of a sequence.",
              _pool_infer("MaxPooling1D", 1), _pool_build("Max", 1), params=_pool_params(),
              aliases=("MaxPool1d",), key_params=("pool_size",)),
    LayerSpec("MaxPool2d", "MaxPooling2D", "Convolution", "Keeps the largest value in each window of an image.",
              _pool_infer("MaxPooling2D", 2), _pool_build("Max", 2), params=_pool_params(),
              aliases=("MaxPool2d",), key_params=("pool_size",)),
    LayerSpec("AvgPool2d", "AveragePooling2D", "Convolution", "Averages each window of an image.",
              _pool_infer("AveragePooling2D", 2), _pool_build("Avg", 2), params=_pool_params(),
              aliases=("AvgPool2d",), key_params=("pool_size",)),
    LayerSpec("GlobalAvgPool", "GlobalAveragePooling", "Convolution",
              "Averages each channel over all positions: one number per channel.",
              _gap_infer, _gap_build, aliases=("GlobalAveragePooling2D", "AdaptiveAvgPool", "GlobalAvgPool")),
    LayerSpec(
        "Upsample", "UpSampling", "Convolution", "Enlarges a sequence or image by repeating or interpolating.",
        _up_infer, _up_build,
        params=(
            ParamSpec("scale_factor", "int", 2, "How many times larger.", 1, 64),
            ParamSpec("mode", "choice", "nearest", "nearest repeats values; linear interpolates.",
                      choices=("nearest", "linear")),
        ),
        aliases=("UpSampling2D", "Upsample"), key_params=("scale_factor",),
    ),
]

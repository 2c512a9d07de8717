"""Every registered layer: inferred shape and parameter count equal the real torch module's."""

from __future__ import annotations

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnbuilder.layers import all_specs, get_spec
from nnbuilder.layers._util import ACTIVATIONS

small = st.integers(1, 6)
acts = st.sampled_from(ACTIVATIONS)


@st.composite
def any_shape(draw, min_rank=1, max_rank=3):  # type: ignore[no-untyped-def]
    rank = draw(st.integers(min_rank, max_rank))
    return tuple(draw(st.integers(1, 6)) for _ in range(rank))


@st.composite
def case(draw, type_id: str):  # type: ignore[no-untyped-def]
    """(params, input shapes) that the layer should accept."""
    if type_id == "Input":
        shape = list(draw(any_shape()))
        return {"shape": shape}, []
    if type_id == "Noise":
        return {"latent": draw(st.integers(1, 64)), "distribution": draw(st.sampled_from(["normal", "uniform"]))}, []
    if type_id == "Label":
        return {"classes": draw(st.integers(2, 64))}, []
    if type_id == "Dense":
        return ({"units": draw(small), "activation": draw(acts), "use_bias": draw(st.booleans())},
                [draw(any_shape(1, 2))])
    if type_id in ("Flatten", "Dropout", "Identity", "ReLU", "GELU", "Sigmoid", "Tanh", "Step", "Output"):
        params = {"rate": draw(st.floats(0, 0.9))} if type_id == "Dropout" else {}
        return params, [draw(any_shape())]
    if type_id in ("Softmax", "LogSoftmax"):
        s = draw(any_shape())
        return {"axis": draw(st.integers(-len(s), len(s) - 1))}, [s]
    if type_id == "LeakyReLU":
        return {"negative_slope": draw(st.floats(0, 1))}, [draw(any_shape())]
    if type_id == "ELU":
        return {"alpha": draw(st.floats(0.01, 5))}, [draw(any_shape())]
    if type_id == "Reshape":
        s = draw(any_shape())
        n = 1
        for d in s:
            n *= d
        target = [n] if draw(st.booleans()) else [1, n]
        return {"shape": target}, [s]
    if type_id == "Permute":
        s = draw(any_shape(1, 3))
        dims = draw(st.permutations(list(range(1, len(s) + 1))))
        return {"dims": list(dims)}, [s]
    if type_id == "BatchNorm1d":
        return {}, [draw(any_shape(1, 2))]
    if type_id == "BatchNorm2d":
        return {}, [draw(any_shape(3, 3))]
    if type_id == "LayerNorm":
        return {}, [draw(any_shape())]
    if type_id == "Embedding":
        return {"input_dim": draw(st.integers(1, 20)), "output_dim": draw(small)}, [(draw(small),)]
    if type_id in ("Conv1d", "Conv2d"):
        dims = 1 if type_id == "Conv1d" else 2
        k = draw(st.integers(1, 4))
        stride = draw(st.integers(1, 3))
        padding = draw(st.sampled_from(["valid", "same"]))
        if padding == "same" and stride > 1 and k % 2 == 0:
            k += 1
        size = [draw(st.integers(k, k + 6)) for _ in range(dims)]
        return ({"filters": draw(small), "kernel_size": k, "strides": stride, "padding": padding,
                 "activation": draw(acts), "use_bias": draw(st.booleans())}, [(draw(small), *size)])
    if type_id == "ConvTranspose2d":
        stride = draw(st.integers(1, 3))
        k = draw(st.integers(1, 4))
        pad = draw(st.integers(0, max(0, (k - 1) // 2)))
        return ({"filters": draw(small), "kernel_size": k, "strides": stride, "padding": pad,
                 "output_padding": draw(st.integers(0, stride - 1)), "use_bias": draw(st.booleans())},
                [(draw(small), draw(st.integers(2, 6)), draw(st.integers(2, 6)))])
    if type_id in ("MaxPool1d", "MaxPool2d", "AvgPool2d"):
        dims = 1 if type_id == "MaxPool1d" else 2
        k = draw(st.integers(1, 3))
        return ({"pool_size": k, "strides": draw(st.integers(0, 3))},
                [(draw(small), *(draw(st.integers(k, k + 6)) for _ in range(dims)))])
    if type_id == "GlobalAvgPool":
        return {}, [draw(any_shape(2, 3))]
    if type_id == "Upsample":
        s = draw(any_shape(2, 3))
        return {"scale_factor": draw(st.integers(1, 3)), "mode": draw(st.sampled_from(["nearest", "linear"]))}, [s]
    if type_id in ("SimpleRNN", "LSTM", "GRU"):
        layers = draw(st.integers(1, 3))
        return ({"units": draw(small), "num_layers": layers, "bidirectional": draw(st.booleans()),
                 "return_sequences": draw(st.booleans()), "dropout": 0.0}, [(draw(small), draw(small))])
    if type_id == "GraphInput":
        return {}, []
    if type_id == "GCNConv":
        return {"units": draw(small), "activation": draw(acts), "use_bias": draw(st.booleans())}, [(draw(small),), ()]
    if type_id in ("Add", "Multiply"):
        s = draw(any_shape())
        return {}, [s] * draw(st.integers(2, 4))
    if type_id == "Concatenate":
        s = list(draw(any_shape()))
        axis = draw(st.integers(-len(s), len(s) - 1))
        shapes = []
        for _ in range(draw(st.integers(2, 3))):
            t = list(s)
            t[axis] = draw(small)
            shapes.append(tuple(t))
        return {"axis": axis}, shapes
    raise AssertionError(f"no test case generator for layer type {type_id}: add one")


ALL_TYPES = [s.type for s in all_specs()]


def _run(type_id: str, params: dict, inputs: list[tuple[int, ...]]):  # type: ignore[no-untyped-def]
    spec = get_spec(type_id)
    p = spec.resolved_params(params)
    for ps in spec.params:
        p[ps.name] = ps.coerce(p[ps.name])
    expected = spec.infer(inputs, p)
    count = spec.count_params(inputs, p)
    module = spec.build(p, inputs)
    module.eval()
    batch = 3
    if spec.is_source:
        return  # sources pass data through; their shape is their parameter
    tensors = []
    for i, s in enumerate(inputs):
        if type_id == "GCNConv" and i == 1:
            tensors.append(torch.eye(batch))
        elif type_id == "Embedding":
            tensors.append(torch.randint(0, p["input_dim"], (batch, *s)))
        else:
            tensors.append(torch.randn(batch, *s))
    with torch.no_grad():
        out = module(*tensors)
    assert tuple(out.shape) == (batch, *expected[0]), (type_id, p, inputs)
    assert sum(t.numel() for t in module.parameters()) == count, (type_id, p, inputs)


@pytest.mark.parametrize("type_id", ALL_TYPES)
def test_inferred_shape_and_params_match_torch(type_id: str) -> None:
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(case(type_id))
    def check(c):  # type: ignore[no-untyped-def]
        params, inputs = c
        _run(type_id, params, inputs)

    check()


def test_every_registered_type_has_a_generator() -> None:
    # the parametrised test above fails for a new type without a generator; this keeps the list honest
    assert len(ALL_TYPES) >= 36

"""File ▸ New from template: small starting points built with the core model (validated by tests)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..project import DataConfig, Edge, Graph, Node, OptimizerConfig, Project, TrainingConfig
from ..project.model import GANConfig


def _chain(name: str, role: str, layers: list[tuple[str, str, dict[str, Any]]]) -> Graph:
    g = Graph(name=name, role=role)
    prev = None
    for i, (nid, t, params) in enumerate(layers):
        g.add_node(Node(nid, t, params, (i * 240.0, 0.0)))
        if prev is not None:
            g.add_edge(Edge(prev, nid))
        prev = nid
    return g


def empty() -> Project:
    return Project(name="Untitled")


def mlp() -> Project:
    g = _chain("model", "model", [
        ("input", "Input", {"shape": [28, 28]}),
        ("flatten", "Flatten", {}),
        ("hidden", "Dense", {"units": 128, "activation": "relu"}),
        ("output", "Dense", {"units": 10, "activation": "softmax"}),
    ])
    return Project(name="MLP", graphs=[g], data=DataConfig("fashion_mnist", {}),
                   training=TrainingConfig(epochs=5, validation_split=0.2))


def cnn() -> Project:
    g = _chain("model", "model", [
        ("input", "Input", {"shape": [1, 28, 28]}),
        ("conv1", "Conv2d", {"filters": 32, "kernel_size": 3, "padding": "same", "activation": "relu"}),
        ("pool1", "MaxPool2d", {"pool_size": 2}),
        ("conv2", "Conv2d", {"filters": 64, "kernel_size": 3, "padding": "same", "activation": "relu"}),
        ("pool2", "MaxPool2d", {"pool_size": 2}),
        ("flatten", "Flatten", {}),
        ("output", "Dense", {"units": 10, "activation": "softmax"}),
    ])
    return Project(name="CNN", graphs=[g], data=DataConfig("fashion_mnist", {"channels": True}),
                   training=TrainingConfig(epochs=5, validation_split=0.2))


def rnn() -> Project:
    g = _chain("model", "model", [
        ("input", "Input", {"shape": [24, 1]}),
        ("lstm", "LSTM", {"units": 32}),
        ("output", "Dense", {"units": 10}),
    ])
    return Project(name="RNN forecaster", graphs=[g],
                   data=DataConfig("household_power", {}),
                   training=TrainingConfig(loss="mse", metrics=["mae"], epochs=10, validation_split=0.2))


def gan() -> Project:
    gen = _chain("generator", "generator", [
        ("noise", "Noise", {"latent": 64, "distribution": "normal"}),
        ("g_hidden", "Dense", {"units": 256, "activation": "relu"}),
        ("g_pixels", "Dense", {"units": 784, "activation": "sigmoid"}),
        ("g_image", "Reshape", {"shape": [1, 28, 28]}),
    ])
    disc = _chain("discriminator", "discriminator", [
        ("image", "Input", {"shape": [1, 28, 28]}),
        ("d_flatten", "Flatten", {}),
        ("d_hidden", "Dense", {"units": 256, "activation": "leaky_relu"}),
        ("d_real", "Dense", {"units": 1, "activation": "sigmoid"}),
    ])
    # the settings of the MNIST GAN example: images in [0, 1] with a channel axis, Adam with beta1 0.5
    return Project(name="GAN", graphs=[gen, disc],
                   data=DataConfig("mnist_test", {"normalize": True, "channels": True}),
                   training=TrainingConfig(loss="binary_crossentropy",
                                           optimizer=OptimizerConfig("adam", 0.0002, beta1=0.5),
                                           metrics=[], epochs=20, batch_size=64, validation_split=0.0,
                                           gan=GANConfig(d_steps=1, loss="non_saturating", label_smoothing=0.1)))


TEMPLATES: dict[str, Callable[[], Project]] = {
    "Empty": empty,
    "MLP (Fashion-MNIST)": mlp,
    "CNN (Fashion-MNIST)": cnn,
    "RNN (household power)": rnn,
    "GAN (generator + discriminator)": gan,
}

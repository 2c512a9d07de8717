"""Format version 2: version-1 files still open, and the sections version 2 added round-trip and fail plainly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nnbuilder.compiler import infer
from nnbuilder.project import (
    FORMAT_VERSION,
    GANConfig,
    OptimizerConfig,
    ProjectError,
    dumps_project,
    load_project,
    loads_project,
)

DATA = Path(__file__).parent / "data"


def test_a_version_1_file_opens_unchanged_and_saves_in_the_current_version() -> None:
    old = json.loads((DATA / "perceptron_blobs_v1.nnb").read_text())
    assert old["version"] == 1
    project = load_project(DATA / "perceptron_blobs_v1.nnb")
    assert project.training.loss == "perceptron" and project.training.optimizer.lr == old["training"]["optimizer"]["lr"]
    assert [n.id for n in project.graphs[0].nodes] == [n["id"] for n in old["graphs"][0]["nodes"]]
    assert project.training.optimizer.beta1 == 0.9 and project.training.gan == GANConfig()
    saved = json.loads(dumps_project(project))
    assert saved["version"] == FORMAT_VERSION
    assert saved["training"]["shuffle"] is True  # version 1 always shuffled
    assert saved["training"]["gan"] == {"d_steps": 1, "loss": "non_saturating", "label_smoothing": 0.0}


def test_a_version_1_gan_gets_a_noise_layer_for_its_generator_input() -> None:
    project = load_project(DATA / "gan_template_v1.nnb")
    gen = project.role_graph("generator")
    disc = project.role_graph("discriminator")
    assert gen is not None and disc is not None and project.is_gan
    noise = gen.node("noise")
    assert noise.type == "Noise" and noise.params == {"latent": 64, "distribution": "normal"}
    assert disc.node("image").type == "Input"  # the discriminator's input is real data: left alone
    inf = infer(gen)
    assert inf.ok, [p.message for p in inf.errors()]
    assert inf.nodes["noise"].output_shape == (64,)


def test_each_network_trains_with_its_own_optimizer_else_the_project_s() -> None:
    project = load_project(DATA / "gan_template_v1.nnb")
    gen, disc = project.role_graph("generator"), project.role_graph("discriminator")
    assert gen is not None and disc is not None
    assert project.optimizer_of(gen) is project.training.optimizer and project.shares_project_optimizer
    gen.optimizer = OptimizerConfig("adam", 0.0004, beta1=0.5)
    assert project.optimizer_of(gen).lr == 0.0004 and project.optimizer_of(disc) is project.training.optimizer
    assert project.shares_project_optimizer  # the discriminator still uses it
    disc.optimizer = OptimizerConfig("sgd", 0.01)
    assert not project.shares_project_optimizer
    project.graphs.remove(disc)  # no longer a GAN: the one graph left trains with the project's settings
    assert project.shares_project_optimizer


def test_per_graph_optimizer_and_gan_settings_round_trip() -> None:
    project = load_project(DATA / "gan_template_v1.nnb")
    project.role_graph("generator").optimizer = OptimizerConfig("adam", 0.0002, beta1=0.5, beta2=0.99)
    project.training.gan = GANConfig(d_steps=2, loss="least_squares", label_smoothing=0.1)
    text = dumps_project(project)
    again = loads_project(text)
    assert again.role_graph("generator").optimizer == OptimizerConfig("adam", 0.0002, beta1=0.5, beta2=0.99)
    assert again.role_graph("discriminator").optimizer is None
    assert "optimizer" not in json.loads(text)["graphs"][1]  # no own optimizer: the key is left out
    assert again.training.gan == GANConfig(2, "least_squares", 0.1)
    assert dumps_project(again) == text


@pytest.mark.parametrize(("where", "value", "path", "words"), [
    ("gan", {"d_steps": 0}, "$.training.gan.d_steps", "at least 1"),
    ("gan", {"loss": "wasserstein"}, "$.training.gan.loss", "non_saturating"),
    ("gan", {"label_smoothing": 0.9}, "$.training.gan.label_smoothing", "at most 0.5"),
    ("gan", {"k": 2}, "$.training.gan", "k"),
    ("graph_optimizer", {"beta1": 1.5}, "$.graphs[0].optimizer.beta1", "at most"),
    ("graph_optimizer", {"name": "lion"}, "$.graphs[0].optimizer.name", "adam"),
    ("optimizer", {"beta2": -1}, "$.training.optimizer.beta2", "at least 0"),
])
def test_bad_version_2_sections_name_the_field(where: str, value: dict, path: str, words: str) -> None:
    doc = json.loads(dumps_project(load_project(DATA / "gan_template_v1.nnb")))
    if where == "gan":
        doc["training"]["gan"] = value
    elif where == "graph_optimizer":
        doc["graphs"][0]["optimizer"] = value
    else:
        doc["training"]["optimizer"].update(value)
    with pytest.raises(ProjectError) as err:
        loads_project(json.dumps(doc), "bad.nnb")
    assert path in str(err.value) and words in str(err.value) and "bad.nnb" in str(err.value)

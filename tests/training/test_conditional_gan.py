"""Conditional GANs: a Class label in both graphs makes the generator draw the class it is asked for.

The ring of eight Gaussians labels each point with its mode, so "draw mode k" has a checkable answer: the
nearest mode of a sample asked for class k should be mode k.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nnbuilder.cli import main
from nnbuilder.compiler.data_checks import add_data_checks
from nnbuilder.compiler.gan_checks import check_gan
from nnbuilder.data.mixtures import ring_means
from nnbuilder.project import Edge, Node, Project, load_project, save_project
from nnbuilder.training import Failed, Finished, Trainer, TrainingError
from tests.conftest import EXAMPLES

RING = EXAMPLES / "gan_ring_2d.nnb"


def conditional_ring(generator_label: bool = True, discriminator_label: bool = True, classes: int = 8) -> Project:
    """The ring example with a Class label joined to the generator's noise and to the discriminator's point."""
    project = load_project(RING)
    project.data.options["samples"] = 2048
    project.training.batch_size = 64  # 32 steps an epoch: the pairing of class and place takes a few hundred
    gen, disc = project.role_graph("generator"), project.role_graph("discriminator")
    assert gen is not None and disc is not None
    for graph, wanted, source, first in ((gen, generator_label, "noise", "g_hidden1"),
                                         (disc, discriminator_label, "point", "d_hidden1")):
        if not wanted:
            continue
        graph.remove_edge(next(e for e in graph.edges if e.source == source and e.target == first))
        graph.add_node(Node("label", "Label", {"classes": classes}, (0, 140)))
        graph.add_node(Node("join", "Concatenate", {}, (110, 70)))
        graph.add_edge(Edge(source, "join"))
        graph.add_edge(Edge("label", "join"))
        graph.add_edge(Edge("join", first))
    return project


def nearest_mode(points: np.ndarray) -> np.ndarray:
    return np.linalg.norm(points[:, None, :] - ring_means()[None, :, :], axis=2).argmin(axis=1)


def test_the_generator_draws_the_class_it_is_asked_for() -> None:
    project = conditional_ring()
    project.training.epochs = 12
    trainer = Trainer(project, device="cpu")
    step = trainer.step
    assert step.classes == 8 and step.class_names[3] == "mode 3"
    assert "gan_lab" not in step.views  # D's heatmap over the plane would depend on a class
    asked = np.repeat(np.arange(8), 50)
    before = nearest_mode(step.generate(step.sample_noise(400, seed=5), asked))
    result = trainer.fit()
    assert isinstance(result, Finished), result
    after = nearest_mode(step.generate(step.sample_noise(400, seed=5), asked))
    assert (before == asked).mean() < 0.4  # untrained: the label decides little
    assert (after == asked).mean() >= 0.9, np.bincount(after[asked == 0], minlength=8)
    # by default the samples take the classes in turn, and one class for all can be asked by name or number
    np.testing.assert_array_equal(step.labels_for(10), np.arange(10) % 8)
    assert (nearest_mode(trainer.generate(60, seed=1, label="mode 6")) == 6).mean() >= 0.9
    assert (nearest_mode(trainer.generate(60, seed=1, label=2)) == 2).mean() >= 0.9
    with pytest.raises(TrainingError, match="no class 'mode 9'; the classes are mode 0, mode 1"):
        trainer.generate(5, label="mode 9")


def test_the_grid_holds_each_noise_vector_in_every_class() -> None:
    from nnbuilder.training.steps.gan import CONDITIONAL_ROWS

    step = Trainer(conditional_ring(), device="cpu").step
    z = step.fixed_noise
    assert z.shape == (CONDITIONAL_ROWS * 8, 2) and step.grid_columns == 8
    np.testing.assert_array_equal(z[0], z[7])  # row 0: one noise vector in all eight classes
    assert not np.array_equal(z[0], z[8])


def test_a_conditional_gan_steps_by_hand_and_evaluates() -> None:
    project = conditional_ring()
    project.training.epochs = 1
    trainer = Trainer(project, device="cpu")
    trainer.fit()
    step = trainer.step
    assert set(step.manual_step("D")) == {"loss_D", "D_x", "D_G_z"}
    assert set(step.manual_step("G")) == {"loss_G"}
    assert np.isfinite(list(step.evaluate("train").values())).all()
    scores = step.discriminate(step.real_samples(16), np.zeros(16, dtype=np.int64))
    assert scores.shape == (16,) and ((scores >= 0) & (scores <= 1)).all()
    with pytest.raises(TrainingError, match="between 0 and 7"):
        step.generate(step.sample_noise(3, seed=0), [0, 1, 8])


def test_a_label_in_one_graph_only_is_named() -> None:
    only_g = check_gan(conditional_ring(discriminator_label=False), (2,), "ring", 8)
    # listed on the one label there is, so the Problems panel's row leads to it
    assert len(only_g) == 1 and (only_g[0].graph, only_g[0].node) == ("generator", "label")
    assert "'label' (generator)" in only_g[0].message and "discriminator 'discriminator' has none" in only_g[0].message
    only_d = check_gan(conditional_ring(generator_label=False), (2,), "ring", 8)
    assert len(only_d) == 1 and (only_d[0].graph, only_d[0].node) == ("discriminator", "label")
    assert "generator 'generator' has none" in only_d[0].message


def test_class_counts_must_agree_with_each_other_and_the_data() -> None:
    project = conditional_ring(classes=5)
    wrong = check_gan(project, (2,), "ring", 8)
    assert [(p.graph, p.node, p.message) for p in wrong] == [
        ("generator", "label", "The data set 'ring' has 8 classes, but the Class label 'label' (generator) has 5; "
                               "set it to 8."),
        ("discriminator", "label", "The data set 'ring' has 8 classes, but the Class label 'label' (discriminator) "
                                   "has 5; set it to 8.")]
    project.role_graph("discriminator").node("label").params["classes"] = 8  # type: ignore[union-attr]
    (generator_only,) = check_gan(project, (2,), "ring", 8)  # on the label that is wrong, not on the other
    assert generator_only.graph == "generator" and "'label' (generator) has 5" in generator_only.message
    (mismatch,) = check_gan(project, (2,), "ring", None)  # data set not known: the two must at least agree
    assert "'label' (generator) has 5 classes but 'label' (discriminator) has 8" in mismatch.message
    (none,) = check_gan(conditional_ring(), (2,), "power", 0)
    assert "The data set 'power' has no classes" in none.message
    # the trainer says the same before anything is built
    with pytest.raises(TrainingError, match="has 8 classes, but the Class label 'label' \\(generator\\) has 5"):
        Trainer(conditional_ring(classes=5), device="cpu")


def test_validate_lists_the_class_mismatch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cond.nnb"
    save_project(conditional_ring(classes=6), path)
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "has 8 classes, but the Class label 'label' (generator) has 6; set it to 8" in out
    assert "has 8 classes, but the Class label 'label' (discriminator) has 6; set it to 8" in out


def test_a_label_in_a_plain_model_is_an_error() -> None:
    project = load_project(EXAMPLES / "skip_connection_moons.nnb")
    graph = project.graph()
    graph.add_node(Node("label", "Label", {"classes": 2}, (0, 300)))
    graph.add_node(Node("join", "Concatenate", {}, (100, 300)))
    first = graph.edges[0]
    graph.remove_edge(first)
    graph.add_edge(Edge(first.source, "join"))
    graph.add_edge(Edge("label", "join"))
    graph.add_edge(Edge("join", first.target))
    inf = add_data_checks(project, graph)
    assert inf.problems[0].node == "label"
    assert "'label' is a Class label layer, which only a conditional GAN's generator and discriminator use" in \
        inf.problems[0].message
    result = Trainer(project, device="cpu").fit(epochs=1)
    assert isinstance(result, Failed) and "only a conditional GAN's generator and discriminator use" in result.message


def test_generate_cli_asks_for_a_class(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = conditional_ring()
    project.training.epochs = 12
    path = tmp_path / "cond.nnb"
    save_project(project, path)
    weights = tmp_path / "cond.safetensors"
    assert main(["train", str(path), "--out", str(weights)]) == 0
    capsys.readouterr()
    out = tmp_path / "five.npy"
    assert main(["generate", str(path), "--weights", str(weights), "-n", "40", "--label", "Mode 5", "-o",
                 str(out)]) == 0
    assert (nearest_mode(np.load(out)) == 5).mean() >= 0.9
    assert main(["generate", str(path), "--weights", str(weights), "-n", "4", "--label", "hat", "-o",
                 str(out)]) == 1
    assert "There is no class 'hat'; the classes are mode 0, mode 1" in capsys.readouterr().err
    ring = tmp_path / "plain.nnb"
    save_project(load_project(RING), ring)
    plain = tmp_path / "plain.safetensors"
    assert main(["train", str(ring), "--epochs", "1", "--out", str(plain)]) == 0
    assert main(["generate", str(ring), "--weights", str(plain), "-n", "4", "--label", "1", "-o", str(out)]) == 1
    assert "no Class label layers, so it cannot be asked for a class" in capsys.readouterr().err

"""The forward-cost estimate that decides how many CPU threads a run gets, against torch's own FLOP counter,
and the choice it leads to for the bundled examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from nnbuilder.compiler.build import build_module
from nnbuilder.compiler.cost import forward_macs_per_sample
from nnbuilder.project import load_project

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


@pytest.mark.parametrize("example, role", [("fashion_mnist_cnn", "model"), ("fashion_mnist_dcgan", "generator"),
                                           ("fashion_mnist_dcgan", "discriminator"), ("fashion_mnist_mlp", "model")])
def test_estimate_is_within_a_tenth_of_torchs_flop_count(example: str, role: str) -> None:
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    project = load_project(EXAMPLES / f"{example}.nnb")
    graph = project.role_graph(role) if role != "model" else project.graph()
    assert graph is not None
    module = build_module(graph).eval()
    sizes = {"Noise": lambda n: [int(n.params["latent"])], "Label": lambda n: [int(n.params["classes"])],
             "Input": lambda n: list(n.params["shape"])}
    inputs = [torch.zeros(1, *sizes[n.type](n)) for n in graph.nodes if n.type in sizes]  # in the compiler's order
    counter = FlopCounterMode(display=False)
    with torch.no_grad(), counter:
        module(*inputs)
    torch_macs = counter.get_total_flops() / 2
    ours = forward_macs_per_sample(graph)
    assert abs(ours - torch_macs) <= 0.1 * torch_macs, (ours, torch_macs)


def test_convolutional_examples_train_on_every_core_and_small_ones_leave_one_for_the_window(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    from nnbuilder.app.training_controller import TrainingController, leave_a_core_for_the_gui

    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.delenv("NNBUILDER_TORCH_THREADS", raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 4)
    before = torch.get_num_threads()
    monkeypatch.setattr("nnbuilder.app.training_controller._torch_default_threads", 4)
    try:
        chosen = {}
        for name in ("fashion_mnist_cnn", "fashion_mnist_dcgan", "fashion_mnist_mlp", "spiral_playground",
                     "gan_ring_2d", "mnist_gan", "household_power_lstm", "cora_gcn"):
            project = load_project(EXAMPLES / f"{name}.nnb")
            macs = project.training.batch_size * TrainingController._macs_per_sample(project)
            chosen[name] = leave_a_core_for_the_gui(macs)
        assert chosen == {"fashion_mnist_cnn": 4, "fashion_mnist_dcgan": 4, "fashion_mnist_mlp": 3,
                          "spiral_playground": 3, "gan_ring_2d": 3, "mnist_gan": 3, "household_power_lstm": 3,
                          "cora_gcn": 3}
        monkeypatch.setenv("NNBUILDER_TORCH_THREADS", "2")  # the user's own choice wins
        assert leave_a_core_for_the_gui(1e12) == 2
    finally:
        torch.set_num_threads(before)

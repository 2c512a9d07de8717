"""``training.shuffle``: off, every epoch feeds the training rows in their order (Keras' shuffle=False)."""

from __future__ import annotations

import numpy as np

from nnbuilder.project import TrainingConfig
from nnbuilder.training import Trainer
from tests.training.conftest import chain_project, regression_dataset


def _fit(shuffle: bool, epochs: int = 2, seed: int = 0) -> tuple[dict, Trainer]:
    project = chain_project([("Dense", {"units": 1})], [2], loss="mse", metrics=[], validation_split=0.25,
                            epochs=epochs, batch_size=16, optimizer={"name": "sgd", "lr": 0.05}, shuffle=shuffle,
                            seed=seed)
    trainer = Trainer(project, dataset=regression_dataset(120), device="cpu")
    start = {k: v.detach().clone() for k, v in trainer.model.state_dict().items()}
    trainer.fit()
    return start, trainer


def _in_order_sgd(start: dict, x: np.ndarray, y: np.ndarray, epochs: int, batch: int = 16, lr: float = 0.05) -> dict:
    """Plain torch: the same linear neuron, MSE and SGD, batches cut from the rows in the order given."""
    import torch

    weight = next(v for k, v in start.items() if k.endswith("weight")).clone().requires_grad_(True)
    bias = next(v for k, v in start.items() if k.endswith("bias")).clone().requires_grad_(True)
    xs, ys = torch.from_numpy(x), torch.from_numpy(y)
    for _ in range(epochs):
        for s in range(0, len(xs), batch):
            loss = torch.nn.functional.mse_loss(xs[s:s + batch] @ weight.T + bias, ys[s:s + batch])
            gw, gb = torch.autograd.grad(loss, (weight, bias))
            with torch.no_grad():
                weight -= lr * gw
                bias -= lr * gb
    return {"weight": weight.detach(), "bias": bias.detach()}


def _weights(trainer: Trainer) -> dict:
    state = trainer.model.state_dict()
    return {"weight": next(v for k, v in state.items() if k.endswith("weight")),
            "bias": next(v for k, v in state.items() if k.endswith("bias"))}


def test_shuffle_off_trains_on_the_rows_in_order_every_epoch() -> None:
    ds = regression_dataset(120)
    start, trainer = _fit(shuffle=False)
    rows = np.asarray(trainer.split.train)
    assert len(rows) == 90 and np.all(np.diff(rows) > 0)  # 5 full batches and a last one of 10
    expected = _in_order_sgd(start, ds.x[rows], ds.y[rows], epochs=2)
    got = _weights(trainer)
    for key in ("weight", "bias"):
        np.testing.assert_allclose(got[key].numpy(), expected[key].numpy(), rtol=1e-5, atol=1e-6)


def test_shuffle_on_is_not_the_in_order_run_and_is_the_default() -> None:
    ds = regression_dataset(120)
    start, shuffled = _fit(shuffle=True)
    rows = np.asarray(shuffled.split.train)
    in_order = _in_order_sgd(start, ds.x[rows], ds.y[rows], epochs=2)
    assert not np.allclose(_weights(shuffled)["weight"].numpy(), in_order["weight"].numpy(), rtol=1e-5, atol=1e-6)
    assert TrainingConfig().shuffle is True  # the default (tests/training/test_golden_numbers.py pins its numbers)


def test_a_gan_takes_its_real_rows_in_order_with_shuffle_off() -> None:
    from nnbuilder.project import load_project
    from tests.conftest import EXAMPLES

    runs = {}
    for shuffle in (True, False):
        project = load_project(EXAMPLES / "gan_ring_2d.nnb")
        project.data.options["samples"] = 512
        project.training.epochs = 1
        project.training.shuffle = shuffle
        trainer = Trainer(project, device="cpu")
        runs[shuffle] = trainer.fit().history[-1]
        # shuffling gathers the real rows into a per-epoch buffer; in order, the batches are slices of them
        assert (trainer.step._shuffled is not None) is shuffle  # noqa: SLF001
    assert runs[True]["loss_D"] != runs[False]["loss_D"]

"""Each loss name computes what it says, whatever the output layer ends in."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from nnbuilder.training import Finished, Trainer, TrainingError
from nnbuilder.training.objective import canonical_loss, make_objective, prepare_targets
from tests.training.conftest import blobs_dataset, chain_project


def _logits_and_labels(seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return torch.randn(64, 5, generator=g) * 3, torch.randint(0, 5, (64,), generator=g)


def test_softmax_output_cross_entropy_equals_cross_entropy_on_logits() -> None:
    logits, y = _logits_and_labels()
    expected = F.cross_entropy(logits, y)
    probs = torch.softmax(logits, dim=1)
    on_probs = make_objective("sparse_categorical_crossentropy", "probs", "index", 5)  # NLL(log(clamp(p)))
    torch.testing.assert_close(on_probs.train(probs, y), expected, rtol=1e-5, atol=1e-6)
    on_log = make_objective("sparse_categorical_crossentropy", "log_probs", "index", 5)
    torch.testing.assert_close(on_log.train(torch.log_softmax(logits, 1), y), expected, rtol=1e-5, atol=1e-6)
    one_hot = F.one_hot(y, 5).float()
    cat = make_objective("categorical_crossentropy", "probs", "dist", 5)
    torch.testing.assert_close(cat.train(probs, one_hot), expected, rtol=1e-5, atol=1e-6)
    cat_logits = make_objective("categorical_crossentropy", "logits", "dist", 5)
    torch.testing.assert_close(cat_logits.train(logits, one_hot), expected, rtol=1e-5, atol=1e-6)
    # totals are sums of the per-sample losses
    torch.testing.assert_close(on_probs.total(probs, y) / 64, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("activation", ["softmax", "log_softmax", "linear"])
def test_the_trainer_never_applies_softmax_twice(activation: str) -> None:
    """The trainer's loss on a Dense(softmax) model equals F.cross_entropy on that Dense's logits."""
    project = chain_project([("Dense", {"units": 3, "activation": activation})], [2], validation_split=0.0)
    trainer = Trainer(project, dataset=blobs_dataset(), device="cpu")
    x = torch.randn(32, 2)
    y = torch.randint(0, 2, (32,))
    linear = trainer.model.get_submodule("layer0")
    linear = linear[0] if isinstance(linear, torch.nn.Sequential) else linear
    expected = F.cross_entropy(linear(x), y)
    trainer._prepare()
    got = trainer._prep.objective.train(trainer._view(x), y)
    torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-6)


def test_binary_cross_entropy_with_and_without_sigmoid() -> None:
    g = torch.Generator().manual_seed(1)
    z = torch.randn(50, 1, generator=g)
    y = torch.randint(0, 2, (50, 1), generator=g).float()
    expected = F.binary_cross_entropy_with_logits(z, y)
    torch.testing.assert_close(make_objective("binary_crossentropy", "probs", "float", 1).train(torch.sigmoid(z), y),
                               expected, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(make_objective("binary_crossentropy", "logits", "float", 1).train(z, y), expected)
    # through the trainer: a Dense(1, sigmoid) output is trained on logits and predicts probabilities
    project = chain_project([("Dense", {"units": 1, "activation": "sigmoid"})], [2], loss="binary_crossentropy",
                            epochs=5, validation_split=0.2, optimizer={"lr": 0.1})
    trainer = Trainer(project, dataset=blobs_dataset(), device="cpu")
    result = trainer.fit()
    assert isinstance(result, Finished) and trainer._view_kind == "logits"
    assert trainer.history[-1]["val_accuracy"] >= 0.95
    p = trainer.predict(np.array([[-2, -2], [2, 2]], dtype=np.float32))
    assert p.shape == (2, 1) and p[0, 0] < 0.1 and p[1, 0] > 0.9


def test_value_losses() -> None:
    o = torch.tensor([[1.0, 2.0], [3.0, 5.0]])
    y = torch.tensor([[1.5, 2.0], [1.0, 4.0]])
    assert make_objective("mse", "values", "float", 2).train(o, y).item() == pytest.approx((0.25 + 4 + 1) / 4)
    assert make_objective("mae", "values", "float", 2).train(o, y).item() == pytest.approx((0.5 + 2 + 1) / 4)
    huber = make_objective("huber", "values", "float", 2).train(o, y).item()
    assert huber == pytest.approx((0.125 + 1.5 + 0.5) / 4)
    sse = make_objective("sse", "values", "float", 2)
    assert sse.train(o, y).item() == pytest.approx(0.5 * (0.25 + 4 + 1)) and sse.sum_reduced
    # per-sample totals: mse averages over output units, sse sums them
    assert make_objective("mse", "values", "float", 2).total(o, y).item() == pytest.approx((0.25 + 5) / 2)


def test_targets_are_encoded_for_the_loss() -> None:
    y = np.array([0, 1, 2, 1])
    mse = make_objective("mse", "values", "float", 3)
    one_hot = prepare_targets(y, mse, "classification", (3,), "data", "out")
    assert one_hot.tolist() == [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0]]
    ce = make_objective("sparse_categorical_crossentropy", "logits", "index", 2)
    with pytest.raises(TrainingError, match="give it 3 units"):
        prepare_targets(y, ce, "classification", (2,), "The data set 'x'", "out")
    reg = make_objective("mse", "values", "float", 1)
    with pytest.raises(TrainingError, match="set the output layer 'out' to 2 units"):
        prepare_targets(np.zeros((4, 2)), reg, "regression", (1,), "data", "out")


def test_loss_names_and_aliases() -> None:
    assert canonical_loss("mean_squared_error") == "mse"
    with pytest.raises(TrainingError, match="Unknown loss"):
        canonical_loss("hinge")


def test_linear_neuron_with_sse_reports_accuracy() -> None:
    from tests.training.conftest import example

    project = example("linear_neuron_sse")
    project.training.epochs = 12
    trainer = Trainer(project, device="cpu")
    result = trainer.fit()
    assert isinstance(result, Finished)
    assert trainer.history[-1]["accuracy"] >= 0.95  # output > 0.5 counts as class 1
    assert trainer.history[-1]["loss"] < trainer.history[0]["loss"] / 10

"""Weights round-trip through safetensors; wrong files give a sentence naming the file and the layer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from nnbuilder.training import Trainer, TrainingError
from tests.training.conftest import blobs_dataset, chain_project, mlp_project


def test_round_trip(tmp_path: Path) -> None:
    trainer = Trainer(mlp_project(), dataset=blobs_dataset(), device="cpu")
    trainer.fit()
    path = trainer.save_weights(tmp_path / "w.safetensors")
    fresh = Trainer(mlp_project(seed=5), dataset=blobs_dataset(), device="cpu")
    x = np.random.default_rng(0).normal(size=(10, 2)).astype(np.float32)
    assert not np.allclose(fresh.predict(x), trainer.predict(x))
    fresh.load_weights(path)
    np.testing.assert_array_equal(fresh.predict(x), trainer.predict(x))
    assert fresh.evaluate("test") == trainer.evaluate("test")


def test_pt_state_dict_is_loaded_safely(tmp_path: Path) -> None:
    trainer = Trainer(mlp_project(), dataset=blobs_dataset(), device="cpu")
    torch.save(trainer.model.state_dict(), tmp_path / "w.pt")
    other = Trainer(mlp_project(seed=3), dataset=blobs_dataset(), device="cpu")
    other.load_weights(tmp_path / "w.pt")
    for k, v in other.model.state_dict().items():
        assert v.equal(trainer.model.state_dict()[k])


def test_weights_of_another_network_name_the_layer(tmp_path: Path) -> None:
    narrow = mlp_project()
    narrow.graph().node("layer0").label = "hidden"
    small = Trainer(narrow, dataset=blobs_dataset(), device="cpu")
    path = small.save_weights(tmp_path / "small.safetensors")
    wider = chain_project([("Dense", {"units": 16, "activation": "relu"}),
                           ("Dense", {"units": 2, "activation": "softmax"})], [2])
    wider.graph().node("layer0").label = "hidden"
    with pytest.raises(TrainingError) as info:
        Trainer(wider, dataset=blobs_dataset(), device="cpu").load_weights(path)
    message = str(info.value)
    assert "'small.safetensors'" in message and "'hidden'" in message and "16×2" in message
    deeper = chain_project([("Dense", {"units": 8, "activation": "relu"}), ("Dense", {"units": 8}),
                            ("Dense", {"units": 2, "activation": "softmax"})], [2])
    deeper.graph().node("layer0").label = "hidden"
    with pytest.raises(TrainingError, match="no weights for the layer 'layer1'"):
        Trainer(deeper, dataset=blobs_dataset(), device="cpu").load_weights(path)


def test_a_file_that_is_not_weights(tmp_path: Path) -> None:
    bad = tmp_path / "notes.safetensors"
    bad.write_text("hello")
    trainer = Trainer(mlp_project(), dataset=blobs_dataset(), device="cpu")
    with pytest.raises(TrainingError, match="'notes.safetensors' is not a safetensors weights file"):
        trainer.load_weights(bad)
    with pytest.raises(TrainingError, match="does not exist"):
        trainer.load_weights(tmp_path / "missing.safetensors")

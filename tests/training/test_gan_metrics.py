"""VEEGAN's mode coverage and the failure hints, as pure functions on numbers."""

from __future__ import annotations

import numpy as np

from nnbuilder.data.mixtures import ring_means
from nnbuilder.training.gan_metrics import gan_hints, mode_coverage


def test_mode_coverage_follows_veegan() -> None:
    means = ring_means()
    rng = np.random.default_rng(0)
    every = means[np.arange(800) % 8] + rng.normal(0, 0.05, (800, 2))
    assert mode_coverage(every, means, 0.05)[0] == 8
    assert mode_coverage(every, means, 0.05)[1] > 0.95
    collapsed = means[[0] * 500 + [3] * 500] + rng.normal(0, 0.01, (1000, 2))
    assert mode_coverage(collapsed, means, 0.05) == (2, 1.0)
    far = np.zeros((100, 2))  # the centre of the ring: nearest to some mean, but 2 away from all
    assert mode_coverage(far, means, 0.05) == (0, 0.0)
    half = np.concatenate([means[:1] + 0.14, means[1:2] + 0.16])  # 0.14·√2 ≈ 0.198 > 3 std: neither counts
    assert mode_coverage(means[:1] + [0.149, 0], means, 0.05) == (1, 1.0)
    assert mode_coverage(half, means, 0.05) == (0, 0.0)
    assert mode_coverage(np.zeros((0, 2)), means, 0.05) == (0, 0.0)


def test_hints_name_the_usual_failures() -> None:
    healthy = [{"loss_D": 1.2, "loss_G": 0.9, "D_x": 0.6, "D_G_z": 0.4, "modes": 8, "high_quality": 0.7}]
    assert gan_hints(healthy, 8) == []
    won = [{"loss_D": 0.01, "loss_G": 6.0, "D_x": 0.99, "D_G_z": 0.01}]
    (d_hint, g_hint) = gan_hints(won)
    assert d_hint.startswith("The discriminator has won") and "loss_D 0.010" in d_hint
    assert g_hint.startswith("The generator's loss is very high (loss_G 6.00):")  # one epoch: no trend to tell
    rising = [{"loss_D": 0.5, "loss_G": g, "D_x": 0.8, "D_G_z": 0.2} for g in (5.5, 6.0, 7.0)]
    assert any(h.startswith("The generator's loss is exploding (loss_G 7.00 and rising)") for h in gan_hints(rising))
    one_noisy = [{"loss_D": 0.5, "loss_G": g, "D_x": 0.8, "D_G_z": 0.2} for g in (7.0, 5.5)]
    assert not any("generator's loss" in h for h in gan_hints(one_noisy))
    high_flat = [{"loss_D": 0.5, "loss_G": g, "D_x": 0.8, "D_G_z": 0.2} for g in (12.8, 12.6, 12.7)]
    (flat_hint,) = gan_hints(high_flat)  # very high but not rising: said as it is
    assert flat_hint.startswith("The generator's loss is very high (loss_G 12.70)") and "rising" not in flat_hint
    collapsed = [{"loss_D": 1.0, "loss_G": 1.0, "D_x": 0.6, "D_G_z": 0.4, "modes": 2, "high_quality": 0.9}]
    (hint,) = gan_hints(collapsed, 8)
    assert hint.startswith("Mode collapse: the generated samples cover only 2 of the 8 modes")
    not_yet = [{"loss_D": 1.0, "loss_G": 1.0, "D_x": 0.6, "D_G_z": 0.4, "modes": 1, "high_quality": 0.01}]
    assert gan_hints(not_yet, 8) == []  # samples nowhere near the data yet: not collapse

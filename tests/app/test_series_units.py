"""Forecasts are drawn in the data's own units whichever scaling the network learned on."""

from __future__ import annotations

import numpy as np
import pytest

from nnbuilder.app.workers.views.supervised import series_update


@pytest.mark.parametrize(("scaling", "offset", "scale"), [("minmax", 0.076, 10.594), ("standardize", 1.1, 1.05)])
def test_scaled_targets_are_shown_in_real_units(scaling: str, offset: float, scale: float) -> None:
    extra = {"scaling": scaling, "target_offset": offset, "target_scale": scale, "target": "Global_active_power",
             "target_unit": "kW"}
    pred, truth = np.array([[0.5, 0.1], [0.25, 0.2]]), np.array([[0.0, 0.0], [1.0, 0.0]])
    update = series_update(pred, truth, 3, extra, None, 1, True)
    assert update.unscaled and update.scaling == scaling and update.y_label == "Global_active_power (kW)"
    np.testing.assert_allclose(update.predicted, [0.5 * scale + offset, 0.25 * scale + offset], rtol=1e-6)
    np.testing.assert_allclose(update.truth, [offset, scale + offset], rtol=1e-6)


def test_unscaled_targets_are_left_alone() -> None:
    update = series_update(np.array([[2.0]]), np.array([[3.0]]), 1, {"scaling": "none", "target_scale": 1.0},
                           None, 1, False)
    assert not update.unscaled and update.scaling == "none"
    assert update.predicted.tolist() == [2.0] and update.truth.tolist() == [3.0]

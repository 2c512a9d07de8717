"""The lecture's pictures as computations: loss surfaces and optimizer races, a backprop stepper for
small Dense networks, the sketch pad's predictor, the data-first preview's samples and the overfitting hint.

Pure numpy/torch with no Qt, so every number a teaching view shows can be checked headless against
torch itself; the views in ``nnbuilder.app.teach`` only draw what these functions return.
"""

from __future__ import annotations

from .errors import TeachError

__all__ = ["TeachError"]

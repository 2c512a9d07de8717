"""The dashboard's views, one registration line each; registration order is tab order.

A new view: a panel module here (a ``ViewPanel`` that stores frames in ``add_frame`` and draws in
``refresh``), its frame computation in ``nnbuilder/app/workers/views/``, and one line below.
"""

from __future__ import annotations

from ..workers.messages import (
    STREAM_BOUNDARY,
    STREAM_CURVES,
    STREAM_GALLERY,
    STREAM_GAN_LAB,
    STREAM_GRAPH,
    STREAM_HINTS,
    STREAM_SAMPLES,
    STREAM_SERIES,
    STREAM_WEIGHTS,
)
from .panel import PANELS, register_panel

_done = False


def register_builtin_panels() -> None:
    """Register the built-in panels once (an extension that registered a name first keeps its own)."""
    global _done
    if _done:
        return
    _done = True
    from .boundary import BoundaryPanel
    from .curves import CurvesPanel
    from .evaluate import EvaluatePanel
    from .gan_lab import GanLabPanel
    from .graph_view import GraphPanel
    from .hints import HintsBanner
    from .images import ImagesPanel
    from .predictions import PredictionsPanel
    from .samples import SamplesPanel
    from .weights import WeightsPanel

    builtins = [
        (STREAM_CURVES, CurvesPanel, "Curves", "Loss and metrics of every run, per batch and per epoch", True, "tab"),
        (STREAM_WEIGHTS, WeightsPanel, "Weights", "Weight distributions, a weight matrix, filters and gradient norms",
         True, "tab"),
        (STREAM_BOUNDARY, BoundaryPanel, "Decision boundary", "What the model predicts over the whole 2-D input plane",
         False, "tab"),
        (STREAM_GALLERY, ImagesPanel, "Images", "Validation images with their predicted labels, and the confusion "
         "matrix", False, "tab"),
        (STREAM_SERIES, PredictionsPanel, "Predictions", "Predictions against the true values on the validation data",
         False, "tab"),
        (STREAM_GRAPH, GraphPanel, "Graph", "The data set's graph, every node coloured by the class the model "
         "predicts", False, "tab"),
        ("test", EvaluatePanel, "Test", "Evaluate on the test split and predict single samples", True, "tab"),
        (STREAM_SAMPLES, SamplesPanel, "Samples", "What the generator makes of the same noise as it learns; drag the "
         "slider to look back", False, "tab"),
        (STREAM_GAN_LAB, GanLabPanel, "GAN Lab", "Real and generated points, what the discriminator believes, and "
         "where the generator's samples are pushed", False, "tab"),
        (STREAM_HINTS, HintsBanner, "Hints", "What looks wrong with the run", True, "banner"),
    ]
    for name, factory, title, tip, always, placement in builtins:
        if name not in PANELS:
            register_panel(name, factory, title=title, tip=tip, always=always, placement=placement)
    # A GAN trains no classifier: there is nothing to score on a test split.
    PANELS["test"].extra["hidden_for"] = ("gan",)

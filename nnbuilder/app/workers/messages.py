"""What the training worker sends to the GUI thread, besides the trainer's own event dataclasses.

Every field is a number, a string or a numpy array the worker no longer touches (a copy or a fresh result),
so the GUI can keep and draw it while training continues. Arrays are float32 and C-contiguous where they end up
in pyqtgraph, which is what its fast paths expect.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nnbuilder.training.steps.base import (
    VIEW_BOUNDARY,
    VIEW_CURVES,
    VIEW_GALLERY,
    VIEW_GAN_LAB,
    VIEW_GAN_SAMPLES,
    VIEW_WEIGHTS,
)
from nnbuilder.training.steps.base import VIEW_SERIES as VIEW_SERIES_STREAM

# What kind of prediction view fits a data set; the dashboard shows the matching tab.
VIEW_2D = "2d"  # 2-D inputs, classification: decision boundary behind the points
VIEW_IMAGES = "images"  # image classification: gallery and confusion matrix
VIEW_SERIES = "series"  # time-series forecasting: predictions against truth over time
VIEW_REGRESSION = "regression"  # other regression: predicted against true values
VIEW_CLASSES = "classes"  # other classification (tables, graphs): confusion matrix only
VIEW_NONE = "none"

# Names of the view streams: each is computed in the worker and drawn by the dashboard panel registered under
# the same name (``Dashboard.register_panel``). A ViewFrame carries one frame of one stream. The names are the
# core's (a training step lists the ones it offers in ``TrainingStarted.views``); "hints" is the worker's own.
STREAM_CURVES = VIEW_CURVES  # BatchUpdate: losses and metrics per interval, and the epoch ends
STREAM_WEIGHTS = VIEW_WEIGHTS  # WeightsUpdate
STREAM_BOUNDARY = VIEW_BOUNDARY  # BoundaryUpdate
STREAM_GALLERY = VIEW_GALLERY  # GalleryUpdate: gallery and confusion matrix
STREAM_SERIES = VIEW_SERIES_STREAM  # SeriesUpdate
STREAM_SAMPLES = VIEW_GAN_SAMPLES  # SampleGrid: a generator's samples from a fixed noise batch
STREAM_GAN_LAB = VIEW_GAN_LAB  # GanLabFrame: real and generated points, D's heatmap, G's gradient arrows
STREAM_HINTS = "hints"  # list[Hint]: what looks wrong with the run, in plain words
STREAM_GRAPH = "graph"  # GraphUpdate: a graph data set, every node coloured by its predicted class

# Which prediction stream a kind of data view offers (besides curves and weights, which every run has).
STREAMS_FOR_VIEW = {VIEW_2D: [STREAM_BOUNDARY], VIEW_IMAGES: [STREAM_GALLERY], VIEW_CLASSES: [STREAM_GALLERY],
                    VIEW_SERIES: [STREAM_SERIES], VIEW_REGRESSION: [STREAM_SERIES]}


@dataclass
class ViewFrame:
    """One frame of one named view stream: the only way view data travel from the worker to the dashboard."""

    name: str
    epoch: int
    batch: int
    position: float  # in epochs (epoch - 1 + batch / batches)
    payload: Any


@dataclass
class DataView:
    """The data set as the dashboard needs it, sent once when a run's trainer exists."""

    title: str
    task: str
    view: str
    input_shape: tuple[int, ...]
    class_names: list[str] | None
    num_train: int
    num_val: int
    num_test: int
    # 2-D views: points to draw (training filled, held-out hollow) and the square the boundary grid covers.
    train_points: np.ndarray | None = None
    train_labels: np.ndarray | None = None
    held_points: np.ndarray | None = None
    held_labels: np.ndarray | None = None
    extent: tuple[float, float, float, float] | None = None  # xmin, xmax, ymin, ymax
    views: list[str] = field(default_factory=list)  # the stream names this run sends (tabs to show)
    kind: str = "supervised"  # what the run trains: "supervised", "gan", ...


@dataclass
class BatchUpdate:
    """All batches and epoch ends since the previous update, coalesced so the GUI gets at most ~30 of these a
    second whatever the batch or epoch rate (a 4-sample XOR set does thousands of epochs a second)."""

    epoch: int
    batch: int
    batches: int
    epochs: int
    x: np.ndarray  # position of each batch in epochs (epoch - 1 + batch / batches), float32
    values: dict[str, np.ndarray]  # "loss" and each metric, one float32 value per batch
    samples_per_second: float
    done_batches: int  # batches finished in this run so far
    total_batches: int  # batches this run will do in all
    epochs_ended: list[Any] = field(default_factory=list)  # EpochEnd copies, oldest first


@dataclass
class BoundaryUpdate:
    """Class probabilities on a regular grid over the 2-D input plane.

    ``probs`` is (rows, cols) for two classes (probability of class 1) or (rows, cols, classes); row i is
    y = ys[i], column j is x = xs[j], so it is drawn row-major with ``extent`` as its rectangle.
    """

    probs: np.ndarray
    extent: tuple[float, float, float, float]
    epoch: int
    position: float  # in epochs


@dataclass
class WeightsUpdate:
    """Weights and gradient health from one trainer snapshot, reduced to what the weight views draw."""

    epoch: int
    position: float  # in epochs
    histograms: dict[str, np.ndarray] = field(default_factory=dict)  # layer -> float32 counts (HIST_BINS)
    hist_ranges: dict[str, float] = field(default_factory=dict)  # layer -> R, bins span [-R, R]
    matrices: dict[str, np.ndarray] = field(default_factory=dict)  # layer -> 2-D float32 weight matrix
    shapes: dict[str, tuple[int, ...]] = field(default_factory=dict)  # layer -> the weights' real shape
    filters: np.ndarray | None = None  # mosaic of the first convolution layer's filters (NaN between tiles)
    filters_layer: str = ""
    grad_norms: dict[str, float] = field(default_factory=dict)
    dead_units: dict[str, float] = field(default_factory=dict)


@dataclass
class GalleryUpdate:
    """Validation images with predicted and true labels, and the confusion matrix, at an epoch end."""

    epoch: int
    images: np.ndarray | None  # (n, H, W) or (n, H, W, 3) float32, n <= 25; None when inputs are not images
    predicted: np.ndarray  # int64 (n,)
    true: np.ndarray  # int64 (n,)
    confidence: np.ndarray  # float32 (n,)
    confusion: np.ndarray  # int64 (classes, classes); rows are true classes, columns predictions
    confusion_samples: int  # how many validation samples the matrix counts


@dataclass
class SeriesUpdate:
    """Predictions against truth over the validation samples (in time order for a time series)."""

    epoch: int
    x: np.ndarray  # float32 time index (series) or true values (regression scatter)
    truth: np.ndarray  # float32
    predicted: np.ndarray  # float32
    scatter: bool  # True: plot predicted against true; False: both against time
    x_label: str = "time step"
    y_label: str = "value"
    unscaled: bool = False  # truth and predicted were scaled for training and are shown in real units
    scaling: str = "none"  # how they were scaled: standardize | minmax | none


@dataclass
class SampleGrid:
    """A generator's output for the same fixed noise batch, at one moment of the run.

    ``mosaic`` (image data) is the samples tiled into one uint8 grey or RGB image, so the dashboard can keep
    hundreds of them for the scrub slider in a few megabytes; ``points`` (2-D data) is the (n, 2) samples.
    """

    epoch: int
    position: float
    steps: int  # generator updates so far
    mosaic: np.ndarray | None = None  # (H, W) or (H, W, 3) uint8
    points: np.ndarray | None = None  # (n, 2) float32
    count: int = 0  # samples in the grid
    columns: int = 0
    classes: list[str] | None = None  # a conditional GAN's grid: one column per class, kept in that layout


@dataclass
class GanLabFrame:
    """GAN Lab's picture of one moment: what D believes over the plane and where G's samples want to go.

    ``heat`` is D's probability "real" on a regular grid over ``extent`` (row i is y = ys[i]); ``arrows`` is,
    per generated point, the direction that lowers the generator's loss (minus its gradient wrt the point),
    scaled for drawing.
    """

    epoch: int
    position: float
    real: np.ndarray  # (n, 2) float32, a fixed subsample of the training data
    fake: np.ndarray  # (m, 2) float32, G(z) for the fixed noise batch
    heat: np.ndarray  # (rows, cols) float32 in [0, 1]
    extent: tuple[float, float, float, float]
    arrows: np.ndarray | None = None  # (m, 2) float32, same rows as fake
    d_steps: int = 0
    g_steps: int = 0
    modes_covered: int | None = None
    modes: int | None = None
    high_quality: float | None = None  # share of samples within 3 std of a mode


@dataclass
class Hint:
    """Something that looks wrong with the run, said so a student knows what to try."""

    key: str  # stable id ("d_collapse", "g_explodes", "mode_collapse", ...): the banner keeps one per key
    text: str
    severity: str = "warning"  # "warning" | "info"


@dataclass
class PredictionResult:
    """One sample run through the trained model, for the dashboard's Predict view."""

    split: str
    index: int
    values: np.ndarray  # class probabilities (classification) or predicted values (regression), float32
    true: float | int | None
    class_names: list[str] | None
    sample: np.ndarray | None = None  # the input, for showing images
    regression: bool = False
    # regression: every true value (a forecast has one per step ahead) and what they measure, e.g.
    # "Global_active_power (kW)"; values, true and truth are in that unit, not the scaled one trained on
    truth: np.ndarray | None = None
    label: str = "value"
    horizon: bool = False  # the outputs are steps ahead in time (a forecast), not separate quantities

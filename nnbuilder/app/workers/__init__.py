"""Background workers: QObjects moved to QThreads so the GUI thread never runs training code.

The pattern is superqt's ``new_worker_qthread``: a parentless QObject is moved to a fresh QThread, the thread's
``started`` signal runs the worker, and the worker's ``done`` signal quits the thread and schedules both for
deletion. Workers touch no widget; they talk to the GUI only through queued signals that carry copies.
"""

from .function_worker import FunctionWorker, start_in_thread
from .gui_gc import collect_in_gui_thread, freeze_long_lived_objects
from .messages import (
    BatchUpdate,
    BoundaryUpdate,
    DataView,
    GalleryUpdate,
    SeriesUpdate,
    ViewFrame,
    WeightsUpdate,
)
from .training_worker import TrainingWorker, describe_exception

__all__ = [
    "collect_in_gui_thread",
    "freeze_long_lived_objects",
    "BatchUpdate",
    "BoundaryUpdate",
    "DataView",
    "FunctionWorker",
    "GalleryUpdate",
    "SeriesUpdate",
    "TrainingWorker",
    "ViewFrame",
    "WeightsUpdate",
    "describe_exception",
    "start_in_thread",
]

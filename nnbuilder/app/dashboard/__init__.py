"""The live training dashboard (pyqtgraph): curves, weights, decision boundary, images, predictions, test."""

from .dashboard import Dashboard
from .runs import GrowingArray, RunRecord, write_history_csv

__all__ = ["Dashboard", "GrowingArray", "RunRecord", "write_history_csv"]

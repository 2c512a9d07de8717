"""What the Graph tab needs from a graph data set (karate club, Cora): where to draw each node, once per
run, and at epoch ends the class the model predicts for every drawn node. Pure numpy, computed in the
training thread, so the GUI thread only paints; which nodes and where come from ``nnbuilder.teach.graph_layout``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class GraphUpdate:
    """``positions`` and ``edges`` come with the first update of a run (None afterwards); ``predicted`` is
    None before the first epoch. Arrays index the drawn nodes; ``nodes`` maps them to the data set's ids."""

    epoch: int
    nodes: np.ndarray  # int64 (m,)
    true: np.ndarray  # int64 (m,)
    train: np.ndarray  # bool (m,): the labelled nodes the loss sees
    total_nodes: int
    predicted: np.ndarray | None = None  # int64 (m,)
    positions: np.ndarray | None = None  # float32 (m, 2)
    edges: np.ndarray | None = None  # int64 (2, k), in drawn-node indices

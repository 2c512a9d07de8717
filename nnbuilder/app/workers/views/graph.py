"""What the Graph tab needs from a graph data set (karate club, Cora): where to draw each node, once per
run, and at epoch ends the class the model predicts for every drawn node. Pure numpy, computed in the
training thread, so the GUI thread only paints."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_DRAWN_NODES = 400  # Cora has 2,708 papers: a force layout of all of them is slow and unreadable


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


def sample_nodes(num_nodes: int, edges: np.ndarray, limit: int = MAX_DRAWN_NODES) -> np.ndarray:
    """All nodes, or ``limit`` of them grown breadth-first from the best-connected ones (a readable piece)."""
    if num_nodes <= limit:
        return np.arange(num_nodes)
    neighbours: list[list[int]] = [[] for _ in range(num_nodes)]
    for a, b in edges.T:
        neighbours[int(a)].append(int(b))
        neighbours[int(b)].append(int(a))
    degree = np.array([len(n) for n in neighbours])
    chosen: list[int] = []
    seen = np.zeros(num_nodes, dtype=bool)
    for start in np.argsort(-degree, kind="stable"):
        if len(chosen) >= limit:
            break
        if seen[start]:
            continue
        queue = [int(start)]
        seen[start] = True
        while queue and len(chosen) < limit:
            cur = queue.pop(0)
            chosen.append(cur)
            for nb in neighbours[cur]:
                if not seen[nb]:
                    seen[nb] = True
                    queue.append(nb)
    return np.sort(np.asarray(chosen, dtype=np.int64))


def subgraph_edges(nodes: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """The edges between ``nodes``, renumbered to positions in ``nodes``; each undirected pair once."""
    index = -np.ones(int(max(nodes.max(initial=0), edges.max(initial=0))) + 1, dtype=np.int64)
    index[nodes] = np.arange(len(nodes))
    a, b = index[edges[0]], index[edges[1]]
    keep = (a >= 0) & (b >= 0) & (a < b)
    return np.stack([a[keep], b[keep]])


def spring_layout(n: int, edges: np.ndarray, iterations: int = 120, seed: int = 0) -> np.ndarray:
    """Fruchterman–Reingold: neighbours pull together, every pair pushes apart; positions in [-1, 1]²."""
    rng = np.random.default_rng(seed)
    pos = rng.uniform(-1.0, 1.0, (n, 2))
    if n < 2:
        return pos.astype(np.float32)
    k = 1.0 / np.sqrt(n)
    step = 0.1
    src, dst = edges
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.sqrt((delta ** 2).sum(axis=2)) + 1e-9
        disp = (delta * (k * k / dist ** 2)[..., None]).sum(axis=1)
        if len(src):
            d = pos[src] - pos[dst]
            length = np.sqrt((d ** 2).sum(axis=1)) + 1e-9
            pull = d * (length / k)[:, None]
            np.add.at(disp, src, -pull)
            np.add.at(disp, dst, pull)
        length = np.sqrt((disp ** 2).sum(axis=1)) + 1e-9
        pos += disp / length[:, None] * np.minimum(length, step)[:, None]
        step *= 0.96
    pos -= pos.mean(axis=0)
    pos /= max(float(np.abs(pos).max()), 1e-9)
    return pos.astype(np.float32)

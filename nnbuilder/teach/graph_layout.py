"""Which piece of a big graph to draw, and where each node goes: pure numpy, shared by the data preview and
the Graph tab of the training dashboard, so both show a student the same kind of picture."""

from __future__ import annotations

import numpy as np

MAX_DRAWN_NODES = 400  # Cora has 2,708 papers: a force layout of all of them is slow and unreadable


def sample_nodes(num_nodes: int, edges: np.ndarray, limit: int = MAX_DRAWN_NODES,
                 classes: np.ndarray | None = None) -> np.ndarray:
    """All nodes, or ``limit`` of them grown breadth-first (a readable piece).

    With ``classes``, the piece grows from the best-connected node of every class at once, one node per
    neighbourhood in turn. Grown from Cora's single best-connected paper, the 400 nodes were 303 papers on
    genetic algorithms and none on probabilistic methods: one colour, and none of the borders between
    topics where a GCN's mistakes are. Without classes, from the best-connected nodes, one after another.
    """
    if num_nodes <= limit:
        return np.arange(num_nodes)
    neighbours: list[list[int]] = [[] for _ in range(num_nodes)]
    for a, b in edges.T:
        neighbours[int(a)].append(int(b))
        neighbours[int(b)].append(int(a))
    degree = np.array([len(n) for n in neighbours])
    by_degree = np.argsort(-degree, kind="stable")
    seeds: list[int] = []
    if classes is not None:
        labels = np.asarray(classes).reshape(-1)
        for c in np.unique(labels):
            seeds.append(int(by_degree[np.argmax(labels[by_degree] == c)]))
    chosen: list[int] = []
    seen = np.zeros(num_nodes, dtype=bool)
    seen[seeds] = True
    fronts = [[s] for s in seeds]
    more = iter(by_degree.tolist())
    while len(chosen) < limit:
        fronts = [f for f in fronts if f]
        if not fronts:  # every neighbourhood is exhausted: start the next best-connected node not drawn yet
            start = next((int(v) for v in more if not seen[v]), None)
            if start is None:
                break
            seen[start] = True
            fronts = [[start]]
        for front in fronts:
            if len(chosen) >= limit or not front:
                continue
            cur = front.pop(0)
            chosen.append(cur)
            for nb in neighbours[cur]:
                if not seen[nb]:
                    seen[nb] = True
                    front.append(nb)
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

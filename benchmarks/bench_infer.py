"""Shape inference on a 300-node graph against its 20 ms budget (issue: live updates on every edit).

Prints the median of repeated runs and the ratio to the budget; a ratio below 1 meets it.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nnbuilder.compiler import infer  # noqa: E402
from nnbuilder.project import Edge, Graph, Node, TrainingConfig  # noqa: E402

BUDGET_MS = 20.0


def graph_300() -> Graph:
    """A realistic mix: a conv stem, dense blocks with residual Adds and a concat head."""
    g = Graph()
    g.add_node(Node("in", "Input", {"shape": [3, 32, 32]}))
    prev = "in"
    for i in range(20):
        nid = f"conv{i}"
        g.add_node(Node(nid, "Conv2d", {"filters": 8, "kernel_size": 3, "padding": "same", "activation": "relu"}))
        g.add_edge(Edge(prev, nid))
        prev = nid
    g.add_node(Node("flat", "Flatten"))
    g.add_edge(Edge(prev, "flat"))
    g.add_node(Node("proj", "Dense", {"units": 64}))
    g.add_edge(Edge("flat", "proj"))
    prev = "proj"
    i = 0
    while len(g.nodes) < 296:
        a, b, add = f"d{i}a", f"d{i}b", f"add{i}"
        g.add_node(Node(a, "Dense", {"units": 64, "activation": "relu"}))
        g.add_node(Node(b, "Dense", {"units": 64}))
        g.add_node(Node(add, "Add"))
        g.add_edge(Edge(prev, a))
        g.add_edge(Edge(a, b))
        g.add_edge(Edge(b, add))
        g.add_edge(Edge(prev, add))
        prev = add
        i += 1
    g.add_node(Node("side", "Dense", {"units": 16}))
    g.add_edge(Edge("proj", "side"))
    g.add_node(Node("cat", "Concatenate"))
    g.add_edge(Edge(prev, "cat"))
    g.add_edge(Edge("side", "cat"))
    g.add_node(Node("out", "Dense", {"units": 10, "activation": "softmax"}))
    g.add_edge(Edge("cat", "out"))
    return g


def main() -> None:
    g = graph_300()
    training = TrainingConfig()
    inf = infer(g, training)
    assert inf.ok, inf.errors()[:3]
    times = []
    for _ in range(50):
        t0 = time.perf_counter()
        infer(g, training)
        times.append((time.perf_counter() - t0) * 1000)
    med = statistics.median(times)
    print(f"shape inference, {len(g.nodes)} nodes / {len(g.edges)} edges: median {med:.2f} ms, "
          f"max {max(times):.2f} ms; ratio to the {BUDGET_MS:.0f} ms budget: {med / BUDGET_MS:.2f}")


if __name__ == "__main__":
    main()

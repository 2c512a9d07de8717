"""Loading, inferring and summarising a 20,000-node project against its 1 s budget, and how it scales.

The graph is a long chain of Dense/ReLU blocks with residual Adds, and every Dense carries the same label,
which is the worst case for naming submodules. Prints, measured in this one run:

* seconds per step against the 1 s budget (a ratio below 1 meets it), and load + summary together, which
  is what ``nnbuilder summary`` does;
* the scaling ratio t(20,000) / (4 x t(5,000)): about 1 for linear work, about 4 for quadratic (below
  5,000 nodes everything fits in the CPU cache, which flatters the small case);
* the load time against a bare ``json.loads`` of the same text (the floor any loader pays).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nnbuilder.compiler import infer, summarize_graph  # noqa: E402
from nnbuilder.project import loads_project  # noqa: E402

BUDGET_S = 1.0


def project_text(n_nodes: int) -> str:
    nodes = [{"id": "in", "type": "Input", "params": {"shape": [16]}, "position": [0, 0]}]
    edges = []
    prev, i = "in", 0
    while len(nodes) + 3 <= n_nodes:
        d, r, a = f"d{i}", f"r{i}", f"a{i}"
        nodes += [
            {"id": d, "type": "Dense", "label": "hidden", "params": {"units": 16}, "position": [i, 0]},
            {"id": r, "type": "ReLU", "params": {}, "position": [i, 1]},
            {"id": a, "type": "Add", "params": {}, "position": [i, 2]},
        ]
        edges += [{"source": prev, "target": d}, {"source": d, "target": r},
                  {"source": r, "target": a}, {"source": prev, "target": a}]
        prev, i = a, i + 1
    doc = {"format": "nnbuilder-project", "version": 1, "name": "big",
           "graphs": [{"name": "model", "nodes": nodes, "edges": edges}]}
    return json.dumps(doc)


def best_of(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    """Best CPU seconds of a few runs: on a shared machine, wall time also counts other programs' turns."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def measure(n_nodes: int) -> dict[str, float]:
    text = project_text(n_nodes)
    project = loads_project(text)
    graph = project.graphs[0]
    inf = infer(graph, project.training)
    assert inf.ok, inf.errors()[:3]
    return {
        "json": best_of(lambda: json.loads(text)),
        "load": best_of(lambda: loads_project(text)),
        "infer": best_of(lambda: infer(graph, project.training)),
        "summary": best_of(lambda: summarize_graph(graph, project.training)),
    }


def main() -> int:
    small, big = measure(5_000), measure(20_000)
    steps = ("load", "infer", "summary")
    for step in steps:
        ratio = big[step] / (4 * small[step])
        print(f"{step:8s} 20k nodes: {big[step]:.3f} s (budget ratio {big[step] / BUDGET_S:.2f})   "
              f"5k nodes: {small[step]:.4f} s   scaling ratio {ratio:.2f} (1 = linear, 4 = quadratic)")
    print(f"load vs bare json.loads at 20k: {big['load'] / big['json']:.1f}x")
    both = big["load"] + big["summary"]
    print(f"load + summary (nnbuilder summary) at 20k: {both:.3f} s")
    return 0 if all(big[s] <= BUDGET_S for s in steps) else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Turning older ``.nnb`` documents into the current format, one version step at a time.

Each function takes the parsed JSON of one version and returns the next version's; ``io.MIGRATIONS``
chains them, so a file written by any earlier nnbuilder still opens (and is saved in the new format).
They work on plain dicts before validation, so they leave anything they do not understand alone and the
reader then names the problem as usual.
"""

from __future__ import annotations

import copy
import math
from typing import Any


def v1_to_v2(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 2 adds per-graph optimizers, Adam betas, GAN settings and the Noise layer.

    Everything new has a default, so the only rewrite: a version-1 generator graph started from an Input
    layer standing for the noise (version 1 had no Noise layer). Such an Input with a flat shape [n]
    becomes a Noise layer with latent size n drawing from a normal distribution, which is how version 1
    files were meant to be trained.
    """
    out = copy.deepcopy(doc)
    out["version"] = 2
    graphs = out.get("graphs")
    if not isinstance(graphs, list):
        return out
    for graph in graphs:
        if not isinstance(graph, dict) or graph.get("role") != "generator":
            continue
        for node in graph.get("nodes") or []:
            if not isinstance(node, dict) or node.get("type") not in ("Input", "InputLayer"):
                continue
            params = node.get("params") if isinstance(node.get("params"), dict) else {}
            shape = params.get("shape", [2])
            if not (isinstance(shape, list) and shape and all(isinstance(d, int) and not isinstance(d, bool)
                                                               and d > 0 for d in shape)):
                continue  # leave it; validation will name what is wrong
            node["type"] = "Noise"
            node["params"] = {"latent": int(math.prod(shape)), "distribution": "normal"}
    return out

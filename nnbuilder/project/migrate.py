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


#: The data sets whose version-2 options had the ``standardize`` switch that version 3 renamed ``scaling``.
STANDARDIZE_DATASETS = ("household_power", "csv_series", "csv_table")


def v2_to_v3(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 3 adds ``training.shuffle`` (default true, as version 2 always shuffled) and turns the data
    option ``standardize`` (true/false) into ``scaling`` (``standardize``/``none``; version 3 adds ``minmax``).

    The values a version-2 file trained on are kept: ``standardize: true`` becomes ``scaling: "standardize"``
    and ``false`` becomes ``"none"``. Anything else (a non-boolean, or a file already naming ``scaling``) is
    left as it is, so the data set's option check names the problem.
    """
    out = copy.deepcopy(doc)
    out["version"] = 3
    data = out.get("data")
    if not isinstance(data, dict) or data.get("dataset") not in STANDARDIZE_DATASETS:
        return out
    options = data.get("options")
    if isinstance(options, dict) and isinstance(options.get("standardize"), bool) and "scaling" not in options:
        # rebuilt in the same key order, so a hand-written file keeps its layout until it is saved
        data["options"] = {("scaling" if k == "standardize" else k):
                           (("standardize" if v else "none") if k == "standardize" else v)
                           for k, v in options.items()}
    return out

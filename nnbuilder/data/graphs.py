"""Graph data sets for node classification: Zachary's karate club and the Cora citation network.

Every node's features and label are in ``Dataset.x`` / ``Dataset.y``; which nodes the model may learn from,
tune on and be scored on is given by the masks in ``Dataset.graph``, as in Kipf & Welling's GCN setup where the
whole graph is propagated but the loss only sees the training nodes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nnbuilder.paths import data_dir

from .csvfile import read_table
from .dataset import Dataset, GraphData
from .errors import DataError, describe
from .idx import read_bytes, require_file

KARATE_ATTRIBUTION = "Zachary's karate club, W. W. Zachary 1977 (J. Anthropological Research 33:452-473); public domain."
CORA_ATTRIBUTION = "Cora citation network, McCallum et al. 2000 / Sen et al. 2008 (LINQS); research use with attribution."


def undirected_edges(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """(2, E) int64 with each undirected edge once as (low, high), self-loops dropped, sorted."""
    low, high = np.minimum(src, dst), np.maximum(src, dst)
    keep = low != high
    pairs = np.unique(np.stack([low[keep], high[keep]], axis=1), axis=0)
    return pairs.T.astype(np.int64).reshape(2, -1)


def load_karate_club(options: dict[str, Any]) -> Dataset:
    """Identity features (Kipf's demo: each node is its own one-hot feature) and the post-split faction as label.

    The training nodes per class start with the faction's highest-degree member - the instructor (node 0) and
    the administrator (node 33) - then add seeded random members; the other nodes are split half into
    validation, half into test.
    """
    folder = data_dir() / "karate-club"
    nodes = read_table(folder / "karate_club_nodes.csv", header="yes", min_rows=2)
    edges_table = read_table(folder / "karate_club_edges.csv", header="yes", min_rows=1)
    ids = nodes.numeric_column(nodes.column_index("node")).astype(np.int64)
    n = len(ids)
    if not np.array_equal(ids, np.arange(n)):
        raise DataError(f"{describe(nodes.path)} must list nodes 0..{n - 1} in order.")
    y = nodes.numeric_column(nodes.column_index("label")).astype(np.int64)
    clubs = nodes.column_values(nodes.column_index("club"))
    class_names = [next(c.strip() for c, lab in zip(clubs, y, strict=True) if lab == k) for k in range(int(y.max()) + 1)]
    src = edges_table.numeric_column(edges_table.column_index("source")).astype(np.int64)
    dst = edges_table.numeric_column(edges_table.column_index("target")).astype(np.int64)
    weight = edges_table.numeric_column(edges_table.column_index("weight")).astype(np.float32)
    if src.min() < 0 or dst.min() < 0 or max(src.max(), dst.max()) >= n:
        raise DataError(f"{describe(edges_table.path)} has an edge to a node that is not in the node list.")
    edges = undirected_edges(src, dst)
    # Interaction counts aligned with graph.edges (a GCN ignores them; kept for drawing edge widths).
    weights = {(min(a, b), max(a, b)): w for a, b, w in zip(src.tolist(), dst.tolist(), weight.tolist(), strict=True)}
    edge_weight = np.array([weights[(a, b)] for a, b in edges.T.tolist()], dtype=np.float32)
    degree = np.bincount(edges.ravel(), minlength=n)
    rng = np.random.default_rng(int(options["seed"]))
    per_class = int(options["labelled_per_class"])
    train = np.zeros(n, dtype=bool)
    for k in range(len(class_names)):
        members = np.flatnonzero(y == k)
        if per_class > len(members):
            raise DataError(
                f"labelled_per_class is {per_class} but the class '{class_names[k]}' has only {len(members)} members."
            )
        leader = members[np.argmax(degree[members])]
        others = rng.permutation(members[members != leader])[: per_class - 1]
        train[[leader, *others]] = True
    rest = rng.permutation(np.flatnonzero(~train))
    val = np.zeros(n, dtype=bool)
    test = np.zeros(n, dtype=bool)
    val[rest[: len(rest) // 2]] = True
    test[rest[len(rest) // 2 :]] = True
    graph = GraphData(num_nodes=n, edges=edges, train_mask=train, val_mask=val, test_mask=test)
    return Dataset(
        id="karate_club", title="Zachary's karate club", task="node_classification",
        x=np.eye(n, dtype=np.float32), y=y, x_test=None, y_test=None, class_names=class_names,
        graph=graph, attribution=KARATE_ATTRIBUTION,
        extra={"edge_weight": edge_weight, "degree": degree},
    )


def _parse_cora_content(data: bytes, path: Any) -> tuple[list[bytes], np.ndarray, list[str]]:
    """Paper ids, 0/1 word features and class labels from LINQS ``cora.content`` (tab separated).

    The features are single '0'/'1' characters, so a byte view reads all 3.9 M of them at once instead of
    splitting strings (about 40x faster); any other layout falls back to a general parse.
    """
    lines = [line for line in data.split(b"\n") if line.strip()]
    if not lines:
        raise DataError(f"The file {describe(path)} is empty.")
    ids, middles, labels = [], [], []
    for number, line in enumerate(lines, start=1):
        line = line.rstrip(b"\r")
        first, last = line.find(b"\t"), line.rfind(b"\t")
        if first < 0 or first == last:
            raise DataError(f"{describe(path)} line {number} does not have an id, features and a label separated by tabs.")
        ids.append(line[:first])
        middles.append(line[first + 1 : last])
        labels.append(line[last + 1 :].decode("utf-8", "replace").strip())
    width = len(middles[0])
    if all(len(m) == width for m in middles) and width % 2 == 1:
        grid = np.frombuffer(b"".join(middles), dtype=np.uint8).reshape(len(middles), width)
        values, seps = grid[:, ::2], grid[:, 1::2]
        if np.all(seps == ord("\t")) and np.all((values == ord("0")) | (values == ord("1"))):
            return ids, (values - ord("0")).astype(np.float32), labels
    rows = []
    for number, middle in enumerate(middles, start=1):
        try:
            rows.append(np.array(middle.split(b"\t"), dtype=np.float32))
        except ValueError:
            raise DataError(f"{describe(path)} line {number} has a feature that is not a number.") from None
        if len(rows[-1]) != len(rows[0]):
            raise DataError(
                f"{describe(path)} line {number} has {len(rows[-1])} features but line 1 has {len(rows[0])}."
            )
    return ids, np.stack(rows), labels


def load_cora(options: dict[str, Any]) -> Dataset:
    """Cora with a Planetoid-style split: ``train_per_class`` seeded nodes per class, then 500 validation and
    1000 test nodes drawn (seeded) from the rest. Class ids follow the alphabetical class names.
    """
    folder = data_dir() / "cora"
    content_path = require_file(folder / "cora.content.gz")
    cites_path = require_file(folder / "cora.cites")
    ids, x, labels = _parse_cora_content(read_bytes(content_path), content_path)
    index = {paper: i for i, paper in enumerate(ids)}
    if len(index) != len(ids):
        raise DataError(f"{describe(content_path)} lists the same paper id twice.")
    class_names = sorted(set(labels))
    lookup = {name: k for k, name in enumerate(class_names)}
    y = np.array([lookup[name] for name in labels], dtype=np.int64)
    src, dst = [], []
    for number, line in enumerate(read_bytes(cites_path).split(b"\n"), start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 2 or parts[0] not in index or parts[1] not in index:
            raise DataError(f"{describe(cites_path)} line {number} does not link two papers of {describe(content_path)}.")
        src.append(index[parts[0]])
        dst.append(index[parts[1]])
    n = len(ids)
    edges = undirected_edges(np.array(src, dtype=np.int64), np.array(dst, dtype=np.int64))
    if options["row_normalize"]:
        sums = x.sum(axis=1, keepdims=True)
        x = np.divide(x, sums, out=np.zeros_like(x), where=sums > 0)
    rng = np.random.default_rng(int(options["seed"]))
    per_class = int(options["train_per_class"])
    train = np.zeros(n, dtype=bool)
    for k in range(len(class_names)):
        members = np.flatnonzero(y == k)
        train[rng.permutation(members)[:per_class]] = True
    rest = rng.permutation(np.flatnonzero(~train))
    val_size, test_size = 500, 1000
    if len(rest) < val_size + test_size:
        raise DataError(f"Cora has too few nodes left for 500 validation and 1000 test nodes with {per_class} per class.")
    val = np.zeros(n, dtype=bool)
    test = np.zeros(n, dtype=bool)
    val[rest[:val_size]] = True
    test[rest[val_size : val_size + test_size]] = True
    graph = GraphData(num_nodes=n, edges=edges, train_mask=train, val_mask=val, test_mask=test)
    return Dataset(
        id="cora", title="Cora citation network", task="node_classification", x=x, y=y, x_test=None, y_test=None,
        class_names=class_names, graph=graph, attribution=CORA_ATTRIBUTION,
        extra={"paper_ids": [p.decode() for p in ids]},
    )

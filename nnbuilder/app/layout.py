"""Left-to-right auto-layout for a graph: pure Python, so it is easy to test and reuse.

Layers (columns) come from the longest path from a source, so data always flows to the right;
within a column nodes are ordered by the mean row of their predecessors (one barycentre sweep),
which removes most crossings in the small networks students draw.

A long chain (the CNN, Conv1D + LSTM) is wrapped like text: after ``max_columns`` columns the next columns
start a new band below, so the whole network fits a laptop canvas at a readable zoom instead of a strip
at 50 %.
"""

from __future__ import annotations

from ..project import Graph

COLUMN_WIDTH = 240.0
ROW_HEIGHT = 130.0
BAND_GAP = 90.0  # between wrapped bands: room for the wire that runs back to the next band's start


def layered_layout(graph: Graph, origin: tuple[float, float] = (0.0, 0.0),
                   max_columns: int | None = None) -> dict[str, tuple[float, float]]:
    """node id -> new top-left position; ``max_columns`` wraps longer networks into bands."""
    ids = [n.id for n in graph.nodes]
    preds: dict[str, list[str]] = {i: [] for i in ids}
    succs: dict[str, list[str]] = {i: [] for i in ids}
    for e in graph.edges:
        if e.source in preds and e.target in preds:
            preds[e.target].append(e.source)
            succs[e.source].append(e.target)
    # Kahn order; nodes on a cycle are appended at the end so every node gets a place.
    indeg = {i: len(preds[i]) for i in ids}
    order = [i for i in ids if indeg[i] == 0]
    k = 0
    while k < len(order):
        for t in succs[order[k]]:
            indeg[t] -= 1
            if indeg[t] == 0:
                order.append(t)
        k += 1
    order += [i for i in ids if i not in set(order)]
    column: dict[str, int] = {}
    for i in order:
        column[i] = max((column[p] + 1 for p in preds[i] if p in column), default=0)
    # Sinks that are far from their predecessors stay close to them; sources are pulled right
    # next to their first consumer (e.g. a Graph input feeding a late GCNConv).
    for i in ids:
        if not preds[i] and succs[i]:
            column[i] = max(0, min(column[s] for s in succs[i]) - 1)
    columns: dict[int, list[str]] = {}
    for i in order:
        columns.setdefault(column[i], []).append(i)
    row: dict[str, float] = {}
    for c in sorted(columns):
        members = columns[c]

        def key(i: str) -> tuple[float, int]:
            ps = [row[p] for p in preds[i] if p in row]
            return (sum(ps) / len(ps) if ps else float(ids.index(i)), ids.index(i))

        members.sort(key=key)
        for r, i in enumerate(members):
            row[i] = r - (len(members) - 1) / 2
    ox, oy = origin
    if not max_columns or max_columns < 2 or not column or max(column.values()) < max_columns:
        return {i: (ox + column[i] * COLUMN_WIDTH, oy + row[i] * ROW_HEIGHT) for i in ids}
    rows_in_band = max(len(m) for m in columns.values())
    band_height = rows_in_band * ROW_HEIGHT + BAND_GAP
    out = {}
    for i in ids:
        band, col = divmod(column[i], max_columns)
        out[i] = (ox + col * COLUMN_WIDTH, oy + band * band_height + row[i] * ROW_HEIGHT)
    return out

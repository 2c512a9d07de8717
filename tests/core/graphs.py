"""Graphs written in a line for the core tests."""

from __future__ import annotations

from nnbuilder.project import Edge, Graph, Node


def chain(*nodes: tuple[str, str, dict]) -> Graph:
    """(id, type, params) nodes, each wired to the next."""
    g = Graph()
    prev = None
    for nid, t, p in nodes:
        g.add_node(Node(nid, t, p))
        if prev:
            g.add_edge(Edge(prev, nid))
        prev = nid
    return g

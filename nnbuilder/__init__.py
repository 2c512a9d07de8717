"""nnbuilder: draw a neural network, compile it to PyTorch, train it and watch it learn.

The small, stable Python API for notebooks and scripts::

    from nnbuilder import load_project, save_project, build_model, summarize
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .project import Project, ProjectError, load_project, save_project

if TYPE_CHECKING:
    from .compiler import Summary

__version__ = "0.1.0"


def build_model(project: Project, graph: str | None = None) -> Any:
    """The compiled ``torch.nn.Module`` of a project's graph (the only graph when there is one)."""
    from .compiler import build_module

    return build_module(project.graph(graph), project.training)


def summarize(project: Project, graph: str | None = None) -> Summary:
    """Rows and totals as ``nnbuilder summary`` prints them (``.format()``, ``.to_dict()``)."""
    from .compiler import summarize_graph

    g = project.graph(graph)
    title = project.name if len(project.graphs) == 1 else f"{project.name} / {g.name}"
    return summarize_graph(g, project.training, title)


__all__ = ["Project", "ProjectError", "__version__", "build_model", "load_project", "save_project", "summarize"]

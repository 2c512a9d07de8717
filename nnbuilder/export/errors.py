"""The one error type exporters raise: a sentence naming the file, option, graph or layer."""

from __future__ import annotations

from ..project.errors import ProjectError


class ExportError(ProjectError):
    """An export cannot be written as asked; the message says why and what to do."""

    kind = "export"  # how the app's workers tell our sentences from unexpected faults

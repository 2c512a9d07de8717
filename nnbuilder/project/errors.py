"""The one error type for bad project input."""

from __future__ import annotations


class ProjectError(Exception):
    """A project file or edit is wrong; the message is a sentence naming the file, JSON path and fault."""

    def __init__(self, message: str, *, file: str | None = None, path: str | None = None) -> None:
        self.file = file
        self.path = path
        self.detail = message
        parts = []
        if file:
            parts.append(str(file))
        if path:
            parts.append(f"at {path}")
        prefix = (" ".join(parts) + ": ") if parts else ""
        super().__init__(prefix + message)

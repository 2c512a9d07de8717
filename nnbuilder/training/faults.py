"""Fault classification, in one place: an exception -> (sentence, kind), during a run (``describe_fault``)
or around one (``describe_error``: building a trainer, loading data or weights).

The kinds are the words of ``Failed.kind``: oom, model, data, runtime (nan is decided by the run loop's
guard, not here). Classes are checked with ``isinstance`` (torch's own ``OutOfMemoryError``, ``MemoryError``,
``TrainingError``, ``IndexError``); torch reports shape problems as a plain ``RuntimeError`` whose first line
names the shapes, so those are recognised by that line and quoted to the student.
"""

from __future__ import annotations

from .errors import TrainingError

_SHAPE_WORDS = ("shape", "size mismatch", "mat1 and mat2", "must match the size", "expected input", "dimension",
                "sizes of tensors")


def _first_line(exc: BaseException | None) -> str:
    if exc is None:
        return "unknown error"
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def is_out_of_memory(exc: BaseException | None) -> bool:
    import torch

    if isinstance(exc, MemoryError | torch.OutOfMemoryError):
        return True
    text = _first_line(exc).lower()
    return "out of memory" in text or "can't allocate memory" in text


def describe_fault(exc: BaseException | None, batch_size: int) -> tuple[str, str]:
    """(sentence, kind) for an exception raised while training."""
    text = _first_line(exc)
    if is_out_of_memory(exc):
        return (f"the computer ran out of memory; try a smaller batch size (now {batch_size}) or a smaller "
                "network.", "oom")
    if isinstance(exc, TrainingError):
        return exc.message, exc.kind
    if any(w in text.lower() for w in _SHAPE_WORDS):
        return f"the network cannot process this data ({text}).", "model"
    if isinstance(exc, IndexError) or "out of bounds" in text.lower():
        return f"a target does not fit the output layer ({text}).", "data"
    return f"{type(exc).__name__}: {text}", "runtime"


def describe_error(exc: BaseException) -> tuple[str, str]:
    """(sentence, kind) for an exception raised *outside* a run - building a trainer, loading data or weights -
    so the app and the CLI classify every fault here, by class, instead of by its name."""
    from ..data.errors import DataError
    from ..project.errors import ProjectError

    text = _first_line(exc)
    if isinstance(exc, TrainingError):
        return exc.message, exc.kind
    if is_out_of_memory(exc):
        return f"The computer ran out of memory: {text}", "oom"
    if isinstance(exc, DataError | FileNotFoundError | PermissionError | IsADirectoryError):
        return str(exc).strip() or text, "data"
    if isinstance(exc, ProjectError):  # CompileError included
        return str(exc).strip() or text, "model"
    return f"Training stopped because of an error ({type(exc).__name__}): {text}", "runtime"

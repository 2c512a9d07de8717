"""The one exception type the training package raises to its callers.

``Trainer.fit`` never raises for training faults (it returns ``Failed``); this error is for the calls
that happen outside a run - building a trainer, loading weights, evaluating - where the caller (CLI or
app) shows ``str(error)`` to a student as one sentence.
"""

from __future__ import annotations


class TrainingError(Exception):
    """Training cannot start or a request cannot be served; the message says why in plain words.

    ``kind`` uses the same words as ``Failed.kind`` (data, model, runtime, oom, nan) so the app can
    show one kind of message whichever way the problem arrived.
    """

    def __init__(self, message: str, kind: str = "runtime") -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind

"""The one error the teaching views raise: a sentence a student can act on."""

from __future__ import annotations

from ..errors import UserError


class TeachError(UserError):
    """A network or data set a teaching view cannot show, with the reason and the fix."""

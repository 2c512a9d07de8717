"""Errors shared by the command line and the core's subcommands."""

from __future__ import annotations


class UserError(Exception):
    """Anything the user can fix; the command line prints it as one line and exits with 1."""

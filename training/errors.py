"""Errors the command line turns into a one-line message and exit code 2.

Everything a user can get wrong (a missing file, an unknown format, an empty
dataset) raises ``TrainingError`` with a hint, so the CLI never has to show a
traceback for bad input.
"""

from __future__ import annotations


class TrainingError(Exception):
    """Bad input or an unusable environment, explained in words."""


class DataError(TrainingError):
    """The dataset cannot be read or has nothing usable in it."""

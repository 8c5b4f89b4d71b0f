"""Progress of a report run on stderr."""

from __future__ import annotations

import sys
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    """Step-by-step progress on stderr: a line redrawn in place when stderr is a terminal, silent otherwise.

    Parameters
    ----------
    steps : int
        Steps the run announces.
    quiet : bool
        Say nothing.
    stream : text stream, optional
        Default ``sys.stderr``.
    """

    def __init__(self, steps: int, *, quiet: bool = False, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = not quiet and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.steps = steps
        self.done = 0

    def step(self, what: str) -> None:
        """Announce the next step."""
        self.done += 1
        if self.enabled:
            width = 24
            filled = int(width * (self.done - 1) / self.steps)
            self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.steps} {what:<40}")
            self.stream.flush()

    def close(self) -> None:
        """End the progress line."""
        if self.enabled:
            self.stream.write(f"\r[{'#' * 24}] {self.steps}/{self.steps} {'done':<40}\n")
            self.stream.flush()

"""Progress of a report run: on stderr in a terminal or a notebook, or to a callback."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    """Step-by-step progress: a line redrawn in place on stderr in a terminal or a Jupyter notebook, or a callback.

    Parameters
    ----------
    steps : int
        Steps the run announces.
    quiet : bool
        Draw nothing (a callback is still called).
    stream : text stream, optional
        Default ``sys.stderr``.
    callback : callable, optional
        Called at each step with ``(done, steps, what)``: to drive a
        progress bar of one's own (a widget, a log).
    """

    def __init__(
        self,
        steps: int,
        *,
        quiet: bool = False,
        stream: TextIO | None = None,
        callback: Callable[[int, int, str], None] | None = None,
    ) -> None:
        self.stream = stream or sys.stderr
        terminal = hasattr(self.stream, "isatty") and self.stream.isatty()
        notebook = type(self.stream).__module__.startswith("ipykernel")
        self.enabled = not quiet and (terminal or notebook)
        self.steps = steps
        self.done = 0
        self.callback = callback

    def step(self, what: str) -> None:
        """Announce the next step."""
        self.done += 1
        if self.callback is not None:
            self.callback(self.done, self.steps, what)
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

"""The terminal: whether to colour (`--color`, NO_COLOR, TERM=dumb) and progress on standard error.

On an interactive terminal a run over several projects keeps one status line up to date (how many
projects are done, and what is being done now: an export, a count); anywhere else — a CI log, a
file — it writes one line per project as each finishes, and nothing that redraws.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from ..activity import listening
from ..characters import escape
from ..render.runs import outcome
from ..runs import ProjectRun

COLOR_CHOICES = ("auto", "always", "never")


def add_color_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--color", choices=COLOR_CHOICES, default="auto",
                        help="colour the output: auto (a terminal, unless NO_COLOR is set or TERM=dumb), "
                             "always, never")
    parser.add_argument("--no-color", action="store_true", help="the same as --color never")


def use_color(stream: TextIO, args: argparse.Namespace | None = None) -> bool:
    """`--color always|never` when given; else colour only on a capable terminal without NO_COLOR."""
    choice = getattr(args, "color", "auto") or "auto"
    if getattr(args, "no_color", False) or choice == "never":
        return False
    if choice == "always":
        return True
    return _capable(stream) and not os.environ.get("NO_COLOR")


def _capable(stream: TextIO) -> bool:
    """A terminal that understands escape codes: a tty whose TERM is not `dumb`."""
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):  # closed or replaced streams
        return False
    return tty and os.environ.get("TERM", "") != "dumb"


class Progress:
    """What a run over several projects shows on standard error while it goes on.

    `live` (a capable terminal): one status line, redrawn. Otherwise one line per finished project.
    Nothing at all for a run of one project: its result follows at once.
    """

    def __init__(self, verb: str, stream: TextIO | None = None, *, live: bool | None = None) -> None:
        self.verb = verb
        self.stream = stream if stream is not None else sys.stderr
        self.live = _capable(self.stream) if live is None else live
        self.total = 0
        self.finished = 0
        self.doing = ""
        self.drawn = False
        self.lock = threading.RLock()

    def start(self, total: int) -> None:
        with self.lock:
            self.total = total

    def done(self, run: ProjectRun, finished: int | None = None, total: int | None = None) -> None:
        """One project finished (called from worker threads)."""
        with self.lock:
            self.total = total if total is not None else self.total
            self.finished = finished if finished is not None else self.finished + 1
            if self.total <= 1:
                return
            if self.live:
                self.doing = ""
                self._draw()
            else:
                said = outcome(run) if run.ok else "failed (the error follows at the end)"
                self._write(escape(f"{self.verb} {self.finished}/{self.total}: {run.where}: {said}") + "\n")

    def count(self, finished: int, total: int) -> None:
        """`Applied 3/12 projects…` on the status line (the per-project lines come with the result)."""
        with self.lock:
            self.finished, self.total = finished, total
            if self.live and total > 1:
                self._draw()

    def activity(self, message: str) -> None:
        """What is being done now (an export, a count): shown on the status line only."""
        with self.lock:
            if self.live:
                self.doing = message
                self._draw()

    def finish(self) -> None:
        with self.lock:
            if self.live and self.drawn:
                self._write("\r\x1b[2K")
                self.drawn = False

    def _draw(self) -> None:
        count = f"{self.verb} {self.finished}/{self.total} projects" if self.total > 1 else self.verb
        text = escape(f"{count} · {self.doing}" if self.doing else f"{count}…")  # a file name can hold anything
        width = _width() - 1
        self._write("\r\x1b[2K" + (text if len(text) <= width else text[: max(width - 1, 0)] + "…"))
        self.drawn = True

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a closed stderr must not stop the work
            pass

    @contextmanager
    def showing(self) -> Iterator[Progress]:
        """Listen to the library's reports while the block runs; clear the status line after it."""
        with listening(self.activity):
            try:
                yield self
            finally:
                self.finish()


def _width() -> int:
    """The columns of standard error's terminal. A pty that reports 0 (not sized yet: `script`, `docker -t`
    before a resize) does not know: then COLUMNS, standard output's terminal, else 80 (as `shutil` asks)."""
    try:
        columns = os.get_terminal_size(sys.stderr.fileno()).columns
    except (OSError, ValueError, AttributeError):
        columns = 0
    return columns if columns > 0 else shutil.get_terminal_size().columns


__all__ = ["COLOR_CHOICES", "Progress", "add_color_flag", "use_color"]

"""Long work says what it is doing: library code reports each step, and whoever listens shows it.

The public API never prints: it calls `report("exporting project 64c1…")`, which does nothing unless a
listener is installed (the command line installs one that draws a status line on a terminal).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Listener = Callable[[str], None]

_lock = threading.Lock()
_listeners: list[Listener] = []


def report(message: str) -> None:
    """Tell the listeners (from any thread) what is being done now."""
    with _lock:
        listeners = list(_listeners)
    for listener in listeners:
        listener(message)


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Hear every report made while the block runs, from every thread."""
    with _lock:
        _listeners.append(listener)
    try:
        yield
    finally:
        with _lock:
            _listeners.remove(listener)


def size(count: int) -> str:
    """`12.3 MB`: a byte count for people."""
    value = float(count)
    for unit in ("bytes", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")  # pragma: no cover


__all__ = ["Listener", "listening", "report", "size"]

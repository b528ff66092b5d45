"""Long runs of similar changes (the same action on many siblings) gathered into one group with a count."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..plan import Change
from .wording import plural

# A run of this many similar changes or more is shown as one group (collapsed in Markdown and HTML).
GROUP_AT = 5


@dataclass(frozen=True)
class Group:
    """Consecutive changes of one action on siblings of one kind under one parent."""

    changes: tuple[Change, ...]

    @property
    def first(self) -> Change:
        return self.changes[0]

    @property
    def parent(self) -> tuple[str, ...]:
        return self.first.path[:-1]

    def headline(self) -> str:
        """`create 12 options`."""
        return f"{self.first.action} {plural(len(self.changes), self.first.kind)}"

    @property
    def destructive(self) -> bool:
        return self.first.destructive


def _similar(change: Change, other: Change) -> bool:
    return (change.action == other.action != "reorder" and change.kind == other.kind
            and change.path[:-1] == other.path[:-1] and change.path_kinds[:-1] == other.path_kinds[:-1]
            and change.protected == other.protected and change.origin == other.origin)


def grouped(changes: Iterable[Change]) -> Iterator[Change | Group]:
    """The changes in order, each run of `GROUP_AT` or more similar ones as one Group."""
    run: list[Change] = []
    for change in changes:
        if run and not _similar(run[0], change):
            yield from _flush(run)
            run = []
        run.append(change)
    yield from _flush(run)


def _flush(run: list[Change]) -> Iterator[Change | Group]:
    if len(run) >= GROUP_AT:
        yield Group(tuple(run))
    else:
        yield from run

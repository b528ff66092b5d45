"""What an import could not carry over exactly, each with its place in the source (a line, or a path)."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import Problem


@dataclass(frozen=True)
class Place:
    """Where an element is in the source: a line and column (XML), or a path such as `tools[2].options[0]`."""

    path: str = ""
    line: int = 0
    column: int = 0

    def child(self, part: str) -> Place:
        return Place(f"{self.path}{part}" if part.startswith("[") or not self.path else f"{self.path}.{part}",
                     self.line, self.column)


class Notes:
    """The warnings of one import, in the order they were found."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.warnings: list[Problem] = []

    def warn(self, place: Place, message: str) -> None:
        """Note a problem once, however often the element is read (a question nested under several tools)."""
        problem = Problem(message, place.path, self.source, place.line, place.column)
        if problem not in self.warnings:
            self.warnings.append(problem)

"""The YAML readers of files people write: YAML 1.2 only, numbers kept as written, syntax errors in our words.

Two readers read one file: the fast one (libyaml, no positions) and the round-trip one (positions and
comments), and they must read it alike. They do not honour a `%YAML` directive alike — the round-trip
one reads `%YAML 1.1` as YAML 1.1 (`yes` a boolean), the fast one ignores it — so a file that names a
version other than 1.2 is refused before either reads it. Numbers are kept with the text they were
written with, so a number where text is meant (`id: 0012345`, `value: 2.50`, `.inf`) stays that text and
`fmt` writes it back unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor, SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, StreamMark
from ruamel.yaml.events import DocumentStartEvent
from ruamel.yaml.reader import ReaderError

from .errors import Problem
from .messages import unreadable_character, yaml_sentence

__all__ = ["DecimalText", "NumberText", "RoundTripKeepingNumbers", "VersionDirective", "reader",
           "refuse_other_versions", "syntax_problem"]

# A directive line: `%YAML 1.1` at the start of a line, before the document's `---`.
_DIRECTIVE = re.compile(r"^%YAML\b", re.MULTILINE)


class NumberText(int):
    """An integer that remembers how it was written, so `id: 0012345` stays "0012345", not "12345"."""

    text: str


class DecimalText(float):
    """A float that remembers how it was written, so `value: 2.50` stays "2.50" where text is meant, and
    `1_0.5`, `1.5e400` or `.inf` are written back by `fmt` exactly as they were."""

    text: str


def _keep_text(value: Any, node: Any) -> Any:
    kept = NumberText(value)
    kept.text = node.value
    return kept


def _keep_float_text(value: Any, node: Any) -> Any:
    kept = DecimalText(value)
    kept.text = node.value
    return kept


class _SafeKeepingNumbers(SafeConstructor):
    def construct_yaml_int(self, node: Any) -> Any:
        return _keep_text(super().construct_yaml_int(node), node)

    def construct_yaml_float(self, node: Any) -> Any:
        return _keep_float_text(super().construct_yaml_float(node), node)


class RoundTripKeepingNumbers(RoundTripConstructor):
    def construct_yaml_int(self, node: Any) -> Any:
        return _keep_text(super().construct_yaml_int(node), node)

    def construct_yaml_float(self, node: Any) -> Any:
        return _keep_float_text(super().construct_yaml_float(node), node)


for _constructor in (_SafeKeepingNumbers, RoundTripKeepingNumbers):
    _constructor.add_constructor("tag:yaml.org,2002:int", _constructor.construct_yaml_int)
    _constructor.add_constructor("tag:yaml.org,2002:float", _constructor.construct_yaml_float)


class _RoundTripReading(RoundTripKeepingNumbers):
    """The round-trip reader as the loader uses it: `!!str 123` is the text "123", as the fast reader reads it
    (`fmt` keeps the tag, so it reads with `RoundTripKeepingNumbers`)."""

    def construct_yaml_str(self, node: Any) -> Any:
        return self.construct_scalar(node)


_RoundTripReading.add_constructor("tag:yaml.org,2002:str", _RoundTripReading.construct_yaml_str)


class VersionDirective(MarkedYAMLError):
    """A `%YAML` directive naming a version other than 1.2."""


def refuse_other_versions(text: str) -> None:
    """Raise VersionDirective at a `%YAML` directive for any version but 1.2 (the one this toolkit reads)."""
    found = _DIRECTIVE.search(text)
    if found is None:
        return
    for event in YAML(typ="safe", pure=False).parse(text):
        if isinstance(event, DocumentStartEvent):
            if event.version not in (None, (1, 2)):
                line = text.count("\n", 0, found.start())
                version = ".".join(map(str, event.version))
                raise VersionDirective(problem=f"a %YAML {version} directive",
                                       problem_mark=StreamMark("", found.start(), line, 0))
            return


def reader(track: bool) -> Callable[[str], Any]:
    """The fast safe reader, or the round-trip one that knows where everything sits: YAML 1.2, numbers kept as
    written. Each raises a ruamel YAMLError for what it cannot read (`syntax_problem` says it in our words)."""
    yaml = YAML(typ="rt" if track else "safe", pure=False)
    yaml.Constructor = _RoundTripReading if track else _SafeKeepingNumbers

    def read(text: str) -> Any:
        refuse_other_versions(text)
        return yaml.load(text)

    return read


def syntax_problem(error: Exception, text: str, filename: str) -> Problem:
    """What YAML's parser refused, at its line and column, in our words."""
    if isinstance(error, MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        sentence = yaml_sentence(str(error.context or ""), str(error.problem or ""), text, line, col)
        return Problem(f"YAML syntax error: {sentence}", "", filename, line, col)
    if isinstance(error, ReaderError):
        line = text.count("\n", 0, error.position) + 1
        column = error.position - text.rfind("\n", 0, error.position)
        return Problem(f"YAML syntax error: {unreadable_character(error.character)}", "", filename, line, column)
    return Problem("YAML syntax error: the file cannot be read as YAML (nested too deeply?)", "", filename, 1, 1)

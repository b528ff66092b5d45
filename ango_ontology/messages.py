"""What YAML's parser and pydantic complain about, said in the toolkit's own words, with a hint to fix it.

The loader hands over their raw complaints (ruamel's context and problem, pydantic's error dicts);
nothing of their wording reaches the user.
"""

from __future__ import annotations

import re
from typing import Any

from .characters import describe, kind

_COLON = "a `: ` inside unquoted text starts a mapping in YAML; put the text in quotes (\"Size: large\")"
_INDENT = "check the indentation: keys of one mapping, and the `-` of items of one list, line up exactly"
# (words in ruamel's problem or context, our sentence) — first match wins.
_YAML = (
    ("mapping values are not allowed", _COLON),
    ("could not find expected ':'", "this line is neither `key: value` nor a list item (`- …`); " + _INDENT
     + ", and quote text that holds `: ` or ` #`"),
    ("did not find expected '-' indicator", "this line is not an item of the list above it; " + _INDENT),
    ("did not find expected key", "this line does not continue the mapping above it; " + _INDENT
     + " (a value that goes on after a ` #` comment must be quoted)"),
    ("expected <block end>", "this line does not fit the structure above it; " + _INDENT),
    ("found unexpected end of stream", "a quote opened here is never closed; close it on the same value"),
    ("found unexpected ':'", "a `:` inside an unquoted item of a `[` list or `{` mapping; put the item in "
     "quotes"),
    ("expected ',' or ']'", "a `[` list opened here is not closed with `]`, or an item in it holds "
     "`: ` or `#`: quote such items"),
    ("expected ',' or '}'", "a `{` mapping opened here is not closed with `}`, or a value in it "
     "holds `: ` or `#`: quote such values"),
    ("expected node content", "a value is missing here: a `[` or `{` opened before it is not closed, or a `,` "
     "or `:` has nothing after it"),
    ("found undefined alias", "`*name` refers to an anchor (`&name`) that is not defined before it"),
    ("found duplicate anchor", "the anchor (`&name`) is defined twice; give the second one another name"),
    ("found unknown escape character", "an unknown `\\` escape inside double quotes; write `\\\\` for a "
     "backslash, or use single quotes"),
    ("could not determine a constructor", "YAML tags (`!name`) have no meaning in an ontology file; remove the "
     "tag, or quote the text if it starts with `!`"),
    ("expected a single document", "the file holds more than one YAML document (a second `---`); keep one "
     "label set per file"),
    ("while scanning an anchor", "an anchor or alias (`&name`, `*name`) needs a name; quote the text if it "
     "starts with `&` or `*`"),
    ("while scanning an alias", "an anchor or alias (`&name`, `*name`) needs a name; quote the text if it "
     "starts with `&` or `*`"),
)
_DUPLICATE_KEY = re.compile(r'found duplicate key "(.*?)" with value')
_VERSION = re.compile(r"^a %YAML (\S+) directive$")
_TAB = ("a tab character: YAML indents with spaces only (and a tab cannot start a value); replace the tab "
        "with spaces")


def yaml_sentence(context: str, problem: str, text: str, line: int, column: int) -> str:
    """One sentence for a YAML syntax error at (1-based) `line`:`column` of `text`."""
    lines = text.splitlines()
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    if "tab" in problem or "\t" in here[: max(column, len(here) - len(here.lstrip()))]:
        return _TAB
    if "cannot start any token" in problem:
        ch = here[column - 1:column] or "this character"
        return f"'{ch}' cannot start unquoted text in YAML; put the text in quotes"
    version = _VERSION.match(problem)
    if version:
        return (f"the file asks for YAML {version.group(1)} (`%YAML {version.group(1)}`), but ontology files are read "
                "as YAML 1.2, which reads some values differently (`yes`, `on` and `off` are text there, only "
                "true and false are booleans); remove the directive, and quote or correct such values")
    duplicate = _DUPLICATE_KEY.search(problem)
    if duplicate:
        return f"the key '{duplicate.group(1)}' appears twice in this mapping; keep one"
    words = f"{context} {problem}"
    for found, sentence in _YAML:
        if found in words:
            return sentence
    return "the text here cannot be read as YAML; " + _INDENT + ", and that quotes and brackets are closed"


def unreadable_character(code: int) -> str:
    """A code point YAML refuses anywhere in a file (a control character), named."""
    ch = chr(code)
    return (f"the file holds {describe(ch)} ({kind(ch)}), which YAML does not allow in a file; remove it, or write "
            "it as an escape inside double quotes if it is really meant")


# --- pydantic ----------------------------------------------------------------------------------------------

_EXPECTED = {
    "bool": "true or false", "str": "text", "int": "a whole number", "float": "a number",
    "dict": "a mapping", "list": "a list", "model": "a mapping", "none": "nothing",
}
_SCALARS = (str, int, float, bool, type(None))


def _expected(error: dict[str, Any]) -> str | None:
    kind = str(error.get("type", ""))
    for prefix, words in _EXPECTED.items():
        if kind.startswith(prefix):
            return words
    return None


def shown(value: Any) -> str:
    """A value as a message quotes it: `'maybe'`, `123`, or `a list`."""
    if isinstance(value, _SCALARS):
        return repr(value)
    names = {dict: "a mapping", list: "a list", tuple: "a list"}
    return next((name for cls, name in names.items() if isinstance(value, cls)), f"a {type(value).__name__}")


def pydantic_sentence(errors: list[dict[str, Any]], place: tuple[Any, ...]) -> str:
    """One sentence for what pydantic refused at one place (a union's several complaints made one)."""
    field = next((str(part) for part in reversed(place) if isinstance(part, str)), "the value")
    first = errors[0]
    kind = str(first.get("type", ""))
    if kind == "missing":
        return f"{field}: required, but not given"
    if kind == "extra_forbidden":
        return f"unknown key '{field}'"
    wanted = sorted({words for words in map(_expected, errors) if words})
    got = shown(first.get("input"))
    if wanted:
        return f"{field}: expected {' or '.join(wanted)}, not {got}"
    return f"{field}: {got} is not a value this field takes"

"""XML read safely and with positions: no DTD, no entity of any kind, every element with its line and column.

Label configurations need neither a DOCTYPE nor entity declarations, so any is refused outright: that
rules out entity-expansion bombs ("billion laughs") and external entities whatever expat's own limits
are, and no file or URL is ever read on the document's behalf.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

from ..errors import InputError


@dataclass
class Element:
    """An element: its tag as written, its attributes by lower-case name, where it starts, its children."""

    tag: str
    attrs: dict[str, str]
    line: int
    column: int
    children: list[Element] = field(default_factory=list)
    text: str = ""

    @property
    def name(self) -> str:
        return self.tag.lower()

    def walk(self) -> list[Element]:
        """This element and every element inside it, in document order."""
        out = [self]
        for child in self.children:
            out += child.walk()
        return out


# Deeper than any labeling config is (a Taxonomy of that depth could not be stored either): refused as read,
# before anything walks the tree recursively.
MAX_DEPTH = 200


class _Refused(Exception):
    """The document declares a DTD or an entity."""


class _TooDeep(Exception):
    """The document nests elements deeper than MAX_DEPTH."""


def parse(text: str, source: str) -> Element:
    """The root element; InputError with `file:line:col` when the text is not well-formed or declares a DTD."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[Element] = []
    roots: list[Element] = []

    def refuse(*_: Any) -> int:
        raise _Refused

    def start(tag: str, attrs: dict[str, str]) -> None:
        if len(stack) >= MAX_DEPTH:
            raise _TooDeep
        element = Element(tag, {key.lower(): value for key, value in attrs.items()},
                          parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)
        (stack[-1].children if stack else roots).append(element)
        stack.append(element)

    def end(_: str) -> None:
        stack.pop()

    def text_of(data: str) -> None:
        if stack:
            stack[-1].text += data

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text_of
    try:
        parser.Parse(text, True)
    except _TooDeep:
        raise InputError(f"{source}:{parser.CurrentLineNumber}:{parser.CurrentColumnNumber + 1}: the XML nests "
                         f"elements more than {MAX_DEPTH} deep, which no labeling config does; refusing to read "
                         "it") from None
    except _Refused:
        raise InputError(f"{source}:{parser.CurrentLineNumber}:{parser.CurrentColumnNumber + 1}: the XML declares "
                         "a DOCTYPE or entities, which a label configuration never needs; refusing to read it "
                         "(it could expand without end or read other files)") from None
    except expat.ExpatError as error:
        raise InputError(f"{source}:{error.lineno}:{error.offset + 1}: not well-formed XML "
                         f"({expat.errors.messages[error.code]})") from None
    return roots[0]

"""Code points a reader cannot see, or that change how text is shown: finding, naming and escaping them.

Three jobs share one table. The strict reader rejects them in what a person types (titles, values,
ids); every renderer escapes the dangerous ones whatever their source, so no title can forge a line
of a plan or a terminal escape; and titles are compared as a reader sees them (`reads_as`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator

_C0 = ("NULL", "START OF HEADING", "START OF TEXT", "END OF TEXT", "END OF TRANSMISSION", "ENQUIRY",
       "ACKNOWLEDGE", "BELL", "BACKSPACE", "CHARACTER TABULATION", "LINE FEED", "LINE TABULATION", "FORM FEED",
       "CARRIAGE RETURN", "SHIFT OUT", "SHIFT IN", "DATA LINK ESCAPE", "DEVICE CONTROL ONE", "DEVICE CONTROL TWO",
       "DEVICE CONTROL THREE", "DEVICE CONTROL FOUR", "NEGATIVE ACKNOWLEDGE", "SYNCHRONOUS IDLE",
       "END OF TRANSMISSION BLOCK", "CANCEL", "END OF MEDIUM", "SUBSTITUTE", "ESCAPE", "INFORMATION SEPARATOR FOUR",
       "INFORMATION SEPARATOR THREE", "INFORMATION SEPARATOR TWO", "INFORMATION SEPARATOR ONE")
_C1 = ("PADDING CHARACTER", "HIGH OCTET PRESET", "BREAK PERMITTED HERE", "NO BREAK HERE", "INDEX", "NEXT LINE",
       "START OF SELECTED AREA", "END OF SELECTED AREA", "CHARACTER TABULATION SET",
       "CHARACTER TABULATION WITH JUSTIFICATION", "LINE TABULATION SET", "PARTIAL LINE FORWARD",
       "PARTIAL LINE BACKWARD", "REVERSE LINE FEED", "SINGLE SHIFT TWO", "SINGLE SHIFT THREE",
       "DEVICE CONTROL STRING", "PRIVATE USE ONE", "PRIVATE USE TWO", "SET TRANSMIT STATE", "CANCEL CHARACTER",
       "MESSAGE WAITING", "START OF GUARDED AREA", "END OF GUARDED AREA", "START OF STRING",
       "SINGLE GRAPHIC CHARACTER INTRODUCER", "SINGLE CHARACTER INTRODUCER", "CONTROL SEQUENCE INTRODUCER",
       "STRING TERMINATOR", "OPERATING SYSTEM COMMAND", "PRIVACY MESSAGE", "APPLICATION PROGRAM COMMAND")

_CONTROL = "\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff"
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# Unicode's format characters (category Cf, Unicode 15) besides the bidi controls, and the few letters
# and marks that render as nothing (Hangul fillers, Khmer inherent vowels).
_INVISIBLE = ("\u00ad\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200d"
              "\u2060-\u2065\u206a-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\U000110bd\U000110cd"
              "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")
_HIDDEN = re.compile(f"[{_CONTROL}{_BIDI}{_INVISIBLE}]")
_UNSAFE = re.compile(f"[{_CONTROL}{_BIDI}]")
# Visible signs that Unicode files as format characters: Arabic and Syriac prepended number marks.
_VISIBLE_FORMAT = frozenset("\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2"
                            "\U000110bd\U000110cd")
_JOINERS = frozenset("\u200c\u200d")
_TAGS = range(0xE0020, 0xE0080)
_BLACK_FLAG = "\U0001f3f4"
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def kind(ch: str) -> str:
    """What sort of hidden code point `ch` is, in words."""
    if re.fullmatch(f"[{_BIDI}]", ch):
        return "a bidi control"
    if ch in "\u2028\u2029":
        return "a line separator"
    if "\ud800" <= ch <= "\udfff":
        return "half of a surrogate pair"
    return "a control character" if _UNSAFE.fullmatch(ch) else "an invisible character"


def describe(ch: str) -> str:
    """`U+202E RIGHT-TO-LEFT OVERRIDE`: a code point by number and name."""
    code = ord(ch)
    if code < 0x20:
        name = _C0[code]
    elif code == 0x7F:
        name = "DELETE"
    elif 0x80 <= code < 0xA0:
        name = _C1[code - 0x80]
    else:
        name = unicodedata.name(ch, "")
    return f"U+{code:04X} {name}".rstrip()


def may_hide(text: str) -> bool:
    """Whether `text` holds any code point `hidden` looks at closer: a quick test before the slow one."""
    return _HIDDEN.search(text) is not None


def hidden(text: str) -> Iterator[str]:
    """Each code point of `text` a reader cannot see or that changes how it is shown, in order.

    Joiners inside a word of a script that needs them (Persian, Indic scripts, emoji sequences like
    👩‍💻) and the tags of a subdivision flag (🏴 + tags) are part of what the reader sees, so they pass.
    """
    return (text[at] for at in _hidden_at(text))


def _hidden_at(text: str) -> Iterator[int]:
    if _HIDDEN.search(text) is None:  # the common case: one scan in C
        return
    for match in _HIDDEN.finditer(text):
        ch, at = match.group(), match.start()
        if ch in _VISIBLE_FORMAT or (ch in _JOINERS and _joins(text, at)) or _flag_tag(text, at):
            continue
        yield at


def reveal(text: str, code: Callable[[str], str] | None = None) -> str:
    """`escape`, and every hidden code point written as a code too (`\\u200b`, or what `code` makes of it):
    how a diagnostic or the annotator guide shows a title, so the reader sees what is there."""
    found = set(_hidden_at(text))
    if not found:
        return escape(text, code)
    show = code or _escaped
    return "".join(show(ch) if at in found or _UNSAFE.match(ch) else ch for at, ch in enumerate(text))


def _joins(text: str, at: int) -> bool:
    before, after = text[at - 1:at], text[at + 1:at + 2]
    return bool(before and after) and _wordlike(before) and _wordlike(after)


def _wordlike(ch: str) -> bool:
    """A letter or mark of a script other than ASCII, or a pictograph: what a joiner may sit between."""
    category = unicodedata.category(ch)
    return ord(ch) > 0x7F and (category[0] in "LM" or category == "So" or "\U0001f3fb" <= ch <= "\U0001f3ff"
                               or ch == "\ufe0f")


def _flag_tag(text: str, at: int) -> bool:
    """Whether the code point at `at` is one of the tags that follow 🏴 in a subdivision flag."""
    if ord(text[at]) not in _TAGS:
        return False
    start = at
    while start > 0 and ord(text[start - 1]) in _TAGS:
        start -= 1
    return start > 0 and text[start - 1] == _BLACK_FLAG


def escape(text: str, code: Callable[[str], str] | None = None) -> str:
    """`text` with control characters, line separators and bidi controls written as `\\x1b`, `\\u202e`… (or
    as `code` writes a code point).

    What every renderer and message shows, so no text can break a line, move the cursor or reorder
    what follows it.
    """
    if _UNSAFE.search(text) is None:
        return text
    show = code or _escaped
    return _UNSAFE.sub(lambda match: show(match.group()), text)


def escape_lines(text: str) -> str:
    """`escape` for a message of several lines: its own line breaks kept, any others made visible."""
    return "\n".join(escape(line) for line in text.split("\n"))


def _escaped(ch: str) -> str:
    code = ord(ch)
    return _SHORT_ESCAPES.get(ch) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def spaced(text: str) -> str:
    """A title as a plan names it: as it is, or double-quoted when spaces around it (or being empty) would not
    show (`"Car "` beside `Car`)."""
    if text and text == text.strip():
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def reads_as(text: str) -> str:
    """What a reader sees: NFC-normalised, trimmed, without invisible characters; equal for look-alikes."""
    if text.isascii() and text.isprintable() and text == text.strip():
        return text
    return _HIDDEN.sub("", unicodedata.normalize("NFC", text)).strip()

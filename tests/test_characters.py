"""Hidden code points: found in what people type, named in messages, escaped by renderers, ignored in comparisons."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ango_ontology.characters import describe, escape, escape_lines, hidden, kind, reads_as, reveal

LOOK_ALIKES_THAT_ARE_TEXT = [
    "سيارة ركاب", "מכונית", "می\u200cخواهم", "क्\u200dष", "汽车", "자동차", "🚗 Car", "👩\u200d💻",
    "👨\u200d👩\u200d👧", "❤\ufe0f", "👍🏽", "🇫🇷", "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
    "\u0600\u0661\u0662", "Café", "Cafe\u0301", "tab-free ascii",
]


@pytest.mark.parametrize("text", LOOK_ALIKES_THAT_ARE_TEXT)
def test_scripts_and_emoji_hide_nothing(text: str) -> None:
    assert list(hidden(text)) == []
    assert escape(text) == text == reveal(text)


@pytest.mark.parametrize(("text", "found", "what"), [
    ("A\x00", "U+0000 NULL", "a control character"),
    ("A\x1b[2J", "U+001B ESCAPE", "a control character"),
    ("A\x7f", "U+007F DELETE", "a control character"),
    ("A\x85", "U+0085 NEXT LINE", "a control character"),
    ("A\u2028B", "U+2028 LINE SEPARATOR", "a line separator"),
    ("A\u202eB", "U+202E RIGHT-TO-LEFT OVERRIDE", "a bidi control"),
    ("A\u2066B", "U+2066 LEFT-TO-RIGHT ISOLATE", "a bidi control"),
    ("A\u200bB", "U+200B ZERO WIDTH SPACE", "an invisible character"),
    ("A\u200dB", "U+200D ZERO WIDTH JOINER", "an invisible character"),  # between ASCII letters: no script needs it
    ("\ufeffA", "U+FEFF ZERO WIDTH NO-BREAK SPACE", "an invisible character"),
    ("A\u00adB", "U+00AD SOFT HYPHEN", "an invisible character"),
    ("A\u3164", "U+3164 HANGUL FILLER", "an invisible character"),
    ("A\U000e0041", "U+E0041 TAG LATIN CAPITAL LETTER A", "an invisible character"),
    ("A\ud800", "U+D800", "half of a surrogate pair"),
])
def test_hidden_code_points_are_found_and_named(text: str, found: str, what: str) -> None:
    (ch,) = hidden(text)
    assert describe(ch) == found
    assert kind(ch) == what


def test_escape_makes_controls_and_bidi_visible_and_keeps_the_rest() -> None:
    assert escape("a\nb\tc\rd\x1b[0m\u202e\u2029") == "a\\nb\\tc\\rd\\x1b[0m\\u202e\\u2029"
    assert escape("a\u200bb") == "a\u200bb"  # invisible, but it forges nothing: renderers keep it
    assert reveal("a\u200bb\x00") == "a\\u200bb\\x00"  # diagnostics show it
    assert escape_lines("one\ntwo\x1b") == "one\ntwo\\x1b"


BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@given(st.text())
def test_escaped_text_holds_no_control_line_separator_or_bidi_control(text: str) -> None:
    shown = escape(text)
    assert not any(unicodedata.category(ch) in ("Cc", "Zl", "Zp", "Cs") or ch in BIDI for ch in shown)
    unsafe = [ch for ch in text if unicodedata.category(ch) in ("Cc", "Zl", "Zp", "Cs") or ch in BIDI]
    assert (shown == text) == (not unsafe)


def test_reads_as_compares_what_a_reader_sees() -> None:
    assert reads_as(" Car ") == reads_as("Car") == reads_as("Car\u200b") == reads_as("\ufeffCar")
    assert reads_as("Cafe\u0301") == reads_as("Café")
    assert reads_as("Car") != reads_as("Cars")
    assert reads_as("👩\u200d💻") == "👩💻"

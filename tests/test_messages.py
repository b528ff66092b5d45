"""Every complaint of YAML's parser and of pydantic reaches the user in the toolkit's own words, with a hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from ango_ontology import OntologyInvalid, format_text, load, load_text
from ango_ontology.messages import pydantic_sentence, shown, yaml_sentence

DATA = Path(__file__).parent / "data"
# Phrases of ruamel's and pydantic's own messages: none may reach a user.
FOREIGN = ("while scanning", "while parsing", "while constructing", "could not find expected", "found character",
           "cannot start any token", "did not find expected", "mapping values are not allowed", "constructor",
           "Input should be", "Field required", "validation error", "unable to interpret", "[type=", "pydantic",
           "ruamel", "<stream end>", "<block", "invalid\x00", "\\x00invalid")
SYNTAX = {
    "unclosed list": "tools: [\n",
    "unclosed mapping": "tools: {a: 1\n",
    "unclosed quote": 'tools: "x\n',
    "tab indentation": "tools:\n\t- point: A\n",
    "tab after a key": "tools:\n  - point: A\n\tcolor: x\n",
    "colon in a title": "tools:\n  - point: A: b\n",
    "misaligned item": "tools:\n  - point: A\n   - x\n",
    "misaligned key": "tools:\n  - point: A\n  color: x\n  - point: B\n",
    "tag": "tools: !foo x\n",
    "undefined alias": "tools: *x\n",
    "unknown escape": 'tools: "\\q"\n',
    "dedented key": "a:\n  b: 1\n c: 2\n",
    "stray line": "a: b\nc\n",
    "backtick": "tools: `x`\n",
    "at sign": "tools: @x\n",
    "duplicate anchor": "a: &x 1\nb: &x 2\n",
    "two documents": "tools: []\n---\ntools: []\n",
    "unclosed list then key": "a: [b, c\nd: e\n",
    "comment that cuts a value": "a: b #c\n  d\n",
    "control character in the file": 'tools:\n  - point: "A\x07"\n',
    "empty anchor": "tools: &\n",
    "duplicate key": "tools: []\ntools: []\n",
    "percent": "x: %y\n",
}
CONTENT = {
    "project 123 as a mapping": "project: {id: [1]}\n",
    "required maybe": "tools:\n  - point: P\n    required: maybe\n",
    "required 1": "tools:\n  - point: P\n    required: 1\n",
    "required empty": "tools:\n  - point: P\n    required:\n",
    "protect on an option": "classifications:\n  - radio: Q\n    options: [{value: a, protect: on}]\n",
    "protect on a tree node": "classifications:\n  - tree-dropdown: T\n    tree: [{title: a, protect: 2}]\n",
    "extra not a mapping": "tools:\n  - point: P\n    extra: [1]\n",
    "default value a date": "classifications:\n  - text: T\n    default_value: [2024-01-01]\n",
    "when a list": "classifications:\n  - radio: Q\n    options: [A, B]\n    classifications:\n"
                   "      - text: T\n        when: [A, B]\n",
    "projects of lists": "projects: [[a]]\n",
    "title a mapping": "tools:\n  - point: {a: 1}\n",
    "batch a mapping": "batches: [{size: 3}]\n",
}


def _messages(text: str) -> list[str]:
    with pytest.raises(OntologyInvalid) as caught:
        load_text(text, "f.yaml")
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize("text", [*SYNTAX.values(), *CONTENT.values()], ids=[*SYNTAX, *CONTENT])
def test_no_message_speaks_ruamel_or_pydantic(text: str) -> None:
    for message in _messages(text):
        assert not any(phrase in message for phrase in FOREIGN), message
        assert message.startswith("f.yaml:") and message.split(":")[1].isdigit(), message


@pytest.mark.parametrize("path", sorted((DATA / "invalid").glob("*.yaml")), ids=lambda p: p.stem)
def test_the_invalid_corpus_speaks_our_words(path: Path) -> None:
    with pytest.raises(OntologyInvalid) as caught:
        load(path)
    for problem in caught.value.problems:
        assert not any(phrase in str(problem) for phrase in FOREIGN), problem


@pytest.mark.parametrize("text", CONTENT.values(), ids=CONTENT)
def test_one_message_per_problem(text: str) -> None:
    assert len(_messages(text)) == 1


def test_a_key_that_holds_text_with_a_colon_says_quote_it_not_did_you_mean() -> None:
    (message,) = _messages("classifications:\n  - radio: Q\n    options:\n      - Key: value\n")
    assert "quote it" in message and "did you mean" not in message
    assert message.startswith("f.yaml:4:9:")


def test_tabs_are_named_as_tabs() -> None:
    (message,) = _messages(SYNTAX["tab indentation"])
    assert "a tab character" in message and message.startswith("f.yaml:2:1:")


def test_required_yes_says_yaml_1_2_reads_it_as_text_and_how_to_fix_it() -> None:
    (message,) = _messages("tools:\n  - point: P\n    required: yes\n")
    assert "YAML 1.2" in message and "write `required: true` or `required: false`" in message


def test_a_null_title_is_reported_at_its_own_line_not_past_the_end() -> None:
    (message,) = _messages("tools:\n  - point: A\n  - point:\n")
    assert message.startswith("f.yaml:3:5: tools[#2]: the title is empty")


def test_a_comment_that_ate_a_colour_says_quote_it() -> None:
    (message,) = _messages("tools:\n  - point: A\n    color: #1F77B4\n")
    assert message.startswith('f.yaml:3:5: tools[A]: color holds nothing: `#1F77B4` after it is a YAML comment')
    assert 'quote it: color: "#1F77B4"' in message


def test_a_comment_with_a_space_is_a_comment() -> None:
    assert load_text("tools:\n  - point: A  # the main tool\n    color: '#1F77B4' # brand blue\n").tools[0].title == "A"


def test_sentences_for_rare_parser_complaints_still_say_what_to_check() -> None:
    assert "indentation" in yaml_sentence("while doing something", "something new", "a: b\n", 1, 1)
    assert yaml_sentence("", "found character that cannot start any token", "", 5, 1).startswith(
        "'this character' cannot start")


def test_pydantic_sentences_cover_what_the_models_can_refuse() -> None:
    assert pydantic_sentence([{"type": "missing", "input": {}}], ("tools", 0, "title")) == \
        "title: required, but not given"
    assert pydantic_sentence([{"type": "extra_forbidden", "input": 1}], ("tools", 0, "colour")) == \
        "unknown key 'colour'"
    assert pydantic_sentence([{"type": "string_type", "input": 1}, {"type": "int_type", "input": 1}], ("id",)) == \
        "id: expected a whole number or text, not 1"
    assert pydantic_sentence([{"type": "literal_error", "input": "x"}], ()) == \
        "the value: 'x' is not a value this field takes"
    assert shown(("a",)) == "a list" and shown(object()).startswith("a ")


# The round-trip parser `fmt` uses keeps tags and repeated anchors (loading refuses them later).
FMT_SYNTAX = {name: text for name, text in SYNTAX.items() if name not in ("tag", "duplicate anchor")}


@pytest.mark.parametrize("text", FMT_SYNTAX.values(), ids=FMT_SYNTAX)
def test_fmt_refuses_broken_yaml_in_the_same_words(text: str) -> None:
    with pytest.raises(OntologyInvalid) as caught:
        format_text(text, "f.yaml")
    (problem,) = caught.value.problems
    assert str(problem).startswith("f.yaml:") and "YAML syntax error: " in problem.message
    assert not any(phrase in str(problem) for phrase in FOREIGN), problem


def test_what_only_the_models_refuse_is_said_in_our_words_once_and_the_rest_still_checked() -> None:
    messages = _messages("classifications:\n  - radio: Q\n    options: [{value: a, extra: [1]}]\n"
                         "  - tree-dropdown: T\n    tree: [{title: t, extra: 5}]\n  - text: ''\n")
    assert messages == ["f.yaml:3:26: classifications[Q] > options[a]: extra: expected a mapping, not a list",
                        "f.yaml:5:23: classifications[T] > tree[t]: extra: expected a mapping, not 5",
                        "f.yaml:6:11: classifications[#3]: the title is empty"]

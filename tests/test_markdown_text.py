"""Markdown escaping shared by plans and the guide: read by GitHub's own parser, no title becomes markup."""

from __future__ import annotations

import pytest
from markdown_checks import HOSTILE, elements, gfm, markup_made

from ango_ontology.markdown_text import (
    WORD_JOINER,
    code_span,
    html_block_text,
    markdown_link,
    markdown_prose,
    markdown_text,
)


@pytest.mark.parametrize("title", HOSTILE)
def test_no_title_becomes_markup_and_each_reads_as_written(title: str) -> None:
    assert markup_made(markdown_text(title), {"p"}) == []
    shown = elements(gfm(markdown_text(title)))[1].strip().replace(WORD_JOINER, "")
    assert shown == title.replace("\u200b", "\\u200b").strip()  # hidden code points shown as codes


@pytest.mark.parametrize("title", HOSTILE)
def test_no_title_becomes_markup_in_a_table_cell_or_a_code_span(title: str) -> None:
    table = f"| a | b |\n| --- | --- |\n| {markdown_text(title)} | {code_span(title, table=True)} |\n"
    assert markup_made(table, {"table", "thead", "tbody", "tr", "th", "td", "code"}) == []
    assert elements(gfm(table))[0].count("td") == 2  # no `|` in a title splits the row


def test_a_code_span_cannot_be_closed_by_the_backticks_it_holds() -> None:
    for text in ("`", "a`b", "``x``", "`</kbd><script>alert(2)</script>", " x "):
        tags, shown = elements(gfm(code_span(text)))
        assert tags == ["p", "code"] and shown.strip("\n") in (text, text.strip()), text
    assert code_span("") == "` `"


def test_a_link_is_never_decoded_into_another_scheme_and_keeps_its_query() -> None:
    html = gfm(markdown_link("example 1", "&#106;avascript:alert(1)"))
    assert 'href="&amp;#106;avascript:alert%281%29"' in html
    html = gfm(markdown_link("[x] @a", "https://example.com/a.png?w=1&h=2"))
    assert 'href="https://example.com/a.png?w=1&amp;h=2"' in html  # `&` still `&`: the query still works
    assert markup_made(markdown_link("**x**", "a.png"), {"p", "a"}) == []


def test_prose_keeps_its_code_spans_and_nothing_else() -> None:
    hint = "add `id: 75dc` (or `renamed_from: b @x`) to keep **them**"
    tags, _ = elements(gfm(markdown_prose(hint)))
    assert tags.count("code") == 2 and "strong" not in tags
    assert markup_made(markdown_prose("odd ` count **x**"), {"p"}) == []


def test_a_summary_line_in_an_html_block_is_html_text_without_mentions() -> None:
    line = html_block_text("ontology/<b>.yaml @team: a & b")
    assert line == f"ontology/&lt;b&gt;.yaml @{WORD_JOINER}team: a &amp; b"

"""The Markdown rendering: golden comments, escaping, and truncation under GitHub's comment limit."""

from __future__ import annotations

import io

import pytest
from golden_files import assert_golden
from plan_scenarios import SCENARIOS, applied, plan_for
from test_render_text import forging_plan

from ango_ontology.diff import make_plan
from ango_ontology.model import Classification, Ontology, Tool
from ango_ontology.render import markdown, render_to_string

GITHUB_LIMIT = 65_536


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_markdown_plan_matches_golden(name: str) -> None:
    assert_golden(f"{name}.md", render_to_string(plan_for(name), "markdown"))


def test_markdown_plan_has_summary_table_and_collapsible_details() -> None:
    output = render_to_string(plan_for("everything"), "markdown")
    assert "**Plan: 6 to create, 1 to rename" in output
    assert "| | Change | Kind | Path | Details |" in output
    assert "<details>" in output and "</details>" in output and "```diff" in output
    assert "> [!WARNING]" in output


def test_markdown_escapes_table_cells() -> None:
    plan = make_plan(Ontology(tools=[Tool(type="point", title="A | B <script>")]), None)
    row = next(line for line in render_to_string(plan, "markdown").splitlines() if line.startswith("| ") and
               "create" in line)
    assert "A \\| B &lt;script>" in row


def big_plan_ontology() -> Ontology:
    return Ontology(tools=[Tool(type="polygon", title=f"Tool {t}", classifications=[
        Classification(type="radio", title=f"Question {c}", options=[f"Answer {o}" for o in range(12)])
        for c in range(6)]) for t in range(150)])


def test_markdown_of_a_huge_plan_is_truncated_below_the_comment_limit_with_a_note() -> None:
    plan = make_plan(big_plan_ontology(), None)
    output = render_to_string(plan, "markdown")
    assert len(output) < GITHUB_LIMIT
    assert "more lines not shown" in output or "more changes not shown" in output
    assert "--format json" in output


def test_markdown_drops_table_rows_that_do_not_fit() -> None:
    live = applied(big_plan_ontology())
    plan = make_plan(Ontology(), live)
    stream = io.StringIO()
    markdown.render(plan, stream, limit=4000)
    output = stream.getvalue()
    assert len(output) < 4000
    assert "more changes not shown" in output and "<details>" not in output


def test_markdown_empty_plan_says_no_changes() -> None:
    assert "**No changes.**" in render_to_string(plan_for("no_changes"), "markdown")


def test_no_title_can_forge_a_row_or_a_line_of_a_markdown_plan() -> None:
    output = render_to_string(forging_plan(), "markdown")
    assert "\x1b" not in output and "\u202e" not in output and "\u2028" not in output
    rows = [line for line in output.splitlines() if line.startswith("| ")]
    assert len(rows) == 2 + len(forging_plan().changes)  # the header, its rule, one row per change
    assert not any(line.lstrip("+- ").startswith("create tool Forged") for line in output.splitlines())

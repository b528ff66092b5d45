"""The Markdown rendering: golden comments, escaping, and truncation under GitHub's comment limit."""

from __future__ import annotations

import html
import io

import pytest
from golden_files import assert_golden
from markdown_checks import HOSTILE, elements, gfm, markup_made
from plan_scenarios import SCENARIOS, applied, plan_for
from test_render_text import forging_plan

from ango_ontology.diff import make_plan
from ango_ontology.model import Classification, Ontology, Tool
from ango_ontology.plan import Plan
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
    assert "A \\| B \\<script\\>" in row  # the one escaping of plans and the guide (it was `&lt;script>`)


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


def _noted_plan(count: int) -> Plan:
    """A new project whose every tool carries a leftover `renamed_from`: one note per tool."""
    desired = Ontology(tools=[Tool(type="bounding-box", title=f"Tool {n} with a fairly long descriptive title",
                                   renamed_from=f"Old tool {n} with a fairly long descriptive title")
                              for n in range(count)])
    plan = make_plan(desired, {"tools": [], "classifications": [], "relations": []}, project="p")
    assert len(plan.notes) == count
    return plan


def test_notes_count_against_the_limit_and_leave_room_for_the_changes() -> None:
    stream = io.StringIO()
    markdown.render(_noted_plan(300), stream, limit=20_000)
    output = stream.getvalue()
    assert len(output) < 20_000
    shown = output.count("renamed_from: ignored")
    assert 0 < shown < 300 and f"> … and {300 - shown} more notes: " in output
    assert output.count("| create |") > 20  # the table is not pushed out by the notes
    everything = render_to_string(_noted_plan(3), "markdown")
    assert everything.count("renamed_from: ignored") == 3 and "more notes" not in everything


def test_markdown_empty_plan_says_no_changes() -> None:
    assert "**No changes.**" in render_to_string(plan_for("no_changes"), "markdown")


def test_no_title_can_forge_a_row_or_a_line_of_a_markdown_plan() -> None:
    output = render_to_string(forging_plan(), "markdown")
    assert "\x1b" not in output and "\u202e" not in output and "\u2028" not in output
    rows = [line for line in output.splitlines() if line.startswith("| ")]
    assert len(rows) == 2 + len(forging_plan().changes)  # the header, its rule, one row per change
    assert not any(line.lstrip("+- ").startswith("create tool Forged") for line in output.splitlines())


def _hostile_plans(titles: list[str]) -> list[Plan]:
    """Plans whose every title, path and detail is `titles`: created with a nested question and options, renamed,
    and more than a group's worth of them deleted (collapsed under a count)."""
    live = {"tools": [{"tool": "point", "title": f"Old {i}", "schemaId": f"t{i}", "color": "#112233"}
                      for i in range(len(titles))]}
    renamed = Ontology(tools=[Tool(type="point", title=title, id=f"t{i}") for i, title in enumerate(titles)])
    created = Ontology(tools=[Tool(type="point", title=title, classifications=[
        Classification(type="radio", title=title, options=[title, f"{title} 2"])]) for title in titles])
    return [make_plan(renamed, live, project="p", project_name=titles[0]), make_plan(created, None),
            make_plan(Ontology(), applied(created))]


def test_no_title_becomes_a_link_an_image_a_mention_emphasis_or_html_as_github_reads_the_plan() -> None:
    # The same plans with plain titles make the structure every title must leave as it is.
    benign = [f"Plain {i}" for i in range(len(HOSTILE))]
    for hostile, plain in zip(_hostile_plans(HOSTILE), _hostile_plans(benign), strict=True):
        text = render_to_string(hostile, "markdown")
        tags, _ = elements(gfm(text))
        assert tags == elements(gfm(render_to_string(plain, "markdown")))[0]
        assert markup_made(text, set(tags)) == []


def test_a_title_that_looks_like_another_is_shown_as_it_is_in_every_renderer() -> None:
    live = {"tools": [{"tool": "bounding-box", "title": "Car", "schemaId": "car", "color": "#112233"},
                      {"tool": "point", "title": "Car\u200b", "schemaId": "pin", "color": "#112233"}]}
    plan = make_plan(Ontology(tools=[Tool(type="bounding-box", title="Car ", id="car"),
                                     Tool(type="point", title="Car", id="pin")]), live)
    for fmt in ("text", "markdown", "html"):
        output = html.unescape(render_to_string(plan, fmt)) if fmt == "html" else render_to_string(plan, fmt)
        assert '"Car "' in output and "\u200b" not in output, fmt
        assert "Car\\u200b" in output.replace("\\\\", "\\"), fmt  # markdown doubles the backslash


def test_a_group_too_large_for_the_comment_shows_as_many_of_its_changes_as_fit_and_counts_the_rest() -> None:
    title = "Tool number {} with a fairly long title to fill space"
    live = applied(Ontology(tools=[Tool(type="polygon", title=title.format(i)) for i in range(3000)]))
    desired = Ontology(tools=[Tool(type="point" if i % 3 == 0 else "polygon", title=title.format(i), required=True)
                              for i in range(3000)])
    plan = make_plan(desired, live)
    output = render_to_string(plan, "markdown")
    assert len(output) < GITHUB_LIMIT
    rows = [line for line in output.splitlines() if line.startswith("| ") and "Tool number" in line]
    assert len(rows) > 100  # the destructive group is cut inside, not hidden whole
    assert all(" replace " in row for row in rows) and rows[0].count("Tool number") == 1
    hidden = len(plan.changes) - len(rows)
    assert f"… and {hidden} more changes not shown" in output

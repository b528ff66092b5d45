"""The text rendering: golden trees for each change kind, the summary line, colour only when asked."""

from __future__ import annotations

import io
import re

import pytest
from golden_files import assert_golden
from plan_scenarios import SCENARIOS, applied, plan_for

from ango_ontology import Ontology, Plan, Tool
from ango_ontology.diff import make_plan
from ango_ontology.plan import Change, Move
from ango_ontology.render import render, render_to_string, summary_line
from ango_ontology.render import text as text_renderer
from ango_ontology.render.wording import move_words
from ango_ontology.wire import fingerprint


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_text_plan_matches_golden(name: str) -> None:
    assert_golden(f"{name}.txt", render_to_string(plan_for(name), "text"))


def test_text_plan_in_colour_matches_golden() -> None:
    assert_golden("everything.color.txt", render_to_string(plan_for("everything"), "text", color=True))


def test_text_plan_without_colour_has_no_escape_codes() -> None:
    assert "\x1b[" not in render_to_string(plan_for("everything"), "text")


def test_text_summary_line_names_each_action_and_the_destructive_count() -> None:
    assert summary_line(plan_for("everything")) == (
        "Plan: 6 to create, 1 to rename, 1 to update, 1 to replace, 1 to move, 1 to reorder, 2 to delete "
        "— 4 destructive")
    assert summary_line(plan_for("rename_with_id")) == "Plan: 2 to rename — 0 destructive"


def test_text_empty_plan_says_no_changes() -> None:
    output = render_to_string(plan_for("no_changes"), "text")
    assert output.endswith("\nNo changes.\n")


def test_text_destructive_changes_come_first_under_a_warning() -> None:
    output = render_to_string(plan_for("everything"), "text")
    _, rest = output.split("Destructive changes — existing annotations may be orphaned:")
    destructive, others = rest.split("Changes:")
    assert "- delete tool Sign" in destructive and "± replace tool Lane" in destructive
    assert "+ create tool Pedestrian" in others and "- delete" not in others


def test_text_renderer_writes_to_the_given_stream() -> None:
    stream = io.StringIO()
    text_renderer.render(plan_for("delete_option"), stream)
    assert stream.getvalue() == render_to_string(plan_for("delete_option"), "text")


def test_render_refuses_an_unknown_format() -> None:
    with pytest.raises(ValueError, match="pdf"):
        render(plan_for("no_changes"), "pdf", io.StringIO())


FORGING = "Car\x1b[2J\n  + create tool Forged\u202e\u2028"


def forging_plan() -> Plan:
    """A live title (the hub holds anything) that would clear the screen, add a line and reverse the rest."""
    live = {"tools": [{"tool": "point", "title": FORGING, "schemaId": "t1", "color": "#112233",
                       "options": [{"value": FORGING, "schemaId": "o1"}]}]}
    desired = Ontology(tools=[Tool(type="point", title=f"New {FORGING}", id="t2")])
    return make_plan(desired, live, project="p", project_name=FORGING)


@pytest.mark.parametrize("color", [False, True])
def test_no_title_can_forge_a_line_an_escape_or_the_order_of_a_text_plan(color: bool) -> None:
    output = render_to_string(forging_plan(), "text", color=color)
    assert "\u202e" not in output and "\u2028" not in output and "\x1b[2J" not in output
    assert not any(line.lstrip().startswith("+ create tool Forged") for line in output.splitlines())
    assert "Car\\x1b[2J\\n  + create tool Forged\\u202e\\u2028" in output
    if color:
        assert set(re.findall(r"\x1b\[[0-9;]*m", output)) >= {"\x1b[0m"}
        assert "\x1b" not in re.sub(r"\x1b\[[0-9;]*m", "", output)


def _representation_plan() -> Plan:
    return Plan.build([
        Change("update", "label-set", (), (), None, {"version": 1}, {"version": 2, "owner": "qa"}),
        Change("update", "tool", ("Pole",), ("tool",), "7", {"wire.schemaId": 7, "wire.required": None},
               {"wire.schemaId": "7"}),
    ], {"tools": [], "classifications": [], "relations": []}, fingerprint(None))


def test_text_shows_changes_to_the_label_set_and_keys_one_side_lacks() -> None:
    output = render_to_string(_representation_plan(), "text")
    assert "  ~ update the label set\n        owner: (absent) → \"qa\"\n        version: 1 → 2\n" in output
    assert "        wire.required: null → (absent)\n        wire.schemaId: 7 → \"7\"\n" in output
    assert output.endswith("Plan: 2 to update — 0 destructive\n")


def test_markdown_names_a_change_to_the_label_set_at_the_top_level() -> None:
    output = render_to_string(_representation_plan(), "markdown")
    assert "| update | label-set | (top level) | owner: (absent) → \"qa\"; version: 1 → 2 |" in output


def test_a_move_that_keeps_its_number_is_told_by_its_neighbours_never_as_a_no_op() -> None:
    def tools(*titles: str) -> Ontology:
        return Ontology(tools=[Tool(type="point", title=title) for title in titles])

    plan = make_plan(tools("A", "B", "E", "D", "C"), applied(tools("A", "B", "C", "D", "E")))
    output = render_to_string(plan, "text")
    assert "move tool E: #5 → #3 (after B)" in output
    assert "move tool D: after E, was after C (still #4)" in output
    assert not re.search(r"#(\d+) → #\1\b", output)
    (reorder,) = plan.changes
    saved = Plan.from_json(plan.to_json()).changes[0].moves
    assert saved == reorder.moves and list(map(move_words, saved)) == list(map(move_words, reorder.moves))
    # A plan saved before moves knew their old neighbour still says no no-op, and still matches.
    legacy = [{key: value for key, value in move.to_json().items() if key != "was_after"} for move in reorder.moves]
    old = [Move.from_json(data) for data in legacy]
    assert old == list(reorder.moves) and move_words(old[1]) == "after E (still #4)"

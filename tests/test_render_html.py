"""The HTML rendering: golden pages, valid HTML5 (html5lib, strict), self-contained, titles escaped."""

from __future__ import annotations

import re

import html5lib
import pytest
from golden_files import assert_golden
from plan_scenarios import SCENARIOS, plan_for

from ango_ontology.diff import make_plan
from ango_ontology.model import Classification, Ontology, Tool, TreeOption
from ango_ontology.render import render_to_string
from ango_ontology.render.labelset import label_set


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_html_plan_matches_golden(name: str) -> None:
    assert_golden(f"{name}.html", render_to_string(plan_for(name), "html"))


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_html_plan_is_valid_html5(name: str) -> None:
    """A standards-conforming parser in strict mode raises on any parse error."""
    html5lib.HTMLParser(strict=True).parse(render_to_string(plan_for(name), "html"))


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_html_plan_needs_no_script_and_no_request(name: str) -> None:
    page = render_to_string(plan_for(name), "html")
    assert "<script" not in page.lower().replace("&lt;script", "")
    assert not re.search(r"\b(src|href)\s*=", page.replace("&quot;", '"').split("</head>")[1].replace(
        "&lt;", "<").split("<img")[0])
    assert "default-src 'none'" in page


def test_html_plan_escapes_every_title() -> None:
    page = render_to_string(plan_for("hostile_titles"), "html")
    body = page.split("<body>", 1)[1]
    assert "<script>" not in body and "<img" not in body and "<b>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; | `x` &amp; &lt;b&gt;" in body
    assert "&lt;/details&gt;" in body
    tree = html5lib.parse(page, namespaceHTMLElements=False)
    assert not tree.findall(".//script") and not tree.findall(".//img")


def test_html_plan_flags_destructive_changes_with_their_count() -> None:
    page = render_to_string(plan_for("everything"), "html")
    assert "⚠ 4 destructive changes</strong>" in page
    assert page.count("<span class=\"flag\">⚠") >= 4


def test_html_plan_shows_the_label_set_with_deleted_nodes_where_they_were() -> None:
    page = render_to_string(plan_for("delete_tool"), "html")
    tree = page.split("The label set after this plan", 1)[1]
    assert tree.index("tool</span> Sign") < tree.index("tool</span> Lane") < tree.index("classification</span> Scene")
    assert "<span class=\"line delete\">- <span class=\"kind\">tool</span> Lane" in tree


def test_one_option_moved_among_200_renders_one_move_in_every_format() -> None:
    plan = plan_for("one_of_200_moved")
    move = "move option Brand 151: #151 → #6 (after Brand 5)"
    for fmt in ("text", "markdown", "html"):
        output = render_to_string(plan, fmt).split("The label set after this plan")[0]  # html: its whole tree
        assert output.count("Brand 151") == {"text": 1, "markdown": 2, "html": 1}[fmt], fmt  # md: table, tree
        assert move in output and "Brand 150" not in output
    assert "Brand 1," not in render_to_string(plan, "json")


def test_no_title_can_forge_a_line_an_escape_or_the_order_of_an_html_plan() -> None:
    from test_render_text import forging_plan

    page = render_to_string(forging_plan(), "html")
    assert "\x1b" not in page and "\u202e" not in page and "\u2028" not in page
    assert "Car\\x1b[2J\\n  + create tool Forged\\u202e\\u2028" in page
    html5lib.HTMLParser(strict=True).parse(page)


def test_the_label_set_tree_reads_adopted_nodes_as_the_plan_does() -> None:
    live = {"tools": [{"tool": "point", "title": "Pole", "schemaId": 17, "color": "#111111"}],
            "classifications": [{"tool": "tree-dropdown", "title": None, "schemaId": "t",
                                 "treeOptions": [{"title": "A", "schemaId": 5, "children": None}]}]}
    desired = Ontology(tools=[Tool(type="point", title="Pole", id="17", color="#222222")],
                       classifications=[Classification(type="tree-dropdown", title="", id="t",
                                                        tree_options=[TreeOption(title="A", id="5")])])
    [pole, tree] = label_set(make_plan(desired, live))
    assert (pole.id, pole.action) == ("17", "update")
    assert (tree.title, [(leaf.title, leaf.id) for leaf in tree.children]) == ("", [("A", "5")])

"""The annotator guide as text: golden HTML and Markdown, the conditional flow, escaping, the version line."""

from __future__ import annotations

import html
import re
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest
from golden_files import assert_golden
from markdown_checks import HOSTILE, elements, gfm, markup_made

from ango_ontology import Classification, Ontology, Option, Tool, load
from ango_ontology.guide import Version, guide_html, guide_markdown, version_of
from ango_ontology.guide.flow import flows
from ango_ontology.guide.text import markdown_text, mermaid_text, visible
from ango_ontology.identity import resolve

DATA = Path(__file__).parent / "data" / "guide"
EXAMPLES = sorted((Path(__file__).parents[1] / "examples" / "ontologies").glob("*"))
VERSION = Version("labels/street.yaml", "0123456789abcdef0123456789abcdef01234567", "2024-05-01", "2024-05-02")


def test_html_guide_of_a_documented_label_set_matches_its_golden_file() -> None:
    assert_golden("guide/documented-conditions-and-tree.html",
                  guide_html(load(DATA / "documented-conditions-and-tree.yaml"), VERSION))


def test_markdown_guide_of_a_documented_label_set_matches_its_golden_file() -> None:
    assert_golden("guide/documented-conditions-and-tree.md",
                  guide_markdown(load(DATA / "documented-conditions-and-tree.yaml"), VERSION))


def test_markdown_guide_of_hostile_titles_matches_its_golden_file() -> None:
    version = Version("hostile-titles.yaml", None, None, "2024-05-02")
    assert_golden("guide/hostile-titles.md", guide_markdown(load(DATA / "hostile-titles.yaml"), version))


def test_the_flow_puts_each_question_in_the_column_of_its_depth_and_a_parent_on_its_first_childs_row() -> None:
    (vehicle, scene) = flows(resolve(load(DATA / "documented-conditions-and-tree.yaml")))
    placed = {box.title: (box.column, box.row) for box in vehicle.boxes}
    assert placed == {"Vehicle": (0, 0), "Kind": (1, 0), "Plate": (2, 0), "Axles": (2, 1), "Parked": (1, 2)}
    answers = {(edge.source, edge.target): edge.answer for edge in vehicle.edges}
    keys = {box.title: box.key for box in vehicle.boxes}
    assert answers[(keys["Kind"], keys["Plate"])] == "Car"
    assert answers[(keys["Kind"], keys["Axles"])] == "Truck"
    assert answers[(keys["Vehicle"], keys["Parked"])] is None
    assert [edge.answer for edge in scene.edges] == ["Urban / Street"]


def test_a_node_without_a_conditional_question_gets_no_flow() -> None:
    titles = [flow.title for flow in flows(resolve(load(DATA / "documented-conditions-and-tree.yaml")))]
    assert titles == ["Vehicle", "Scene"]  # not Road, not Follows


def test_a_condition_given_by_option_id_is_shown_by_the_options_value() -> None:
    ontology = load(DATA / "documented-conditions-and-tree.yaml")
    kind = ontology.tools[0].classifications[0]
    kind.options[1].id = "truck"
    kind.classifications[1].when = None
    kind.classifications[1].parent_option_id = "truck"
    assert "shown when _Kind_ is _Truck_" in guide_markdown(ontology, VERSION)


def test_every_title_of_a_hostile_label_set_is_text_in_the_html_guide() -> None:
    page = guide_html(load(DATA / "hostile-titles.yaml"), VERSION)
    content = page.split("<main>")[1].split("</main>")[0]
    assert "<script" not in content and "<img" not in content and "<b>" not in content
    assert 'onmouseover="' not in content
    assert "&lt;/bdi&gt;&lt;script&gt;" in content
    assert "Car⟨U+202E⟩ gnikraP" in content and "\u202e" not in page


@pytest.mark.parametrize("text, expected", [
    ("<b>x</b>", r"\<b\>x\</b\>"),
    ("- item", r"\- item"),
    ("3. third", r"3\. third"),
    # `\@team` alone still notifies the team on GitHub: a word joiner after the `@` stops it.
    ("@team $5$ ~~no~~", "\\@\u2060team \\$5\\$ \\~\\~no\\~\\~"),
    ("[x](javascript:1)", r"\[x\](javascript:1)"),
    ("a\nb\u202ec", "a⟨U+000A⟩b⟨U+202E⟩c"),
])
def test_markdown_text_cannot_become_markup(text: str, expected: str) -> None:
    assert markdown_text(text) == expected


def test_mermaid_labels_carry_no_quote_bracket_or_backtick() -> None:
    label = mermaid_text('a "b" <c> `d` [e] {f} #g')
    assert not set('"<>`[]{}') & set(label)
    assert label.startswith("a #34;b#34; #60;c#62;")


def test_visible_shows_every_control_and_bidi_character_as_a_code() -> None:
    assert visible("x\x00\t\u2066\u200fy") == "x⟨U+0000⟩⟨U+0009⟩⟨U+2066⟩⟨U+200F⟩y"
    assert visible("Ünïcödé 日本 👩\u200d💻 می\u200cخواهم") == "Ünïcödé 日本 👩\u200d💻 می\u200cخواهم"  # joiners keep
    # emoji and scripts whole; one that joins nothing only hides itself, so it is shown
    assert visible("Car \u200d") == "Car ⟨U+200D⟩"


@pytest.mark.parametrize("path", EXAMPLES, ids=[path.name for path in EXAMPLES])
def test_every_title_of_every_example_is_in_both_guides(path: Path) -> None:
    ontology = load(path)
    page, text = guide_html(ontology, VERSION), guide_markdown(ontology, VERSION)
    for title in _titles(ontology):
        assert html.escape(title) in page
        assert markdown_text(title) in text


def _titles(ontology: object) -> list[str]:
    out = []
    stack = [*ontology.tools, *ontology.classifications, *ontology.relations]  # type: ignore[attr-defined]
    while stack:
        node = stack.pop()
        out.append(node.title)
        out += [option.value for option in node.options]
        trees = list(getattr(node, "tree_options", []))
        while trees:
            item = trees.pop()
            out.append(item.title)
            trees += item.children
        stack += node.classifications
    return out


def _git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, text=True).stdout.strip()


def test_the_version_is_the_files_commit_and_its_day_marked_when_the_file_has_local_changes(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    labels = tmp_path / "labels.yaml"
    labels.write_text("tools:\n  - point: Pole\n", encoding="utf-8")
    _git(tmp_path, "add", "labels.yaml")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "labels")
    head = _git(tmp_path, "rev-parse", "HEAD")
    day = _git(tmp_path, "show", "-s", "--format=%cs", "HEAD")
    now = datetime(2024, 5, 2, 23, 30, tzinfo=timezone.utc)
    version = version_of(str(labels), now)
    assert (version.commit, version.committed, version.generated) == (head, day, "2024-05-02")
    assert version.sentence() == f"Label set labels.yaml at commit {head[:12]} ({day}); guide made 2024-05-02."
    labels.write_text("tools:\n  - point: Pole\n  - point: Tree\n", encoding="utf-8")
    assert version_of(str(labels), now).sentence().endswith(", with uncommitted changes; guide made 2024-05-02.")


def test_outside_git_the_version_says_so(tmp_path: Path) -> None:
    labels = tmp_path / "labels.yaml"
    labels.write_text("tools:\n  - point: Pole\n", encoding="utf-8")
    version = version_of(str(labels), datetime(2024, 5, 2, tzinfo=timezone.utc))
    assert version.sentence() == "Label set labels.yaml (not in a git repository); guide made 2024-05-02."


def test_the_html_guide_allows_no_request_and_only_its_own_style_and_script() -> None:
    page = guide_html(load(DATA / "documented-conditions-and-tree.yaml"), VERSION)
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert policy is not None
    assert policy.group(1).startswith("default-src 'none'; style-src 'sha256-")
    assert "unsafe-inline" not in policy.group(1)
    assert len(re.findall(r"<script>", page)) == 1 and "<script src" not in page and "<link" not in page


def _guide_of(texts: list[str]) -> str:
    """The Markdown guide of a label set whose every title, type, shortcut, colour, regex, description and example
    link is taken from `texts`."""
    tools = [Tool(type=text, title=text, id=f"t{i}", shortcut_key=text, color=text, description=text,
                  examples=[text], classifications=[
                      Classification(type="text", title=text, id=f"q{i}", regex=text, shortcut_key=text)])
             for i, text in enumerate(texts)]
    radio = Classification(type="radio", title=texts[0], id="r", options=[
        Option(value=text, id=f"o{i}") for i, text in enumerate(texts)])
    return guide_markdown(Ontology(tools=tools, classifications=[radio]), VERSION)


def test_nothing_in_a_label_set_becomes_markup_in_the_markdown_guide_as_github_reads_it() -> None:
    hostile = [*HOSTILE, "bounding-box` <img src=x onerror=alert(1)> `", "`</kbd><script>alert(2)</script>"]
    plain = [f"plain{i}" for i in range(len(hostile))]
    text, benign = _guide_of(hostile), _guide_of(plain)
    tags = elements(gfm(text))[0]
    assert [tag for tag in tags if tag != "a"] == [tag for tag in elements(gfm(benign))[0] if tag != "a"]
    assert tags.count("a") == elements(gfm(benign))[0].count("a")  # the contents and example links only
    assert markup_made(text, set(tags)) == []
    assert "<img" not in gfm(text) and "<script" not in gfm(text)

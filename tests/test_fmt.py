"""fmt: one canonical layout, comments kept, idempotent; --check lists what would change and writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ango_ontology.cli import main
from ango_ontology.errors import OntologyInvalid
from ango_ontology.fmt import format_text
from ango_ontology.loader import load_text

EXAMPLES = Path(__file__).parents[1] / "examples" / "ontologies"
MESSY = """\
# top comment
tools:
- classifications:
    - options: [A, B]   # the answers
      radio: Kind
      required: true
  color: "#112233"  # blue-ish
  bounding-box: Vehicle
  id: veh

# the questions follow
classifications:
    -   tree:
          - {id: x, title: Food, children: [Apple]}
          - Drinks: [Tea]
        tree-dropdown: Product
    - options:
        - id: s
          value: Sunny
      checkbox: Weather
project: abc
"""
CANONICAL = """\
# top comment
project: abc
tools:
  - bounding-box: Vehicle
    id: veh
    color: "#112233" # blue-ish
    classifications:
      - radio: Kind
        required: true
        options: [A, B] # the answers

# the questions follow
classifications:
  - tree-dropdown: Product
    tree:
      - {title: Food, id: x, children: [Apple]}
      - Drinks: [Tea]
  - checkbox: Weather
    options:
      - value: Sunny
        id: s
"""


def test_fmt_orders_keys_and_indents_keeping_comments() -> None:
    assert format_text(MESSY) == CANONICAL


def test_fmt_is_idempotent_and_keeps_the_meaning() -> None:
    once = format_text(MESSY)
    assert format_text(once) == once
    assert load_text(once) == load_text(MESSY)


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_fmt_of_every_example_is_idempotent_and_keeps_meaning_and_comments(example: str) -> None:
    text = (EXAMPLES / example).read_text()
    once = format_text(text)
    assert format_text(once) == once
    assert load_text(once) == load_text(text)
    comments = sorted(line.strip() for line in text.splitlines() if line.strip().startswith("#"))
    assert sorted(line.strip() for line in once.splitlines() if line.strip().startswith("#")) == comments
    assert once.count("\n") == text.count("\n")


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("sdk-*.yaml")))
def test_the_sdk_examples_are_already_in_the_canonical_layout(example: str) -> None:
    text = (EXAMPLES / example).read_text()
    assert format_text(text) == text


def test_fmt_moves_only_attributes_within_a_node_keeping_section_order() -> None:
    text = "classifications:\n  - text: Note\n    shortcut: a\n    required: true\ntools:\n  - point: P\n"
    assert format_text(text) == text.replace("    shortcut: a\n    required: true\n",
                                             "    required: true\n    shortcut: a\n")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["fmt", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_fmt_check_lists_files_that_would_change_and_writes_nothing(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    messy, tidy = tmp_path / "messy.yaml", tmp_path / "tidy.yaml"
    messy.write_text(MESSY)
    tidy.write_text(CANONICAL)
    code, out, _ = _run(capsys, "--check", str(messy), str(tidy))
    assert code == 1 and out == f"would reformat {messy}\n"
    assert messy.read_text() == MESSY
    assert _run(capsys, "--check", str(tidy)) == (0, "", "")


def test_fmt_rewrites_files_in_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    messy = tmp_path / "messy.yaml"
    messy.write_text(MESSY)
    code, out, _ = _run(capsys, str(messy))
    assert code == 0 and out == f"reformatted {messy}\n"
    assert messy.read_text() == CANONICAL
    assert _run(capsys, str(messy)) == (0, "", "")
    assert [p.name for p in tmp_path.iterdir()] == ["messy.yaml"]


def test_fmt_reports_bad_yaml_missing_files_and_python(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("tools: [\n")
    code, _, err = _run(capsys, str(bad))
    assert code == 1 and "YAML syntax error" in err and f"{bad}:" in err
    assert _run(capsys, str(tmp_path / "none.yaml"))[0] == 1
    code, _, err = _run(capsys, str(EXAMPLES / "autonomous-driving.py"))
    assert code == 1 and "fmt formats YAML files" in err


def test_fmt_writes_numbers_back_exactly_as_they_were_written() -> None:
    text = "project: p1\ntools:\n  - polygon: U\n    id: +12\nclassifications:\n  - radio: Kind\n    id: 007\n" \
           "    options: [-0, +1, 0x1A, 1_000]\n"
    assert format_text(text) == text


def test_fmt_writes_floats_back_exactly_as_they_were_written_and_again_the_second_time() -> None:
    text = "classifications:\n  - radio: N\n    options: [.inf, -.inf, .NaN, 1_0.5, 1.5e400, 2.50, 1e3, B]\n"
    assert format_text(text) == text
    assert format_text(format_text(text)) == text
    assert [o.value for o in load_text(text).classifications[0].options][:6] == \
        [".inf", "-.inf", ".NaN", "1_0.5", "1.5e400", "2.50"]


def test_fmt_refuses_a_yaml_directive_other_than_1_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = tmp_path / "old.yaml"
    old.write_text("%YAML 1.1\n---\nclassifications:\n  - radio: Light\n    options: [on, off]\n")
    before = old.read_text()
    code, _, err = _run(capsys, str(old))
    assert code == 1 and f"{old}:1:1: YAML syntax error: the file asks for YAML 1.1" in err
    assert old.read_text() == before  # `[on, off]` was not turned into `[true, false]`
    text = "%YAML 1.2\n---\ntools:\n  - point: A\n"
    assert format_text(text) == text


def test_fmt_refuses_a_comment_inside_a_flow_list_over_several_lines_rather_than_lose_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "flow.yaml"
    path.write_text("classifications:\n  - radio: Kind\n    options: [\n      Car,   # the common case\n"
                    "      Truck,\n    ]\n")
    before = path.read_text()
    code, _, err = _run(capsys, str(path))
    assert code == 1 and f"{path}:3:14: fmt cannot keep a comment inside a `[…]` or `{{…}}`" in err
    assert path.read_text() == before
    mapping = "tools:\n  - point: A\n    extra: {a: 1, # why\n            b: 2}\n"
    with pytest.raises(OntologyInvalid, match="cannot keep a comment"):
        format_text(mapping)
    # A `#` inside a quoted value, or a comment after the list, is no comment inside it.
    fine = 'classifications:\n  - radio: "Kind #1"\n    options: ["#a", {value: "b#", id: "#c"}]  # fine\n'
    assert format_text(fine) == fine


def test_fmt_keeps_a_files_byte_order_mark_and_crlf_line_endings(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "windows.yaml"
    path.write_bytes("\ufefftools:\r\n  - bounding-box: Car   # comment\r\n    required: true\r\n    id: car\r\n"
                     .encode("utf-8"))
    assert _run(capsys, str(path))[0] == 0
    assert path.read_bytes() == ("\ufefftools:\r\n  - bounding-box: Car   # comment\r\n    id: car\r\n"
                                 "    required: true\r\n").encode("utf-8")
    assert _run(capsys, "--check", str(path)) == (0, "", "")  # canonical now, CRLF and all


def test_fmt_of_several_files_checks_them_all_first_and_writes_none_when_one_fails(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = {name: tmp_path / f"{name}.yaml" for name in "abcd"}
    texts = {"a": "tools:\n  - id: a\n    point: A\n", "b": 'tools:\n  - point: "B\n',
             "c": "tools:\n  - id: c\n    point: C\n", "d": "tools: [\n"}
    for name, path in files.items():
        path.write_text(texts[name])
    code, out, err = _run(capsys, *map(str, files.values()))
    assert code == 1 and out == ""
    assert "fmt wrote nothing: 2 of 4 files cannot be formatted (2 problems)" in err
    assert f"{files['b']}:3:1: YAML syntax error" in err and f"{files['d']}:2:1: YAML syntax error" in err
    assert all(path.read_text() == texts[name] for name, path in files.items())
    files["b"].unlink()
    files["d"].unlink()
    code, out, _ = _run(capsys, str(files["a"]), str(files["c"]))
    assert (code, out) == (0, f"reformatted {files['a']}\nreformatted {files['c']}\n")
    assert files["a"].read_text() == "tools:\n  - point: A\n    id: a\n"


def test_fmt_check_diff_prints_a_unified_diff_and_writes_nothing(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    messy, tidy = tmp_path / "messy.yaml", tmp_path / "tidy.yaml"
    messy.write_text(MESSY)
    tidy.write_text(CANONICAL)
    code, out, _ = _run(capsys, "--check", "--diff", str(messy), str(tidy))
    assert code == 1 and messy.read_text() == MESSY
    assert out.startswith(f"--- a/{messy}\n+++ b/{messy}\n@@ ")
    assert "".join(line[1:] for line in out.splitlines(keepends=True)[2:] if line[:1] in " +") == CANONICAL
    assert _run(capsys, "--check", "--diff", str(tidy)) == (0, "", "")


SDK_JSON = Path(__file__).parent / "data" / "json" / "sdk-nested-dropdown-and-tree.json"


def test_fmt_to_yaml_lays_out_an_sdk_category_schema_as_the_file_pull_would_write(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The JSON is what the official SDK's label_category classes write (toDict), one long line."""
    from golden_files import assert_golden

    from ango_ontology.diff import make_plan

    code, out, _ = _run(capsys, "--to", "yaml", str(SDK_JSON))
    assert code == 0
    assert_golden("fmt_to_yaml_sdk.yaml", out.replace(str(SDK_JSON), "sdk-nested-dropdown-and-tree.json"))
    assert format_text(out) == out
    schema = json.loads(SDK_JSON.read_text())
    assert make_plan(load_text(out), schema).is_empty
    project = {"status": "success", "data": {"project": {"_id": "65ab", "name": "Cars", "categorySchema": schema}}}
    wrapped = tmp_path / "project.json"
    wrapped.write_text(json.dumps(project))
    assert "project: \"65ab\"\n" in _run(capsys, "--to", "yaml", str(wrapped))[1]


def test_fmt_to_yaml_lays_out_an_ontology_written_as_json_in_block_style(tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "o.json"
    path.write_text(json.dumps({"tools": [{"options": ["A", "B"], "radio": "Kind", "required": True}]}))
    code, out, _ = _run(capsys, "--to", "yaml", str(path))
    assert code == 0
    assert out == "tools:\n  - radio: Kind\n    required: true\n    options:\n      - A\n      - B\n"
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    code, _, err = _run(capsys, "--to", "yaml", str(bad))
    assert code == 1 and f"{bad}:1:2: not JSON" in err
    assert _run(capsys, "--to", "yaml", str(path), str(bad))[0] == 1


def test_a_fragment_keeps_its_list_at_the_margin_and_formats_idempotently() -> None:
    text = "# shared\n- radio: A\n  options:\n  - x\n  - y\n  classifications:\n    - text: B\n      regex: \"a\"\n"
    once = format_text(text)
    assert once == ("# shared\n- radio: A\n  options:\n    - x\n    - y\n  classifications:\n    - text: B\n"
                    "      regex: \"a\"\n")
    assert format_text(once) == once

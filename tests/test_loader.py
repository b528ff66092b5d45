"""Loading YAML and Python definitions: every rule reports where and what, the happy path is quiet."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ango_ontology import Classification, Ontology, OntologyInvalid, Tool, load, load_text, loader
from ango_ontology.errors import InputError, Problem
from ango_ontology.findings import Finding
from ango_ontology.identity import resolve
from ango_ontology.loader import load_python, read
from ango_ontology.wire import from_category_schema

DATA = Path(__file__).parent / "data"
INVALID = sorted((DATA / "invalid").glob("*.yaml"))
VALID = sorted((DATA / "valid").glob("*.yaml"))
EXPECT = re.compile(r"^# expect: (\d+):(\d+): (.*)$", re.MULTILINE)
WARNING = re.compile(r"^# warning: (\d+):(\d+): (.*)$", re.MULTILINE)


def _problems(path: Path) -> list[str]:
    with pytest.raises(OntologyInvalid) as caught:
        load(path)
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_each_invalid_case_reports_its_message_at_its_line_and_column(path: Path) -> None:
    expected = EXPECT.findall(path.read_text())
    assert expected, f"{path.name} states no expectation"
    problems = _problems(path)
    for line, column, message in expected:
        prefix = f"{path}:{line}:{column}: {message}"
        assert any(p.startswith(prefix) for p in problems), f"{prefix!r} not in {problems}"


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_each_valid_case_loads_with_exactly_the_warnings_it_states(path: Path) -> None:
    expected = WARNING.findall(path.read_text(encoding="utf-8"))
    warnings = [str(problem) for problem in read(path).warnings]
    for line, column, message in expected:
        prefix = f"{path}:{line}:{column}: warning: {message}"
        assert any(w.startswith(prefix) for w in warnings), f"{prefix!r} not in {warnings}"
    assert len(warnings) == len(expected), warnings


def test_the_valid_look_alikes_keep_their_text_exactly() -> None:
    emoji = load(DATA / "valid" / "emoji.yaml")
    assert emoji.tools[1].title == "👩\u200d💻 Developer"
    persian = load(DATA / "valid" / "right-to-left-scripts.yaml").classifications[0]
    assert persian.title == "می\u200cخواهم"
    numbers = load(DATA / "valid" / "numeric-looking-ids.yaml")
    assert [ref.id for ref in numbers.targets()] == ["0012345", "987654"]
    assert numbers.batches == ["2024", "2025.1"]
    radio = numbers.classifications[0]
    assert (radio.title, radio.id) == ("1.50", "1e3")
    assert [(o.value, o.id) for o in radio.options] == [("1", "0x1F"), ("2.50", "00042")]


def test_every_problem_is_reported_not_only_the_first() -> None:
    text = "tools:\n  - bounding-box: A\n    color: red\n  - polygon: B\n    shortcut: z\n"
    with pytest.raises(OntologyInvalid) as caught:
        load_text(text, "two.yaml")
    assert [(p.line, p.column) for p in caught.value.problems] == [(3, 5), (5, 5)]


def test_oversized_file_is_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANGO_ONTOLOGY_MAX_BYTES", "100")
    path = tmp_path / "big.yaml"
    path.write_text("tools:\n" + "  - point: P\n" * 20)
    problems = _problems(path)
    assert "over the limit of 100" in problems[0]


def test_empty_file_is_an_error_that_says_so(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("# nothing yet\n")
    assert "the file is empty" in _problems(path)[0]


def test_document_that_is_not_a_mapping_is_an_error() -> None:
    with pytest.raises(OntologyInvalid, match="must hold a mapping"):
        load_text("- a\n- b\n", "list.yaml")


def test_missing_file_and_directory_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load(tmp_path / "absent.yaml")
    with pytest.raises(InputError, match="is a directory"):
        load(tmp_path)


def test_non_utf8_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("tools:\n  - point: Caf\xe9\n".encode("latin-1"))
    assert "not UTF-8" in _problems(path)[0]


def test_shorthand_long_form_and_ango_camel_case_load_to_the_same_model() -> None:
    short = load_text("classifications:\n  - radio: Kind\n    shortcut: '1'\n    options: [Car]\n")
    long = load_text("classifications:\n  - type: radio\n    title: Kind\n    shortcut_key: '1'\n"
                     "    options: [{value: Car}]\n")
    ango = load_text("classifications:\n  - tool: radio\n    title: Kind\n    shortcutKey: '1'\n"
                     "    options: [{value: Car, schemaId: null}]\n")
    assert short == long == ango


def test_tree_shorthand_nests_branches_and_leaves() -> None:
    ontology = load_text("classifications:\n  - tree-dropdown: P\n    tree:\n      - Food:\n"
                         "          - Fruit: [Apple]\n      - Toys\n      - {title: Books, id: b1}\n")
    tree = ontology.classifications[0].tree_options
    assert [node.title for node in tree] == ["Food", "Toys", "Books"]
    assert tree[0].children[0].children[0].title == "Apple"
    assert tree[2].id == "b1"


def test_numbers_are_read_as_text_and_booleans_must_be_quoted() -> None:
    ontology = load_text("classifications:\n  - radio: 2024\n    options: [1, 2]\n")
    assert ontology.classifications[0].title == "2024"
    assert [o.value for o in ontology.classifications[0].options] == ["1", "2"]
    with pytest.raises(OntologyInvalid, match="reads as a boolean in YAML; put it in quotes"):
        load_text("classifications:\n  - radio: Q\n    options: [true]\n")


def test_project_block_and_batches_load() -> None:
    ontology = load_text("project: {name: Cars, description: d}\nprojects: [p2]\nbatches: [B1, {name: B2}]\n"
                         "tools: []\n")
    assert [(t.id, t.name) for t in ontology.targets()] == [(None, "Cars"), ("p2", None)]
    assert ontology.batches == ["B1", "B2"]
    assert load_text("project: abc\n").targets()[0].id == "abc"


def test_project_without_id_or_name_is_an_error() -> None:
    with pytest.raises(OntologyInvalid, match="a project needs an `id` or a `name`"):
        load_text("project: {description: x}\n")


def test_duplicate_batches_are_an_error() -> None:
    with pytest.raises(OntologyInvalid, match="duplicate batch 'B1'"):
        load_text("batches: [B1, B1]\n")


def test_malformed_children_are_reported_and_the_rest_still_checked() -> None:
    text = ("tools:\n  - Vehicle\n  - polygon: Road\n    color: red\nclassifications:\n  - radio: Q\n"
            "    options: [[a]]\n  - tree-dropdown: T\n    tree: [Food: {x: 1}, [y], {id: k}]\n")
    with pytest.raises(OntologyInvalid) as caught:
        load_text(text, "broken.yaml")
    messages = [p.message for p in caught.value.problems]
    assert any("a tool is a mapping with its type and title" in m for m in messages)
    assert any("color 'red'" in m for m in messages)
    assert any("an option is a text or a mapping" in m for m in messages)
    assert any("the children of 'Food' must be a list" in m for m in messages)
    assert any("a tree node is a title or a mapping" in m for m in messages)
    assert any("a tree node needs a `title`" in m for m in messages)


def test_wrong_types_of_lists_are_reported() -> None:
    with pytest.raises(OntologyInvalid, match="expected a list, not a text"):
        load_text("tools: none-here\n")
    with pytest.raises(OntologyInvalid, match="an option needs a `value`"):
        load_text("classifications:\n  - radio: Q\n    options: [{id: x}]\n")


def test_node_with_empty_title_is_an_error() -> None:
    with pytest.raises(OntologyInvalid, match="the title is empty"):
        load_text("tools:\n  - point:\n")


def test_fast_path_keeps_line_and_column_precision(tmp_path: Path) -> None:
    lines = ["tools:"] + [f"  - point: P{i}" for i in range(2000)] + ["    color: nope"]
    path = tmp_path / "long.yaml"
    path.write_text("\n".join(lines) + "\n")
    problems = _problems(path)
    assert problems == [f"{path}:2002:5: tools[P1999]: color 'nope' is not a colour like '#1F77B4'"]


PY_OK = '''
from ango_ontology import Classification, Ontology, Tool
ontology = Ontology(tools=[Tool(type="point", title="P", classifications=[
    Classification(type="radio", title="Q", options=["a", "b"])])])
'''


def test_python_definition_builds_the_same_models(tmp_path: Path) -> None:
    path = tmp_path / "ok.py"
    path.write_text(PY_OK)
    expected = Ontology(tools=[Tool(type="point", title="P", classifications=[
        Classification(type="radio", title="Q", options=["a", "b"])])])
    assert load(path) == expected


@pytest.mark.parametrize(("source", "message"), [
    ("ontology = 3\n", "must set `ontology` to an Ontology; found int"),
    ("x = 1\n", "found nothing"),
    ("\n\nraise ValueError('boom')\n", "raised ValueError: boom"),
    ("from ango_ontology import Tool\nontology = Tool(type='point')\n",
     "bad.py:2:1: Tool: title: required, but not given"),
    ("from ango_ontology import Ontology, Tool\nontology = Ontology(tools=[Tool(type='pointy', title='P')])\n",
     "unknown tool type 'pointy'"),
])
def test_python_definition_problems_are_reported(tmp_path: Path, source: str, message: str) -> None:
    path = tmp_path / "bad.py"
    path.write_text(source)
    with pytest.raises(OntologyInvalid) as caught:
        load_python(path)
    assert message in str(caught.value)
    if "boom" in message:
        assert caught.value.problems[0].line == 3


def test_numbers_keep_the_text_they_were_written_with() -> None:
    ontology = load_text("classifications:\n  - radio: Q\n    id: 0012345\n    options: [007, 0x1F, 1_000, 2]\n"
                         "batches: [2024]\n")
    radio = ontology.classifications[0]
    assert radio.id == "0012345"
    assert [o.value for o in radio.options] == ["007", "0x1F", "1_000", "2"]
    assert ontology.batches == ["2024"]


def test_yaml_dates_are_refused_where_json_is_needed() -> None:
    with pytest.raises(OntologyInvalid) as caught:
        load_text("tools:\n  - point: P\n    extra: {since: 2024-01-01}\n", "d.yaml")
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == (3, 5)
    assert "reads as a date in YAML, which has no JSON form; put it in quotes" in problem.message


def test_default_value_holds_any_json_value_as_written() -> None:
    # Ango's defaultValue is free-form: a list or a mapping there is JSON, as a pulled file writes it.
    ontology = load_text("classifications:\n  - boolean: B\n    default_value: [1, 2]\n"
                         "  - text: T\n    default_value: {a: [1, null], b: 'yes'}\n", "u.yaml")
    assert [c.default_value for c in ontology.classifications] == [[1, 2], {"a": [1, None], "b": "yes"}]


def test_a_default_value_without_a_json_form_is_an_error_where_it_is_written() -> None:
    with pytest.raises(OntologyInvalid) as caught:
        load_text("classifications:\n  - text: T\n    default_value: {since: 2024-01-01}\n", "u.yaml")
    (problem,) = caught.value.problems
    assert (problem.line, problem.column, problem.message) == (
        3, 5, "this reads as a date in YAML, which has no JSON form; put it in quotes")


@pytest.mark.parametrize(("value", "message"), [
    ("{2: a, b: c}", "the key 2 is not text, and a JSON object's keys are; put it in quotes"),
    ("{a: {true: x}}", "the key True is not text, and a JSON object's keys are; put it in quotes"),
    ("{[1]: x}", "a key that is a list or a mapping cannot be a JSON object's key; write it as text"),
    ("{a: .nan}", "nan is no JSON number (JSON has no NaN or infinity); put it in quotes for text"),
    ("{a: [1, -.inf]}", "-inf is no JSON number (JSON has no NaN or infinity); put it in quotes for text"),
])
def test_a_value_json_cannot_hold_as_typed_is_an_error_where_it_is_written(value: str, message: str) -> None:
    # {2: a} would be stored as {"2": "a"} and never compare equal to the file again; NaN is no JSON at all.
    for field in ("default_value", "extra"):
        with pytest.raises(OntologyInvalid) as caught:
            load_text(f"classifications:\n  - text: T\n    {field}: {value}\n", "u.yaml")
        (problem,) = caught.value.problems
        assert (problem.line, problem.column, problem.message) == (3, 5, message)


def test_quoted_keys_and_numbers_stay_json() -> None:
    ontology = load_text("classifications:\n  - text: T\n    default_value: {'2': a, b: 1e3, c: '.nan'}\n")
    assert ontology.classifications[0].default_value == {"2": "a", "b": 1000.0, "c": ".nan"}


def test_a_project_listed_twice_is_an_error() -> None:
    with pytest.raises(OntologyInvalid, match="project 'Dup' is listed twice"):
        load_text("projects: [{name: Dup}, {name: Dup}]\n")


def test_an_empty_id_is_an_error() -> None:
    with pytest.raises(OntologyInvalid, match="the id is empty"):
        load_text("tools:\n  - point: P\n    id: ''\n")


def test_keys_merged_with_yaml_merge_keys_are_checked_too() -> None:
    with pytest.raises(OntologyInvalid) as caught:
        load_text('relations:\n  - one-to-one: Follows\n    <<: {color: "#1122GG"}\n', "m.yaml")
    assert [(p.line, p.message) for p in caught.value.problems] == [
        (2, "color '#1122GG' is not a colour like '#1F77B4'")]


@pytest.mark.parametrize("code", ["0", "3", "'done'", ""])
def test_sys_exit_in_a_python_definition_is_its_problem_at_its_line(tmp_path: Path, code: str) -> None:
    path = tmp_path / "exits.py"
    path.write_text(f"import sys\n\nsys.exit({code})\n")
    with pytest.raises(OntologyInvalid) as caught:
        load_python(path)
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == (3, 1)
    assert "calls sys.exit(" in problem.message and "must not end the program" in problem.message


def test_python_syntax_error_names_its_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.py"
    path.write_text("from ango_ontology import Ontology\n\nontology = Ontology(tools=[\n")
    with pytest.raises(OntologyInvalid) as caught:
        load_python(path)
    (problem,) = caught.value.problems
    assert problem.file == str(path) and problem.line == 3 and problem.column > 0
    assert problem.message.startswith("Python syntax error: ")


def test_python_model_error_names_its_line_in_our_words(tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    path.write_text("from ango_ontology import Ontology, Tool\n\n\n"
                    "ontology = Ontology(tools=[Tool(type='point', title='P', required='maybe')])\n")
    with pytest.raises(OntologyInvalid) as caught:
        load_python(path)
    (problem,) = caught.value.problems
    assert (problem.line, problem.message) == (4, "Tool: required: expected true or false, not 'maybe'")


def test_a_python_definition_imports_from_its_own_folder_and_leaves_no_trace(tmp_path: Path) -> None:
    import sys

    for name in ("one", "two"):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "shared_pieces.py").write_text(f"from ango_ontology import Tool\nCAR = Tool(type='point', "
                                                 f"title='{name}')\n")
        (folder / "ontology.py").write_text("from ango_ontology import Ontology\nfrom shared_pieces import CAR\n"
                                            "ontology = Ontology(tools=[CAR])\n")
    path_before = list(sys.path)
    assert load(tmp_path / "one" / "ontology.py").tools[0].title == "one"
    assert load(tmp_path / "two" / "ontology.py").tools[0].title == "two"  # not the first folder's helper
    assert sys.path == path_before
    assert "shared_pieces" not in sys.modules


def test_python_definitions_get_the_same_strict_checks(tmp_path: Path) -> None:
    path = tmp_path / "hidden.py"
    path.write_text("from ango_ontology import Ontology, Tool\n"
                    "ontology = Ontology(tools=[Tool(type='point', title='Car\\u202e')])\n")
    with pytest.raises(OntologyInvalid, match="U\\+202E RIGHT-TO-LEFT OVERRIDE"):
        load_python(path)


def test_no_value_a_person_writes_can_pass_for_what_the_loader_could_not_read() -> None:
    # The loader once marked what it could not read with an in-band "\x00invalid" prefix, and skipped
    # every check of a value that started with it.
    marker = "\\0invalid('tools', 0)"
    with pytest.raises(OntologyInvalid) as caught:
        load_text(f'tools:\n  - point: "{marker}"\n  - point: "{marker}"\n', "m.yaml")
    messages = [problem.message for problem in caught.value.problems]
    assert any("U+0000 NULL" in message for message in messages)
    assert any(message.startswith("duplicate title") for message in messages)


def test_notes_found_at_plan_time_name_the_file_they_come_from(tmp_path: Path) -> None:
    live = from_category_schema({"tools": [{"tool": "point", "title": "A", "schemaId": "a"}]})
    path = tmp_path / "renamed.py"
    path.write_text("from ango_ontology import Ontology, Tool\n"
                    "ontology = Ontology(tools=[Tool(type='point', title='B', renamed_from='Z')])\n")
    notes: list[Problem] = []
    resolve(load(path), live, notes=notes)
    (note,) = notes
    assert (note.file, note.line) == (str(path), 0)  # a definition's problems name the file only
    yaml_path = tmp_path / "renamed.yaml"
    yaml_path.write_text("tools:\n  - point: A\n  - point: B\n    renamed_from: Z\n")
    notes = []
    resolve(load(yaml_path), live, notes=notes)
    assert str(notes[0]).startswith(f"{yaml_path}:4:5: tools[B]: renamed_from: ignored, neither 'Z' nor 'B'")
    notes = []
    resolve(Ontology(tools=[Tool(type="point", title="B", renamed_from="Z")]), live, notes=notes)
    assert notes[0].file == ""  # built in code: nowhere to point at


def test_a_when_only_plan_can_settle_is_placed_at_its_line_when_it_names_nothing(tmp_path: Path) -> None:
    path = tmp_path / "when.yaml"
    path.write_text("classifications:\n  - radio: Kind\n    id: kind\n    options: [{value: Car, id: car}]\n"
                    "    classifications:\n      - text: Plate\n        when: Cab\n")
    loaded = read(path)
    assert [w.line for w in loaded.warnings] == [7]  # validate cannot settle it offline
    with pytest.raises(OntologyInvalid) as caught:
        resolve(loaded.ontology, from_category_schema({"classifications": [
            {"tool": "radio", "title": "Kind", "schemaId": "kind", "options": [{"value": "Car", "schemaId": "car"}]}]}))
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.column) == (str(path), 7, 9)


def test_both_yaml_readers_read_a_str_tag_as_the_text_it_tags() -> None:
    text = "tools:\n  - point: !!str 123\n    required: !!str true\n"
    fast, slow = (loader._Parsed(text, "t.yaml", track=track).checked() for track in (False, True))
    assert fast[0].tools[0].title == slow[0].tools[0].title == "123"
    assert [f.message for f in fast[1]] == [f.message for f in slow[1]]  # `!!str true` is text on both
    assert "required: 'true' is text, not a boolean" in fast[1][0].message


def test_a_file_the_fast_reader_refuses_and_the_slow_one_accepts_is_refused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The two readers must agree; should they not, nothing of either reading is taken.
    checked = loader._Parsed.checked

    def slow_finds_nothing(self: loader._Parsed) -> tuple[Ontology, list[Finding]]:
        ontology, findings = checked(self)
        return (ontology, []) if self.normaliser.track else (ontology, findings)

    monkeypatch.setattr(loader._Parsed, "checked", slow_finds_nothing)
    with pytest.raises(OntologyInvalid) as caught:
        load_text("tools:\n  - point: A\n    required: yes\n", "t.yaml")
    (problem,) = caught.value.problems
    assert "required: 'yes' is text" in problem.message and "read this file differently" in problem.message

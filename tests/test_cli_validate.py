"""`ango-ontology validate`: a summary per valid file, every problem of the others, exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ango_ontology.cli import main

GOOD = "tools:\n  - bounding-box: V\nclassifications:\n  - radio: Q\n    options: [a, b]\n"


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_valid_file_prints_counts_and_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "good.yaml", GOOD)
    assert main(["validate", path]) == 0
    assert capsys.readouterr().out == (f"{path}: valid — 1 tool, 1 classification, 0 relations, "
                                       "2 options, 0 tree nodes\n")


def test_invalid_file_lists_problems_on_stderr_and_exits_one(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    good = _write(tmp_path, "good.yaml", GOOD)
    bad = _write(tmp_path, "bad.yaml", "tools:\n  - point: P\n    color: x\n")
    assert main(["validate", good, bad]) == 1
    captured = capsys.readouterr()
    assert f"{bad}:3:5: tools[P]: color 'x' is not a colour" in captured.err
    assert "good.yaml: valid" in captured.out


def test_json_format_gives_the_same_facts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = _write(tmp_path, "bad.yaml", "tools:\n  - point: P\n    color: x\n")
    assert main(["validate", "--format", "json", bad, str(tmp_path / "missing.yaml")]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False
    first, second = report["files"]
    assert first["problems"][0] == {"file": bad, "line": 3, "column": 5, "path": "tools[P]",
                                    "message": "color 'x' is not a colour like '#1F77B4'", "severity": "error"}
    assert "no such file" in second["problems"][0]["message"]


def test_missing_file_in_text_mode_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "nope.yaml")]) == 1
    assert "no such file" in capsys.readouterr().err


def _nested(levels: int) -> str:
    lines, indent = ["project: {name: Deep}", "classifications:"], "  "
    for level in range(levels):
        lines.append(f"{indent}- text: Q{level}")
        if level < levels - 1:
            lines.append(f"{indent}  classifications:")
        indent += "    "
    return "\n".join(lines) + "\n"


def _tree(levels: int) -> str:
    lines, indent = ["project: {name: Deep}", "classifications:", "  - tree-dropdown: T", "    tree:"], "      "
    for level in range(levels - 1):
        lines.append(f"{indent}- L{level}" + (":" if level < levels - 2 else ""))
        indent += "    "
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("shape", [_nested, _tree])
def test_a_label_set_the_local_hub_cannot_store_is_refused_before_any_project_is_created(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], shape: Any) -> None:
    from ango_ontology.hub.base import MAX_DEPTH
    from ango_ontology.hub.local import LocalHub

    hub = f"local:{tmp_path / 'hub.db'}"
    deep = _write(tmp_path, "deep.yaml", shape(MAX_DEPTH + 1))
    assert main(["validate", deep]) == 1
    assert f"nests deeper than {MAX_DEPTH} levels" in capsys.readouterr().err
    assert main(["apply", deep, "--hub", hub, "--auto-approve", "--backup-dir", str(tmp_path / "b")]) == 1
    store = LocalHub(tmp_path / "hub.db")
    assert store.list_projects() == []
    deepest = _write(tmp_path, "deepest.yaml", shape(MAX_DEPTH))
    assert main(["apply", deepest, "--hub", hub, "--auto-approve", "--backup-dir", str(tmp_path / "b")]) == 0
    assert main(["plan", deepest, "--hub", hub, "--detailed-exitcode"]) == 0
    store.close()


RENAMED = """\
classifications:
  - radio: Kind
    options:
      - {value: Automobile, OPTION}
      - Truck
    classifications:
      - text: Plate
        when: Car
"""


def test_a_when_naming_the_renamed_from_of_an_option_is_valid(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "o.yaml", RENAMED.replace("OPTION", "renamed_from: Car"))
    assert main(["validate", path]) == 0
    assert capsys.readouterr().err == ""


def test_a_when_that_only_the_live_project_can_settle_is_a_warning_explaining_the_fix(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "o.yaml", RENAMED.replace("OPTION", "id: car"))
    assert main(["validate", path]) == 0
    err = capsys.readouterr().err
    assert err.startswith(f"{path}:8:9: warning: classifications[Kind] > classifications[Plate]: when: 'Car' ")
    assert "plan follows the rename through the live project" in err and "add `renamed_from: Car`" in err
    assert main(["validate", "--format", "json", path]) == 0
    assert json.loads(capsys.readouterr().out)["files"][0]["warnings"][0]["line"] == 8


def test_a_when_naming_no_option_explains_the_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "o.yaml", RENAMED.replace(", OPTION", ""))
    assert main(["validate", path]) == 1
    assert ("when: 'Car' names no option of the parent radio 'Kind'; its options: Automobile, Truck — if an "
            "option was renamed from 'Car', add `renamed_from: Car` to it, or write its new value here"
            in capsys.readouterr().err)
WARNED = "tools:\n  - bounding-box: V\n    id: v1\n  - bounding-box: V\n    id: v2\n"


def test_only_warnings_exit_zero_and_show_each_at_its_place(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "warned.yaml", WARNED)
    assert main(["validate", path]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"{path}: valid — 2 tools, 0 classifications, 0 relations, 0 options, 0 tree nodes " \
                           "(1 warning)\n"
    assert captured.err == f"{path}:4:19: warning: tools[V]: duplicate title 'V' among these tools\n"


def test_json_lists_warnings_apart_from_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "warned.yaml", WARNED)
    assert main(["validate", "--format", "json", path]) == 0
    (result,) = json.loads(capsys.readouterr().out)["files"]
    assert result["valid"] is True and result["problems"] == []
    assert result["warnings"] == [{"file": path, "line": 4, "column": 19, "path": "tools[V]", "severity": "warning",
                                   "message": "duplicate title 'V' among these tools"}]


def test_errors_and_warnings_of_one_file_are_listed_in_file_order(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "both.yaml", WARNED + "  - point: P\n    color: x\n")
    assert main(["validate", path]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(": ")[0] for line in lines] == [f"{path}:4:19", f"{path}:7:5"]
    assert ": warning: " in lines[0] and ": warning: " not in lines[1]


def test_a_folder_and_a_glob_validate_their_label_sets(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ontology" / "shared").mkdir(parents=True)
    (tmp_path / "ontology" / "shared" / "q.yaml").write_text("- radio: Q\n  options: [a, b]\n")
    (tmp_path / "ontology" / "a.yaml").write_text("classifications:\n  - include: shared/q.yaml\n")
    (tmp_path / "ontology" / "b.yaml").write_text(GOOD)
    assert main(["validate", "ontology"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "ontology/a.yaml: valid — 0 tools, 1 classification, 0 relations, 2 options, 0 tree nodes",
        "ontology/b.yaml: valid — 1 tool, 1 classification, 0 relations, 2 options, 0 tree nodes"]
    assert main(["validate", "ontology/*.yaml", "nowhere/"]) == 1
    captured = capsys.readouterr()
    assert captured.out.count("valid —") == 2 and "nowhere/: no such file or folder" in captured.err


def test_a_fragment_named_on_its_own_is_checked_through_the_label_sets_that_include_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()  # the repository the fragment's users are looked for in
    (tmp_path / "ontology" / "shared").mkdir(parents=True)
    fragment = tmp_path / "ontology" / "shared" / "q.yaml"
    fragment.write_text("- radio: Q\n  options: [a, a]\n")
    (tmp_path / "ontology" / "a.yaml").write_text("classifications:\n  - include: shared/q.yaml\n")
    (tmp_path / "ontology" / "b.yaml").write_text(GOOD)
    assert main(["validate", "ontology/shared/q.yaml"]) == 1  # what pre-commit passes: the changed file
    captured = capsys.readouterr()
    assert "ontology/shared/q.yaml: a fragment, checked as part of ontology/a.yaml" in captured.out
    assert "ontology/shared/q.yaml:2:" in captured.err and "duplicate" in captured.err
    (tmp_path / "ontology" / "a.yaml").write_text(GOOD)
    assert main(["validate", "ontology/shared/q.yaml"]) == 0
    assert "a fragment no label set in" in capsys.readouterr().out

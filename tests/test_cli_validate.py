"""`ango-ontology validate`: a summary per valid file, every problem of the others, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

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
                                    "message": "color 'x' is not a colour like '#1F77B4'"}
    assert "no such file" in second["problems"][0]["message"]


def test_missing_file_in_text_mode_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "nope.yaml")]) == 1
    assert "no such file" in capsys.readouterr().err

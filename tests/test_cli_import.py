"""The import command: warnings on stderr, no file replaced without --force, --strict writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ango_ontology import importers
from ango_ontology.cli import main

DATA = Path(__file__).parent / "data" / "imports"


def test_warnings_go_to_stderr_and_the_file_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "--from", "coco", str(DATA / "coco-instances-categories.json")]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("# yaml-language-server:")
    assert "Warning: " in captured.err and "keypoints of 'person'" in captured.err


def test_an_existing_file_is_replaced_only_with_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "labels.yaml"
    out.write_text("tools:\n  - point: Mine\n", encoding="utf-8")
    config = str(DATA / "cvat-traffic.json")
    assert main(["import", "--from", "cvat", config, "-o", str(out)]) == 1
    assert "exists; import writes a new file (pass --force" in capsys.readouterr().err
    assert "Mine" in out.read_text(encoding="utf-8")
    assert main(["import", "--from", "cvat", config, "-o", str(out), "--force"]) == 0
    assert "- bounding-box: car" in out.read_text(encoding="utf-8")


def test_strict_writes_nothing_when_anything_did_not_carry_over(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "labels.yaml"
    assert main(["import", "--from", "labelbox", str(DATA / "labelbox-retail-shelf.json"), "-o", str(out),
                 "--strict"]) == 1
    assert "nothing written (--strict)" in capsys.readouterr().err
    assert not out.exists()
    assert main(["import", "--from", "ango-sdk", str(DATA / "ango-sdk-conditional.py"), "-o", str(out),
                 "--strict"]) == 0
    assert out.exists()


def test_a_missing_config_is_one_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "--from", "labelstudio", str(tmp_path / "nope.xml")]) == 1
    assert "nope.xml: no such file" in capsys.readouterr().err


def test_the_output_is_never_the_configuration_it_reads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "cvat.json"
    config.write_text((DATA / "cvat-traffic.json").read_text(encoding="utf-8"), encoding="utf-8")
    before = config.read_text(encoding="utf-8")
    assert main(["import", "--from", "cvat", str(config), "-o", str(config), "--force"]) == 1
    assert f"--out {config} is {config}, which this command reads" in capsys.readouterr().err
    assert config.read_text(encoding="utf-8") == before


def _deep_labelbox(depth: int) -> dict[str, object]:
    question: dict[str, object] = {"name": "leaf", "type": "text"}
    for level in range(depth):
        question = {"name": f"q{level}", "type": "radio", "options": [{"label": "o", "value": "o",
                                                                        "options": [question]}]}
    return {"tools": [], "classifications": [question]}


def _deep_category_schema(depth: int) -> dict[str, object]:
    question: dict[str, object] = {"tool": "text", "title": "leaf", "schemaId": "leaf"}
    for level in range(depth):
        question = {"tool": "radio", "title": f"q{level}", "schemaId": f"q{level}",
                    "options": [{"value": "o", "schemaId": f"o{level}"}],
                    "classifications": [dict(question, parentOptionId=f"o{level}")]}
    return {"tools": [], "classifications": [question], "relations": []}


@pytest.mark.parametrize("source, data", [("labelbox", _deep_labelbox(150)), ("ango-sdk", _deep_category_schema(150))])
def test_a_source_nested_deeper_than_a_hub_stores_is_a_clean_error(
        source: str, data: dict[str, object], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text(json.dumps(data), encoding="utf-8")
    assert main(["import", "--from", source, str(deep), "-o", str(tmp_path / "out.yaml")]) == 1
    err = capsys.readouterr().err
    assert "nests deeper than 100 levels" in err and "bug" not in err
    assert not (tmp_path / "out.yaml").exists()


@pytest.mark.parametrize("source", sorted(importers.SOURCES))
def test_an_import_that_runs_out_of_stack_is_a_clean_error_for_every_source(
        source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # The seam: whatever a reader walks recursively, Python's stack ends somewhere; that is the user's input
    # nested too deeply, never a crash (a real source reaches it only at depths too slow for a test).
    def too_deep(*_: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    module = {"ango-sdk": importers.ango_sdk, "coco": importers.coco}.get(source)
    if module is not None:
        monkeypatch.setattr(module, "read", too_deep)
    else:
        monkeypatch.setitem(importers.SOURCES, source, too_deep)
    config = tmp_path / "config.txt"
    config.write_text("{}", encoding="utf-8")
    assert main(["import", "--from", source, str(config), "-o", str(tmp_path / "out.yaml")]) == 1
    err = capsys.readouterr().err
    assert "nests too deeply to import" in err and "bug" not in err


def test_a_source_title_no_yaml_file_can_hold_is_a_clean_error(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "labelbox.json"
    source.write_text('{"tools": [{"tool": "rectangle", "name": "Car\\ud800"}], "classifications": []}',
                      encoding="utf-8")
    assert main(["import", "--from", "labelbox", str(source), "-o", str(tmp_path / "out.yaml")]) == 1
    err = capsys.readouterr().err
    assert "U+D800 (half of a surrogate pair)" in err and "bug" not in err
    assert not (tmp_path / "out.yaml").exists()

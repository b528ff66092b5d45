"""The API key never reaches the terminal, even with --debug and when the hub fails."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from ango_ontology.cli import main
from ango_ontology.hub.emulator import Emulator
from ango_ontology.hub.local import LocalHub


@pytest.mark.parametrize("scenario", ["ok", "wrong-key", "server-error"])
def test_api_key_is_absent_from_all_output_with_debug(tmp_path: Path, emulator: Emulator,
                                                      emulator_api_key: str, local_hub: LocalHub,
                                                      capsys: pytest.CaptureFixture[str],
                                                      caplog: pytest.LogCaptureFixture,
                                                      monkeypatch: pytest.MonkeyPatch, scenario: str) -> None:
    project = local_hub.create_project("P", "")["_id"]
    path = tmp_path / "o.yaml"
    path.write_text(f"project: {project}\ntools:\n  - point: P\n")
    key = emulator_api_key if scenario != "wrong-key" else "ak-wrong-9d8e7f6a5b4c3d2e1f0a"
    monkeypatch.setenv("ANGO_API_KEY", key)
    if scenario == "server-error":
        emulator.faults.fail_next = 1
    caplog.set_level(logging.DEBUG)
    code = main(["--debug", "plan", str(path), "--hub", emulator.url])
    out, err = capsys.readouterr()
    assert code == (0 if scenario == "ok" else 1)
    if scenario == "wrong-key":
        assert "API key rejected — check ANGO_API_KEY" in err
    for text in (out, err, caplog.text):
        assert key not in text


def test_no_hub_configured_suggests_the_local_hub(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANGO_API_KEY", raising=False)
    monkeypatch.delenv("ANGO_HUB", raising=False)
    path = tmp_path / "o.yaml"
    path.write_text("project: p1\ntools:\n  - point: P\n")
    assert main(["plan", str(path)]) == 1
    assert "--hub local" in capsys.readouterr().err


def test_unexpected_errors_exit_1_and_show_a_traceback_only_with_debug(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("ango_ontology.api.read", broken)
    path = str(tmp_path / "x.yaml")
    Path(path).write_text("tools: []\n")
    assert main(["validate", path]) == 1
    assert "Traceback" not in capsys.readouterr().err
    assert main(["--debug", "validate", path]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "this is a bug" in err


def test_ctrl_c_exits_130(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                          monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("ango_ontology.api.read", interrupted)
    (tmp_path / "x.yaml").write_text("tools: []\n")
    assert main(["validate", str(tmp_path / "x.yaml")]) == 130

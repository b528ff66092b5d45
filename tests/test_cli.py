"""The command line's boundary: exit codes never lie to CI, `--version`, and every error a sentence.

0, 2 and 3 only ever mean plan outcomes (2 and 3 under `--detailed-exitcode`); every failure we can
provoke through `main([...])` — usage, files, the hub, bugs — exits 1.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import pytest

from ango_ontology.cli import main
from ango_ontology.hub.emulator import Emulator
from ango_ontology.hub.local import LocalHub

GOOD = "classifications:\n  - radio: Weather\n    options: [Sunny, Rainy]\n"
Setup = Callable[[Path, pytest.MonkeyPatch], list[str]]


def _file(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def _local(tmp_path: Path) -> str:
    return f"local:{tmp_path / 'hub.db'}"


def _raises(error: BaseException) -> Callable[..., None]:
    def broken(*_: object, **__: object) -> None:
        raise error

    return broken


def _bug_in(target: str, error: BaseException) -> Setup:
    """A plan of a real project on a local hub, with `target` raising `error` on the way."""

    def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
        hub = LocalHub(tmp_path / "hub.db")
        project = hub.create_project("P", "")["_id"]
        hub.close()
        monkeypatch.setattr(target, _raises(error))
        return ["plan", _file(tmp_path, "o.yaml", f"project: {project}\n" + GOOD), "--hub", _local(tmp_path),
                "--detailed-exitcode"]

    return setup


def _args(*argv: str) -> Setup:
    """A failure provoked by the arguments alone (`{tmp}` stands for the test's folder)."""
    return lambda tmp_path, _: [arg.replace("{tmp}", str(tmp_path)) for arg in argv]


def _with_file(name: str, text: str, *argv: str) -> Setup:
    def setup(tmp_path: Path, _: pytest.MonkeyPatch) -> list[str]:
        path = _file(tmp_path, name, text)
        return [arg.replace("{file}", path).replace("{hub}", _local(tmp_path)) for arg in argv]

    return setup


FAILURES: dict[str, Setup] = {
    "no command": _args(),
    "unknown command": _args("frobnicate"),
    "missing argument": _args("plan", "--detailed-exitcode"),
    "unknown flag": _args("plan", "o.yaml", "--detailed-exitcode", "--frobnicate"),
    "invalid choice": _args("validate", "--format", "xml", "o.yaml"),
    "missing file (plan)": _args("plan", "{tmp}/absent.yaml", "--hub", "local:{tmp}/h.db", "--detailed-exitcode"),
    "missing file (diff)": _args("diff", "{tmp}/a.yaml", "{tmp}/b.yaml", "--detailed-exitcode"),
    "missing file (validate)": _args("validate", "{tmp}/absent.yaml"),
    "a directory": _args("plan", "{tmp}", "--hub", "local:{tmp}/h.db", "--detailed-exitcode"),
    "invalid file (plan)": _with_file("bad.yaml", "tools:\n  - point: P\n    color: red\n",
                                      "plan", "{file}", "--hub", "{hub}", "--detailed-exitcode"),
    "invalid file (apply)": _with_file("bad.yaml", "tools:\n  - point: P\n    required: yes\n",
                                       "apply", "{file}", "--hub", "{hub}", "--auto-approve"),
    "invalid file (diff)": _with_file("bad.yaml", "tools: [\n", "diff", "{file}", "{file}", "--detailed-exitcode"),
    "sys.exit(3) in a definition": _with_file("exits.py", "import sys\nsys.exit(3)\n",
                                              "plan", "{file}", "--hub", "{hub}", "--detailed-exitcode"),
    "sys.exit(2) in a definition": _with_file("exits.py", "import sys\nsys.exit(2)\n",
                                              "validate", "{file}"),
    "sys.exit(0) in a definition": _with_file("exits.py", "import sys\nsys.exit(0)\n",
                                              "plan", "{file}", "--hub", "{hub}", "--detailed-exitcode"),
    "corrupt saved plan": _with_file("plan.json", "{\"format_version\": 1, ", "apply", "{file}", "--hub", "{hub}"),
    "unknown project": _with_file("o.yaml", GOOD, "plan", "{file}", "--hub", "{hub}", "--project", "nope",
                                  "--detailed-exitcode"),
    "no hub configured": _with_file("o.yaml", "project: p\n" + GOOD, "plan", "{file}", "--detailed-exitcode"),
    "insecure hub": _with_file("o.yaml", "project: p\n" + GOOD, "plan", "{file}", "--hub", "http://example.test",
                               "--detailed-exitcode"),
    "no backups": _args("rollback", "p", "--hub", "local:{tmp}/h.db", "--backup-dir", "{tmp}/none", "--auto-approve"),
    "bug at the boundary": _bug_in("ango_ontology.api.plan_jobs", RuntimeError("boom")),
    "bug in one project": _bug_in("ango_ontology.runs.make_plan", KeyError("boom")),
    "SystemExit(3) from inside": _bug_in("ango_ontology.api.plan_jobs", SystemExit(3)),
    "SystemExit(2) from inside": _bug_in("ango_ontology.runs.make_plan", SystemExit(2)),
}


@pytest.mark.parametrize("setup", FAILURES.values(), ids=FAILURES.keys())
def test_every_failure_exits_1_never_a_plan_outcome(setup: Setup, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("ANGO_API_KEY", raising=False)
    monkeypatch.delenv("ANGO_HUB", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(setup(tmp_path, monkeypatch)) == 1
    err = capsys.readouterr().err
    assert err.strip(), "a failure must say what went wrong"
    assert "Traceback" not in err


def test_hub_errors_over_http_exit_1(tmp_path: Path, emulator: Emulator, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ANGO_API_KEY", "not-the-key")
    path = _file(tmp_path, "o.yaml", "project: p\n" + GOOD)
    assert main(["plan", path, "--hub", emulator.url, "--detailed-exitcode"]) == 1
    assert "API key" in capsys.readouterr().err


def test_a_bug_still_says_it_is_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_bug_in("ango_ontology.api.plan_jobs", RuntimeError("boom"))(tmp_path, monkeypatch)) == 1
    assert "this is a bug in ango-ontology" in capsys.readouterr().err
    assert main(_bug_in("ango_ontology.runs.make_plan", KeyError("boom"))(tmp_path, monkeypatch)) == 1
    assert "this is a bug in ango-ontology" in capsys.readouterr().err


def test_usage_errors_say_what_and_show_the_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "o.yaml", "--frobnicate"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: unrecognized arguments: --frobnicate\nusage: ango-ontology")
    assert "--help" in err


def test_plan_outcomes_keep_their_codes(tmp_path: Path, local_hub: LocalHub) -> None:
    project = local_hub.create_project("P", "")["_id"]
    path = _file(tmp_path, "o.yaml", f"project: {project}\n" + GOOD)
    hub = ["--hub", f"local:{local_hub.path}"]
    assert main(["plan", path, *hub, "--detailed-exitcode"]) == 2
    assert main(["apply", path, *hub, "--auto-approve", "--backup-dir", str(tmp_path / "b")]) == 0
    assert main(["plan", path, *hub, "--detailed-exitcode"]) == 0
    Path(path).write_text(f"project: {project}\nclassifications: []\n")
    assert main(["plan", path, *hub, "--detailed-exitcode"]) == 3


def test_version_and_help_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"ango-ontology {metadata.version('ango-ontology')}\n"
    assert main(["--help"]) == 0
    assert "usage: ango-ontology" in capsys.readouterr().out


def test_ctrl_c_exits_130_not_a_plan_outcome(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_bug_in("ango_ontology.api.plan_jobs", KeyboardInterrupt())(tmp_path, monkeypatch)) == 130
    assert "Interrupted" in capsys.readouterr().err


def test_error_messages_cannot_forge_lines_or_escapes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _file(tmp_path, "o.yaml", 'tools:\n  - point: "P\\e[2J\\n+ create tool Forged"\n    color: red\n')
    assert main(["validate", path]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert all(not line.startswith("+ create") for line in err.splitlines())

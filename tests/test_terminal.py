"""The terminal is respected: colour only where it is wanted and understood, progress that redraws only on a
terminal, one line per project elsewhere, and the library's reports shown while a run goes on."""

from __future__ import annotations

import argparse
import io
import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ango_ontology.activity import listening, report, size
from ango_ontology.cli import main
from ango_ontology.commands.terminal import Progress, _width, use_color
from ango_ontology.hub.local import LocalHub
from ango_ontology.model import ProjectRef
from ango_ontology.runs import ProjectRun


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _args(color: str = "auto", no_color: bool = False) -> argparse.Namespace:
    return argparse.Namespace(color=color, no_color=no_color)


@pytest.mark.parametrize(("color", "no_color", "env", "tty", "expected"), [
    ("auto", False, {}, True, True),
    ("auto", False, {}, False, False),
    ("auto", False, {"NO_COLOR": "1"}, True, False),
    ("auto", False, {"NO_COLOR": ""}, True, True),  # no-color.org: set and not empty
    ("auto", False, {"TERM": "dumb"}, True, False),
    ("always", False, {"NO_COLOR": "1", "TERM": "dumb"}, False, True),
    ("never", False, {}, True, False),
    ("auto", True, {}, True, False),
    ("always", True, {}, True, False),  # --no-color, kept from before, wins
])
def test_colour_follows_the_flag_no_color_and_term(monkeypatch: pytest.MonkeyPatch, color: str, no_color: bool,
                                                   env: dict[str, str], tty: bool, expected: bool) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    stream = _Tty() if tty else io.StringIO()
    assert use_color(stream, _args(color, no_color)) is expected


def test_a_closed_stream_is_no_terminal() -> None:
    stream = io.StringIO()
    stream.close()
    assert use_color(stream, _args()) is False


def test_plan_colours_on_request_and_never_when_told_not_to(tmp_path: Path, local_hub: LocalHub,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    project = local_hub.create_project("P", "")["_id"]
    path = tmp_path / "o.yaml"
    path.write_text(f"project: {project}\ntools:\n  - point: P\n")
    hub = f"local:{local_hub.path}"
    assert main(["plan", str(path), "--hub", hub, "--color", "always"]) == 0
    assert "\x1b[32m" in capsys.readouterr().out
    assert main(["plan", str(path), "--hub", hub, "--color", "never"]) == 0
    assert "\x1b[" not in capsys.readouterr().out


def _run(label: str, ok: bool = True) -> ProjectRun:
    error = None if ok else RuntimeError("boom")
    return ProjectRun(ProjectRef(id=label), error=error, source=f"{label}.yaml")  # type: ignore[arg-type]


def test_outside_a_terminal_each_project_is_one_line_for_ci_logs() -> None:
    log = io.StringIO()
    progress = Progress("Planned", log)
    assert progress.live is False
    progress.done(_run("a"), 1, 2)
    progress.done(_run("b", ok=False), 2, 2)
    progress.activity("exporting project b")  # nothing that redraws in a log
    progress.finish()
    assert log.getvalue() == ("Planned 1/2: a.yaml → project a: failed: no plan\n"
                              "Planned 2/2: b.yaml → project b: failed (the error follows at the end)\n")


def test_a_single_project_shows_no_progress() -> None:
    log = io.StringIO()
    Progress("Planned", log).done(_run("a"), 1, 1)
    assert log.getvalue() == ""


def test_on_a_terminal_one_status_line_is_redrawn_and_cleared(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm")
    screen = _Tty()
    with Progress("Planned", screen).showing() as progress:
        assert progress.live
        progress.start(3)
        progress.done(_run("a"))
        report("exporting project b (Ango Hub prepares the file)")
        progress.count(2, 3)
    text = screen.getvalue()
    assert "\r\x1b[2KPlanned 1/3 projects…" in text
    assert "Planned 1/3 projects · exporting project b" in text and "\n" not in text
    assert text.endswith("\r\x1b[2K")


def test_a_long_status_is_cut_to_the_terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ango_ontology.commands.terminal._width", lambda: 30)
    screen = _Tty()
    progress = Progress("Planned", screen, live=True)
    progress.start(2)
    progress.activity("x" * 100)
    assert screen.getvalue().endswith("…") and len(screen.getvalue().split("\x1b[2K")[-1]) == 29


def test_a_terminal_that_reports_no_columns_is_taken_as_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    leader, follower = pty.openpty()  # a pty nobody has sized yet (script(1), docker -t): 0 columns
    try:
        assert os.get_terminal_size(follower).columns == 0
        with open(follower, "w", closefd=False) as terminal:
            monkeypatch.setattr(sys, "stderr", terminal)
            monkeypatch.setenv("COLUMNS", "100")
            screen = _Tty()
            Progress("Planned", screen, live=True).count(1, 3)
            assert screen.getvalue() == "\r\x1b[2KPlanned 1/3 projects…"
            monkeypatch.delenv("COLUMNS")
            assert _width() >= 20  # standard output's terminal, else 80; never 0
    finally:
        os.close(leader)
        os.close(follower)


def test_a_broken_stderr_does_not_stop_the_work() -> None:
    stream = _Tty()
    progress = Progress("Planned", stream, live=True)
    stream.close()
    progress.count(1, 2)  # no exception


def test_reports_reach_every_listener_from_any_thread() -> None:
    heard: list[str] = []
    with listening(heard.append):
        worker = threading.Thread(target=report, args=("from a worker",))
        worker.start()
        worker.join()
    report("after")
    assert heard == ["from a worker"]
    assert [size(n) for n in (12, 12_345, 12_345_678, 5 * 10**12)] == ["12 bytes", "12.3 kB", "12.3 MB", "5000.0 GB"]


def test_help_is_fast_enough_to_import_nothing_heavy() -> None:
    code = ("import sys, ango_ontology.cli as c\n"
            "heavy = [m for m in ('requests', 'sqlite3', 'jsonschema', 'rich') if m in sys.modules]\n"
            "print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


def test_file_names_are_escaped_on_every_line_a_run_prints(tmp_path: Path, local_hub: LocalHub,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "ontology"
    folder.mkdir()
    (folder / "e\x1b[31mvil.yaml").write_text("project: {name: N1}\ntools:\n  - point: P\n")
    (folder / "b.yaml").write_text("project: {name: N2}\ntools:\n  - point: P\n")
    hub = f"local:{local_hub.path}"
    assert main(["plan", str(folder), "--hub", hub]) == 0
    shown = capsys.readouterr()
    assert "Planned 2/2: " in shown.err and "Summary:" in shown.out  # the progress lines and the roll-up
    assert "\x1b" not in shown.out + shown.err
    assert shown.err.count("e\\x1b[31mvil.yaml") == 1
    assert shown.out.count("e\\x1b[31mvil.yaml") == 3  # its heading, its `File:` line, the roll-up
    (folder / "e\x1b[31mvil.yaml").write_text("project: {name: N1}\ntools:\n    - point: P\n")
    assert main(["fmt", "--check", str(folder)]) == 1
    shown = capsys.readouterr()
    assert "would reformat" in shown.out and "\x1b" not in shown.out + shown.err


def test_a_status_line_escapes_what_it_is_doing() -> None:
    screen = _Tty()
    progress = Progress("Planned", screen, live=True)
    progress.start(2)
    progress.activity("reading e\x1b[31mvil.yaml")
    assert screen.getvalue().endswith("reading e\\x1b[31mvil.yaml") and screen.getvalue().count("\x1b") == 1

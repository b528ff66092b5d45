"""The command line run in-process against one hub, in a scratch folder, for tests of whole commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from ango_ontology.cli import main


class Cli:
    """Runs the command line in-process against one hub, in a scratch folder."""

    def __init__(self, tmp_path: Path, hub: str, capsys: pytest.CaptureFixture[str]) -> None:
        self.tmp_path = tmp_path
        self.hub = hub
        self.capsys = capsys

    def __call__(self, *argv: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        command, rest = argv[0], list(argv[1:])
        extra = [] if command == "history" else ["--hub", self.hub]
        if command in ("apply", "rollback", "history"):
            extra += ["--backup-dir", str(self.tmp_path / "backups")]
        code = main([command, *rest, *extra])
        out, err = self.capsys.readouterr()
        return code, out, err

    def write(self, name: str, text: str) -> str:
        path = self.tmp_path / name
        path.write_text(text)
        return str(path)

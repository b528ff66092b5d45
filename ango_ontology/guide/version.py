"""Which version of a label set a guide shows: the file, its git commit and that commit's day, the day of the guide."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..backups import git_commit


@dataclass(frozen=True)
class Version:
    """`source` is the file's name as given; `commit` is None outside git and ends in `+dirty` with local edits."""

    source: str
    commit: str | None
    committed: str | None
    generated: str

    @property
    def dirty(self) -> bool:
        return bool(self.commit and self.commit.endswith("+dirty"))

    @property
    def short_commit(self) -> str | None:
        return self.commit.removesuffix("+dirty")[:12] if self.commit else None

    def sentence(self) -> str:
        """`Label set l.yaml at commit 1a2b3c4d5e6f (2024-05-01), with uncommitted changes; guide made 2024-05-02.`"""
        if self.commit is None:
            where = "(not in a git repository)"
        else:
            when = f" ({self.committed})" if self.committed else ""
            where = f"at commit {self.short_commit}{when}" + (", with uncommitted changes" if self.dirty else "")
        return f"Label set {Path(self.source).name} {where}; guide made {self.generated}."


def version_of(source: str, now: datetime | None = None) -> Version:
    """The version of the label set in `source` as git knows it, made at `now` (default: the current UTC day)."""
    commit = git_commit(source)
    generated = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime("%Y-%m-%d")
    return Version(source, commit, _commit_day(source) if commit else None, generated)


def _commit_day(source: str) -> str | None:
    try:
        done = subprocess.run(["git", "show", "-s", "--format=%cs", "HEAD"], cwd=Path(source).resolve().parent,
                              capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):  # pragma: no cover - git answered rev-parse a moment ago
        return None
    return done.stdout.strip() or None

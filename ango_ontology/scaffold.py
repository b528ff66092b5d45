"""`init`: what a repository of label sets needs, planned as steps — none overwrites a person's file unasked.

An `ontology/` folder (a starter label set, or the projects pulled into it), the editor schema its
files name on their first line, `.gitignore` entries for the local hub and the backups, the two
workflows (pull requests and the scheduled drift check) and the pre-commit configuration. Running it
again changes nothing: a file that is already there is kept (and said to be), unless `force` replaces
a file that only differs from its template; `.gitignore` only ever gains the lines it lacks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

from .backups import atomic_write
from .editor_schema import render as editor_schema

Action = Literal["create", "append", "replace", "unchanged", "keep"]
IGNORED = (".ango-hub/", ".ango-ontology/")
SCHEMA_FILE = "ontology.schema.json"
SCHEMA_LINE = f"# yaml-language-server: $schema={SCHEMA_FILE}"
_FIRST_LINE = re.compile(r"\A# yaml-language-server: \$schema=\S*\n")
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Step:
    """One file of the scaffold: what happens to it, and the text written (all of it; for append, the end)."""

    path: Path
    action: Action
    text: str = ""
    note: str = ""

    @property
    def writes(self) -> bool:
        return self.action in ("create", "append", "replace")


def template(name: str) -> str:
    """A file shipped in `ango_ontology/templates`."""
    return resources.files("ango_ontology").joinpath("templates").joinpath(name).read_text("utf-8")


def plan(root: Path, *, pulled: Mapping[str, str] | None = None, force: bool = False) -> list[Step]:
    """The steps that scaffold `root`; `pulled` maps file names (in `ontology/`) to label sets pulled for them."""
    folder = root / "ontology"
    files = dict(pulled or {})
    if not files and not _has_label_sets(folder):
        files["labels.yaml"] = template("labels.yaml")
    steps = [_file(folder / name, with_schema_line(text), force) for name, text in files.items()]
    steps.append(_file(folder / SCHEMA_FILE, editor_schema(), force, "an edited schema, or an older version's"))
    steps.append(_gitignore(root / ".gitignore"))
    steps.append(_file(root / ".github" / "workflows" / "ontology.yml", template("ontology.yml"), force))
    steps.append(_file(root / ".github" / "workflows" / "ontology-drift.yml", template("ontology-drift.yml"), force))
    steps.append(_pre_commit(root / ".pre-commit-config.yaml"))
    return steps


def run(steps: list[Step]) -> None:
    """Write what the steps say, each file atomically."""
    for step in steps:
        if step.action == "append":
            old = step.path.read_text("utf-8")
            atomic_write(step.path, (old + step.text).encode("utf-8"))
        elif step.writes:
            atomic_write(step.path, step.text.encode("utf-8"))


def file_name(project: str, name: str | None) -> str:
    """`vehicles.yaml` for a project named Vehicles (its id when it has no usable name)."""
    slug = _SLUG.sub("-", (name or "").lower()).strip("-")
    return f"{slug or project}.yaml"


def with_schema_line(text: str) -> str:
    """The label set's text with its first line naming the editor schema next to it."""
    return SCHEMA_LINE + "\n" + _FIRST_LINE.sub("", text, count=1)


def _has_label_sets(folder: Path) -> bool:
    from .sources import SUFFIXES, is_fragment

    return folder.is_dir() and any(p.suffix in SUFFIXES and not is_fragment(p) for p in folder.rglob("*"))


def _file(path: Path, text: str, force: bool, likely: str = "") -> Step:
    if not path.exists():
        return Step(path, "create", text)
    if path.read_text("utf-8", errors="replace") == text:
        return Step(path, "unchanged")
    if force:
        return Step(path, "replace", text, "it differed from what init writes")
    what = f" ({likely})" if likely else ""
    return Step(path, "keep", note=f"it differs from what init would write{what}; --force replaces it")


def _gitignore(path: Path) -> Step:
    have = path.read_text("utf-8").splitlines() if path.exists() else []
    missing = [line for line in IGNORED if line not in have and line.rstrip("/") not in have]
    if not missing:
        return Step(path, "unchanged")
    if not path.exists():
        return Step(path, "create", "".join(f"{line}\n" for line in missing))
    old = path.read_text("utf-8")
    text = ("" if not old or old.endswith("\n") else "\n") + "".join(f"{line}\n" for line in missing)
    return Step(path, "append", text, f"added {', '.join(missing)}")


def _pre_commit(path: Path) -> Step:
    wanted = template("pre-commit-config.yaml")
    if not path.exists():
        return Step(path, "create", wanted)
    if "ango-ontology-validate" in path.read_text("utf-8", errors="replace"):
        return Step(path, "unchanged")
    hooks = wanted[wanted.index("  - repo:"):]
    return Step(path, "keep", note=f"it has other hooks; add these under `repos:` yourself:\n{hooks}")


__all__ = ["IGNORED", "SCHEMA_FILE", "Step", "file_name", "plan", "run", "template", "with_schema_line"]

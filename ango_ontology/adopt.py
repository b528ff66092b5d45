"""The pull, diff and fmt commands: adopt a live label set as a file, review changes between files, keep one layout."""

from __future__ import annotations

import argparse
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

from .backups import atomic_write
from .commands import _hub, add_hub_flags, use_color
from .diff import make_plan
from .errors import InputError, OntologyInvalid
from .identity import resolve
from .layout import format_text
from .loader import load_text
from .merge import merge_into
from .pull import pull_yaml
from .render import render
from .revisions import load_spec
from .wire import to_category_schema


def cmd_pull(args: argparse.Namespace) -> int:
    """Write the live label set of a project as YAML, to stdout or atomically to -o FILE."""
    existing = _read_text(args.into) if args.into else None
    if existing is not None:
        _check_same_project(args.into, existing, args.project)
    with closing(_hub(args)) as hub:
        project = hub.get_project(args.project)
        if existing is not None:
            text = merge_into(existing, project, args.into)
        else:
            text = pull_yaml(project, project_id=args.project, hub_name=hub.name)
    target = args.out or args.into
    if target:
        if text != existing:
            atomic_write(Path(target), text.encode("utf-8"))
        what = "no changes" if text == existing else "written"
        sys.stderr.write(f"Pulled project {args.project} into {target} ({what}).\n")
    else:
        sys.stdout.write(text)
    _warn_if_invalid(text, target or "the pulled file")
    return 0


def _warn_if_invalid(text: str, name: str) -> None:
    """Say so when the live label set breaks rules Ango lets through: plan will refuse the file until fixed."""
    try:
        load_text(text, name)
    except OntologyInvalid as error:
        sys.stderr.write(f"Warning: the live label set breaks {len(error.problems)} rule(s) this toolkit "
                         f"enforces; fix them in {name} before `plan`:\n")
        for problem in error.problems:
            sys.stderr.write(f"  {problem}\n")


def _check_same_project(path: str, text: str, project_id: str) -> None:
    """Refuse to merge one project's label set into a file that names other projects."""
    ids = [ref.id for ref in load_text(text, path).targets() if ref.id]
    if ids and project_id not in ids:
        raise InputError(f"{path} is the label set of project {', '.join(ids)}, not of {project_id}: "
                         "pull it into its own file (or add the project to the file's `projects:`)")


def cmd_diff(args: argparse.Namespace) -> int:
    """Plan NEW against OLD offline (each a file or REV:PATH); exit codes as plan's."""
    old = load_spec(args.old)
    new = load_spec(args.new)
    plan = make_plan(new, to_category_schema(resolve(old)))
    render(plan, args.format, sys.stdout, color=use_color(sys.stdout, args))
    if not args.detailed_exitcode:
        return 0
    if plan.destructive:
        return 3
    return 0 if plan.is_empty else 2


def cmd_fmt(args: argparse.Namespace) -> int:
    """Rewrite each file in the canonical layout; with --check, list those that would change and exit 1."""
    changed = [name for name in args.files if _format_file(name, write=not args.check)]
    for name in changed:
        sys.stdout.write(f"{'would reformat' if args.check else 'reformatted'} {name}\n")
    return 1 if args.check and changed else 0


def _format_file(name: str, *, write: bool) -> bool:
    """Whether the file is not in the canonical layout (and, with `write`, now is)."""
    if name.endswith(".py"):
        raise InputError(f"{name}: fmt formats YAML files; format Python definitions with your Python formatter")
    text = _read_text(name)
    formatted = format_text(text, name)
    if formatted == text:
        return False
    if write:
        atomic_write(Path(name), formatted.encode("utf-8"))
    return True


def _read_text(name: str) -> str:
    try:
        return Path(name).read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{name}: cannot read it as UTF-8 text ({error})") from None


def register(sub: Any) -> None:
    """Add pull, diff and fmt to the command line."""
    pull = sub.add_parser("pull", help="write a project's live label set as an ontology file")
    pull.add_argument("project", metavar="PROJECT_ID")
    pull.add_argument("-o", "--out", metavar="FILE", help="write here (atomically) instead of to stdout")
    pull.add_argument("--into", metavar="FILE", help="merge the live changes into this existing file, keeping "
                                                     "its comments and layout (written back unless -o)")
    add_hub_flags(pull)
    pull.set_defaults(func=cmd_pull)

    diff = sub.add_parser("diff", help="compare two ontology definitions offline (files or REV:PATH)")
    diff.add_argument("old", metavar="OLD", help="a file, or REV:PATH read from git (e.g. main:ontology.yaml)")
    diff.add_argument("new", metavar="NEW", help="a file, or REV:PATH")
    diff.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    diff.add_argument("--detailed-exitcode", action="store_true",
                      help="exit 0 no changes, 2 changes, 3 destructive changes, 1 error")
    diff.add_argument("--no-color", action="store_true", help="no colour even on a terminal")
    diff.set_defaults(func=cmd_diff)

    fmt = sub.add_parser("fmt", help="rewrite ontology YAML files in the canonical layout, comments kept")
    fmt.add_argument("files", nargs="+", metavar="FILE")
    fmt.add_argument("--check", action="store_true", help="write nothing; list files that would change, exit 1")
    fmt.set_defaults(func=cmd_fmt)

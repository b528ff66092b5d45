"""`fmt [--check] FILE...`: rewrite ontology YAML files in the one canonical layout, comments kept."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .. import api
from ..backups import atomic_write
from ..errors import InputError
from .pull import read_text


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
    text = read_text(name)
    formatted = api.format_text(text, name)
    if formatted == text:
        return False
    if write:
        atomic_write(Path(name), formatted.encode("utf-8"))
    return True


def register(sub: Any) -> None:
    fmt = sub.add_parser("fmt", help="rewrite ontology YAML files in the canonical layout, comments kept")
    fmt.add_argument("files", nargs="+", metavar="FILE")
    fmt.add_argument("--check", action="store_true", help="write nothing; list files that would change, exit 1")
    fmt.set_defaults(func=cmd_fmt)

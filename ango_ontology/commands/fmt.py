"""`fmt [--check] [--diff] FILE...`: rewrite ontology YAML files in the one canonical layout, comments kept;
`fmt --to yaml FILE` lays out a JSON label set (an SDK categorySchema, a project's JSON) as YAML."""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path
from typing import Any

from .. import api
from ..backups import atomic_write
from ..characters import escape
from ..errors import InputError, OntologyInvalid
from ..plan import count_of
from ..textfile import TextFile, read_file


def cmd_fmt(args: argparse.Namespace) -> int:
    """Rewrite each file (folders and globs expanded, fragments too) in the canonical layout; --check and --diff
    write nothing (--check exits 1 on changes).

    Every file is read and formatted before any is written: a file that cannot be formatted stops the run
    with every such file's problems, and nothing written; then each file is written and said as it is.
    """
    if args.to:
        return _to_yaml(args.files)
    write = not (args.check or args.diff)
    names = [name for name in api.files(args.files, fragments=True)
             if not name.endswith(".py") or name in args.files]  # a folder's Python files are not fmt's
    changed = _formatted(names)
    for name, (read, formatted) in changed.items():
        if args.diff:
            sys.stdout.writelines(difflib.unified_diff(read.text.splitlines(keepends=True),
                                                       formatted.splitlines(keepends=True), f"a/{escape(name)}",
                                                       f"b/{escape(name)}"))
            continue
        if write:  # written as it was read: its BOM and line endings kept
            atomic_write(Path(name), read.encoded(formatted))
        sys.stdout.write(f"{'reformatted' if write else 'would reformat'} {escape(name)}\n")
        sys.stdout.flush()
    return 1 if args.check and changed else 0


def _formatted(names: list[str]) -> dict[str, tuple[TextFile, str]]:
    """Each file that the canonical layout changes: as read, and formatted. InputError naming every file that
    cannot be read or formatted (all of them), before anything is written."""
    changed: dict[str, tuple[TextFile, str]] = {}
    problems: list[str] = []
    failed = 0
    for name in names:
        try:
            read = _read(name)
            formatted = api.format_text(read.text, name)
        except OntologyInvalid as error:
            problems += [str(problem) for problem in error.problems]
            failed += 1
            continue
        except InputError as error:
            problems.append(error.message)
            failed += 1
            continue
        if formatted != read.text:
            changed[name] = (read, formatted)
    if problems:
        files = f"{failed} of {len(names)} files" if len(names) > 1 else "the file"
        raise InputError(f"fmt wrote nothing: {files} cannot be formatted ({count_of(len(problems), 'problem')}):\n"
                         + "\n".join(problems))
    return changed


def _read(name: str) -> TextFile:
    if name.endswith(".py"):
        raise InputError(f"{name}: fmt formats YAML files; format Python definitions with your Python formatter")
    return read_file(name)


def _to_yaml(files: list[str]) -> int:
    if len(files) != 1:
        raise InputError(f"fmt --to yaml lays out one file at a time (to standard output), not {len(files)}")
    sys.stdout.write(api.json_to_yaml(_read(files[0]).text, files[0]))
    return 0


def register(sub: Any) -> None:
    fmt = sub.add_parser("fmt", help="rewrite ontology YAML files in the canonical layout, comments kept")
    fmt.add_argument("files", nargs="+", metavar="FILE", help="YAML ontology files (fragments too), folders of "
                                                               "them, or globs")
    fmt.add_argument("--check", action="store_true", help="write nothing; list files that would change, exit 1")
    fmt.add_argument("--diff", action="store_true", help="write nothing; print what would change as a unified diff")
    fmt.add_argument("--to", choices=("yaml",), help="lay out a JSON label set (an SDK categorySchema or a "
                                                     "project's JSON) as YAML, to standard output")
    fmt.set_defaults(func=cmd_fmt)

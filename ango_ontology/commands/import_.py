"""`import --from SOURCE CONFIG -o FILE`: another platform's label configuration written as an ontology file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .. import api
from ..backups import atomic_write
from ..characters import escape, escape_lines
from ..errors import InputError
from . import options


def cmd_import(args: argparse.Namespace) -> int:
    """Import; list on stderr what did not carry over exactly. --strict: then write nothing and exit 1."""
    if args.out:
        options.refuse_overwriting_inputs(args.out, [args.config])
    if args.out and Path(args.out).exists() and not args.force:
        raise InputError(f"{args.out} exists; import writes a new file (pass --force to replace it)")
    imported = api.import_config(args.source, args.config, tool=args.tool)
    count = len(imported.warnings)
    for warning in imported.warnings:
        sys.stderr.write(f"Warning: {escape_lines(str(warning))}\n")
    if count and args.strict:
        sys.stderr.write(f"{count} element(s) did not carry over exactly; nothing written (--strict).\n")
        return 1
    if args.out:
        atomic_write(Path(args.out), imported.text.encode("utf-8"))
        what = f"; {count} element(s) did not carry over exactly (listed above and atop the file)" if count else ""
        sys.stderr.write(escape(f"Imported {args.config} into {args.out}{what}.") + "\n")
    else:
        sys.stdout.write(imported.text)
    return 0


def register(sub: Any) -> None:
    command = sub.add_parser("import", help="write another platform's label configuration as an ontology file")
    command.add_argument("--from", dest="source", required=True, choices=api.IMPORT_SOURCES,
                         help="the format of CONFIG")
    command.add_argument("config", metavar="CONFIG", help="the label configuration: XML, JSON, or an SDK .py file")
    command.add_argument("-o", "--out", metavar="FILE", help="write here (atomically); default: stdout")
    command.add_argument("--force", action="store_true", help="replace FILE when it exists")
    command.add_argument("--strict", action="store_true",
                         help="exit 1 and write nothing when any element does not carry over exactly")
    command.add_argument("--tool", default="bounding-box", metavar="TYPE",
                         help="the tool type COCO categories become (default bounding-box)")
    command.set_defaults(func=cmd_import)

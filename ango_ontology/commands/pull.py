"""`pull PROJECT_ID`: a live label set written as a file, or merged into an existing one with `--into`."""

from __future__ import annotations

import argparse
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

from .. import api
from ..backups import atomic_write
from ..characters import escape
from ..errors import InputError, OntologyInvalid
from ..model import Ontology
from ..textfile import TextFile, read_file
from . import options


def cmd_pull(args: argparse.Namespace) -> int:
    """Write the live label set of a project as YAML, to stdout or atomically to -o FILE; with --into, merge it
    into a file, saying which of the file's items the live project lacks were kept and which removed."""
    if args.base and not args.into:
        raise InputError("--base tells pull --into what was last applied; it has no use without --into")
    into = read_file(args.into) if args.into else None
    existing = into.text if into is not None else None
    said: list[str] = []
    with closing(options.hub_from(args)) as hub, options.run_progress("Pulling").showing():
        if existing is not None:
            base, label = _base(args)
            shown = options.steps(args.into, len(existing))
            try:
                text = api.pull_into(hub, args.project, existing, args.into, shown, base=base, base_label=label,
                                     said=said)
            finally:
                options.done_steps(shown)
        else:
            text = api.pull(hub, args.project)
    for line in said:
        sys.stderr.write(f"{escape(line)}\n")
    target = args.out or args.into
    if target:
        if text != existing:  # written as the file it came from is: its BOM and line endings
            atomic_write(Path(target), (into or TextFile(text)).encoded(text))
        what = "no changes" if text == existing else "written"
        sys.stderr.write(escape(f"Pulled project {args.project} into {target} ({what}).") + "\n")
    else:
        sys.stdout.write(text)
    _warn_if_invalid(text, target or "the pulled file")
    return 0


def _base(args: argparse.Namespace) -> tuple[Ontology | None, str]:
    """The label set the file held when last applied to the project (`--base`, else the latest backup's commit)."""
    from ..drift import last_applied  # only pull --into needs it

    base, label = last_applied(args.into, args.project, args.base, options.backup_store(args))
    return base, label


def _warn_if_invalid(text: str, name: str) -> None:
    """Say so when the live label set breaks rules Ango lets through: warnings are kept as they are (plan
    accepts them); errors stop `plan` until fixed."""
    try:
        warnings = api.load_text_with_warnings(text, name).warnings
    except OntologyInvalid as error:
        sys.stderr.write(f"Warning: the live label set breaks {len(error.problems)} rule(s) this toolkit "
                         f"enforces; fix them in {name} before `plan`:\n")
        for problem in error.problems:
            sys.stderr.write(f"  {problem}\n")
        warnings = tuple(error.warnings)
    if warnings:
        sys.stderr.write(f"Warning: the live label set breaks {len(warnings)} rule(s) this toolkit applies to "
                         "new nodes; they are kept as they are, and `plan` accepts them:\n")
        for problem in warnings:
            sys.stderr.write(f"  {problem}\n")


def register(sub: Any) -> None:
    pull = sub.add_parser("pull", help="write a project's live label set as an ontology file")
    pull.add_argument("project", metavar="PROJECT_ID")
    pull.add_argument("-o", "--out", metavar="FILE", help="write here (atomically) instead of to stdout")
    pull.add_argument("--into", metavar="FILE", help="merge the live changes into this existing file, keeping "
                                                     "its comments and layout (written back unless -o)")
    pull.add_argument("--base", metavar="REV", help="with --into: the git revision last applied, to tell the file's "
                                                    "new items from those deleted in the web UI (default: the "
                                                    "commit of the project's latest backup)")
    options.add_backup_dir(pull)
    options.add_hub_flags(pull)
    pull.set_defaults(func=cmd_pull)

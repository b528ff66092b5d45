"""`plan FILE` against the live project(s), and `diff OLD NEW` of two definitions offline."""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import json
import os
import sys
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from typing import Any, TextIO

from .. import api
from ..backups import atomic_write
from ..characters import escape, escape_lines
from ..errors import InputError
from ..render import render
from ..runs import ProjectRun
from . import options


def show_runs(runs: Sequence[ProjectRun], args: argparse.Namespace, out: TextIO) -> None:
    """Each project's plan (or error) in the chosen format; one JSON document for all of them."""
    fmt = getattr(args, "format", "text")
    color = options.use_color(out, args)
    if fmt == "html" and len(runs) > 1:
        raise InputError(f"--format html writes one page for one project, but there are {len(runs)}: "
                         "narrow them with --project, one page each")
    if fmt == "json":
        plans = [run.plan.to_json() if run.plan else {"project": run.label, "error": str(run.error)}
                 for run in runs]
        json.dump(plans[0] if len(plans) == 1 else plans, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return
    for run in runs:
        if len(runs) > 1:
            out.write(f"{'## ' if fmt == 'markdown' else '== '}Project {escape(run.label)}\n\n")
        if run.plan is not None:
            render(run.plan, fmt, out, color=color)
        else:
            out.write(f"Error: {escape_lines(str(run.error))}\n")
        if len(runs) > 1:
            out.write("\n")


def report_errors(runs: Sequence[ProjectRun]) -> bool:
    """Write each failed project's error to standard error; whether any failed."""
    failed = [run for run in runs if not run.ok]
    for run in failed:
        sys.stderr.write(f"Error: project {escape(run.label)}: {escape_lines(str(run.error))}\n")
    return bool(failed)


def cmd_plan(args: argparse.Namespace) -> int:
    """Plan the file against each target project; exit codes as documented (see --detailed-exitcode)."""
    loaded = api.load_with_warnings(args.file)
    options.show_warnings(loaded.warnings, args.file)
    ontology = loaded.ontology
    targets = api.choose_targets(ontology, args.project)
    if args.out and len(targets) != 1:
        raise InputError(f"--out saves one project's plan, but the file targets {len(targets)}: "
                         "narrow it with --project")
    with closing(options.hub_from(args)) as hub:
        options.counting_note(args.check_usage)
        runs = api.plan(ontology, hub, args.project, check_usage=args.check_usage,
                        progress=options.progress("Planned"), source=args.file)
    show_runs(runs, args, sys.stdout)
    if report_errors(runs):
        return 1
    if args.out:
        _save(runs[0], args.out)
    return options.detailed_code(run.plan for run in runs if run.plan) if args.detailed_exitcode else 0


def _save(run: ProjectRun, out: str) -> None:
    assert run.plan is not None
    text = json.dumps(run.plan.to_json(saved=True), indent=2, ensure_ascii=False) + "\n"
    atomic_write(Path(out), text.encode("utf-8"))
    sys.stderr.write(f"Saved the plan to {out}; apply it with `ango-ontology apply {out}`.\n")


def cmd_diff(args: argparse.Namespace) -> int:
    """Plan NEW against OLD offline (each a file or REV:PATH); exit codes as plan's.

    As git's diff driver (`--git`, or run by git) it never fails a git command: a side that does not load
    (a half-edited file) gets a plain text diff with a one-line note instead.
    """
    driven = args.git or "GIT_DIFF_PATH_TOTAL" in os.environ
    name, old, new = _diff_sides(args.specs, args.git)
    if args.git:
        sys.stdout.write(f"ango-ontology diff {name}\n")
    if not driven:
        plan = api.diff(old, new)
    else:
        try:
            plan = api.diff(old, new)
        except Exception as error:  # whatever stops a side from loading, git must still get its diff
            sys.stdout.write(f"(a side does not load as a label set — {_first_line(error)} — plain text diff:)\n")
            sys.stdout.writelines(text_diff(name, old, new))
            return 0
    if args.git:  # git hands over temporary copies: the line above names the file
        plan = dataclasses.replace(plan, source=None, base=None)
    render(plan, args.format, sys.stdout, color=options.use_color(sys.stdout, args))
    return options.detailed_code([plan]) if args.detailed_exitcode and not driven else 0


def _diff_sides(specs: list[str], git: bool) -> tuple[str, str, str]:
    """(name, old, new): two specs, or git's seven arguments `path old-file old-hex old-mode new-file …`."""
    if git and len(specs) == 7:
        return specs[0], specs[1], specs[4]
    if not git and len(specs) == 2:
        return specs[1], specs[0], specs[1]
    wanted = "git's seven arguments (path old-file old-hex old-mode new-file new-hex new-mode)" if git else "OLD NEW"
    raise InputError(f"diff takes {wanted}, not {len(specs)} argument(s)")


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def text_diff(name: str, old: str, new: str) -> list[str]:
    """A unified diff of two files' text (an unreadable or missing side counts as empty)."""
    return list(difflib.unified_diff(_lines(old), _lines(new), f"a/{name}", f"b/{name}"))


def _lines(path: str) -> list[str]:
    try:
        text = Path(path).read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return []
    return [line if line.endswith("\n") else line + "\n" for line in text.splitlines(keepends=True)]


def register(sub: Any) -> None:
    plan = sub.add_parser("plan", help="show what apply would change in the live project(s)")
    plan.add_argument("file", metavar="FILE", help="a YAML or Python ontology file")
    options.add_project_flag(plan)
    options.add_hub_flags(plan)
    options.add_format_flag(plan)
    plan.add_argument("--out", metavar="PLANFILE", help="save the plan for `apply PLANFILE`")
    options.add_detailed_exitcode(plan)
    options.add_color_flag(plan)
    plan.add_argument("--check-usage", action="store_true",
                      help="count the annotations each destructive change would orphan (one export per project)")
    plan.set_defaults(func=cmd_plan)

    diff = sub.add_parser("diff", help="compare two ontology definitions offline (files or REV:PATH)")
    diff.add_argument("specs", nargs="+", metavar="OLD NEW",
                      help="two files, or REV:PATH read from git (e.g. main:ontology.yaml ontology.yaml)")
    diff.add_argument("--git", action="store_true",
                      help="run as git's diff driver: take git's seven arguments, never fail (a side that does not "
                           "load gets a plain text diff)")
    options.add_format_flag(diff)
    options.add_detailed_exitcode(diff)
    options.add_color_flag(diff)
    diff.set_defaults(func=cmd_diff)

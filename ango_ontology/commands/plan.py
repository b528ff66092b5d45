"""`plan FILE` against the live project(s), and `diff OLD NEW` of two definitions offline."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from typing import Any, TextIO

from .. import api
from ..backups import atomic_write
from ..errors import InputError
from ..render import render
from ..runs import ProjectRun
from . import options


def show_runs(runs: Sequence[ProjectRun], args: argparse.Namespace, out: TextIO) -> None:
    """Each project's plan (or error) in the chosen format; one JSON document for all of them."""
    fmt = getattr(args, "format", "text")
    color = options.use_color(out, args)
    if fmt == "json":
        plans = [run.plan.to_json() if run.plan else {"project": run.label, "error": str(run.error)}
                 for run in runs]
        json.dump(plans[0] if len(plans) == 1 else plans, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return
    for run in runs:
        if len(runs) > 1:
            out.write(f"{'## ' if fmt == 'markdown' else '== '}Project {run.label}\n\n")
        if run.plan is not None:
            render(run.plan, fmt, out, color=color)
        else:
            out.write(f"Error: {run.error}\n")
        if len(runs) > 1:
            out.write("\n")


def report_errors(runs: Sequence[ProjectRun]) -> bool:
    """Write each failed project's error to standard error; whether any failed."""
    failed = [run for run in runs if not run.ok]
    for run in failed:
        sys.stderr.write(f"Error: project {run.label}: {run.error}\n")
    return bool(failed)


def cmd_plan(args: argparse.Namespace) -> int:
    """Plan the file against each target project; exit codes as documented (see --detailed-exitcode)."""
    ontology = api.load(args.file)
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
    """Plan NEW against OLD offline (each a file or REV:PATH); exit codes as plan's."""
    plan = api.diff(args.old, args.new)
    render(plan, args.format, sys.stdout, color=options.use_color(sys.stdout, args))
    return options.detailed_code([plan]) if args.detailed_exitcode else 0


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
    diff.add_argument("old", metavar="OLD", help="a file, or REV:PATH read from git (e.g. main:ontology.yaml)")
    diff.add_argument("new", metavar="NEW", help="a file, or REV:PATH")
    options.add_format_flag(diff)
    options.add_detailed_exitcode(diff)
    options.add_color_flag(diff)
    diff.set_defaults(func=cmd_diff)

"""`plan FILE...` against the live project(s), and `diff OLD NEW` of two definitions offline."""

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
from ..errors import InputError, OntologyInvalid
from ..hub import Hub
from ..render import render
from ..render import runs as many
from ..runs import ProjectRun
from ..sources import is_fragment, is_glob
from . import options


def is_many(paths: Sequence[str]) -> bool:
    """Whether the arguments name a set of files (a folder, a glob, several) rather than one file."""
    return len(paths) != 1 or is_glob(paths[0]) or Path(paths[0]).is_dir()


def planned(hub: Hub, args: argparse.Namespace, *, check_usage: bool, quiet: bool = True) -> list[ProjectRun]:
    """The runs the FILE arguments ask for: one file as it always was, or every label set of many; each
    change told apart as intent, drift or conflict when the last applied version is known (`--base`, or
    the latest backup's commit; `quiet`: say nothing when it is not)."""
    base = getattr(args, "base", None)
    attribute = api.drift_base(base, backups=options.backup_store(args), quiet=quiet and base is None)
    if is_many(args.files):
        sources = api.load_files(args.files)
        for source in sources:
            options.show_warnings(source.warnings, source.file)
        with options.run_progress("Planned").showing() as progress:
            return api.plan_sources(hub, sources, projects=args.project, environments=args.env,
                                    check_usage=check_usage, done=progress.done, attribute=attribute)
    if is_fragment(args.files[0]):
        raise InputError(f"{args.files[0]} is a fragment (a list that label sets include): plan the label "
                         "sets that include it, or their folder")
    loaded = api.load_with_warnings(args.files[0])
    options.show_warnings(loaded.warnings, args.files[0])
    jobs = api.jobs_of(loaded.ontology, source=args.files[0], projects=args.project, environments=args.env)
    with options.run_progress("Planned").showing() as progress:
        return api.plan_jobs(hub, jobs, check_usage=check_usage, done=progress.done, attribute=attribute)


def show_runs(runs: Sequence[ProjectRun], args: argparse.Namespace, out: TextIO, *,
              title: str = "Ontology plan", many_files: bool | None = None) -> None:
    """The runs in the chosen format: one plan as it always was; several as one document with a roll-up.

    `many_files`: the runs come from a set of files (default: whether the FILE arguments name one).
    """
    fmt = getattr(args, "format", "text")
    files = is_many(getattr(args, "files", ["-"])) if many_files is None else many_files
    several = len(runs) > 1 or files
    if fmt == "html" and several:
        raise InputError(f"--format html writes one page for one project, but there are {len(runs)}: "
                         "narrow them with --project, one page each")
    if fmt == "json":
        json.dump(many.document(runs) if files else _json(runs), out, indent=2, ensure_ascii=False)
        out.write("\n")
    elif fmt == "markdown" and several:
        out.write(many.comment(runs, title=title))
    elif several:
        _text(runs, out, options.use_color(out, args))
    elif runs[0].plan is not None and runs[0].ok:
        render(runs[0].plan, fmt, out, color=options.use_color(out, args))


def _json(runs: Sequence[ProjectRun]) -> Any:
    plans = [run.plan.to_json() if run.plan and run.ok else {"project": run.label, "error": str(run.error)}
             for run in runs]
    return plans[0] if len(plans) == 1 else plans


def _text(runs: Sequence[ProjectRun], out: TextIO, color: bool) -> None:
    for run in runs:
        out.write(f"== {escape(run.where)}\n\n")
        if run.plan is not None and run.ok:
            render(run.plan, "text", out, color=color)
        else:
            out.write("Failed: the error is on standard error.\n")
        out.write("\n")
    many.rollup(runs, out)


def report_errors(runs: Sequence[ProjectRun]) -> bool:
    """Write each failed project's error to standard error; whether any failed."""
    failed = [run for run in runs if not run.ok]
    for run in failed:
        sys.stderr.write(f"Error: {escape(run.where)}: {escape_lines(str(run.error))}\n")
    return bool(failed)


def cmd_plan(args: argparse.Namespace) -> int:
    """Plan the files against each target project; exit codes as documented (see --detailed-exitcode)."""
    if args.out:
        _check_out(args.out, args.files)
    with closing(options.hub_from(args)) as hub:
        options.counting_note(args.check_usage)
        runs = planned(hub, args, check_usage=args.check_usage)
    show_runs(runs, args, sys.stdout)
    if report_errors(runs):
        return 1
    if args.out:
        save(runs, args.out)
    return options.detailed_code(run.plan for run in runs if run.plan) if args.detailed_exitcode else 0


def _check_out(out: str, files: Sequence[str]) -> None:
    """`--out` may replace a plan file, never an input (a label set, a fragment) or any other file."""
    options.refuse_overwriting_inputs(out, [*files, *api.files(files, fragments=True)])
    if Path(out).exists() and not Path(out).is_dir() and api.read_plans(out) is None:
        raise InputError(f"--out {out} exists and is not a plan file: plan replaces only a plan file it saved "
                         "before; write the plan to another file")


def save(runs: Sequence[ProjectRun], out: str) -> None:
    """Save the plans for `apply PLANFILE`: one plan as a plan file, several as a plan set."""
    data = api.saved_plans_json(runs)
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    atomic_write(Path(out), text.encode("utf-8"))
    what = "the plan" if len(runs) == 1 else f"the plans of {len(runs)} projects"
    sys.stderr.write(escape(f"Saved {what} to {out}; apply with `ango-ontology apply {out}`.") + "\n")


def cmd_diff(args: argparse.Namespace) -> int:
    """Plan NEW against OLD offline (each a file or REV:PATH, or two folders); exit codes as plan's.

    As git's diff driver (`--git`, or run by git) it never fails a git command: a side that does not load
    (a half-edited file) gets a plain text diff with a one-line note instead.
    """
    driven = args.git or "GIT_DIFF_PATH_TOTAL" in os.environ
    name, old, new = _diff_sides(args.specs, args.git)
    if args.git:
        sys.stdout.write(f"ango-ontology diff {escape(name)}\n")
        if not old:
            sys.stdout.write("(unmerged: resolve the conflict, then diff again)\n")
            return 0
    if not driven:
        pairs = api.diff_pairs(old, new)
        if pairs is not None:
            return _diff_many(pairs, old, new, args)
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


def _diff_many(pairs: list[tuple[str, str | None, Any]], old: str, new: str, args: argparse.Namespace) -> int:
    """Two folders (or a file with environments): a plan per label set, shown as a run over many."""
    runs = [ProjectRun(api.ProjectRef(), plan=plan, source=name, environment=env) for name, env, plan in pairs]
    if not runs:
        raise InputError(f"{old} and {new} hold no ontology file")
    show_runs(runs, args, sys.stdout, many_files=True)
    return options.detailed_code(run.plan for run in runs if run.plan) if args.detailed_exitcode else 0


def _diff_sides(specs: list[str], git: bool) -> tuple[str, str, str]:
    """(name, old, new): two specs; or git's arguments — seven (`path old-file old-hex old-mode new-file new-hex
    new-mode`), nine for a renamed or copied file (those, then `new-path` and the rename's header), or the path
    alone for an unmerged one (old and new empty then)."""
    if git and len(specs) in (7, 9):
        name = specs[0] if len(specs) == 7 or specs[7] == specs[0] else f"{specs[0]} → {specs[7]}"
        return name, specs[1], specs[4]
    if git and len(specs) == 1:
        return specs[0], "", ""
    if not git and len(specs) == 2:
        return specs[1], specs[0], specs[1]
    wanted = ("git's seven arguments (path old-file old-hex old-mode new-file new-hex new-mode), nine for a renamed "
              "file (new-path and its header after them), or an unmerged path alone") if git else "OLD NEW"
    raise InputError(f"diff takes {wanted}, not {len(specs)} argument(s)")


def _first_line(error: BaseException) -> str:
    """The first thing an error says: its first problem, for a file that does not load."""
    if isinstance(error, OntologyInvalid) and error.problems:
        return escape(str(error.problems[0]))
    lines = str(error).strip().splitlines()
    return escape(lines[0]) if lines else type(error).__name__


def text_diff(name: str, old: str, new: str) -> list[str]:
    """A unified diff of two files' text (an unreadable or missing side counts as empty)."""
    return list(difflib.unified_diff(_lines(old), _lines(new), f"a/{escape(name)}", f"b/{escape(name)}"))


def _lines(path: str) -> list[str]:
    try:
        text = Path(path).read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return []
    return [line if line.endswith("\n") else line + "\n" for line in text.splitlines(keepends=True)]


def add_base_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base", metavar="REV", help="the git revision last applied, to tell the file's changes "
                                                      "from drift (default: the commit of the latest backup)")
    options.add_backup_dir(parser)


def register(sub: Any) -> None:
    plan = sub.add_parser("plan", help="show what apply would change in the live project(s)")
    plan.add_argument("files", nargs="+", metavar="FILE", help="YAML or Python ontology files, folders of them, "
                                                                "or globs (a folder's fragments are skipped)")
    options.add_project_flag(plan)
    options.add_env_flag(plan)
    options.add_hub_flags(plan)
    options.add_format_flag(plan)
    plan.add_argument("--out", metavar="PLANFILE", help="save the plan(s) for `apply PLANFILE`")
    options.add_detailed_exitcode(plan)
    options.add_color_flag(plan)
    plan.add_argument("--check-usage", action="store_true",
                      help="count the annotations each destructive change would orphan (one export per project)")
    add_base_flags(plan)
    plan.set_defaults(func=cmd_plan)

    diff = sub.add_parser("diff", help="compare two ontology definitions offline (files, folders or REV:PATH)")
    diff.add_argument("specs", nargs="+", metavar="OLD NEW",
                      help="two files or folders, or REV:PATH read from git (e.g. main:ontology.yaml ontology.yaml, "
                           "main:ontology ontology)")
    diff.add_argument("--git", action="store_true",
                      help="run as git's diff driver: take git's seven arguments, never fail (a side that does not "
                           "load gets a plain text diff)")
    options.add_format_flag(diff)
    options.add_detailed_exitcode(diff)
    options.add_color_flag(diff)
    diff.set_defaults(func=cmd_diff)

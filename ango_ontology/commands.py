"""The plan, apply, history and rollback commands: each reads its arguments, calls the API and renders."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from .apply import apply_plan, check_allowed, check_saved, count_impact
from .backups import BackupStore, atomic_write
from .changes import Plan
from .diff import make_plan
from .errors import ApplyError, ConfirmationRequired, InputError, PlanFileInvalid
from .hub import Hub, open_hub
from .loader import load
from .model import ProjectRef
from .projects import Target, choose_refs, live_schema
from .render import render
from .runs import ProjectRun, apply_all, plan_all
from .wire import from_category_schema

EMPTY_SCHEMA: dict[str, Any] = {"tools": [], "classifications": [], "relations": []}


def use_color(stream: TextIO, args: argparse.Namespace) -> bool:
    """Colour only on a terminal, never with NO_COLOR or --no-color."""
    return stream.isatty() and "NO_COLOR" not in os.environ and not getattr(args, "no_color", False)


def _hub(args: argparse.Namespace) -> Hub:
    return open_hub(args.hub, insecure=args.insecure)


def _progress(verb: str) -> Any:
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        sys.stderr.write(f"\r{verb} {done}/{total} projects…" + ("\n" if done == total else ""))
        sys.stderr.flush()

    return show


def _show_runs(runs: Sequence[ProjectRun], args: argparse.Namespace, out: TextIO) -> None:
    fmt = getattr(args, "format", "text")
    color = use_color(out, args)
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


def cmd_plan(args: argparse.Namespace) -> int:
    """Plan the file against each target project; exit codes as documented (see --detailed-exitcode)."""
    ontology = load(args.file)
    refs = choose_refs(ontology, args.project)
    if args.out and len(refs) != 1:
        raise InputError(f"--out saves one project's plan, but the file targets {len(refs)}: "
                         "narrow it with --project")
    with closing(_hub(args)) as hub:
        _counting_note(args.check_usage)
        runs = plan_all(hub, ontology, refs, _progress("Planned"), check_usage=args.check_usage)
    _show_runs(runs, args, sys.stdout)
    failed = [run for run in runs if not run.ok]
    for run in failed:
        sys.stderr.write(f"Error: project {run.label}: {run.error}\n")
    if failed:
        return 1
    if args.out:
        plan = runs[0].plan
        assert plan is not None
        text = json.dumps(plan.to_json(), indent=2, ensure_ascii=False) + "\n"
        atomic_write(Path(args.out), text.encode("utf-8"))
        sys.stderr.write(f"Saved the plan to {args.out}; apply it with `ango-ontology apply {args.out}`.\n")
    return _detailed_code(runs) if args.detailed_exitcode else 0


def _counting_note(counting: bool) -> None:
    if counting and sys.stderr.isatty():
        sys.stderr.write("Counting the annotations that destructive changes would orphan…\n")
        sys.stderr.flush()


def _detailed_code(runs: Sequence[ProjectRun]) -> int:
    plans = [run.plan for run in runs if run.plan is not None]
    if any(plan.destructive for plan in plans):
        return 3
    return 2 if any(not plan.is_empty for plan in plans) else 0


def confirm(question: str, args: argparse.Namespace) -> None:
    """Ask for `yes` on the terminal unless --auto-approve; never prompt without a terminal."""
    if args.auto_approve:
        return
    if not sys.stdin.isatty():
        raise ConfirmationRequired("apply needs confirmation, but standard input is not a terminal: review "
                                   "the plan and pass --auto-approve to apply without asking")
    sys.stdout.write(f"\n{question}\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ")
    sys.stdout.flush()
    if sys.stdin.readline().strip() != "yes":
        raise ApplyError("apply cancelled; nothing was changed")


def read_saved_plan(path: str) -> Plan | None:
    """The saved plan in `path` (whatever its name), or None when the file is an ontology definition."""
    if path.endswith(".py"):
        return None
    try:
        with open(path, "rb") as handle:
            if not handle.read(256).lstrip().startswith(b"{"):  # a plan is a JSON object
                return None
        text = Path(path).read_text("utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError):
        return None  # not a plan; loading it as an ontology says what is wrong
    try:
        data = json.loads(text)
    except ValueError as error:
        if path.endswith(".json"):
            raise PlanFileInvalid(f"{path}: not a readable plan file ({error})") from None
        return None  # a YAML file that starts with a flow mapping
    if not (isinstance(data, dict) and "format_version" in data):
        return None
    try:
        return Plan.from_json(data)
    except PlanFileInvalid as error:
        raise PlanFileInvalid(f"{path}: {error}") from None


def cmd_apply(args: argparse.Namespace) -> int:
    """Plan (or read a saved plan), check, confirm, write, verify — per project; exit 1 if any failed."""
    saved = read_saved_plan(args.file)
    with closing(_hub(args)) as hub:
        if saved is not None:
            if args.project and saved.project not in args.project:
                raise InputError(f"this plan is for project {saved.project or saved.project_name}, not "
                                 f"{', '.join(args.project)}; a saved plan applies to the project it was made for")
            if saved.hub and saved.hub != hub.name:
                raise InputError(f"this plan was made against {saved.hub}, not {hub.name}; "
                                 "pass the same --hub, or plan again")
            ref = ProjectRef(id=saved.project, name=saved.project_name)
            target = Target(ref, saved.project)
            live = live_schema(hub, target)
            check_saved(saved, live)
            _counting_note(saved.destructive > 0)
            runs = [ProjectRun(ref, target, count_impact(hub, saved, live))]
            batches: list[str] = []
        else:
            ontology = load(args.file)
            runs = plan_all(hub, ontology, choose_refs(ontology, args.project), _progress("Planned"),
                            check_usage=True)
            batches = ontology.batches
        return _apply_runs(hub, runs, args, batches, source=None if saved else args.file)


def _apply_runs(hub: Hub, runs: list[ProjectRun], args: argparse.Namespace, batches: list[str],
                source: str | None) -> int:
    _show_runs(runs, args, sys.stdout)
    planned = [run for run in runs if run.plan is not None]
    for run in planned:
        assert run.plan is not None
        check_allowed(run.plan, args.allow_destructive)
    pending = [run for run in planned if _writes(run) or batches]
    writing = [run for run in pending if _writes(run)]
    if writing:
        count = len(writing)
        confirm(f"Apply these changes to {count} project{'s' if count != 1 else ''}?", args)
    store = BackupStore(Path(args.backup_dir) if args.backup_dir else None)
    done = apply_all(hub, pending, store=store, source=source, batches=batches,
                     allow_destructive=args.allow_destructive, progress=_progress("Applied"))
    by_ref = {id(run.ref): run for run in done}
    final = [by_ref.get(id(run.ref), run) for run in runs]
    return _report_apply(final)


def _writes(run: ProjectRun) -> bool:
    """Whether applying this run changes the hub: a label set to push, or a project to create."""
    assert run.plan is not None and run.target is not None
    return not run.plan.is_empty or run.target.project_id is None


def _report_apply(runs: Sequence[ProjectRun]) -> int:
    for run in runs:
        if run.error is not None:
            sys.stderr.write(f"Error: project {run.label}: {run.error}\n")
            continue
        outcome = run.outcome
        if outcome is None:
            sys.stdout.write(f"Project {run.label}: no changes.\n")
            continue
        notes = []
        if outcome.created_project:
            notes.append("created the project")
        if outcome.written:
            assert run.plan is not None
            notes.append(f"applied {len(run.plan.changes)} change(s), verified")
        if outcome.batches_created:
            notes.append(f"created batches {', '.join(outcome.batches_created)}")
        if outcome.backup is not None:
            notes.append(f"backup {outcome.backup}")
        sys.stdout.write(f"Project {outcome.project_id}: {'; '.join(notes) or 'no changes'}.\n")
    ok = [run for run in runs if run.ok]
    if len(runs) > 1 or len(ok) != len(runs):
        failed = [run.label for run in runs if not run.ok]
        sys.stdout.write(f"Apply complete: {len(ok)} of {len(runs)} project(s) succeeded"
                         + (f"; failed: {', '.join(failed)}" if failed else "") + ".\n")
    return 0 if len(ok) == len(runs) else 1


def cmd_history(args: argparse.Namespace) -> int:
    """List the backups of a project, oldest first."""
    store = BackupStore(Path(args.backup_dir) if args.backup_dir else None)
    backups = store.list(args.project)
    if not backups:
        sys.stdout.write(f"No backups of project {args.project} in {store.folder(args.project)}.\n")
        return 0
    for backup in backups:
        counts = from_category_schema(backup.category_schema).counts()
        nodes = sum(counts.values())
        commit = (backup.git_commit or "-")[:12]
        sys.stdout.write(f"{backup.name}  {backup.created_at}  by {backup.applied_by}  git {commit}  "
                         f"{nodes} nodes\n")
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    """Restore a backup through the same plan → confirm → write → verify path as apply."""
    store = BackupStore(Path(args.backup_dir) if args.backup_dir else None)
    backup = store.find(args.project, args.to)
    restored = backup.category_schema or EMPTY_SCHEMA
    with closing(_hub(args)) as hub:
        ref = ProjectRef(id=args.project)
        target = Target(ref, args.project)
        plan = make_plan(from_category_schema(restored), live_schema(hub, target), project=args.project,
                         hub=hub.name)
        # Push the backup exactly as it was saved, so the project holds it byte for byte.
        plan = replace(plan, desired_schema=restored)
        sys.stdout.write(f"Rolling project {args.project} back to backup {backup.name} "
                         f"({backup.created_at}).\n")
        _show_runs([ProjectRun(ref, target, plan)], args, sys.stdout)
        if plan.is_empty:
            sys.stdout.write("The project already holds that label set.\n")
            return 0
        check_allowed(plan, args.allow_destructive)
        confirm(f"Roll project {args.project} back?", args)
        outcome = apply_plan(hub, plan, target, store=store, allow_destructive=args.allow_destructive)
    sys.stdout.write(f"Project {outcome.project_id}: rolled back to {backup.name}, verified; the state "
                     f"before the rollback is saved in {outcome.backup}.\n")
    return 0


def add_hub_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--hub", help="an https:// URL, local, local:PATH, or http://127.0.0.1:PORT "
                                      "(default: ANGO_HUB, else Ango Hub when ANGO_API_KEY is set)")
    parser.add_argument("--insecure", action="store_true", help="allow plain http to a non-loopback host")


def add_apply_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--auto-approve", action="store_true", help="do not ask for confirmation")
    parser.add_argument("--allow-destructive", action="store_true",
                        help="allow deletes, replacements and moves that can orphan annotations")
    parser.add_argument("--backup-dir", help="where backups go (default .ango-ontology/backups)")
    parser.add_argument("--no-color", action="store_true", help="no colour even on a terminal")


def register(sub: Any) -> None:
    """Add plan, apply, history and rollback to the command line."""
    plan = sub.add_parser("plan", help="show what apply would change in the live project(s)")
    plan.add_argument("file", metavar="FILE", help="a YAML or Python ontology file")
    plan.add_argument("--project", action="append", default=[], metavar="ID",
                      help="the project (id, or a name from the file); repeat for several")
    add_hub_flags(plan)
    plan.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    plan.add_argument("--out", metavar="PLANFILE", help="save the plan for `apply PLANFILE`")
    plan.add_argument("--detailed-exitcode", action="store_true",
                      help="exit 0 no changes, 2 changes, 3 destructive changes, 1 error")
    plan.add_argument("--no-color", action="store_true", help="no colour even on a terminal")
    plan.add_argument("--check-usage", action="store_true",
                      help="count the annotations each destructive change would orphan (one export per project)")
    plan.set_defaults(func=cmd_plan)

    apply = sub.add_parser("apply", help="push the label set (or a saved plan) to the project(s)")
    apply.add_argument("file", metavar="FILE|PLANFILE", help="an ontology file, or a plan saved with --out")
    apply.add_argument("--project", action="append", default=[], metavar="ID")
    add_hub_flags(apply)
    add_apply_flags(apply)
    apply.set_defaults(func=cmd_apply)

    history = sub.add_parser("history", help="list the backups of a project")
    history.add_argument("project", metavar="PROJECT")
    history.add_argument("--backup-dir")
    history.set_defaults(func=cmd_history)

    rollback = sub.add_parser("rollback", help="restore a backup of a project")
    rollback.add_argument("project", metavar="PROJECT")
    rollback.add_argument("--to", metavar="BACKUP", help="a backup name from `history` (default: the latest)")
    add_hub_flags(rollback)
    add_apply_flags(rollback)
    rollback.set_defaults(func=cmd_rollback)

"""`apply FILE|PLANFILE`, and the backups it leaves: `history PROJECT` and `rollback PROJECT`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from typing import Any

from .. import api
from ..apply import check_allowed
from ..backups import Backup, BackupStore
from ..characters import escape, escape_lines
from ..errors import HubConfigError, Interrupted
from ..hub import Hub
from ..projects import pin_line
from ..runs import ProjectRun
from ..wire import from_category_schema
from ..writing import Journal, Wording
from . import options
from .plan import planned, report_errors, show_runs


@contextmanager
def _reporting_interrupts(what: str, hub: Hub, journal: Journal) -> Iterator[None]:
    """Ctrl-C anywhere in an apply or rollback ends it with what had been written (exit 130)."""
    try:
        yield
    except KeyboardInterrupt:
        raise Interrupted(f"{what} interrupted: {journal.report(hub)}") from None


def cmd_apply(args: argparse.Namespace) -> int:
    """Plan (or read saved plans), check, confirm, write, verify — per project; exit 1 if any failed."""
    saved = api.read_plans(args.files[0]) if len(args.files) == 1 else None
    journal = api.Journal()
    with closing(options.hub_from(args)) as hub, _reporting_interrupts("apply", hub, journal):
        if saved is not None:
            options.counting_note(any(entry.plan.destructive for entry in saved))
            with options.run_progress("Checked").showing():
                if len(saved) == 1 and saved[0].source is None:
                    runs = [api.plan_saved(hub, saved[0].plan, args.project)]
                else:
                    runs = api.plan_saved_set(hub, saved, args.project)
        else:
            runs = planned(hub, args, check_usage=True)
        return _apply_runs(hub, runs, args, journal=journal)


def _apply_runs(hub: Hub, runs: list[ProjectRun], args: argparse.Namespace, journal: Journal) -> int:
    show_runs(runs, args, sys.stdout)
    report_errors(runs)
    for run in runs:
        if run.plan is not None and run.ok:
            check_allowed(run.plan, args.allow_destructive)
    writing = [run for run in runs if run.ok and api.needs_write(run)]
    if writing:
        count = len(writing)
        confirm_text = f"Apply these changes to {count} project{'s' if count != 1 else ''}?"
        options.confirm(confirm_text, args)
    with options.run_progress("Applied").showing() as shown:
        final = api.apply(hub, [run for run in runs if run.ok], backups=options.backup_store(args),
                          allow_destructive=args.allow_destructive, lock_timeout=args.lock_timeout,
                          notify=options.notice, journal=journal, progress=shown.count if shown.live else None)
    by_ref = {id(run.ref): run for run in final}
    return _report_apply([by_ref.get(id(run.ref), run) for run in runs], reported=runs)


def _report_apply(runs: Sequence[ProjectRun], reported: Sequence[ProjectRun] = ()) -> int:
    """One line per project; errors met while planning were reported already and are not repeated."""
    known = {id(run.ref) for run in reported if not run.ok}
    for run in runs:
        if run.error is not None:
            if id(run.ref) not in known:
                sys.stderr.write(f"Error: {escape(run.where)}: {escape_lines(str(run.error))}\n")
            continue
        outcome = run.outcome
        if outcome is None:
            sys.stdout.write(f"Project {escape(run.label)}: no changes.\n")
            continue
        notes = []
        if outcome.created_project:
            notes.append("created the project")
        if outcome.written:
            notes.append(f"applied {len(outcome.plan.changes)} change(s), verified")
        if outcome.batches_created:
            notes.append(f"created batches {', '.join(outcome.batches_created)}")
        if outcome.backup is not None:
            notes.append(f"backup {outcome.backup}")
        sys.stdout.write(escape(f"Project {outcome.project_id}: {'; '.join(notes) or 'no changes'}.") + "\n")
        if outcome.created_project:
            sys.stdout.write(pin_hint(run, outcome.project_id))
    ok = [run for run in runs if run.ok]
    if len(runs) > 1 or len(ok) != len(runs):
        failed = [run.label for run in runs if not run.ok]
        sys.stdout.write(f"Apply complete: {len(ok)} of {len(runs)} project(s) succeeded"
                         + (f"; failed: {escape(', '.join(failed))}" if failed else "") + ".\n")
    return 0 if len(ok) == len(runs) else 1


def pin_hint(run: ProjectRun, project_id: str) -> str:
    """The one-line change that pins a project created by name, so the file names it by id from now on."""
    ref = run.ref
    line = pin_line(ref, project_id, listed=run.listed is not None)
    env = f" (environment {run.environment})" if run.environment else ""
    where = f" in {run.source}{env}" if run.source else env
    what = "its `project:` line" if run.listed is None else \
        f"item {run.listed + 1} of its `projects:` list (the one named {json.dumps(ref.name, ensure_ascii=False)})"
    return escape_lines(f"  Created project {ref.name!r} with id {project_id}. Pin it{where}: replace {what} "
                        f"with\n      {line}\n  so the file names it by id (a renamed project is then never "
                        "created again).") + "\n"


def cmd_history(args: argparse.Namespace) -> int:
    """List the backups of a project (by id, or by name), oldest first: what each apply changed, and rollbacks."""
    store = options.backup_store(args)
    project = _project(args, store)
    backups = store.list(project)
    if not backups:
        sys.stdout.write(escape(f"No backups of project {project} in {store.folder(project)}.") + "\n")
        return 0
    for backup in backups:
        nodes = sum(from_category_schema(backup.category_schema).counts().values())
        commit = (backup.git_commit or "-")[:12]
        sys.stdout.write(escape(f"{backup.name}  {backup.created_at}  by {backup.applied_by}  git {commit}  "
                                f"{nodes} nodes  {_what_followed(backup)}") + "\n")
    return 0


def _what_followed(backup: Backup) -> str:
    """`then: 2 create, 1 delete` — what the apply after this backup changed; a rollback says so."""
    done = ", ".join(f"{count} {action}" for action, count in (backup.changes or {}).items())
    what = f"rollback to {backup.rollback_to}" if backup.rollback_to else "apply"
    if backup.changes is None and not backup.rollback_to:
        return "then: (not recorded)"
    return f"then: {what}" + (f" ({done})" if done else "")


def _project(args: argparse.Namespace, store: BackupStore) -> str:
    """The project's id from PROJECT, an id or a name (the names backups recorded, else the hub's)."""
    try:
        hub = options.hub_from(args) if args.hub or os.environ.get("ANGO_HUB") or args.command == "rollback" \
            else None
    except HubConfigError:
        hub = None
    if hub is None:
        return api.project_id_of(args.project, backups=store)
    with closing(hub):
        return api.project_id_of(args.project, backups=store, hub=hub)


def cmd_rollback(args: argparse.Namespace) -> int:
    """Restore a backup through the same plan → confirm → write → verify path as apply."""
    store = options.backup_store(args)
    project = _project(args, store)
    journal = api.Journal(Wording(rollback=True))
    with closing(options.hub_from(args)) as hub, _reporting_interrupts("rollback", hub, journal):
        planned = api.plan_rollback(hub, project, backups=store, to=args.to)
        backup = planned.backup
        sys.stdout.write(escape(f"Rolling project {project} back to backup {backup.name} ({backup.created_at}).")
                         + "\n")
        show_runs([planned.run], args, sys.stdout)
        if planned.plan.is_empty:
            sys.stdout.write("The project already holds that label set.\n")
            return 0
        check_allowed(planned.plan, args.allow_destructive, rollback=True)
        options.confirm(f"Roll project {project} back?", args)
        outcome = api.rollback(hub, planned, backups=store, allow_destructive=args.allow_destructive,
                               lock_timeout=args.lock_timeout, notify=options.notice, journal=journal)
    sys.stdout.write(escape(f"Project {outcome.project_id}: rolled back to {backup.name}, verified; the state "
                            f"before the rollback is saved in {outcome.backup}.") + "\n")
    return 0


def register(sub: Any) -> None:
    apply = sub.add_parser("apply", help="push the label set (or a saved plan) to the project(s)")
    apply.add_argument("files", nargs="+", metavar="FILE|PLANFILE",
                       help="ontology files, folders or globs; or a plan file saved with --out")
    options.add_project_flag(apply)
    options.add_env_flag(apply)
    options.add_hub_flags(apply)
    options.add_apply_flags(apply)
    apply.set_defaults(func=cmd_apply)

    history = sub.add_parser("history", help="list the backups of a project")
    history.add_argument("project", metavar="PROJECT", help="the project's id, or its name")
    options.add_backup_dir(history)
    options.add_hub_flags(history)
    history.set_defaults(func=cmd_history)

    rollback = sub.add_parser("rollback", help="restore a backup of a project")
    rollback.add_argument("project", metavar="PROJECT", help="the project's id, or its name")
    rollback.add_argument("--to", metavar="BACKUP", help="a backup name from `history`, or the start of one "
                                                         "(default: the latest)")
    options.add_hub_flags(rollback)
    options.add_apply_flags(rollback)
    rollback.set_defaults(func=cmd_rollback)

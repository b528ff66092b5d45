"""Plan and apply over one or many projects at once; each project's result or error is kept apart."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TypeVar

from .apply import Outcome, Safety, apply_plan, count_impact
from .backups import BackupStore
from .diff import make_plan
from .errors import AngoOntologyError, InternalError
from .hub.base import Hub
from .live import Live
from .model import Ontology, ProjectRef
from .plan import Plan, SourceFile
from .projects import Target, find, live_project, missing_batches
from .writing import Journal

MAX_WORKERS = 4
Progress = Callable[[int, int], None]
T = TypeVar("T")


@dataclass(frozen=True)
class ProjectRun:
    """One project's part of a run: its target, the live state and plan, what apply did, or the error that
    stopped it."""

    ref: ProjectRef
    target: Target | None = None
    plan: Plan | None = None
    outcome: Outcome | None = None
    error: AngoOntologyError | None = None
    live: Live | None = None
    source: str | None = None  # the file the label set came from, in a run over several
    environment: str | None = None  # its environment, when the file has `environments:`
    batches: tuple[str, ...] = ()  # the batches its label set asks for
    saved: bool = False  # its plan was read from a plan file (checked again when applied)
    listed: int | None = None  # its index in the file's `projects:` list (None: `project:`, or none)

    @property
    def label(self) -> str:
        if self.target is not None:
            return self.target.label
        return self.ref.id or self.ref.name or "?"

    @property
    def where(self) -> str:
        """`ontology/cars.yaml [staging] → project 64c2…`: which file, environment and project."""
        env = f" [{self.environment}]" if self.environment else ""
        project = f"project {self.label}" if self.ref.id or self.ref.name or self.target else "(no project)"
        return f"{self.source}{env} → {project}" if self.source else f"{project}{env}"

    @property
    def ok(self) -> bool:
        return self.error is None


def _each(items: Sequence[T], work: Callable[[T], ProjectRun], progress: Progress | None) -> list[ProjectRun]:
    """Run `work` on every item, a few at a time (the hub client keeps the rate limit), in input order."""
    if len(items) <= 1:
        return [work(item) for item in items]
    results = []
    with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(items))) as pool:
        futures = [pool.submit(work, item) for item in items]
        try:
            for future in futures:
                results.append(future.result())
                if progress is not None:
                    progress(len(results), len(items))
        except BaseException:
            # Ctrl-C: start nothing more; what is under way finishes, so what was written is known.
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return results


def plan_one(hub: Hub, ontology: Ontology, ref: ProjectRef, *, check_usage: bool = False,
             source: SourceFile | None = None) -> ProjectRun:
    """Find the project and plan the label set against it; errors are kept, not raised."""
    try:
        target = find(hub, ref)
        schema, name = live_project(hub, target)
        live = Live.read(schema)
        plan = make_plan(ontology, live, project=target.project_id, project_name=name or ref.name, hub=hub.name,
                         source=source)
        plan = replace(plan, creates_project=target.project_id is None,
                       batches=missing_batches(hub, target.project_id, ontology.batches))
        if check_usage:
            plan = count_impact(hub, plan, live)
        return ProjectRun(ref, target, plan, live=live)
    except AngoOntologyError as error:
        return ProjectRun(ref, error=error)
    except Exception as error:  # a bug in one project must not hide the others' results
        return ProjectRun(ref, error=InternalError.wrap(error))


def plan_all(hub: Hub, ontology: Ontology, refs: Sequence[ProjectRef], progress: Progress | None = None,
             *, check_usage: bool = False, source: SourceFile | None = None) -> list[ProjectRun]:
    """A plan per project, made concurrently; with annotation usage counted when asked. A project named
    twice (by id and by a name that resolves to it) is planned, and so applied, once."""
    return _once(_each(refs, lambda ref: plan_one(hub, ontology, ref, check_usage=check_usage, source=source),
                       progress))


def _once(runs: list[ProjectRun]) -> list[ProjectRun]:
    """The runs with each resolved project kept at its first place only."""
    seen: set[str] = set()
    kept = []
    for run in runs:
        project = run.target.project_id if run.target is not None else None
        if project is not None:
            if project in seen:
                continue
            seen.add(project)
        kept.append(run)
    return kept


def apply_all(hub: Hub, runs: Sequence[ProjectRun], *, store: BackupStore, source: str | None,
              batches: Sequence[str], allow_destructive: bool, safety: Safety | None = None,
              progress: Progress | None = None) -> list[ProjectRun]:
    """Apply each planned project concurrently; a failure in one leaves the others to complete. A project
    created before a failure is named by its id in the failed run."""
    safety = safety or Safety()
    journal = safety.journal if safety.journal is not None else Journal(safety.wording)
    safety = replace(safety, journal=journal)

    def work(run: ProjectRun) -> ProjectRun:
        if run.error is not None or run.plan is None or run.target is None:
            return run
        try:
            outcome = apply_plan(hub, run.plan, run.target, store=store, live=run.live,
                                 source=source or run.source, batches=batches or run.batches,
                                 allow_destructive=allow_destructive, safety=replace(safety, saved=run.saved))
            return replace(run, outcome=outcome)
        except AngoOntologyError as error:
            return replace(run, error=error, target=_created(run, journal))
        except Exception as error:  # a bug in one project must not hide the others' results
            return replace(run, error=InternalError.wrap(error), target=_created(run, journal))

    return _each(runs, work, progress)


def _created(run: ProjectRun, journal: Journal) -> Target | None:
    """The run's target, with the id of the project this run created for it, if it did."""
    created = journal.created_for(run.ref)
    return run.target if created is None or run.target is None else replace(run.target, project_id=created)

"""Jobs: one (file, environment, project) each — what a run over many label-set files plans and applies.

Every project of every file is planned in one run, concurrently within the hub's rate limit (the
worker pool of `runs`). A file that cannot be loaded, and a project two label sets claim, become
failed runs of their own: the others still plan, and the run's exit code is the worst outcome.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from . import environments as envs
from .errors import AngoOntologyError, InputError, InternalError, Problem
from .hub.base import Hub
from .loader import read
from .model import Ontology, ProjectRef
from .plan import SourceFile
from .projects import choose_refs
from .revisions import source_file
from .runs import ProjectRun, _each, plan_one

Attribute = Callable[[ProjectRun, Ontology], ProjectRun]
Done = Callable[[ProjectRun, int, int], None]
"""Told of each project as it finishes: its run, how many are finished, how many there are."""


@dataclass(frozen=True)
class Job:
    """One project to plan: the label set its environment gets, where it came from, and the project."""

    ontology: Ontology
    ref: ProjectRef
    source: str | None = None
    environment: str | None = None
    error: AngoOntologyError | None = None  # known before planning: the job fails with it
    listed: int | None = None  # the project's index in its `projects:` list (None: `project:`, or none)

    def failed(self) -> ProjectRun:
        assert self.error is not None
        return ProjectRun(self.ref, error=self.error, source=self.source, environment=self.environment)


@dataclass(frozen=True)
class Source:
    """One label-set file as loaded: its label set and warnings, or why it could not be loaded."""

    file: str
    ontology: Ontology | None
    error: AngoOntologyError | None = None
    warnings: tuple[Problem, ...] = ()


def load_sources(files: Sequence[str]) -> list[Source]:
    """Every file loaded, each with its label set or its error (one bad file does not stop the others)."""
    out = []
    for name in files:
        try:
            loaded = read(name, locate_warnings=False)
            out.append(Source(name, loaded.ontology, warnings=loaded.warnings))
        except AngoOntologyError as error:
            out.append(Source(name, None, error))
    return out


def jobs_of(ontology: Ontology, *, source: str | None = None, projects: Sequence[str] = (),
            environments: Sequence[str] = ()) -> list[Job]:
    """The jobs of one label set: each environment's projects (narrowed to `projects`, ids or names).

    A selector that names none of the file's projects targets that project with the file's label set
    (`plan labels.yaml --project ID`), unless the file has environments: then it must name one of theirs.
    """
    views = envs.choose(ontology, environments)
    if not ontology.environments:
        return [Job(ontology, ref, source, listed=_listed(ontology, ref))
                for ref in choose_refs(ontology, list(projects))]
    jobs = [Job(view.ontology, ref, source, view.name, listed=_listed(view.ontology, ref))
            for view in views for ref in view.ontology.own_targets()
            if not projects or ref.id in projects or ref.name in projects]
    missing = [name for name in projects if not any(name in (job.ref.id, job.ref.name) for job in jobs)]
    if missing:
        raise InputError(f"project {', '.join(missing)} is in no environment of {source or 'this file'}; "
                         "with environments, --project picks among their projects")
    return jobs


def _listed(ontology: Ontology, ref: ProjectRef) -> int | None:
    """Where a label set's `projects:` list names `ref` (the very object), if it does."""
    return next((index for index, item in enumerate(ontology.projects) if item is ref), None)


def jobs_of_sources(sources: Sequence[Source], *, projects: Sequence[str] = (),
                    environments: Sequence[str] = ()) -> list[Job]:
    """Every job of every file, narrowed by `projects` and `environments`; files that failed as failed jobs.

    With several files, `--project` and `--env` only narrow: a selector no file names is an error.
    """
    jobs: list[Job] = []
    for source in sources:
        if source.ontology is None:
            jobs.append(Job(Ontology(), ProjectRef(), source.file, error=source.error))
            continue
        if environments and not (set(environments) & set(source.ontology.environments)):
            continue
        try:
            found = jobs_of(source.ontology, source=source.file, environments=[
                name for name in environments if name in source.ontology.environments])
        except AngoOntologyError as error:
            jobs.append(Job(source.ontology, ProjectRef(), source.file, error=error))
            continue
        jobs += [job for job in found if not projects or job.ref.id in projects or job.ref.name in projects]
    unknown = [name for name in projects if not any(name in (job.ref.id, job.ref.name) for job in jobs)]
    if unknown:
        raise InputError(f"no file targets project {', '.join(unknown)}")
    _check_environments(sources, environments)
    return claimed_once(jobs)


def _check_environments(sources: Sequence[Source], environments: Sequence[str]) -> None:
    """InputError for an `--env` that no file defines: a typo would otherwise plan nothing and exit 0."""
    defined = {name: None for source in sources if source.ontology is not None for name in source.ontology.environments}
    unknown = [name for name in environments if name not in defined]
    if not unknown:
        return
    has = f"they define {', '.join(defined)}" if defined else "none of them defines environments"
    unread = [source.file for source in sources if source.ontology is None]
    skipped = f" (not counting {', '.join(unread)}, which did not load)" if unread else ""
    raise InputError(f"--env {', '.join(unknown)}: no file defines it; {has}{skipped}")


def claimed_once(jobs: Sequence[Job]) -> list[Job]:
    """Jobs whose project another label set (another file or environment) also targets fail: one project,
    one label set, or the two would overwrite each other at every apply."""
    owners: dict[tuple[str, str], list[Job]] = {}
    for job in jobs:
        if job.error is None:
            key = ("id", job.ref.id) if job.ref.id else ("name", job.ref.name or "")
            owners.setdefault(key, []).append(job)
    out = []
    for job in jobs:
        key = ("id", job.ref.id) if job.ref.id else ("name", job.ref.name or "")
        others = [o for o in owners.get(key, []) if (o.source, o.environment) != (job.source, job.environment)]
        if job.error is None and others:
            names = ", ".join(_origin(o) for o in [job, *others])
            job = replace(job, error=InputError(f"project {job.ref.id or job.ref.name} is the target of "
                                                f"several label sets ({names}); give each project one"))
        out.append(job)
    return out


def _origin(job: Job) -> str:
    return f"{job.source or 'the file'}" + (f" [{job.environment}]" if job.environment else "")


def plan_jobs(hub: Hub, jobs: Sequence[Job], *, check_usage: bool = False, done: Done | None = None,
              attribute: Attribute | None = None) -> list[ProjectRun]:
    """A plan per job, made concurrently; `done` is told of each project as it finishes (any thread).

    `attribute(run, desired)` may add to each plan what a later stage knows (drift.Attributor: each
    change's origin against the last applied version).
    """
    lock = threading.Lock()
    finished = 0
    described = _described()

    def work(job: Job) -> ProjectRun:
        nonlocal finished
        try:
            run = job.failed() if job.error is not None else replace(
                plan_one(hub, job.ontology, job.ref, check_usage=check_usage, source=described(job.source)),
                source=job.source, environment=job.environment, batches=tuple(job.ontology.batches),
                listed=job.listed)
            if attribute is not None and run.ok:
                run = attribute(run, job.ontology)
        except Exception as error:  # a bug in one project must not hide the others' results
            run = ProjectRun(job.ref, error=InternalError.wrap(error), source=job.source,
                             environment=job.environment)
        with lock:
            finished += 1
            if done is not None:
                done(run, finished, len(jobs))
        return run

    return once(_each(list(jobs), work, None))


def _described() -> Callable[[str | None], SourceFile | None]:
    """The file of a job with its git commit (for the plan's header), looked up once per file."""
    lock = threading.Lock()
    known: dict[str, SourceFile] = {}

    def describe(name: str | None) -> SourceFile | None:
        if name is None:
            return None
        with lock:
            if name not in known:
                known[name] = source_file(name)
            return known[name]

    return describe


def once(runs: list[ProjectRun]) -> list[ProjectRun]:
    """A project that two jobs resolved to (by id in one, by name in another) is planned once: within one label
    set its first run stands; claimed by two label sets, each of their runs fails (see `claimed_once`)."""
    owners: dict[str, set[tuple[str | None, str | None]]] = {}
    for run in runs:
        if run.target is not None and run.target.project_id is not None:
            owners.setdefault(run.target.project_id, set()).add((run.source, run.environment))
    seen: set[tuple[str, str | None, str | None]] = set()
    out = []
    for run in runs:
        project = run.target.project_id if run.target is not None else None
        if project is None:
            out.append(run)
            continue
        if len(owners[project]) > 1:
            names = ", ".join(sorted(f"{s or 'the file'}" + (f" [{e}]" if e else "") for s, e in owners[project]))
            run = replace(run, plan=None, error=InputError(
                f"project {project} is the target of several label sets ({names}); give each project one"))
        key = (project, run.source, run.environment)
        if key not in seen:
            seen.add(key)
            out.append(run)
    return out


__all__ = ["Job", "Source", "claimed_once", "jobs_of", "jobs_of_sources", "load_sources", "plan_jobs"]

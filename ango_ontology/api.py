"""The public Python API: load, validate, plan, apply, saved plans, rollback, pull, diff, fmt, guide and import;
it never prints.

    from contextlib import closing
    import ango_ontology as ango

    ontology = ango.load("ontology.yaml")
    with closing(ango.open_hub("local")) as hub:
        runs = ango.plan(ontology, hub)
        for run in ango.apply(hub, runs, allow_destructive=False):
            print(run.label, run.error or run.outcome)

Every function raises an `AngoOntologyError` (see `ango_ontology.errors`) for what the user can fix;
functions over several projects keep each project's error in its `ProjectRun` instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from . import fmt as _fmt
from .activity import report
from .apply import Outcome, Safety, apply_plan, count_impact
from .backups import Backup, BackupStore
from .diff import make_plan
from .environments import effective
from .errors import AngoOntologyError, InputError, OntologyInvalid, Problem
from .guide import guide_html, guide_markdown, version_of
from .hub import Hub, open_hub
from .importers import SOURCES, Imported, import_file
from .jobs import Attribute, Job, Source, jobs_of, jobs_of_sources, load_sources, plan_jobs
from .live import Live
from .loader import Loaded, load, load_text, read, read_text
from .locks import DEFAULT_TIMEOUT as DEFAULT_LOCK_TIMEOUT
from .locks import LockSettings, Notify
from .merge import merge_into
from .model import JSON, SECTION_NAMES, Ontology, ProjectRef
from .plan import Plan
from .projects import Target, choose_refs, live_schema
from .pull import pull_yaml
from .revisions import folder_files, joined, load_spec, source_file
from .runs import Progress, ProjectRun, apply_all
from .saved import SavedPlan, plan_saved, plan_saved_set, read_plan, read_plans, saved_plans_json
from .sources import expand, label_sets
from .wire import from_category_schema
from .writing import Journal

EMPTY_SCHEMA: JSON = {name: [] for name in SECTION_NAMES}
GUIDE_FORMATS = ("html", "markdown")
IMPORT_SOURCES = tuple(SOURCES)

__all__ = ["DEFAULT_LOCK_TIMEOUT", "EMPTY_SCHEMA", "GUIDE_FORMATS", "IMPORT_SOURCES", "Imported", "Job", "Journal",
           "Loaded", "ProjectRef", "Rollback", "SavedPlan", "Source", "Validation", "apply", "choose_targets", "diff",
           "diff_pairs", "drift_base", "files", "format_text", "guide", "import_config", "jobs_of", "json_to_yaml",
           "load", "load_files", "load_text", "load_text_with_warnings", "load_with_warnings", "open_hub", "plan",
           "plan_files", "plan_jobs", "plan_rollback", "plan_saved", "plan_saved_set", "plan_sources",
           "project_id_of", "pull", "pull_into", "read_plan", "read_plans", "rollback", "saved_plans_json",
           "validate"]


# --- files --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Validation:
    """One file checked: its label set when valid, else every error found in it (`failure`: the file
    could not be read at all, and why); and its warnings either way, which fail nothing."""

    file: str
    ontology: Ontology | None
    problems: list[Problem] = field(default_factory=list)
    failure: str | None = None
    warnings: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.ontology is not None


def validate(path: str | os.PathLike[str]) -> Validation:
    """Load and check one file; errors and warnings are returned, not raised, each at its line and column
    (a file that cannot be read is an error too)."""
    name = os.fspath(path)
    try:
        loaded = read(name)
        return Validation(name, loaded.ontology, warnings=list(loaded.warnings))
    except OntologyInvalid as error:
        return Validation(name, None, list(error.problems), warnings=list(error.warnings))
    except AngoOntologyError as error:
        return Validation(name, None, [Problem(error.message, "", name)], failure=str(error))


def load_with_warnings(path: str | os.PathLike[str]) -> Loaded:
    """The label set of a file and its warnings (rules of shape broken by nodes the hub already holds);
    OntologyInvalid on any error. Warnings name their breadcrumb; `validate` gives their lines too."""
    return read(path, locate_warnings=False)


def load_text_with_warnings(text: str, filename: str = "<string>") -> Loaded:
    """`load_with_warnings` for YAML text, each warning at its line and column."""
    return read_text(text, filename)


def format_text(text: str, filename: str = "<string>") -> str:
    """An ontology file's text in the canonical layout (comments kept); OntologyInvalid if it is not YAML."""
    return _fmt.format_text(text, filename)


def json_to_yaml(text: str, filename: str = "<string>") -> str:
    """A label set written as JSON (an SDK categorySchema, a project's JSON) as readable YAML in the canonical
    layout; OntologyInvalid if it is not JSON."""
    return _fmt.json_to_yaml(text, filename)


def diff(old: Ontology | str | os.PathLike[str], new: Ontology | str | os.PathLike[str]) -> Plan:
    """What changes from one definition to another, offline; each a label set, a file or `REV:PATH` in git."""
    before = old if isinstance(old, Ontology) else load_spec(os.fspath(old))
    after = new if isinstance(new, Ontology) else load_spec(os.fspath(new))
    return make_plan(after, before, source=None if isinstance(new, Ontology) else source_file(os.fspath(new)),
                     base=None if isinstance(old, Ontology) else source_file(os.fspath(old)))


def diff_pairs(old: str, new: str) -> list[tuple[str, str | None, Plan]] | None:
    """Per label set, what changes between two folders (each a folder or `REV:FOLDER`), paired by their
    paths inside; or between two files with environments, per environment. None for two plain files."""
    old_files, new_files = folder_files(old), folder_files(new)
    if old_files is None and new_files is None:
        before, after = load_spec(old), load_spec(new)
        if not (before.environments or after.environments):
            return None
        return [(new, name, plan) for name, plan in _env_plans(before, after)]
    if old_files is None or new_files is None:
        raise InputError(f"diff compares two files or two folders; {old if old_files is None else new} is a file")
    out = []
    for name in sorted(set(old_files) | set(new_files)):
        before = load_spec(joined(old, name)) if name in old_files else Ontology()
        after = load_spec(joined(new, name)) if name in new_files else Ontology()
        out += [(joined(new, name), env, plan) for env, plan in _env_plans(before, after)]
    return out


def _env_plans(before: Ontology, after: Ontology) -> list[tuple[str | None, Plan]]:
    if not (before.environments or after.environments):
        return [(None, make_plan(after, before))]
    names = list(after.environments) + [name for name in before.environments if name not in after.environments]
    return [(name, make_plan(_view(after, name), _view(before, name))) for name in names]


def _view(ontology: Ontology, name: str) -> Ontology:
    return effective(ontology, name) if name in ontology.environments else Ontology()


# --- plan and apply ---------------------------------------------------------------------------------------

def choose_targets(ontology: Ontology, projects: Sequence[str] = ()) -> list[ProjectRef]:
    """The projects a label set is for, narrowed to `projects` (ids or names) when given."""
    return choose_refs(ontology, list(projects))


def plan(ontology: Ontology, hub: Hub, projects: Sequence[str] = (), *, check_usage: bool = False,
         progress: Progress | None = None, environments: Sequence[str] = (),
         source: str | None = None) -> list[ProjectRun]:
    """A plan per target project (see `choose_targets`; each environment's, when the file has some), made
    concurrently; `source` is the file the label set was read from, named with its git commit in each plan's
    header."""
    jobs = jobs_of(ontology, source=source, projects=projects, environments=environments)
    return plan_jobs(hub, jobs, check_usage=check_usage, done=_counting(progress, len(jobs)))


def files(paths: Sequence[str | os.PathLike[str]], *, fragments: bool = False) -> list[str]:
    """The ontology files that files, folders and globs name (folders and globs skip fragments)."""
    return expand([os.fspath(path) for path in paths], fragments=fragments)


def plan_files(hub: Hub, paths: Sequence[str | os.PathLike[str]], *, projects: Sequence[str] = (),
               environments: Sequence[str] = (), check_usage: bool = False,
               done: Callable[[ProjectRun, int, int], None] | None = None,
               attribute: Attribute | None = None) -> list[ProjectRun]:
    """A plan per project of every label-set file in `paths` (files, folders, globs), made concurrently.

    A file that does not load, and a project two label sets claim, are failed runs; `projects` and
    `environments` narrow the run (naming one no file has is an InputError). `done(run, finished, total)`
    hears of each project as it finishes, from any thread; `attribute` (see `drift_base`) tells drift from
    intent.
    """
    return plan_sources(hub, load_files(paths), projects=projects, environments=environments,
                        check_usage=check_usage, done=done, attribute=attribute)


def load_files(paths: Sequence[str | os.PathLike[str]]) -> list[Source]:
    """Every label set in files, folders and globs, each with its warnings, or the error that stopped it."""
    return load_sources(label_sets(files(paths))[0])


def plan_sources(hub: Hub, sources: Sequence[Source], *, projects: Sequence[str] = (),
                 environments: Sequence[str] = (), check_usage: bool = False,
                 done: Callable[[ProjectRun, int, int], None] | None = None,
                 attribute: Attribute | None = None) -> list[ProjectRun]:
    """`plan_files` for label sets loaded already (see `load_files`)."""
    jobs = jobs_of_sources(sources, projects=projects, environments=environments)
    return plan_jobs(hub, jobs, check_usage=check_usage, done=done, attribute=attribute)


def drift_base(revision: str | None = None, *, backups: BackupStore | None = None,
               quiet: bool = False) -> Attribute:
    """What tells each plan's drift from its intent: against `revision` (git), else the commit the project's
    latest backup in `backups` recorded; `quiet` says nothing when there is none."""
    from .drift import Attributor  # git and the diff of three sides: loaded only by a plan that needs them

    return Attributor(revision, backups if backups is not None else BackupStore(), quiet=quiet)


def _counting(progress: Progress | None, total: int) -> Callable[[ProjectRun, int, int], None] | None:
    if progress is None or total <= 1:
        return None
    return lambda _run, finished, total: progress(finished, total)


def apply(hub: Hub, runs: Sequence[ProjectRun], *, backups: BackupStore | None = None, source: str | None = None,
          batches: Sequence[str] = (), allow_destructive: bool = False, lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
          notify: Notify | None = None, journal: Journal | None = None,
          progress: Progress | None = None) -> list[ProjectRun]:
    """Apply planned runs (from `plan` or `plan_saved`), each with a backup and a read-back; in input order.

    Each project is applied under its run lock: another run of this tool on it is waited for up to
    `lock_timeout` seconds (`notify` hears that, and of a stale lock broken). `journal`, when given, records
    each write as it happens, so that after an interruption `journal.report(hub)` says what was written.
    Runs that failed to plan, or need nothing done, are returned as they were.
    """
    pending = [run for run in runs if run.plan is not None and (needs_write(run) or batches or run.batches)]
    safety = Safety(LockSettings(lock_timeout, notify), journal)
    done = apply_all(hub, pending, store=backups or BackupStore(), source=source, batches=batches,
                     allow_destructive=allow_destructive, safety=safety, progress=progress)
    by_ref = {id(run.ref): run for run in done}
    return [by_ref.get(id(run.ref), run) for run in runs]


def needs_write(run: ProjectRun) -> bool:
    """Whether applying a planned run changes the hub: a label set to push, a project or batches to create."""
    return run.plan is not None and (not run.plan.is_empty or (run.target is not None and
                                                                 run.target.project_id is None))


def project_id_of(selector: str, *, backups: BackupStore | None = None, hub: Hub | None = None) -> str:
    """A project's id from its id or its name: the backups' folders, the names backups recorded, then the hub.

    InputError when a name fits several projects; a selector nothing knows is returned as it is (an id).
    """
    store = backups or BackupStore()
    if store.folder(selector).is_dir():
        return selector
    named = store.ids_named(selector)
    if not named and hub is not None:
        named = sorted(str(p.get("_id")) for p in hub.list_projects() if p.get("name") == selector)
    if len(named) > 1:
        raise InputError(f"project name {selector!r} fits several projects ({', '.join(named)}); give its id")
    return named[0] if named else selector


# --- rollback ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rollback:
    """A backup to restore and the plan that restores it (the backup's categorySchema pushed verbatim)."""

    backup: Backup
    run: ProjectRun

    @property
    def plan(self) -> Plan:
        assert self.run.plan is not None
        return self.run.plan


def plan_rollback(hub: Hub, project: str, *, backups: BackupStore | None = None, to: str | None = None) -> Rollback:
    """What restoring a backup (the latest, or the one named by `to`) would change in the project."""
    backup = (backups or BackupStore()).find(project, to)
    restored = backup.category_schema or EMPTY_SCHEMA
    ref = ProjectRef(id=project)
    target = Target(ref, project)
    live = Live.read(live_schema(hub, target))
    made = make_plan(from_category_schema(restored), live, project=project, hub=hub.name)
    # A rollback has no file: hints on how to edit one (`id:`, `renamed_from:`) do not apply.
    changes = tuple(replace(change, hint=None) for change in made.changes)
    # Push the backup exactly as it was saved, so the project holds it byte for byte; count what its
    # destructive changes would orphan, as apply does.
    plan = count_impact(hub, replace(made, changes=changes, desired_schema=restored), live)
    return Rollback(backup, ProjectRun(ref, target, plan, live=live))


def rollback(hub: Hub, planned: Rollback, *, backups: BackupStore | None = None, allow_destructive: bool = False,
             lock_timeout: float = DEFAULT_LOCK_TIMEOUT, notify: Notify | None = None,
             journal: Journal | None = None) -> Outcome:
    """Restore the backup through the same lock, checks, backup and read-back as apply."""
    assert planned.run.target is not None
    safety = Safety(LockSettings(lock_timeout, notify), journal, rollback=True, rollback_to=planned.backup.name)
    return apply_plan(hub, planned.plan, planned.run.target, store=backups or BackupStore(), live=planned.run.live,
                      allow_destructive=allow_destructive, safety=safety)


# --- pull -------------------------------------------------------------------------------------------------

def pull(hub: Hub, project_id: str) -> str:
    """The live label set of a project as an ontology file's text, with an explicit id on every node."""
    report(f"reading project {project_id}")
    project = hub.get_project(project_id)
    report(f"writing the label set of project {project_id} as YAML")
    return pull_yaml(project, project_id=project_id, hub_name=hub.name)


def pull_into(hub: Hub, project_id: str, text: str, filename: str = "<string>",
              step: Callable[[str], None] | None = None, *, base: Ontology | None = None, base_label: str = "",
              said: list[str] | None = None) -> str:
    """An existing file's text with the project's live changes merged in: only the lines of what changed
    change (comments and layout kept). `step` hears what is under way, for a progress display.

    What the live project lacks is kept when the file added it, removed when the web UI deleted it: decided
    by `base` (the label set as last applied, `base_label` naming that version) when given, else by the
    file's explicit ids; each item kept or removed is said in `said`. InputError when the file names other
    projects than this one, when the live changes fall in a part other label sets share (an `include:`
    fragment, or the file's own nodes when it has environments), or when the merged file would not load.
    """
    if step is not None:
        step("reading the file")
    mine = load_text(text, filename)
    if step is not None:
        step("reading the project")
    project = hub.get_project(project_id)
    _check_own_file(mine, project_id, project.get("name"), filename)
    from .merge_parts import merge_parts, uses_parts  # only pull --into needs it
    from .pull_into import check_merged

    kept = {"base": base, "base_label": base_label, "said": said}
    merged = merge_parts(text, mine, project, project_id, filename, step, **kept) if uses_parts(mine, text) \
        else merge_into(text, project, filename, step, mine, base=base, base_label=base_label, said=said)
    if merged != text:
        check_merged(merged, project, filename)
    return merged


def _check_own_file(mine: Ontology, project_id: str, name: object, filename: str) -> None:
    """Refuse a file whose projects (by id, or by name where it gives no id) are not this one."""
    refs = mine.targets()
    if refs and not any(ref.id == project_id if ref.id else ref.name == name for ref in refs):
        named = ", ".join(ref.id or repr(ref.name) for ref in refs)
        this = f"{project_id} ({name!r})" if isinstance(name, str) else project_id
        raise InputError(f"{filename} is the label set of project {named}, not of {this}: pull it into its "
                         "own file (or add the project to the file's `projects:`)")


# --- guide and import -------------------------------------------------------------------------------------

def guide(path: str | os.PathLike[str], format: str = "html", *, now: datetime | None = None) -> str:
    """The annotator guide of the label set in `path` (`html`: one self-contained page; `markdown`), naming the
    file's git commit and the day (`now`, default today)."""
    if format not in GUIDE_FORMATS:
        raise InputError(f"unknown guide format {format!r}; one of: {', '.join(GUIDE_FORMATS)}")
    ontology = load(path)
    version = version_of(os.fspath(path), now)
    return guide_html(ontology, version) if format == "html" else guide_markdown(ontology, version)


def import_config(source: str, path: str | os.PathLike[str], *, tool: str = "bounding-box",
                  now: datetime | None = None) -> Imported:
    """Another platform's label configuration (`source`: one of IMPORT_SOURCES) as an ontology file's text, with
    every element that did not carry over exactly in `warnings`. `tool` is the tool type of COCO categories."""
    return import_file(source, os.fspath(path), tool=tool, now=now)

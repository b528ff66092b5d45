"""The write of one label set: the last read, the backup, the compare-and-swap write and the read-back;
and a journal of the writes, so that a failure or an interruption says truthfully what was written."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .backups import BackupStore, git_commit
from .diff import make_plan
from .errors import ApplyError, ConflictError, HubError, StalePlanError, VerificationFailed
from .hub.base import Hub
from .live import Live
from .model import JSON, ProjectRef
from .plan import Change, Plan
from .projects import pin_line, schema_of
from .wire import fingerprint, from_category_schema


def listing(changes: Sequence[Change], limit: int = 10) -> str:
    """The first `limit` changes, one `  - …` line each, and how many more there are."""
    lines = [f"  - {c.describe()}" for c in changes[:limit]]
    if len(changes) > limit:
        lines.append(f"  … and {len(changes) - limit} more")
    return "\n".join(lines)


def replanned(plan: Plan, live: Live | JSON | None, *, exact: bool = True) -> Plan:
    """The plan's own categorySchema planned again against `live` (empty when the project holds it).

    Not `exact`: only what the models say, for a read-back (a hub may store the same meaning its own way).
    """
    return make_plan(from_category_schema(plan.desired_schema), live, exact=exact)


def holds(plan: Plan, schema: JSON | None) -> bool:
    """Whether a categorySchema read back is what the plan pushes: the same bytes, or the same meaning."""
    return fingerprint(schema) == plan.desired_fingerprint or replanned(plan, schema, exact=False).is_empty


@dataclass(frozen=True)
class Wording:
    """What a message tells the user to run next: a rollback has no file, so `plan` is no advice after one."""

    rollback: bool = False

    @property
    def rerun(self) -> str:
        return "run rollback again to see what it would change now" if self.rollback else "run plan again"

    def look(self, project_id: str) -> str:
        """How to see what a project holds now."""
        if self.rollback:
            return f"run `ango-ontology pull {project_id}` to see what it holds now"
        return "run plan to see what it holds now"


@dataclass
class Write:
    """One write of a journal: where the state before it is saved, and whether the hub has answered."""

    project_id: str
    backup: Path
    before: str
    desired: str
    done: bool = False

    def state(self, hub: Hub, wording: Wording) -> str:
        """What the project holds now, in words, read from the hub when the write had no answer yet."""
        saved = f"the label set before it is saved in {self.backup}"
        look = wording.look(self.project_id)
        if self.done:
            return f"project {self.project_id} was written ({saved})"
        try:
            now = fingerprint(schema_of(hub.get_project(self.project_id)))
        except HubError:
            return f"project {self.project_id} may have been written: it could not be read back ({saved}; {look})"
        if now == self.desired:
            return f"project {self.project_id} was written ({saved})"
        if now == self.before:
            return (f"nothing was written to project {self.project_id} (its write was sent but not answered: "
                    f"should it still reach the hub, it lands; {look})")
        return f"project {self.project_id} holds neither its old nor the planned label set ({saved}; {look})"


@dataclass(frozen=True)
class Creation:
    """A project an apply created (by name): it stays on the hub whatever happens next."""

    project_id: str
    ref: ProjectRef

    def state(self) -> str:
        return (f"project {self.ref.name!r} was created with id {self.project_id} (pin it in its file: "
                f"`{pin_line(self.ref, self.project_id)}`, or in a `projects:` list the item "
                f"`{pin_line(self.ref, self.project_id, listed=True)}`; else a later apply creates it again)")


class Journal:
    """The projects created and the writes of one apply run, across its threads; read after an interruption
    (or a failure) to say what was done."""

    def __init__(self, wording: Wording | None = None) -> None:
        self.wording = wording or Wording()
        self._lock = threading.Lock()
        self._writes: list[Write] = []
        self._created: list[Creation] = []

    def created(self, project_id: str, ref: ProjectRef) -> Creation:
        """Record a project this run created."""
        creation = Creation(project_id, ref)
        with self._lock:
            self._created.append(creation)
        return creation

    def created_for(self, ref: ProjectRef) -> str | None:
        """The id of the project this run created for `ref`, if it created one."""
        with self._lock:
            return next((c.project_id for c in self._created if c.ref is ref), None)

    def start(self, write: Write) -> Write:
        with self._lock:
            self._writes.append(write)
        return write

    def drop(self, write: Write) -> None:
        """Forget a write that surely did not happen."""
        with self._lock:
            self._writes.remove(write)

    def report(self, hub: Hub) -> str:
        """`nothing was written`, or each project created and what each write left in its project."""
        with self._lock:
            writes, created = list(self._writes), list(self._created)
        if not writes and not created:
            return "nothing was written"
        return "; ".join([*(c.state() for c in created), *(write.state(hub, self.wording) for write in writes)])


def write(hub: Hub, project_id: str, plan: Plan, *, store: BackupStore, source: str | None,
          journal: Journal | None = None, wording: Wording | None = None, project_name: str | None = None,
          rollback_to: str | None = None) -> tuple[Path, JSON | None]:
    """Read the project once more, back it up, and write the plan's categorySchema only while the project
    still holds what the plan was made against. The backup's path and the label set it holds.

    The backup records the project's name, what this write changes and, for a rollback, what it restores."""
    wording = wording or Wording()
    commit = git_commit(source)  # runs git: before the last read, not between it and the write
    before = schema_of(hub.get_project(project_id))
    if fingerprint(before) != plan.live_fingerprint:
        raise StalePlanError(f"project {project_id} changed while this run went on (someone edited it, or another "
                             f"run wrote it); nothing was written: {wording.rerun}")
    backup = store.save(project_id, before, hub=hub.name, plan_fingerprint=plan.desired_fingerprint,
                        source=source, commit=commit, project_name=project_name,
                        changes={action: count for action, count in plan.counts.items() if count},
                        rollback_to=rollback_to)
    journal = journal or Journal()
    entry = journal.start(Write(project_id, backup, plan.live_fingerprint, plan.desired_fingerprint))
    try:
        hub.create_label_set(project_id, plan.desired_schema, expected=plan.live_fingerprint)
    except ConflictError as error:
        if not _landed(hub, project_id, plan):
            if error.earlier_attempt_may_have_landed:
                raise ApplyError(_overwritten_after_landing(project_id, backup, wording)) from None
            _forget(store, journal, entry)
            raise StalePlanError(f"another writer changed project {project_id} between this run's last read "
                                 "and its write; the hub refused the write and nothing was written: "
                                 f"{wording.rerun}") from None
    except HubError as error:
        state, untouched = _state_after_failure(hub, project_id, plan, before, backup, wording)
        if untouched:
            _forget(store, journal, entry)
        raise ApplyError(f"the write to project {project_id} failed: {error}\n{state}") from None
    entry.done = True
    return backup, before


def _overwritten_after_landing(project_id: str, backup: Path, wording: Wording) -> str:
    """A retried write refused after an attempt whose answer was lost: it may have landed and been overwritten."""
    return (f"the write to project {project_id} may have happened and then been changed by another writer: an "
            "attempt whose answer was lost may have landed, and when it was sent again the project held something "
            f"else, so the hub refused it. The label set read just before the write is saved in {backup} "
            f"(`ango-ontology rollback {project_id}` restores it); {wording.look(project_id)}.")


def _landed(hub: Hub, project_id: str, plan: Plan) -> bool:
    """After a refused write: whether the project holds the plan anyway (a retry of a write that had landed)."""
    try:
        return holds(plan, schema_of(hub.get_project(project_id)))
    except HubError:
        return False


def _forget(store: BackupStore, journal: Journal, entry: Write) -> None:
    """A write that surely did not happen leaves no backup: the latest backup stays the one `rollback` means."""
    store.discard(entry.backup)
    journal.drop(entry)


def _state_after_failure(hub: Hub, project_id: str, plan: Plan, before: JSON | None, backup: Path,
                         wording: Wording) -> tuple[str, bool]:
    """What a failed write left in the project, in words; and whether it surely left it untouched."""
    try:
        now = schema_of(hub.get_project(project_id))
    except HubError:
        return (f"The project's state could not be read back: the write may have happened; the label set before "
                f"it is saved in {backup}; {wording.look(project_id)}.", False)
    if fingerprint(now) == fingerprint(before):
        return "Nothing was changed: the project still holds its previous label set.", True
    if holds(plan, now):
        return ("Although the hub reported a failure, the project now holds the planned label set; "
                f"{wording.look(project_id)}.", False)
    return (f"The project now holds neither the old nor the planned label set. The old one is saved in "
            f"{backup}: `ango-ontology rollback {project_id}` restores it.", False)


def verify(hub: Hub, project_id: str, plan: Plan, before: JSON | None, backup: Path,
           wording: Wording | None = None) -> None:
    """Read the project back: the planned categorySchema, or one that plans to no changes; else say what
    happened — another writer, or a write that did not take — and where the state before it is saved."""
    saved = f"The label set read just before the write is saved in {backup}"
    look = (wording or Wording()).look(project_id)
    try:
        schema = schema_of(hub.get_project(project_id))
    except HubError as error:
        raise VerificationFailed(f"the label set was written to project {project_id}, but reading it back failed "
                                 f"({error}). {saved}; {look}.") from None
    if fingerprint(schema) == plan.desired_fingerprint:
        return
    check = replanned(plan, schema, exact=False)
    if check.is_empty:
        return
    unplanned = unplanned_changes(plan, before, schema)
    if unplanned:
        raise VerificationFailed(
            f"another writer changed project {project_id} during the apply: reading it back shows "
            f"{len(unplanned)} change(s) that neither this plan made nor the project held before (or the hub "
            f"altered what was sent):\n{listing(unplanned)}\n{saved} (`ango-ontology rollback {project_id}` "
            f"restores it); {look}.")
    raise VerificationFailed(f"the apply to project {project_id} did not take: reading it back shows "
                             f"{len(check.changes)} difference(s) from the plan:\n{listing(list(check.changes))}\n"
                             f"{saved}.")


def unplanned_changes(plan: Plan, before: JSON | None, after: JSON | None) -> list[Change]:
    """The changes from `before` to `after` that the plan does not make: what someone else did."""
    ours = {_essence(change) for change in replanned(plan, before, exact=False).changes}
    theirs = make_plan(from_category_schema(after), before, exact=False).changes
    return [change for change in theirs if _essence(change) not in ours]


def _essence(change: Change) -> str:
    return repr((change.action, change.kind, change.path, change.id, change.before, change.after))

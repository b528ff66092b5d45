"""Annotation usage: how many labels, in how many tasks, point at each node of a live label set.

Counted from an export (choice answers as option values and tree paths) or from task answers
(choice answers as option ids) alike: an answer is matched to an option by id first, then by value.
The count fails closed: a node whose annotations an export does not list (a brush), an export that
does not cover every task of the project, or a failed export gives an impact that is *unknown*.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from .activity import report
from .errors import HubError
from .hub.base import Hub
from .identity import index_by_id
from .model import (
    CLASSIFICATION_TYPES,
    JSON,
    RELATION_TYPES,
    SECTIONS,
    Classification,
    Item,
    Node,
    Ontology,
    Option,
    TreeOption,
)
from .plan import Change, Impact, Plan, count_of
from .wire import Choices

SUBTREE_ACTIONS = frozenset({"delete", "move"})
# The types whose annotations an export lists (objects under `task.tools`, answers under
# `classifications`, links under `relations`), so that counting them is exact. Brush strokes are only
# a mask URL (`task.brushDataUrl`), rank answers have no documented export form, and point-cloud
# (`pct`) and any type this list does not name are not known to appear: their impact is unknown.
COUNTED_TYPES = {
    "tool": frozenset({"bounding-box", "rotated-bounding-box", "polygon", "polyline", "segmentation", "point",
                       "ner", "pdf", "spline"}),
    "classification": frozenset(CLASSIFICATION_TYPES) - {"rank"},
    "relation": frozenset(RELATION_TYPES),
}


@dataclass
class Usage:
    """Annotations and the tasks holding them, per node id; the tasks read; why no count can be trusted."""

    annotations: dict[str, int] = field(default_factory=dict)
    tasks: dict[str, set[str]] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)
    unknown: str | None = None

    @classmethod
    def failed(cls, reason: str) -> Usage:
        """No usage at all: every impact counted from it is unknown, for `reason`."""
        return cls(unknown=reason)

    def add(self, node_id: str, task: str) -> None:
        self.annotations[node_id] = self.annotations.get(node_id, 0) + 1
        self.tasks.setdefault(node_id, set()).add(task)

    def covering(self, total: int | None) -> Usage:
        """The same usage, unknown unless the tasks read are exactly the project's `total` tasks."""
        if total is None:
            self.unknown = self.unknown or "the hub did not say how many tasks the project has"
        elif len(self.seen) != total:
            self.unknown = self.unknown or (f"the export listed {count_of(len(self.seen), 'task')}, but the "
                                            f"project has {total}")
        return self

    def impact(self, ids: Iterable[str], nested: Iterable[str] = (), unknown: str | None = None) -> Impact:
        """The labels pointing at any of `ids`, the distinct tasks they are in, the answers of the `nested`
        questions inside them; unknown when this usage or the caller says why."""
        total, tasks = 0, set()
        for node_id in ids:
            total += self.annotations.get(node_id, 0)
            tasks |= self.tasks.get(node_id, set())
        inside = sum(self.annotations.get(node_id, 0) for node_id in nested)
        return Impact(total, len(tasks), inside, self.unknown or unknown)


class _Schema:
    """Lookups into the live label set: nodes by id and by title, choices by id, value and tree path."""

    def __init__(self, live: Ontology) -> None:
        self.by_id = index_by_id(live)
        self._choices: dict[int, Choices] = {}
        self.top = {section.name: _titles(live.section(section.name)) for section in SECTIONS}

    def node(self, answer: JSON, siblings: dict[str, Node]) -> Node | None:
        found = self.by_id.get(str(answer.get("schemaId")))
        if isinstance(found, Node):
            return found
        return siblings.get(str(answer.get("title")))

    def choices(self, node: Classification, answer: Any) -> Iterator[str]:
        values = answer if isinstance(answer, list) else [answer]
        # One lookup table per classification for the whole export, not one per answer.
        options = self._choices.get(id(node))
        if options is None:
            options = self._choices[id(node)] = Choices.of(node)
        for value in values:
            if isinstance(value, dict):  # some clients send {"schemaId"/"value": …}
                value = value.get("schemaId") or value.get("value")
            key = str(value)
            if key in self.by_id and isinstance(self.by_id[key], (Option, TreeOption)):
                yield key
            elif (option_id := options.id_of(key)) is not None:
                yield option_id


def _titles(nodes: Iterable[Node]) -> dict[str, Node]:
    return {node.title: node for node in nodes}


class _Counter:
    def __init__(self, live: Ontology) -> None:
        self.schema = _Schema(live)
        self.usage = Usage()

    def record(self, record: JSON, index: int) -> None:
        task = task_key(record, index)
        self.usage.seen.add(task)
        answer = record.get("task") or record.get("answer") or {}
        if not isinstance(answer, dict):
            return
        for key in ("tools", "relations"):
            for item in _dicts(answer.get(key)):
                self.object(item, self.schema.top[key], task)
        self.classifications(answer.get("classifications"), self.schema.top["classifications"], task)

    def object(self, item: JSON, siblings: dict[str, Node], task: str) -> None:
        node = self.schema.node(item, siblings)
        if node is not None and node.id is not None:
            self.usage.add(node.id, task)
        nested = _titles(node.classifications) if node is not None else {}
        self.classifications(item.get("classifications"), nested, task)

    def classifications(self, answers: Any, siblings: dict[str, Any], task: str) -> None:
        for item in _dicts(answers):
            node = self.schema.node(item, siblings)
            if isinstance(node, Classification) and node.id is not None:
                self.usage.add(node.id, task)
                for choice in self.schema.choices(node, item.get("answer")):
                    self.usage.add(choice, task)
            nested = _titles(node.classifications) if node is not None else {}
            self.classifications(item.get("classifications"), nested, task)


def task_key(record: JSON, index: int) -> str:
    """Which task a record is: `task.taskId` (an export), `_id` (a task), else its asset; never its
    externalId, which two tasks may share. A record with none of these is a task of its own."""
    task = record.get("task")
    if isinstance(task, dict) and task.get("taskId"):
        return f"task:{task['taskId']}"
    if record.get("_id"):
        return f"task:{record['_id']}"
    asset = record.get("assetId") or record.get("asset")
    if isinstance(asset, dict):
        asset = asset.get("_id")
    if isinstance(asset, (str, int)) and not isinstance(asset, bool) and str(asset):
        return f"asset:{asset}"
    return f"record:{index}"


def _dicts(value: Any) -> list[JSON]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def count_usage(live: Ontology, records: Iterable[JSON]) -> Usage:
    """Usage per node id from export records (or tasks with answers) of a project."""
    counter = _Counter(live)
    for index, record in enumerate(records):
        if isinstance(record, dict):
            counter.record(record, index)
        if index % _EVERY == _EVERY - 1:
            report(f"counted the annotations of {index + 1:,} tasks")
    return counter.usage


_EVERY = 5_000  # tasks between two progress reports


def read_usage(hub: Hub, project_id: str, live: Ontology) -> Usage:
    """The project's usage from one export, checked against its task total; unknown when it cannot be had."""
    try:
        total = hub.task_total(project_id)
        records = hub.export(project_id)
    except HubError as error:
        return Usage.failed(f"the export failed ({error})")
    return count_usage(live, records).covering(total)


def with_impact(plan: Plan, live: Ontology, usage: Usage) -> Plan:
    """The plan with `impact` on every destructive change.

    A node's own annotations count (a tool: its objects), each once; the answers of questions nested in
    them are shown beside. A deleted or moved option or tree option counts the answers choosing it or
    any node below it.
    """
    by_id = index_by_id(live)
    uncounted = _uncounted(live)

    def counted(change: Change) -> Change:
        if not change.destructive or change.id is None or change.id not in by_id:
            return change
        node = by_id[change.id]
        subtree = [(item.id, item) for item in node.walk() if item.id is not None]
        reason = next((uncounted[item_id] for item_id, _ in subtree if item_id in uncounted), None)
        if isinstance(node, Node):
            nested = [item_id for item_id, item in subtree if isinstance(item, Classification) and item is not node]
            return replace(change, impact=usage.impact([change.id], nested, reason))
        ids = [item_id for item_id, _ in subtree] if change.action in SUBTREE_ACTIONS else [change.id]
        return replace(change, impact=usage.impact(ids, (), reason))

    return replace(plan, changes=tuple(counted(change) for change in plan.changes))


def _uncounted(live: Ontology) -> dict[str, str]:
    """Why the annotations of a node cannot be counted, by id: its type, or a type of a node it sits in."""
    reasons: dict[str, str] = {}
    stack: list[tuple[Item, str | None]] = [(node, None) for node in live.nodes()]
    while stack:
        item, inherited = stack.pop()
        reason = inherited
        if reason is None and isinstance(item, Node) and item.type not in COUNTED_TYPES[item.kind]:
            reason = f"exports do not list the annotations of a {item.type} {item.kind}"
        if reason is not None and item.id is not None:
            reasons[item.id] = reason
        stack.extend((child, reason) for child in _children(item))
    return reasons


def _children(item: Item) -> list[Item]:
    if isinstance(item, Option):
        return []
    if isinstance(item, TreeOption):
        return list(item.children)
    children: list[Item] = [*item.classifications, *item.options]
    return children + (list(item.tree_options) if isinstance(item, Classification) else [])

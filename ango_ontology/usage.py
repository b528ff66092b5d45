"""Annotation usage: how many labels, in how many tasks, point at each node of a live label set.

Counted from an export (choice answers as option values and tree paths) or from task answers
(choice answers as option ids) alike: an answer is matched to an option by id first, then by value.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from .identity import index_by_id
from .model import JSON, SECTIONS, Classification, Node, Ontology, Option, TreeOption
from .plan import Change, Impact, Plan
from .wire import Choices

SUBTREE_ACTIONS = frozenset({"delete", "move"})


@dataclass
class Usage:
    """Annotations and the tasks holding them, per node id."""

    annotations: dict[str, int] = field(default_factory=dict)
    tasks: dict[str, set[str]] = field(default_factory=dict)

    def add(self, node_id: str, task: str) -> None:
        self.annotations[node_id] = self.annotations.get(node_id, 0) + 1
        self.tasks.setdefault(node_id, set()).add(task)

    def impact(self, ids: Iterable[str]) -> Impact:
        """The labels pointing at any of `ids`, and the distinct tasks they are in."""
        total, tasks = 0, set()
        for node_id in ids:
            total += self.annotations.get(node_id, 0)
            tasks |= self.tasks.get(node_id, set())
        return Impact(total, len(tasks))


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
        task = str(record.get("taskId") or record.get("_id") or record.get("externalId") or index)
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


def _dicts(value: Any) -> list[JSON]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def count_usage(live: Ontology, records: Iterable[JSON]) -> Usage:
    """Usage per node id from export records (or tasks with answers) of a project."""
    counter = _Counter(live)
    for index, record in enumerate(records):
        if isinstance(record, dict):
            counter.record(record, index)
    return counter.usage


def with_impact(plan: Plan, live: Ontology, usage: Usage) -> Plan:
    """The plan with `impact` on every destructive change: a delete or move counts the whole subtree."""
    by_id = index_by_id(live)

    def counted(change: Change) -> Change:
        if not change.destructive or change.id is None or change.id not in by_id:
            return change
        node = by_id[change.id]
        ids = [item.id for item in node.walk() if item.id] if change.action in SUBTREE_ACTIONS else [change.id]
        return replace(change, impact=usage.impact(ids))

    return replace(plan, changes=tuple(counted(change) for change in plan.changes))

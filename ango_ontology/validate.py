"""Semantic checks of an ontology: every problem found, each with its model path, breadcrumb and severity.

Two kinds of rule. Rules about the file (ids unique and well formed, `when` resolving, keys that
mean one thing) are always errors. Rules about what a label set should look like (known types,
options only where they belong, titles present and distinct, …) are errors for a node written
without an `id` — a person typing something new — and warnings for a node with an explicit `id`,
which is what `pull` writes for everything the hub already holds: Ango accepted it, so it must load.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from typing import Any

from .characters import reads_as
from .findings import Crumb, Finding, crumb_text
from .hub.base import MAX_DEPTH
from .links import link_problem
from .model import (
    COLUMN_TYPES,
    OPTION_TYPES,
    SECTIONS,
    TEXT_TYPE,
    TREE_TYPE,
    Classification,
    Item,
    Node,
    Ontology,
    Option,
    ProjectRef,
    TreeOption,
    wire_keys,
)
from .naming import (
    TREE_SEPARATOR,
    Named,
    duplicate_message,
    duplicates,
    hidden_problem,
    id_problem,
    renames,
    tree_title_problem,
)
from .normalise import DocPath, did_you_mean
from .wire import flatten_tree

_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")
SHORTCUT_KEYS = frozenset([str(d) for d in range(10)] + [f"ctrl+{d}" for d in range(10)] + list("abcdefghijk"))
_SECTIONS = {section.name: section for section in SECTIONS}


class _Checker:
    def __init__(self, broken: Collection[DocPath]) -> None:
        self.findings: list[Finding] = []
        self.broken = broken
        self.ids: dict[str, Crumb] = {}
        self._choices: dict[int, tuple[list[str], set[str], set[str | None]]] = {}

    def add(self, path: DocPath, crumb: Crumb, message: str, warning: bool = False) -> None:
        """A problem with the file itself: an error, unless only the live project can settle it (a `when:` that
        may name an option's old value: plan checks it)."""
        self.findings.append(Finding(path, crumb_text(crumb), message, warning))

    def shape(self, item: Item, path: DocPath, crumb: Crumb, message: str) -> None:
        """A problem with what the label set looks like: a warning when the hub already holds the item."""
        self.findings.append(Finding(path, crumb_text(crumb), message, warning=item.id is not None))

    def claim_id(self, node_id: str | None, path: DocPath, crumb: Crumb) -> None:
        if node_id is None:
            return
        problem = id_problem(node_id)
        if problem is not None:
            # Spaces or hidden code points may be what the hub really holds (ids can be edited in the web UI):
            # changing them would orphan the annotations, and a mistyped id shows in the plan as a replacement.
            self.add(path + ("id",), crumb, problem, warning=bool(node_id.strip()))
        elif node_id in self.ids:
            self.add(path + ("id",), crumb, f"duplicate id '{node_id}' (also used by "
                     f"{crumb_text(self.ids[node_id])})")
        else:
            self.ids[node_id] = crumb

    def protection(self, item: Item, path: DocPath, crumb: Crumb) -> None:
        if item.protect and item.id is None:
            self.add(path + ("protect",), crumb, "`protect: true` needs an explicit `id:` beside it: protection "
                     "follows the node's id, and without one a rename (of this node or a sibling) gives it a new "
                     "identity, so its labels could be deleted; `pull` writes the ids")

    def text(self, item: Item, text: str | None, path: DocPath, crumb: Crumb, what: str) -> None:
        problem = hidden_problem(text, what) if text is not None else None
        if problem is not None:
            self.shape(item, path, crumb, problem)

    def names(self, items: list[Any], path: DocPath, crumb: Crumb, among: str, what: str, where: str) -> None:
        """Duplicate titles (option values) among siblings, and their `renamed_from`."""
        field = "value" if among == "options" else "title"
        broken = self.broken
        renamed = any(item.renamed_from is not None for item in items)
        if not renamed and not broken and len({reads_as(getattr(item, field)) for item in items}) == len(items):
            return  # the common case: every name distinct, nothing renamed
        named = [Named(i, getattr(item, field), item.renamed_from) for i, item in enumerate(items)
                 if not broken or path + (i,) not in broken]
        for sibling, first in duplicates(named):
            item = items[sibling.at]
            self.shape(item, path + (sibling.at, field), self.crumb_of(crumb, among, item, sibling.at),
                       duplicate_message(sibling.name, first, what, where))
        for sibling, message in renames(named, field):
            item = items[sibling.at]
            self.add(path + (sibling.at, "renamed_from"), self.crumb_of(crumb, among, item, sibling.at),
                     message)

    def crumb_of(self, crumb: Crumb, among: str, item: Any, index: int) -> Crumb:
        return (crumb, among, item.value if isinstance(item, Option) else item.title, index)

    # --- nodes -------------------------------------------------------------------------------------------

    def section(self, nodes: list[Any], path: DocPath, crumb: Crumb, section: str, parent: Node | None) -> None:
        self.names(nodes, path + (section,), crumb, section, "title", f"among these {section}")
        for index, node in enumerate(nodes):
            own_path = path + (section, index)
            if not self.broken or own_path not in self.broken:
                self.node(node, own_path, self.crumb_of(crumb, section, node, index), section, parent)

    def node(self, node: Node, path: DocPath, crumb: Crumb, section: str, parent: Node | None) -> None:
        kinds = _SECTIONS[section].types
        known_type = node.type in kinds
        if not known_type:
            self.shape(node, path + ("type",), crumb, f"unknown {_SECTIONS[section].kind} type '{node.type}'"
                       f"{did_you_mean(node.type, kinds)}; expected one of: {', '.join(kinds)}")
        if not node.title.strip():
            self.shape(node, path + ("title",), crumb, "the title is empty")
        self.text(node, node.title, path + ("title",), crumb, "the title")
        self.claim_id(node.id, path, crumb)
        self.examples(node.examples, path, crumb)
        self.protection(node, path, crumb)
        self.attributes(node, path, crumb)
        if known_type:  # what an unknown type may hold is unknown: one problem is enough
            self.option_rules(node, path, crumb)
        if isinstance(node, Classification):
            self.classification(node, path, crumb, parent)
        self.extra_keys(node.extra, path, crumb, wire_keys(type(node)))
        self.section(node.classifications, path, crumb, "classifications", node)
        nested = [(path + ("classifications", i), child) for i, child in enumerate(node.classifications)]
        self.shortcut_clashes(nested, crumb)

    def examples(self, links: list[str], path: DocPath, crumb: Crumb) -> None:
        """Example links go into the annotator guide: web links and relative paths only, nothing a page runs."""
        for index, link in enumerate(links):
            problem = link_problem(link)
            if problem:
                self.add(path + ("examples", index), crumb, problem)

    def attributes(self, node: Node, path: DocPath, crumb: Crumb) -> None:
        if node.color is not None and not _COLOR.fullmatch(node.color):
            self.shape(node, path + ("color",), crumb, f"color '{node.color}' is not a colour like '#1F77B4'")
        if node.shortcut_key and node.shortcut_key not in SHORTCUT_KEYS:
            self.shape(node, path + ("shortcut_key",), crumb, f"shortcut key '{node.shortcut_key}' is not one "
                       "of '0'-'9', 'ctrl+0'-'ctrl+9', 'a'-'k'")
        if node.column_field and not (isinstance(node, Classification) and node.type in COLUMN_TYPES):
            self.shape(node, path + ("column_field",), crumb,
                       f"column_field is only allowed on instance classifications, not on a {node.type}")

    def option_rules(self, node: Node, path: DocPath, crumb: Crumb) -> None:
        takes_options = isinstance(node, Classification) and node.type in OPTION_TYPES
        if node.options and not takes_options:
            hint = " (a tree dropdown takes `tree:`; its options are derived from the tree)" \
                if node.type == TREE_TYPE else ""
            self.shape(node, path + ("options",), crumb, f"a {node.type} takes no options{hint}; options belong "
                       f"on {', '.join(OPTION_TYPES)}")
        elif takes_options and not node.options:
            self.shape(node, path + ("options",), crumb, f"a {node.type} needs at least one option")
        self.options(node.options, path + ("options",), crumb)

    def options(self, options: list[Option], path: DocPath, crumb: Crumb) -> None:
        self.names(options, path, crumb, "options", "option value", "")
        for index, option in enumerate(options):
            if self.broken and path + (index,) in self.broken:
                continue
            own = (crumb, "options", option.value, index)
            if not option.value.strip():
                self.shape(option, path + (index, "value"), own, "the option value is empty")
            self.text(option, option.value, path + (index, "value"), own, "the option value")
            self.claim_id(option.id, path + (index,), own)
            if option.examples:
                self.examples(option.examples, path + (index,), own)
            if option.protect:
                self.protection(option, path + (index,), own)
            if option.extra:
                self.extra_keys(option.extra, path + (index,), own, wire_keys(Option))

    def classification(self, node: Classification, path: DocPath, crumb: Crumb, parent: Node | None) -> None:
        if node.tree_options and node.type != TREE_TYPE:
            self.shape(node, path + ("tree_options",), crumb, f"a {node.type} takes no tree; only tree-dropdown does")
        if node.type == TREE_TYPE and not node.tree_options:
            self.shape(node, path, crumb, "a tree-dropdown needs a tree (`tree:`)")
        self.tree(node.tree_options, path + ("tree_options",), crumb)
        if node.tree_options:
            self.tree_paths(node, path, crumb)
        if node.regex is not None:
            self.regex(node, path, crumb)
        if node.rich_text and node.type != TEXT_TYPE:
            self.shape(node, path + ("rich_text",), crumb, f"rich_text is only for text classifications, "
                       f"not {node.type}")
        self.condition(node, path, crumb, parent)

    def regex(self, node: Classification, path: DocPath, crumb: Crumb) -> None:
        if node.type != TEXT_TYPE:
            self.shape(node, path + ("regex",), crumb, f"regex is only for text classifications, not {node.type}")
        try:
            re.compile(node.regex or "")
        except re.error as error:
            self.shape(node, path + ("regex",), crumb, f"regex {node.regex!r} does not compile: {error}")

    def condition(self, node: Classification, path: DocPath, crumb: Crumb, parent: Node | None) -> None:
        """`when` must name an option of the parent (a rule of the file); a raw `parent_option_id` is what
        the hub holds, and Ango keeps one whose option was deleted (a rule of shape)."""
        if node.when is None and node.parent_option_id is None:
            return
        field = "when" if node.when is not None else "parent_option_id"
        if node.when is not None and node.parent_option_id is not None:
            self.add(path + ("when",), crumb, "give either `when` or `parent_option_id`, not both")
            return
        report = self.add if field == "when" else lambda p, c, m: self.shape(node, p, c, m)
        values, value_set, id_set = self.choices(parent)
        if parent is None or not values:
            where = "it is at the top level" if parent is None else f"its parent (a {parent.type}) has none"
            report(path + (field,), crumb, f"`{field}` needs a parent classification with options, but {where}")
            return
        if node.when is not None and node.when not in value_set:
            self.unknown_when(node.when, parent, values, path + ("when",), crumb)
        elif node.parent_option_id is not None and node.parent_option_id not in id_set:
            report(path + ("parent_option_id",), crumb, f"parent_option_id '{node.parent_option_id}' is "
                   f"not the id of an option of the parent {parent.type} '{parent.title}'")

    def unknown_when(self, when: str, parent: Node, values: list[str], path: DocPath, crumb: Crumb) -> None:
        """A `when:` that names no option by its value: an option's old name (`renamed_from`) is fine; the
        old value of an option with an `id:` only the live project knows, so plan checks that one."""
        if any(option.renamed_from == when for option in parent.options):
            return
        message = (f"when: '{when}' names no option of the parent {parent.type} '{parent.title}'"
                   f"{did_you_mean(when, values)}; its options: {', '.join(values[:10])}"
                   f"{'…' if len(values) > 10 else ''}")
        fix = f"if an option was renamed from '{when}', add `renamed_from: {when}` to it, or write its new value here"
        if any(option.id is not None for option in parent.options):
            self.add(path, crumb, f"{message}. If it is the old value of an option with an `id:`, plan follows "
                     f"the rename through the live project, but validate cannot check that offline: {fix}",
                     warning=True)
        else:
            self.add(path, crumb, f"{message} — {fix}")

    def choices(self, parent: Node | None) -> tuple[list[str], set[str], set[str | None]]:
        """The parent's answer values (listed, as a set) and ids, once per parent however many it reveals."""
        key = id(parent)
        if key not in self._choices:
            pairs = _choices(parent)
            values = [value for value, _ in pairs]
            self._choices[key] = (values, set(values), {option_id for _, option_id in pairs})
        return self._choices[key]

    def tree(self, nodes: list[TreeOption], path: DocPath, crumb: Crumb) -> None:
        self.names(nodes, path, crumb, "tree", "tree node", "among its siblings")
        for index, item in enumerate(nodes):
            here = path + (index,)
            if self.broken and here in self.broken:
                continue
            own = self.crumb_of(crumb, "tree", item, index)
            if not item.title.strip():
                self.shape(item, here + ("title",), own, "the tree node title is empty")
            problem = tree_title_problem(item.title)
            if problem is not None:
                self.shape(item, here + ("title",), own, problem)
            self.text(item, item.title, here + ("title",), own, "the title")
            self.text(item, item.value, here + ("value",), own, "the value")
            self.claim_id(item.id, here, own)
            self.examples(item.examples, here, own)
            self.protection(item, here, own)
            self.extra_keys(item.extra, here, own, wire_keys(TreeOption))
            self.tree(item.children, here + ("children",), own)

    def tree_paths(self, node: Classification, path: DocPath, crumb: Crumb) -> None:
        """Two tree nodes with one path (`A / B`): whatever the titles, a `when:` could not tell them apart."""
        seen: dict[str, tuple[DocPath, Crumb]] = {}
        for flat, item, here, own in _tree_walk(node.tree_options, path + ("tree_options",), crumb, self):
            first = seen.setdefault(flat, (here, own))
            if first[0] != here and first[0][:-1] != here[:-1]:  # equal siblings are reported as duplicates
                self.shape(item, here + ("title",), own, f"the tree path {flat!r} is also the path of another "
                           f"tree node ({crumb_text(first[1])}); give one of them another title")

    def extra_keys(self, extra: dict[str, Any], path: DocPath, crumb: Crumb, modelled: Mapping[str, str]) -> None:
        for key in extra:
            if key in modelled:
                self.add(path + ("extra", key), crumb, f"extra.{key} is a modelled attribute; set it directly")

    def shortcut_clashes(self, nodes: list[tuple[DocPath, Any]], crumb: Crumb) -> None:
        seen: dict[str, str] = {}
        for item_path, item in nodes:
            key = item.shortcut_key
            if not key or (self.broken and item_path in self.broken):
                continue
            if key in seen:
                self.shape(item, item_path + ("shortcut_key",), (crumb, item_path[-2], item.title, item_path[-1]),
                           f"shortcut key '{key}' is already used by '{seen[key]}'")
            else:
                seen[key] = item.title


def _tree_walk(nodes: list[TreeOption], path: DocPath, crumb: Crumb, checker: _Checker,
               prefix: str = "") -> Iterator[tuple[str, TreeOption, DocPath, Crumb]]:
    """(flattened path, node, its path in the document, its crumb) for every tree node, depth first."""
    for index, item in enumerate(nodes):
        flat = f"{prefix}{TREE_SEPARATOR}{item.title}" if prefix else item.title
        here, own = path + (index,), checker.crumb_of(crumb, "tree", item, index)
        yield flat, item, here, own
        yield from _tree_walk(item.children, here + ("children",), own, checker, flat)


def _choices(parent: Node | None) -> list[tuple[str, str | None]]:
    if parent is None:
        return []
    if isinstance(parent, Classification) and parent.type == TREE_TYPE:
        return list(flatten_tree(parent.tree_options))
    if isinstance(parent, Classification) and parent.type in OPTION_TYPES:
        return [(o.value, o.id) for o in parent.options]
    return []


def check(ontology: Ontology, broken: Collection[DocPath] = frozenset()) -> list[Finding]:
    """Every semantic problem of the ontology (types, duplicates, conditions, colours, shortcuts…).

    `broken` holds the paths of what the loader could not read (already reported): nothing at or under
    them is checked again, so one mistake gives one message.
    """
    too_deep = _too_deep(ontology)
    if too_deep is not None:
        return [too_deep]  # the other checks walk the tree recursively
    checker = _Checker(broken)
    for section in SECTIONS:
        checker.section(ontology.section(section.name), (), "", section.name, None)
    top = [((section.name, i), node) for section in SECTIONS for i, node in enumerate(ontology.section(section.name))]
    checker.shortcut_clashes(top, "")
    _check_targets(checker, ontology)
    if not broken:
        return checker.findings
    return [finding for finding in checker.findings if not _under(finding.path, broken)]


def _under(path: DocPath, broken: Collection[DocPath]) -> bool:
    return any(path[:end] in broken for end in range(len(path) + 1))


def _too_deep(ontology: Ontology) -> Finding | None:
    """The first node nested deeper than a hub can store (`MAX_DEPTH` levels), found without recursion."""
    stack: list[tuple[int, DocPath, Item]] = [
        (1, (section.name, i), node) for section in SECTIONS for i, node in enumerate(ontology.section(section.name))]
    while stack:
        level, path, item = stack.pop()
        if level > MAX_DEPTH:
            return Finding(path, "", f"the label set nests deeper than {MAX_DEPTH} levels here: the local hub "
                           f"cannot store it (nor check it); keep nested questions, options and tree levels "
                           f"within {MAX_DEPTH}")
        stack.extend((level + 1, path + (key, i), child) for key, children in _children(item)
                     for i, child in enumerate(children))
    return None


def _children(item: Item) -> list[tuple[str, list[Any]]]:
    if isinstance(item, Option):
        return []
    if isinstance(item, TreeOption):
        return [("children", item.children)]
    nested: list[tuple[str, list[Any]]] = [("classifications", item.classifications), ("options", item.options)]
    return nested + ([("tree_options", item.tree_options)] if isinstance(item, Classification) else [])


def _check_targets(checker: _Checker, ontology: Ontology) -> None:
    refs: list[tuple[DocPath, ProjectRef]] = [(("project",), ontology.project)] if ontology.project else []
    refs += [(("projects", i), ref) for i, ref in enumerate(ontology.projects)]
    targets: set[tuple[str | None, str | None]] = set()
    for path, ref in refs:
        if not ref.id and not ref.name and not any(place[:len(path)] == path for place in checker.broken):
            checker.add(path, "project", "a project needs an `id` or a `name`")
        if ref.id and (problem := id_problem(ref.id)):
            checker.add(path + ("id",), "project", problem)
        if ref.name and (problem := hidden_problem(ref.name, "the project name")):
            checker.add(path + ("name",), "project", problem)
        key = (ref.id, None) if ref.id else (None, ref.name)
        if key in targets:
            checker.add(path, "project", f"project {ref.id or ref.name!r} is listed twice")
        targets.add(key)
    seen: set[str] = set()
    for index, batch in enumerate(ontology.batches):
        problem = "a batch needs a name" if not batch.strip() else hidden_problem(batch, "the batch name")
        if problem:
            checker.add(("batches", index), "batches", problem)
        elif batch in seen:
            checker.add(("batches", index), "batches", f"duplicate batch '{batch}'")
        seen.add(batch)

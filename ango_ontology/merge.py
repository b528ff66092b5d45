"""pull --into: bring live drift back into an existing file, changing only the lines of what changed.

The file is matched to the live label set through the ids `plan` resolves; each list (nodes, options,
tree nodes) is brought to the live order with the fewest edits: deleted items lose their lines, new
ones get lines written in their siblings' style (a bare title among bare titles), and only the items
outside a longest common subsequence move. Everything else — comments, quoting, layout — stays byte
for byte (see `yaml_edits`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .diff import fewest_moves
from .diff_nodes import attributes as compared_attributes
from .errors import InputError
from .fmt import NODE_ORDER, TREE_ORDER
from .identity import resolve
from .loader import load_text
from .model import JSON, SECTION_NAMES, TREE_TYPE, Classification, Ontology, Option, TreeOption
from .model import Node as LabelNode
from .model import attributes as plain_attributes
from .normalise import ALIASES
from .pull import attributes, live_ontology, node_lines, option_flow, scalar, tree_lines
from .pull_into import Local
from .wire import flatten_tree
from .yaml_edits import Editor, Items, Patch, compose, end_of, entries, is_flow, start_of

Choices = list[tuple[str, str | None]]
Step = Callable[[str], None]
# Model field -> the key pull writes for it.
_KEYS = {a.name: a.file_key for a in plain_attributes(Classification)}
_CONDITION_KEYS = ("when", "parent_option_id")
_TREE_FIELDS = frozenset(TreeOption.model_fields) | {"key", "schemaId"}


def merge_into(text: str, project_json_or_schema: JSON | None, filename: str = "<string>",
               step: Step | None = None, mine: Ontology | None = None, *, base: Ontology | None = None,
               base_label: str = "", said: list[str] | None = None) -> str:
    """The file's text with the live label set's differences merged in; the rest kept byte for byte.

    `mine` is the file's label set when the caller loaded it already; `step` is told what is under way
    (`reading the file`, …), for a progress display on large files. What the live project lacks is kept when
    the file added it and removed when the web UI deleted it (`pull_into.Local`: by `base`, the label set as
    last applied, when known); each is said in `said`.
    """
    say = step or (lambda _: None)
    live = live_ontology(project_json_or_schema)
    mine = mine if mine is not None else load_text(text, filename)
    say("matching it to the live project")
    resolved = resolve(mine, live)
    root = compose(text)
    if not isinstance(root, MappingNode):  # pragma: no cover - load_text refuses anything else
        raise InputError(f"{filename}: not a mapping")
    say("editing the lines that changed")
    patch = Patch(text)
    merger = _Merger(patch, filename, Local.of(mine, resolved, live, base, base_label))
    for section in SECTION_NAMES:
        merger.nodes(root, section, resolved.section(section), live.section(section), [], top=True)
    merger.finish()
    merger.refuse_shared(root)
    if said is not None:
        said += merger.local.said
    return patch.result()


class _Merger(Editor):
    """Brings each list and node of the file to the live label set, with the edits of `Editor`."""

    def __init__(self, patch: Patch, filename: str, local: Local) -> None:
        super().__init__(patch, filename)
        self.appended: list[str] = []
        self.local = local

    # --- lists ----------------------------------------------------------------------------------------

    def sync(self, seq: SequenceNode, mine: Sequence[Any], live: Sequence[Any], merge: Callable[[int, Any], None],
             render: Callable[[Any, str], tuple[list[str], str]]) -> None:
        """Bring one list to the live one (the file's own items kept in it, `Local.target`): merge kept items,
        delete, insert and move the fewest."""
        items = Items(self.patch, seq)
        by_id = {item.id: item for item in live}
        for index, item in enumerate(mine):
            if item.id in by_id:
                merge(index, by_id[item.id])
        if [item.id for item in mine] == [item.id for item in live]:
            return
        if items.flow:
            self.rewrite_flow(items, mine, live, render)
            return
        at = {item.id: index for index, item in enumerate(mine)}
        for index, item in enumerate(mine):
            if item.id not in by_id:
                items.delete(index)
        moved = {move.id for move in fewest_moves(list(live), [item for item in mine if item.id in by_id])}
        pending: list[Any] = []
        for item in live:
            if item.id in at and item.id not in moved:
                self.place(items, pending, at, at[item.id], render)
                pending = []
            else:
                pending.append(item)
        self.place(items, pending, at, len(mine), render)

    def place(self, items: Items, pending: list[Any], at: dict[Any, int], before: int,
              render: Callable[[Any, str], tuple[list[str], str]]) -> None:
        for item in pending:
            if item.id in at:
                items.move(at[item.id], before)
            else:
                items.insert(before, render(item, items.pad)[0], "")

    def rewrite_flow(self, items: Items, mine: Sequence[Any], live: Sequence[Any],
                     render: Callable[[Any, str], tuple[list[str], str]]) -> None:
        """A flow list is written again on its line: kept items as they are written, new ones in its style."""
        nodes = items.node.value
        between = "".join(self.patch.text[end_of(a):start_of(b)] for a, b in itertools.pairwise(nodes))
        if "#" in between:
            raise InputError(f"{self.filename}:{self.patch.line_of(start_of(items.node)) + 1}: pull --into cannot "
                             "edit a flow list with comments between its items; write it as a block list")
        at = {item.id: index for index, item in enumerate(mine)}
        texts = [self.patch.render(start_of(nodes[at[item.id]]), end_of(nodes[at[item.id]])) if item.id in at
                 else render(item, "")[1] for item in live]
        self.patch.replace(start_of(items.node), end_of(items.node), "[" + ", ".join(texts) + "]")

    # --- nodes ----------------------------------------------------------------------------------------

    def nodes(self, parent: MappingNode, field: str, mine: Sequence[LabelNode], live: Sequence[LabelNode],
              choices: Choices, top: bool = False) -> None:
        """One list of tools, classifications or relations."""
        if not mine and not live:
            return
        found = self.find(parent, field)
        seq = found[1] if found is not None else None
        if not isinstance(seq, SequenceNode) or not seq.value:
            lines = [line for node in live for line in node_lines(node, "", choices)]
            if top and found is None:
                self.append_section(field, lines)
            elif live:
                self.new_list(parent, field, field, lines, "", NODE_ORDER, _shorthand(parent))
            return
        live = self.local.target(mine, list(live))
        if not live:
            self.remove(parent, field)
            return

        if seq.flow_style and [node.id for node in mine] != [node.id for node in live]:
            raise InputError(f"{self.filename}:{seq.start_mark.line + 1}: pull --into writes new {field} in block "
                             "lists only; write this list as a block list")

        def merge(index: int, twin: LabelNode) -> None:
            self.node(Items(self.patch, seq), index, mine[index], twin, choices, field)

        self.sync(seq, mine, live, merge, lambda node, pad: (node_lines(node, pad, choices), ""))

    def append_section(self, section: str, lines: list[str]) -> None:
        """A section the file lacks goes at its end, after whatever the other lists add there (`finish`)."""
        self.appended.append(f"\n{section}:\n" + "".join(f"  {line}\n" for line in lines))

    def finish(self) -> None:
        text = self.patch.text
        if self.appended:
            lead = "" if not text or text.endswith("\n") else "\n"
            self.patch.insert(len(text), lead + "".join(self.appended))

    def node(self, items: Items, index: int, mine: LabelNode, live: LabelNode, choices: Choices,
             section: str) -> None:
        raw = items.node.value[index]
        if mine == live:
            return
        if not isinstance(raw, MappingNode) or items.flow or not self.retypable(raw, mine, live):
            if items.flow:
                raise InputError(f"{self.filename}:{raw.start_mark.line + 1}: pull --into writes nodes in block "
                                 "lists only; write this list as a block list")
            start, end = items.span(index)
            self.patch.replace(start, end, "".join(line + "\n" for line in node_lines(live, items.pad, choices)))
            return
        first = _shorthand(raw)
        if mine.type != live.type:
            key = next((k for text, k, _ in entries(raw) if text == first), None)
            if key is not None:
                self.patch.replace(start_of(key), end_of(key), scalar(live.type))
            else:
                self.set(raw, "type", "type", scalar(live.type), NODE_ORDER)
        if mine.title != live.title:
            title = self.find(raw, "title")
            value = title[1] if title is not None else next(v for k, _, v in entries(raw) if k == first)
            self.patch.replace(start_of(value), end_of(value), scalar(live.title))
            self.remove(raw, "renamed_from")  # the live title is written: the rename the file asked for is moot
        self.attributes(raw, mine, live, choices, first)
        own: Choices = [(o.value, o.id) for o in live.options]
        was_tree = isinstance(mine, Classification) and mine.type == TREE_TYPE
        if isinstance(live, Classification) and live.type == TREE_TYPE:
            own = list(flatten_tree(live.tree_options))
            tree = mine.tree_options if isinstance(mine, Classification) and was_tree else []
            if not was_tree:
                self.remove(raw, "options")  # a choice question that became a tree dropdown
            if tree != live.tree_options:
                self.tree_field(raw, tree, live.tree_options, NODE_ORDER, first)
        else:
            if was_tree:
                self.remove(raw, "tree_options")
            options = [] if was_tree else mine.options
            if options != live.options:
                self.options(raw, options, live.options, first)
        self.nodes(raw, "classifications", mine.classifications, live.classifications, own)

    def retypable(self, raw: MappingNode, mine: LabelNode, live: LabelNode) -> bool:
        """Whether a node whose type changed can be edited in place: always, unless options become a tree (or
        back) while the file writes both lists."""
        if mine.type == live.type or TREE_TYPE not in (mine.type, live.type):
            return True
        return self.find(raw, "options") is None or self.find(raw, "tree_options") is None

    def attributes(self, raw: MappingNode, mine: LabelNode, live: LabelNode, choices: Choices, first: Any) -> None:
        rendered = dict(attributes(live, choices))
        before, after = compared_attributes(mine), compared_attributes(live)
        changed = [name for name in after if before.get(name) != after[name]]
        if isinstance(mine, Classification) and isinstance(live, Classification) and \
                (mine.parent_option_id, mine.when) != (live.parent_option_id, live.when):
            changed += list(_CONDITION_KEYS)  # another option, or the same one renamed: `when:` must follow
        if any(live.extra.get(k) != v for k, v in mine.extra.items()):
            changed.append("extra")
        for name in changed:
            written = _KEYS.get(name, name)
            if written in rendered:
                self.set(raw, name, written, rendered[written], NODE_ORDER, first)
            else:
                self.remove(raw, name)

    # --- options ----------------------------------------------------------------------------------------

    def options(self, raw: MappingNode, mine: list[Option], live: list[Option], first: Any) -> None:
        found = self.find(raw, "options")
        seq = found[1] if found is not None else None
        if not isinstance(seq, SequenceNode) or not seq.value:
            if live:
                self.new_list(raw, "options", "options", [f"- {option_flow(o)}" for o in live],
                              "[" + ", ".join(option_flow(o) for o in live) + "]", NODE_ORDER, first)
            return
        live = self.local.target(mine, list(live))
        if not live:
            self.remove(raw, "options")
            return
        bare = all(isinstance(node, ScalarNode) for node in seq.value)

        def merge(index: int, twin: Option) -> None:
            node = seq.value[index]
            if mine[index].value == twin.value:
                return
            if isinstance(node, MappingNode):
                self.set(node, "value", "value", scalar(twin.value), ("value", "id", "<unknown>"))
                self.remove(node, "renamed_from")
            else:
                self.patch.replace(start_of(node), end_of(node), scalar(twin.value))

        def render(option: Option, pad: str) -> tuple[list[str], str]:
            text = scalar(option.value) if bare and not option.extra else option_flow(option)
            return [f"{pad}- {text}"], text

        self.sync(seq, mine, live, merge, render)

    # --- trees ------------------------------------------------------------------------------------------

    def tree_field(self, raw: MappingNode, mine: list[TreeOption], live: list[TreeOption],
                   order: tuple[str, ...], first: Any = None) -> None:
        """The tree (or a tree node's children) under a mapping's key."""
        field = "tree_options" if order is NODE_ORDER else "children"
        found = self.find(raw, field)
        seq = found[1] if found is not None else None
        if isinstance(seq, SequenceNode) and seq.value:
            self.tree(seq, mine, live)
        elif live:
            lines = [line for item in live for line in tree_lines(item, "")]
            flow = "[" + ", ".join(_tree_flow(item, False) for item in live) + "]"
            self.new_list(raw, field, "tree" if field == "tree_options" else "children", lines, flow, order, first)

    def tree(self, seq: SequenceNode, mine: list[TreeOption], live: list[TreeOption]) -> None:
        live = self.local.target(mine, live)
        short = all(_tree_form(node)[0] != "full" for node in seq.value)

        def merge(index: int, twin: TreeOption) -> None:
            self.tree_node(seq, index, mine[index], twin)

        def render(item: TreeOption, pad: str) -> tuple[list[str], str]:
            lines = _short_lines(item, pad) if short else tree_lines(item, pad)
            return lines, _tree_flow(item, short)

        self.sync(seq, mine, live, merge, render)

    def tree_node(self, seq: SequenceNode, index: int, mine: TreeOption, live: TreeOption) -> None:
        if mine == live:
            return
        node = seq.value[index]
        form, title, children = _tree_form(node)
        if mine.title != live.title:
            self.patch.replace(start_of(title), end_of(title), scalar(live.title))
            if form == "full" and isinstance(node, MappingNode):
                self.remove(node, "renamed_from")
        if form == "full" and isinstance(node, MappingNode):
            for name, value in (("value", live.value), ("extra", live.extra or None)):
                if getattr(mine, name) != getattr(live, name) and (name != "extra" or mine.extra or live.extra):
                    if value is None:
                        self.remove(node, name)
                    else:
                        self.set(node, name, name, _flow_value(value), TREE_ORDER)
        if mine.children == live.children:
            return
        if isinstance(children, SequenceNode) and children.value:
            self.tree(children, mine.children, live.children)
        elif form == "full" and isinstance(node, MappingNode):
            self.tree_field(node, mine.children, live.children, TREE_ORDER)
        elif live.children:
            self.grow(seq, index, node, live)

    def grow(self, seq: SequenceNode, index: int, node: Node, live: TreeOption) -> None:
        """A bare leaf (or a branch with no children written) that now has children, in the shorthand."""
        items = Items(self.patch, seq)
        if items.flow or is_flow(node):
            self.patch.replace(start_of(node), end_of(node), _tree_flow(live, True))
            return
        start, end = items.span(index)
        self.patch.replace(start, end, "".join(line + "\n" for line in _short_lines(live, items.pad)))


def _shorthand(node: Node) -> Any:
    """The `<type>: <title>` key of a node mapping (the first key that is not a field), or None."""
    for text, _, _ in entries(node):
        if isinstance(text, str) and ALIASES.get(text, text) not in NODE_ORDER:
            return text
    return None


def _tree_form(node: Node) -> tuple[str, Node, Node | None]:
    """How a tree item is written — `bare` title, `short` `{Title: [children]}`, or `full` mapping — with its
    title node and children node."""
    if isinstance(node, MappingNode) and len(node.value) == 1 and \
            ALIASES.get(node.value[0][0].value, node.value[0][0].value) not in _TREE_FIELDS:
        return "short", node.value[0][0], node.value[0][1]
    if isinstance(node, MappingNode):
        pairs = {ALIASES.get(k, k): (key, value) for k, key, value in entries(node)}
        return "full", pairs["title"][1], pairs.get("children", (None, None))[1]
    return "bare", node, None


def _short_lines(item: TreeOption, pad: str) -> list[str]:
    """A tree node in the shorthand: a bare title, or `Title:` with its children below."""
    if not item.children:
        return [f"{pad}- {scalar(item.title)}"]
    return [f"{pad}- {scalar(item.title)}:"] + [line for child in item.children
                                                   for line in _short_lines(child, pad + "    ")]


def _tree_flow(item: TreeOption, short: bool) -> str:
    """A tree node in flow style: the shorthand, or the mapping pull writes."""
    children = "[" + ", ".join(_tree_flow(child, short) for child in item.children) + "]"
    if short:
        return f"{{{scalar(item.title)}: {children}}}" if item.children else scalar(item.title)
    parts = [f"title: {scalar(item.title)}", f"id: {scalar(item.id)}"]
    if item.value is not None:
        parts.append(f"value: {scalar(item.value)}")
    if item.extra:
        parts.append(f"extra: {_flow_value(item.extra)}")
    if item.children:
        parts.append(f"children: {children}")
    return "{" + ", ".join(parts) + "}"


def _flow_value(value: Any) -> str:
    from .pull import flow

    return flow(value)

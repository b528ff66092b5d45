"""The annotator guide as Markdown for wikis and pull requests, each conditional flow as a Mermaid diagram."""

from __future__ import annotations

from ..markdown_text import markdown_link
from ..model import TREE_TYPE, Classification, Node, Ontology, Option, TreeOption
from .flow import SECTIONS, Flow, flow_of, is_conditional
from .shortcuts import shortcuts
from .text import code_span, markdown_paragraphs, markdown_text, markdown_title, mermaid_text, type_words
from .version import Version

_HEADINGS = {"tools": "Tools", "classifications": "Classifications", "relations": "Relations"}


def render(ontology: Ontology, version: Version, title: str) -> str:
    """The whole guide for a resolved label set (ids, colours and `when` filled in)."""
    sections = [section for section, _ in SECTIONS if getattr(ontology, section)]
    contents = " · ".join(f"[{_HEADINGS[section]}](#{section})" for section in sections)
    lines = [f"# Annotator guide: {markdown_text(title)}", "", f"_{markdown_text(version.sentence())}_", "",
             f"**Contents:** {contents} · [Keyboard shortcuts](#keyboard-shortcuts)", "",
             "Marks: **\\*** required · `1` shortcut key · a question under an answer is shown only when that "
             "answer is chosen.", ""]
    for section in sections:
        lines += [f"## {_HEADINGS[section]}", ""]
        for node in getattr(ontology, section):
            lines += _node(node)
    lines += _shortcuts(ontology)
    return "\n".join(lines).rstrip("\n") + "\n"


def _node(node: Node) -> list[str]:
    facts = [code_span(node.color)] if node.color and not isinstance(node, Classification) else []
    facts.append(markdown_text(type_words(node.type)) + f" ({code_span(node.type)})")
    if node.shortcut_key:
        facts.append(f"shortcut {code_span(node.shortcut_key)}")
    if node.required:
        facts.append("**required**")
    lines = [f"### {markdown_title(node.title)}", "", " · ".join(facts), ""]
    lines += _notes(node)
    if is_conditional(node):
        lines += mermaid(flow_of(node, "root"))
    body = _body(node, "")
    return lines + body + ([""] if body else [])


def _notes(item: Node | Option | TreeOption) -> list[str]:
    """A top-level node's description and examples, as paragraphs."""
    out = [markdown_paragraphs(item.description), ""] if item.description else []
    return out + ([f"Examples: {_links(item)}", ""] if item.examples else [])


def _inline(item: Node | Option | TreeOption) -> str:
    """A list item's description and examples, on its own line after an em dash."""
    parts = [markdown_text(" ".join(item.description.split()))] if item.description else []
    if item.examples:
        parts.append(f"examples: {_links(item)}")
        return " — " + "; ".join(parts)
    return " — " + parts[0] if parts else ""


def _links(item: Node | Option | TreeOption) -> str:
    return ", ".join(markdown_link(f"example {i}", link) for i, link in enumerate(item.examples, 1))


def _body(node: Node, pad: str) -> list[str]:
    by_answer: dict[str, list[Classification]] = {}
    always: list[Classification] = []
    for child in node.classifications:
        (by_answer.setdefault(child.when, []) if child.when is not None else always).append(child)
    lines: list[str] = []
    answers: set[str] = set()
    if isinstance(node, Classification) and node.type == TREE_TYPE:
        lines += _tree(node.tree_options, "", node, by_answer, pad, answers)
    for option in node.options:
        answers.add(option.value)
        lines.append(f"{pad}- {markdown_title(option.value)}{_inline(option)}")
        lines += [line for child in by_answer.get(option.value, []) for line in _question(child, node, pad + "  ")]
    leftover = [child for value, children in by_answer.items() if value not in answers for child in children]
    lines += [line for child in always + leftover for line in _question(child, node, pad)]
    return lines


def _tree(items: list[TreeOption], prefix: str, owner: Classification, by_answer: dict[str, list[Classification]],
          pad: str, answers: set[str]) -> list[str]:
    lines = []
    for item in items:
        path = f"{prefix} / {item.title}" if prefix else item.title
        answers.add(path)
        lines.append(f"{pad}- {markdown_title(item.title)}{_inline(item)}")
        lines += [line for child in by_answer.get(path, []) for line in _question(child, owner, pad + "  ")]
        lines += _tree(item.children, path, owner, by_answer, pad + "  ", answers)
    return lines


def _question(node: Classification, parent: Node, pad: str) -> list[str]:
    facts = [markdown_text(type_words(node.type))]
    if node.required:
        facts.append("**required**")
    if node.shortcut_key:
        facts.append(f"shortcut {code_span(node.shortcut_key)}")
    if node.when is not None:
        facts.append(f"shown when _{markdown_title(parent.title)}_ is _{markdown_title(node.when)}_")
    if node.regex:
        facts.append(f"must match {code_span(node.regex)}")
    lines = [f"{pad}- **{markdown_title(node.title)}** — {', '.join(facts)}{_inline(node)}"]
    return lines + _body(node, pad + "  ")


def mermaid(flow: Flow) -> list[str]:
    """A Mermaid flowchart of one flow: boxes by key, edges labelled with the revealing answer."""
    lines = ["```mermaid", "flowchart LR"]
    for box in flow.boxes:
        mark = " *" if box.required else ""
        lines.append(f'  {box.key}["{mermaid_text(box.title + mark)}"]')
    for edge in flow.edges:
        if edge.answer is None:
            lines.append(f"  {edge.source} -.-> {edge.target}")
        else:
            lines.append(f'  {edge.source} -- "{mermaid_text(edge.answer)}" --> {edge.target}')
    return [*lines, "```", ""]


def _shortcuts(ontology: Ontology) -> list[str]:
    rows = shortcuts(ontology)
    if not rows:
        return ["## Keyboard shortcuts", "", "This label set gives no shortcut keys.", ""]
    lines = ["## Keyboard shortcuts", "", "| Key | Selects | Kind |", "| --- | --- | --- |"]
    lines += [f"| {code_span(row.key, table=True)} | {' › '.join(markdown_title(part) for part in row.path)} | "
              f"{markdown_text(type_words(row.type))} |" for row in rows]
    return [*lines, ""]

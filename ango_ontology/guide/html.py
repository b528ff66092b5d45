"""The annotator guide as one self-contained HTML page: nothing to load, readable with scripts off.

Styles and the search script are inlined and pinned by hash in the page's Content-Security-Policy,
which also forbids every request (`default-src 'none'`): the guide cannot load anything, even from
a hostile title. Every title is escaped and isolated (`<bdi>`); example links are links, never images.
"""

from __future__ import annotations

import base64
import hashlib
import re
from importlib import resources

from ..links import link_target
from ..model import TREE_TYPE, Classification, Node, Ontology, Option, TreeOption
from .flow import SECTIONS, Flow, anchor, flow_of, is_conditional
from .shortcuts import shortcuts
from .svg import draw
from .text import html_paragraphs, html_text, html_title, type_words
from .version import Version

_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")
_HEADINGS = {"tools": "Tools", "classifications": "Classifications", "relations": "Relations"}
# A tree larger than this starts folded below its first level when scripts run (search unfolds it).
LARGE_TREE = 40


def render(ontology: Ontology, version: Version, title: str) -> str:
    """The whole page for a resolved label set (ids, colours and `when` filled in)."""
    css = _asset("guide.css")
    script = _asset("guide.js")
    policy = (f"default-src 'none'; style-src '{_digest(css)}'; script-src '{_digest(script)}'; "
              "base-uri 'none'; form-action 'none'")
    head = ("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<meta name=\"referrer\" content=\"no-referrer\">\n"
            f"<title>Annotator guide — {html_text(title)}</title>\n<style>{css}</style>\n</head>\n")
    body = [_header(ontology, version, title), _contents(ontology), "<main>"]
    body += [_section(ontology, section, prefix) for section, prefix in SECTIONS if getattr(ontology, section)]
    body += [_shortcuts(ontology), "</main>", _footer(version), f"<script>{script}</script>"]
    return head + "<body>\n" + "\n".join(part for part in body if part) + "\n</body>\n</html>\n"


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _digest(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


# --- the frame -----------------------------------------------------------------------------------------

def _header(ontology: Ontology, version: Version, title: str) -> str:
    counts = ontology.counts()
    words = {"tools": "tools", "classifications": "questions", "relations": "relations", "options": "answers",
             "tree_options": "tree nodes"}
    summary = ", ".join(f"{counts[key]} {word if counts[key] != 1 else word[:-1]}"
                        for key, word in words.items() if counts[key])
    return (f"<header>\n<h1>Annotator guide: {html_title(title)}</h1>\n"
            f"<p class=\"version\">{html_text(version.sentence())} {summary}.</p>\n"
            "<form id=\"search\" class=\"search\" role=\"search\" hidden>"
            "<label for=\"q\">Search</label>"
            "<input id=\"q\" type=\"search\" autocomplete=\"off\" placeholder=\"a tool, a question, an answer…\">"
            "<output id=\"hits\" for=\"q\" aria-live=\"polite\"></output></form>\n"
            "<p class=\"legend\"><span class=\"req\">*</span> required · <kbd>1</kbd> shortcut key · "
            "a question inside an answer is shown only when that answer is chosen</p>\n</header>")


def _contents(ontology: Ontology) -> str:
    parts = ["<nav aria-label=\"Contents\">\n<h2>Contents</h2>\n<ol>"]
    for section, prefix in SECTIONS:
        nodes = getattr(ontology, section)
        if not nodes:
            continue
        links = "".join(f"<li><a href=\"#{anchor('', prefix, i)}\">{_swatch(node)}{html_title(node.title)}</a></li>"
                        for i, node in enumerate(nodes))
        parts.append(f"<li><a href=\"#{section}\">{_HEADINGS[section]}</a><ol>{links}</ol></li>")
    parts.append("<li><a href=\"#shortcuts\">Keyboard shortcuts</a></li>\n</ol>\n</nav>")
    return "\n".join(parts)


def _footer(version: Version) -> str:
    return (f"<footer>Made by ango-ontology from {html_text(version.source)}. Descriptions and examples come "
            "from the file; Ango never sees them.</footer>")


# --- nodes ---------------------------------------------------------------------------------------------

def _section(ontology: Ontology, section: str, prefix: str) -> str:
    nodes: list[Node] = getattr(ontology, section)
    articles = [_article(node, anchor("", prefix, index)) for index, node in enumerate(nodes)]
    return f"<section id=\"{section}\">\n<h2>{_HEADINGS[section]}</h2>\n" + "\n".join(articles) + "\n</section>"


def _article(node: Node, node_anchor: str) -> str:
    heading = f"<h3>{_swatch(node)}{html_title(node.title)}{_marks(node)}</h3>"
    figure = _figure(flow_of(node, node_anchor)) if is_conditional(node) else ""
    return (f"<article class=\"node\" id=\"{node_anchor}\" data-text=\"{_search_text(node.title, node.description)}\">"
            f"{heading}{_notes(node)}{figure}{_body(node, node_anchor)}</article>")


def _figure(flow: Flow) -> str:
    label = f"Which answer reveals which question under {flow.title}"
    return (f"<figure class=\"flow-figure\">{draw(flow, label)}<figcaption>{html_text(label)}: "
            "a labelled arrow is shown when that answer is chosen, a dashed one always.</figcaption></figure>")


def _marks(node: Node) -> str:
    kind = f" <span class=\"kind\">{html_text(type_words(node.type))} ({html_text(node.type)})</span>"
    key = f" {_keys(node.shortcut_key)}" if node.shortcut_key else ""
    required = " <abbr class=\"req\" title=\"required\">*</abbr>" if node.required else ""
    return kind + key + required


def _keys(shortcut: str) -> str:
    return "+".join(f"<kbd>{html_text(part.capitalize() if part == 'ctrl' else part)}</kbd>"
                    for part in shortcut.split("+"))


def _notes(item: Node | Option | TreeOption) -> str:
    """The item's description and example links, as the file gives them."""
    out = f"<div class=\"description\">{html_paragraphs(item.description)}</div>" if item.description else ""
    if item.examples:
        links = "".join(f"<li><a href=\"{html_text(link_target(link))}\" rel=\"noopener noreferrer\">"
                        f"example {index}</a></li>" for index, link in enumerate(item.examples, 1))
        out += f"<ul class=\"examples\" aria-label=\"Examples\">{links}</ul>"
    return out


def _swatch(node: Node) -> str:
    """A tool's or relation's colour (a question's colour shows nowhere an annotator looks)."""
    if isinstance(node, Classification) or not node.color or not _COLOR.fullmatch(node.color):
        return ""
    return (f"<svg class=\"swatch\" viewBox=\"0 0 16 16\" role=\"img\" aria-label=\"colour {node.color}\">"
            f"<rect width=\"16\" height=\"16\" rx=\"3\" fill=\"{node.color}\"/></svg> ")


def _body(node: Node, node_anchor: str) -> str:
    """What is under a node: its answers (each with the questions it reveals), then the questions always shown."""
    by_answer: dict[str, list[tuple[int, Classification]]] = {}
    always: list[tuple[int, Classification]] = []
    for index, child in enumerate(node.classifications):
        target = by_answer.setdefault(child.when, []) if child.when is not None else always
        target.append((index, child))
    out = _rules(node)
    if isinstance(node, Classification) and node.type == TREE_TYPE:
        out += _tree(node.tree_options, "", by_answer, node, node_anchor)
    elif node.options:
        out += _options(node, by_answer, node_anchor)
    leftover = [pair for value, pairs in by_answer.items() if value not in _answers(node) for pair in pairs]
    out += _questions(always + leftover, node, node_anchor)
    return out


def _rules(node: Node) -> str:
    """What an annotator must respect when answering: a pattern, rich text, per frame."""
    if not isinstance(node, Classification):
        return ""
    rules = []
    if node.regex:
        rules.append(f"the answer must match <code>{html_text(node.regex)}</code>")
    if node.rich_text:
        rules.append("rich text")
    if node.frame_specific:
        rules.append("answered for each frame")
    if not rules:
        return ""
    text = "; ".join(rules)
    return f"<p class=\"when\">{text[0].upper() + text[1:]}.</p>"


def _answers(node: Node) -> set[str]:
    if isinstance(node, Classification) and node.type == TREE_TYPE:
        return set(_paths(node.tree_options, ""))
    return {option.value for option in node.options}


def _paths(nodes: list[TreeOption], prefix: str) -> list[str]:
    out = []
    for item in nodes:
        path = f"{prefix} / {item.title}" if prefix else item.title
        out += [path, *_paths(item.children, path)]
    return out


def _options(node: Node, by_answer: dict[str, list[tuple[int, Classification]]], node_anchor: str) -> str:
    items = []
    for option in node.options:
        revealed = _questions(by_answer.get(option.value, []), node, node_anchor)
        items.append(f"<li data-text=\"{_search_text(option.value, option.description)}\">"
                     f"{html_title(option.value)}{_notes(option)}{revealed}</li>")
    return f"<ul class=\"options\">{''.join(items)}</ul>"


def _tree(nodes: list[TreeOption], prefix: str, by_answer: dict[str, list[tuple[int, Classification]]],
          owner: Classification, owner_anchor: str) -> str:
    items = []
    for item in nodes:
        path = f"{prefix} / {item.title}" if prefix else item.title
        inner = _notes(item) + _questions(by_answer.get(path, []), owner, owner_anchor)
        text = f"data-text=\"{_search_text(item.title, item.description)}\""
        if item.children:
            inner += _tree(item.children, path, by_answer, owner, owner_anchor)
            items.append(f"<li {text}><details open><summary>{html_title(item.title)}</summary>{inner}</details></li>")
        else:
            items.append(f"<li {text}>{html_title(item.title)}{inner}</li>")
    large = " data-large" if not prefix and _size(nodes) > LARGE_TREE else ""
    return f"<ul class=\"tree\"{large}>{''.join(items)}</ul>" if not prefix else f"<ul>{''.join(items)}</ul>"


def _size(nodes: list[TreeOption]) -> int:
    return sum(1 + _size(item.children) for item in nodes)


def _questions(pairs: list[tuple[int, Classification]], parent: Node, parent_anchor: str) -> str:
    if not pairs:
        return ""
    items = [_question(child, parent, anchor(parent_anchor, "q", index)) for index, child in sorted(pairs)]
    return f"<ul class=\"questions\">{''.join(items)}</ul>"


def _question(node: Classification, parent: Node, node_anchor: str) -> str:
    when = ""
    if node.when is not None:
        when = (f" <span class=\"when\">shown when {html_title(parent.title)} is "
                f"{html_title(node.when)}</span>")
    return (f"<li class=\"question\" id=\"{node_anchor}\" data-text=\"{_search_text(node.title, node.description)}\">"
            f"<p class=\"q\">{html_title(node.title)}{_marks(node)}{when}</p>"
            f"{_notes(node)}{_body(node, node_anchor)}</li>")


def _search_text(title: str, description: str | None) -> str:
    return html_text(title + (" " + description if description else ""))


# --- shortcuts -----------------------------------------------------------------------------------------

def _shortcuts(ontology: Ontology) -> str:
    rows = shortcuts(ontology)
    if not rows:
        return ("<section id=\"shortcuts\">\n<h2>Keyboard shortcuts</h2>\n"
                "<p>This label set gives no shortcut keys.</p>\n</section>")
    body = "".join(f"<tr data-text=\"{html_text(' '.join(row.path))}\"><td>{_keys(row.key)}</td>"
                   f"<td><a href=\"#{row.anchor}\">{' › '.join(html_title(part) for part in row.path)}</a></td>"
                   f"<td>{html_text(type_words(row.type))}</td></tr>" for row in rows)
    return ("<section id=\"shortcuts\">\n<h2>Keyboard shortcuts</h2>\n<table><thead><tr><th>Key</th><th>Selects</th>"
            f"<th>Kind</th></tr></thead><tbody>{body}</tbody></table>\n</section>")

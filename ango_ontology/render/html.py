"""The HTML rendering of a plan: one self-contained page (no script, no request) to attach as a CI artifact.

The same content as the Markdown — header, summary, warnings, the table of changes with long runs
folded under their count — and the label set as a tree, changes coloured and destructive ones flagged
with their annotation counts. Every title is escaped; a Content-Security-Policy forbids every request
and allows only the page's own style (pinned by its hash).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from html import escape as html_escape
from typing import TextIO

from ..characters import spaced
from ..plan import Change, Plan
from .groups import GROUP_AT, Group, grouped
from .labelset import Entry, label_set
from .wording import (
    MARKERS,
    attribute_lines,
    heading,
    headline,
    inert,
    join_path,
    move_words,
    notes,
    plural,
    setup_lines,
    source_line,
    summary_line,
)

# An unchanged subtree larger than this shows as a count, so a huge label set stays a readable page.
UNCHANGED_SHOWN = 400

STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;
color:#1f2328;background:#fff}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem}
.source{color:#59636e}.summary{font-weight:600}
.warning,.caution{border-left:4px solid #d1242f;background:#fff5f5;padding:.5rem 1rem;margin:1rem 0}
.caution{border-color:#8250df;background:#fbf5ff}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #d1d9e0;padding:.3rem .5rem;text-align:left;
vertical-align:top}th{background:#f6f8fa}
ul.tree,ul.tree ul{list-style:none;padding-left:1.4rem;margin:0}ul.tree{padding-left:0}
summary{cursor:pointer}
.line{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:13px;white-space:pre-wrap}
.kind{color:#59636e}.detail{color:#59636e;margin-left:1.6rem}
.create{color:#1a7f37}.delete{color:#d1242f;text-decoration:line-through}
.rename,.update{color:#9a6700}.replace{color:#8250df}.move{color:#bc4c00}.reorder{color:#0969da}
.flag{color:#d1242f;font-weight:700;text-decoration:none}
.legend span{margin-right:1rem}
""".strip()
_CSP = ("default-src 'none'; style-src 'sha256-{}'; img-src 'none'; base-uri 'none'; form-action 'none'"
        .format(base64.b64encode(hashlib.sha256(STYLE.encode("utf-8")).digest()).decode("ascii")))


def escape(text: str) -> str:
    """Text for HTML: control, line-separator and bidi characters shown as codes (`inert`), then escaped."""
    return html_escape(inert(text))


def render(plan: Plan, out: TextIO, *, color: bool = False) -> None:
    """Write the plan as one HTML5 page to `out` (`color` is accepted for a uniform signature and ignored)."""
    title = heading(plan) or "Plan"
    out.write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
              f"<meta http-equiv=\"Content-Security-Policy\" content=\"{_CSP}\">\n"
              f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n")
    out.write("".join(_header(plan, title)))
    if plan.changes:
        out.write("".join(_table(plan)))
        out.write("".join(_tree(plan)))
    out.write("</body>\n</html>\n")


def _header(plan: Plan, title: str) -> Iterator[str]:
    yield f"<header>\n<h1>{escape(title)}</h1>\n"
    if source_line(plan):
        yield f"<p class=\"source\">{escape(source_line(plan))}</p>\n"
    yield f"<p class=\"summary\">{escape(summary_line(plan))}</p>\n"
    setup = setup_lines(plan)
    if setup:
        yield "<ul class=\"setup\">" + "".join(f"<li>{escape(text)}</li>" for text in setup) + "</ul>\n"
    if plan.destructive:
        orphans = f" They would orphan {plural(plan.orphaned_annotations, 'annotation')}." \
            if plan.usage_checked else ""
        yield (f"<p class=\"warning\"><strong>⚠ {plural(plan.destructive, 'destructive change')}</strong>: existing "
               f"annotations may be orphaned; <code>apply</code> refuses them without "
               f"<code>--allow-destructive</code>.{escape(orphans)}</p>\n")
    protected = len(plan.protected_violations())
    if protected:
        yield (f"<p class=\"caution\">🔒 {protected} of them touch nodes marked <code>protect: true</code>: "
               "<code>apply</code> refuses them.</p>\n")
    yield "</header>\n"


# --- the table ------------------------------------------------------------------------------------------

def _table(plan: Plan) -> Iterator[str]:
    yield ("<section>\n<h2>Changes</h2>\n<table>\n<thead><tr><th></th><th>Change</th><th>Kind</th><th>Path</th>"
           "<th>Details</th></tr></thead>\n<tbody>\n")
    for section in (plan.destructive_changes(), [c for c in plan.changes if not c.destructive]):
        for item in grouped(section):
            yield _group_row(item) if isinstance(item, Group) else _row(item)
    yield "</tbody>\n</table>\n</section>\n"


def _flag(change: Change) -> str:
    return ("🔒 " if change.protected and change.destructive else "") + ("⚠" if change.destructive else "")


def _cells(*cells: str) -> str:
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>\n"


def _row(change: Change) -> str:
    details = _details(change)
    if len(change.moves) >= GROUP_AT:
        details = _collapsed(plural(len(change.moves), "move"), attribute_lines(change))
    return _cells(f"<span class=\"flag\">{_flag(change)}</span>", f"<span class=\"{change.action}\">"
                  f"{change.action}</span>", change.kind, escape(join_path(change.path) or "(top level)"), details)


def _group_row(group: Group) -> str:
    first = group.first
    items = [f"{spaced(c.title)}: {_text(c)}" if _text(c) else spaced(c.title) for c in group.changes]
    return _cells(f"<span class=\"flag\">{_flag(first)}</span>",
                  f"<span class=\"{first.action}\">{first.action}</span> ×{len(group.changes)}", first.kind,
                  escape(join_path(group.parent) or "(top level)"),
                  _collapsed(plural(len(group.changes), first.kind), items))


def _collapsed(summary: str, items: list[str]) -> str:
    return (f"<details><summary>{escape(summary)}</summary>" + "<br>".join(escape(item) for item in items)
            + "</details>")


def _text(change: Change) -> str:
    parts = attribute_lines(change)
    if change.action == "create" and change.position is not None:
        parts.append(change.position.describe())
    return "; ".join(part for part in [*parts, change.impact_note.strip(" ()"), *notes(change)] if part)


def _details(change: Change) -> str:
    return escape(_text(change))


# --- the label set ----------------------------------------------------------------------------------------

def _tree(plan: Plan) -> Iterator[str]:
    yield ("<section>\n<h2>The label set after this plan</h2>\n<p class=\"legend\">"
           "<span class=\"create\">+ created</span><span class=\"delete\">- deleted</span>"
           "<span class=\"rename\">~ renamed or updated</span><span class=\"replace\">± replaced</span>"
           "<span class=\"move\">&gt; moved</span><span class=\"reorder\">↕ reordered</span>"
           "<span class=\"flag\">⚠ destructive</span></p>\n<ul class=\"tree\">\n")
    for entry in label_set(plan):
        yield from _entry(entry)
    yield "</ul>\n</section>\n"


def _entry(entry: Entry) -> Iterator[str]:
    line = _line(entry)
    if not entry.children:
        yield f"<li>{line}</li>\n"
        return
    touched = entry.touched()
    if not touched and entry.size() - 1 > UNCHANGED_SHOWN:
        yield f"<li>{line} <span class=\"kind\">({entry.size() - 1:,} nodes below, unchanged)</span></li>\n"
        return
    yield f"<li><details{' open' if touched else ''}><summary>{line}</summary>\n<ul>\n"
    for child in entry.children:
        yield from _entry(child)
    yield "</ul>\n</details></li>\n"


def _line(entry: Entry) -> str:
    """The node's line: marker, kind, title and type, coloured by its first change; its changes below."""
    action = entry.action
    marker = MARKERS.get(action, " ")
    kind_type = f" ({escape(entry.type)})" if entry.type else ""
    words = (f"<span class=\"line {action}\">{escape(marker)} <span class=\"kind\">{escape(entry.kind)}</span> "
             f"{escape(spaced(entry.title))}{kind_type}</span>")
    flags = [c for c in entry.changes if c.destructive]
    if flags:
        words += f" <span class=\"flag\">⚠{escape(''.join(sorted({c.impact_note for c in flags})))}</span>"
    details = [headline(change) for change in entry.changes if change.action != "delete" or not entry.deleted]
    details += [text for change in entry.changes for text in attribute_lines(change) + notes(change)]
    if entry.moved is not None:
        details.append(f"moved: {move_words(entry.moved)}")
    return words + "".join(f"<div class=\"detail\">{escape(text)}</div>" for text in details)

"""Markdown rendering of a plan for pull-request comments: summary, table, details, under the limit."""

from __future__ import annotations

from typing import TextIO

from ..characters import spaced
from ..markdown_text import markdown_prose, markdown_text
from ..plan import Change, Plan
from .groups import GROUP_AT, Group, grouped
from .origins import by_origin, tag
from .text import tree_lines
from .wording import (
    attribute_lines,
    heading,
    inert,
    join_path,
    nested_lines,
    notes,
    plural,
    setup_lines,
    source_line,
    summary_line,
)

# GitHub refuses comments of 65,536 characters or more; stay clear of it with room for a wrapper.
COMMENT_LIMIT = 65_000
# Kept free for the notes that say what was left out.
_RESERVE = 600
_TABLE_HEAD = "| | Change | Kind | Path | Details |\n| --- | --- | --- | --- | --- |\n"
FULL_PLAN_TIP = "run `ango-ontology plan --format json` for the complete plan"


def render(plan: Plan, out: TextIO, *, color: bool = False, limit: int = COMMENT_LIMIT) -> None:
    """Write the plan as Markdown to `out`, shortened to fewer than `limit` characters when needed: the notes
    (at most half of it while there are changes to show), then the table, then the tree."""
    head = _head(plan, limit - len(_TABLE_HEAD) - _RESERVE)
    if not plan.changes:
        out.write(head)
        return
    items = [item for section in (plan.destructive_changes(), [c for c in plan.changes if not c.destructive])
             for item in grouped(section)]
    budget = limit - len(head) - len(_TABLE_HEAD) - _RESERVE
    rows, shown = _rows(items, budget)
    out.write(head + _TABLE_HEAD + "".join(rows))
    if shown < len(plan.changes):
        out.write(f"\n… and {len(plan.changes) - shown} more changes not shown: {FULL_PLAN_TIP}.\n")
        return
    out.write(_details_block(_details(plan), budget - sum(map(len, rows))))


def _rows(items: list[Change | Group], budget: int) -> tuple[list[str], int]:
    """The table rows that fit in `budget` characters, and how many changes they show. A group too large to fit
    whole shows as many of its changes as fit, a row each: a large group is never hidden whole."""
    rows: list[str] = []
    used = shown = 0
    for item in items:
        row = _group_row(item) if isinstance(item, Group) else _row(item)
        if used + len(row) <= budget:
            rows.append(row)
            used += len(row)
            shown += len(item.changes) if isinstance(item, Group) else 1
            continue
        for change in item.changes if isinstance(item, Group) else ():
            row = _row(change)
            if used + len(row) > budget:
                break
            rows.append(row)
            used += len(row)
            shown += 1
        break
    return rows, shown


def _head(plan: Plan, room: int) -> str:
    """Everything above the table; the notes take what `room` leaves (half of it when changes follow)."""
    top, bottom = _head_top(plan), _head_bottom(plan)
    if not plan.notes:
        return top + bottom
    left = room - len(top) - len(bottom)
    return top + _notes(plan.notes, left // 2 if plan.changes else left) + bottom


def _notes(said: tuple[str, ...], room: int) -> str:
    """The plan's notes as one GitHub note: as many as fit in `room`, then how many more there are."""
    lines = [f"> {markdown_prose(note)}\n" for note in said]
    shown = _fit(lines, room - 200)
    more = len(lines) - shown
    cut = [f"> … and {more} more note{'s' if more != 1 else ''}: {FULL_PLAN_TIP}\n"] if more else []
    return "> [!NOTE]\n" + "".join(lines[:shown] + cut) + "\n"


def _head_top(plan: Plan) -> str:
    title = heading(plan) or "Plan"
    lines = [f"### {_escape(title)}", ""]
    if source_line(plan):
        lines += [_escape(source_line(plan)), ""]
    lines += [f"**{summary_line(plan)}**", ""]
    if setup_lines(plan):
        lines += [*(f"- {_escape(text)}" for text in setup_lines(plan)), ""]
    return "\n".join(lines) + "\n"


def _head_bottom(plan: Plan) -> str:
    lines = []
    if plan.since is not None and not plan.is_empty:
        groups = "; ".join(f"{len(changes)} {tag(changes[0])}" for _, changes in by_origin(plan))
        lines += [f"Since {_escape(plan.since)} — origin of each change: {groups} "
                  "(`drift`: made outside ango-ontology, apply reverts it).", ""]
    if plan.destructive:
        count = plan.destructive
        lines += ["> [!WARNING]",
                  f"> **{count} destructive change{'s' if count != 1 else ''}**: existing annotations may be "
                  "orphaned. `apply` refuses them without `--allow-destructive`.", ""]
    protected = len(plan.protected_violations())
    if protected:
        lines += ["> [!CAUTION]",
                  f"> {protected} of them touch nodes marked `protect: true`: `apply` refuses them.", ""]
    return "\n".join(lines) + "\n" if lines else ""


def _flag(change: Change) -> str:
    return ("🔒 " if change.protected and change.destructive else "") + ("⚠️" if change.destructive else "")


def _row(change: Change) -> str:
    detail = _detail(change)
    if len(change.moves) >= GROUP_AT:  # a long list of moves folds away under its count
        detail = _collapsed(plural(len(change.moves), "move"), [_escape(line) for line in attribute_lines(change)])
    cells = [_escape(_flag(change)), _action(change, change.action), change.kind,
             _escape(join_path(change.path) or "(top level)"), detail]
    return "| " + " | ".join(cells) + " |\n"


def _group_row(group: Group) -> str:
    """One row for a run of similar changes: the count, and each change folded away under it."""
    first = group.first
    items = [_escape(spaced(c.title)) + (f": {_detail(c)}" if _detail(c) else "") for c in group.changes]
    cells = [_escape(_flag(first)), _action(first, f"{first.action} ×{len(group.changes)}"), first.kind,
             _escape(join_path(group.parent) or "(top level)"),
             _collapsed(plural(len(group.changes), first.kind), items)]
    return "| " + " | ".join(cells) + " |\n"


def _action(change: Change, said: str) -> str:
    """The action, and where the change comes from when the plan knows (`delete (drift)`)."""
    return f"{said} ({tag(change)})" if change.origin else said


def _collapsed(summary: str, items: list[str]) -> str:
    """A `<details>` element on one line, so it fits in a table cell (`items` already Markdown)."""
    return f"<details><summary>{_escape(summary)}</summary>" + "<br>".join(items) + "</details>"


def _detail(change: Change) -> str:
    """The details cell as Markdown: values and titles as text, the toolkit's hints with their code spans."""
    node = change.after if change.action == "create" else change.before if change.action == "delete" else None
    parts = attribute_lines(change)
    if node is not None:
        nested = len(nested_lines(node))
        words = [str(node["type"])] if "type" in node else []
        if change.action == "create" and change.position is not None:
            words.append(change.position.describe())
        parts.append(", ".join(words + ([f"{nested} nested"] if nested else [])))
    shown = [_escape(part) for part in [*parts, change.impact_note.strip(" ()")] if part]
    return "; ".join(shown + [markdown_prose(note, table=True) for note in notes(change)])


def _escape(text: str) -> str:
    """Text in a table cell, a heading or a note: the one Markdown escaping of plans and the guide."""
    return markdown_text(text)


def _details(plan: Plan) -> list[str]:
    """The text tree, markers in the first column so GitHub colours `+` and `-` lines in a diff block."""
    lines = []
    for section in (plan.destructive_changes(), [c for c in plan.changes if not c.destructive]):
        for line in tree_lines(section):
            lines.append(f"{line.marker} {'    ' * line.depth}{inert(line.text)}\n".replace("```", "'''"))
    return lines


def _details_block(lines: list[str], budget: int) -> str:
    shown = _fit(lines, budget - 200)
    cut = f"… {len(lines) - shown} more lines not shown: {FULL_PLAN_TIP}\n" if shown < len(lines) else ""
    return ("\n<details>\n<summary>The plan as a tree</summary>\n\n```diff\n" + "".join(lines[:shown]) + cut
            + "```\n\n</details>\n")


def _fit(pieces: list[str], budget: int) -> int:
    """How many pieces, from the first, fit in `budget` characters."""
    used = 0
    for count, piece in enumerate(pieces):
        used += len(piece)
        if used > budget:
            return count
    return len(pieces)

"""A run over many projects in one document: the text roll-up, one pull-request comment, one JSON document.

The comment opens with one summary table, then a collapsed section per project that has something to
show. It stays under GitHub's limit: every section gets a fair share of what is left, a section
larger than its share is shortened (its own renderer says what it left out and where the full plan
is), and one too large to shorten is reduced to its summary line.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from ..characters import escape
from ..markdown_text import code_span, html_block_text, markdown_text
from ..model import JSON
from ..runs import ProjectRun
from . import markdown
from .wording import summary_line

FORMAT_VERSION = 1
COMMENT_LIMIT = markdown.COMMENT_LIMIT
_MIN_SECTION = 700
FULL_PLANS = ("the complete plans: `ango-ontology plan … --format json`, or the plan file `--out` saved "
              "(the workflow keeps it as an artifact)")


@dataclass(frozen=True)
class Tally:
    """How a run's projects came out."""

    files: int
    projects: int
    unchanged: int
    changed: int
    destructive: int
    failed: int

    @classmethod
    def of(cls, runs: Sequence[ProjectRun]) -> Tally:
        plans = [run.plan for run in runs if run.ok and run.plan is not None]
        return cls(files=len({run.source for run in runs}), projects=len(runs),
                   unchanged=sum(plan.is_empty for plan in plans),
                   changed=sum(not plan.is_empty for plan in plans),
                   destructive=sum(plan.destructive > 0 for plan in plans),
                   failed=sum(not run.ok for run in runs))

    def sentence(self) -> str:
        """`30 projects in 12 files: 4 with changes (1 destructive), 25 without, 1 failed`."""
        files = f" in {_count(self.files, 'file')}" if self.files > 1 else ""
        parts = [f"{self.changed} with changes" + (f" ({self.destructive} destructive)" if self.destructive else ""),
                 f"{self.unchanged} without"]
        if self.failed:
            parts.append(f"{self.failed} failed")
        return f"{_count(self.projects, 'project')}{files}: {', '.join(parts)}"

    def to_json(self) -> JSON:
        return {"files": self.files, "projects": self.projects, "unchanged": self.unchanged,
                "changed": self.changed, "destructive": self.destructive, "failed": self.failed}


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def outcome(run: ProjectRun) -> str:
    """One run in a few words: its plan's summary line, or `failed: <why>` (first line)."""
    if run.error is not None or run.plan is None:
        return f"failed: {str(run.error).splitlines()[0] if run.error else 'no plan'}"
    return summary_line(run.plan)


# --- text -----------------------------------------------------------------------------------------------

def rollup(runs: Sequence[ProjectRun], out: TextIO) -> None:
    """The closing roll-up of a text run: one line per project, then the tally."""
    out.write("Summary:\n")
    for run in runs:
        out.write(escape(f"  {run.where}: {outcome(run)}") + "\n")
    out.write(f"{Tally.of(runs).sentence()}.\n")


# --- JSON -----------------------------------------------------------------------------------------------

def document(runs: Sequence[ProjectRun]) -> JSON:
    """The run as one JSON document: the tally and, per project, its file, environment and plan or error."""
    return {"format_version": FORMAT_VERSION, "summary": Tally.of(runs).to_json(),
            "runs": [_run_json(run) for run in runs]}


def _run_json(run: ProjectRun) -> JSON:
    return {"file": run.source, "environment": run.environment,
            "project": run.target.project_id if run.target else run.ref.id,
            "project_name": run.ref.name, "plan": run.plan.to_json() if run.plan and run.ok else None,
            "error": str(run.error) if run.error is not None else None}


# --- Markdown -------------------------------------------------------------------------------------------

def comment(runs: Sequence[ProjectRun], *, limit: int = COMMENT_LIMIT, title: str = "Ontology plan") -> str:
    """One pull-request comment for the whole run, shorter than `limit` characters."""
    tally = Tally.of(runs)
    head = f"## {title}\n\n**{markdown_text(tally.sentence())}.**\n\n"
    shown = [run for run in runs if not run.ok or (run.plan is not None and not run.plan.is_empty)]
    budget = limit - len(head) - 400  # the closing notes
    while True:
        table = _table(runs, budget // 2 if shown else budget)
        bodies = _sections(shown, budget - len(table))
        shortened = any(cut for _, cut in bodies)
        tail = f"\n_Some sections were shortened to fit in one comment; {FULL_PLANS}._\n" if shortened else ""
        text = head + table + "".join(body for body, _ in bodies) + tail
        if len(text) < limit or budget <= 0:
            return text
        budget -= len(text) - limit + 1_000  # the one-line sections of many cut ones overran: ask less


def _table(runs: Sequence[ProjectRun], budget: int) -> str:
    """The summary table, most important rows first (failed, destructive, changed) when it must be cut."""
    head = "| | File | Environment | Project | Plan |\n| --- | --- | --- | --- | --- |\n"
    rows = [(_rank(run), index, _row(run)) for index, run in enumerate(runs)]
    kept = sorted(rows)
    used, keep = len(head), set()
    for _, index, row in kept:
        if used + len(row) > budget - 120:
            break
        used += len(row)
        keep.add(index)
    body = "".join(row for _, index, row in rows if index in keep)
    left = len(runs) - len(keep)
    more = f"\n… and {left} more project{'s' if left != 1 else ''} without changes not listed.\n" if left else ""
    return head + body + more + "\n"


def _rank(run: ProjectRun) -> int:
    if not run.ok or run.plan is None:
        return 0
    return 1 if run.plan.destructive else 2 if not run.plan.is_empty else 3


def _flag(run: ProjectRun) -> str:
    return ["❌", "⚠️", "📝", "✅"][_rank(run)]


def _row(run: ProjectRun) -> str:
    project = run.label + (f" ({run.ref.name})" if run.ref.name and run.target and run.target.project_id else "")
    cells = [_flag(run), run.environment or "", project, outcome(run)]
    flag, *rest = [markdown_text(cell) for cell in cells]
    source = code_span(run.source, table=True) if run.source else ""
    return "| " + " | ".join([flag, source, *rest]) + " |\n"


def _sections(runs: Sequence[ProjectRun], budget: int) -> list[tuple[str, bool]]:
    """Each run's collapsed section within a fair share of `budget`; (text, shortened).

    Water-filling, smallest first: a section that fits is shown whole, a larger one is shortened to the
    share left for it, and what a section leaves unused (its own size, or a shortened plan that came out
    shorter) goes to the larger ones after it. Only a section that overruns its share is cut to one line.
    """
    full = [_section(run, None) for run in runs]
    out: list[tuple[str, bool]] = [("", False)] * len(runs)
    left = max(budget, 0)
    order = sorted(range(len(runs)), key=lambda i: len(full[i]))
    for done, index in enumerate(order):
        fair = left // (len(order) - done)
        text, cut = full[index], False
        if len(text) > fair:
            text, cut = (_section(runs[index], fair) if fair >= _MIN_SECTION else ""), True
            if not text or len(text) > fair:  # too small a share, or its renderer overran it
                text = _section(runs[index], 0)
        out[index] = (text, cut)
        left -= len(text)
    return out


def _section(run: ProjectRun, share: int | None) -> str:
    summary = f"{_flag(run)} {run.where}: {outcome(run)}"
    head = f"<details>\n<summary>{html_block_text(summary)}</summary>\n\n"
    tail = "\n</details>\n\n"
    if share == 0:
        body = f"_Too large to show in this comment; {FULL_PLANS}._\n"
    elif run.plan is None or not run.ok:
        error = str(run.error).replace("```", "'''")
        room = None if share is None else share - len(head) - len(tail) - 200
        if room is not None and len(error) > room:
            error = error[:max(room, 0)] + f"\n… (shortened; {len(error):,} characters in all)"
        body = "```\n" + error + "\n```\n"
    else:
        buffer = io.StringIO()
        room = None if share is None else share - len(head) - len(tail)
        if room is None:
            markdown.render(run.plan, buffer)
        else:
            markdown.render(run.plan, buffer, limit=room)
        body = buffer.getvalue()
    return head + body + tail


__all__ = ["COMMENT_LIMIT", "Tally", "comment", "document", "outcome", "rollup"]

"""How a plan with a base is grouped for reading: conflicts first, then drift, then the file's own changes."""

from __future__ import annotations

from ..plan import Change, Plan

GROUPS = (
    ("conflict", "Conflicts — changed both in the file and outside ango-ontology since {base}{note}:"),
    ("drift", "Drift — changed outside ango-ontology since {base}{note}; apply reverts it "
              "(`ango-ontology pull --into` keeps it in the file instead):"),
    ("intent", "Changes in the file since {base}{note}:"),
)
TAGS = {"conflict": "conflict", "drift": "drift", "intent": "file"}


def by_origin(plan: Plan) -> list[tuple[str, list[Change]]]:
    """(heading, changes) per origin that has changes, in reading order; destructive ones first in each."""
    out = []
    for origin, heading in GROUPS:
        changes = [change for change in plan.changes if change.origin == origin]
        if changes:
            destructive = sum(change.destructive for change in changes)
            note = f" ({destructive} destructive)" if destructive else ""
            out.append((heading.format(base=plan.since, note=note), changes))
    return out


def tag(change: Change) -> str:
    """`drift`, `conflict` or `file`: the origin in one word; empty without a base."""
    return TAGS.get(change.origin or "", "")

"""The JSON rendering of a plan: the documented format of `schemas/plan.schema.json`."""

from __future__ import annotations

import json
from typing import TextIO

from ..plan import Plan


def render(plan: Plan, out: TextIO, *, color: bool = False) -> None:
    """Write the plan as indented JSON to `out` (`color` is accepted for a uniform signature and ignored)."""
    json.dump(plan.to_json(), out, indent=2, ensure_ascii=False)
    out.write("\n")

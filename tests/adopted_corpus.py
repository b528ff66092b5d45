"""The adopted corpus (`tests/data/adopted/`): label sets Ango Hub holds that the SDK would not write.

Shared by the pull, apply and hub tests: each case must pull and plan clean (the validator warns, never
refuses), and survive an unrelated edit, over the local hub and the emulator.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ango_ontology.loader import _Parsed
from ango_ontology.model import JSON, Ontology

ADOPTED = Path(__file__).parent / "data" / "adopted"
CASES = sorted(path.stem for path in ADOPTED.glob("*.json"))

NEW_COLOUR = "#0A0B0C"
_COLOUR_LINE = re.compile(r'    color: "#[0-9A-Fa-f]{6}"')


def case(name: str) -> JSON:
    """The categorySchema of one case, as the hub holds it."""
    schema: JSON = json.loads((ADOPTED / f"{name}.json").read_text("utf-8"))
    return schema


def read_without_rules(text: str) -> Ontology:
    """A pulled file's label set as the loader builds it, before any rule about its content is checked: what the
    wire, identity and diff code sees, whatever the validator will say of it."""
    parsed = _Parsed(text, "pulled.yaml", track=False)
    assert parsed.syntax is None, parsed.syntax
    return Ontology.model_validate(parsed.doc)


def recolour_first_node(text: str) -> str:
    """A pulled file with the first node's colour changed (or given one): an edit unrelated to anything else."""
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("  - "))
    end = next((i for i in range(first + 1, len(lines)) if not lines[i].startswith("    ")
                or lines[i][4] == " " or lines[i].rstrip().endswith(":")), len(lines))
    colour = next((i for i in range(first + 1, end) if _COLOUR_LINE.fullmatch(lines[i])), None)
    if colour is None:
        lines.insert(first + 2, f'    color: "{NEW_COLOUR}"')  # after `id:`, which pull writes first
    else:
        lines[colour] = f'    color: "{NEW_COLOUR}"'
    return "\n".join(lines) + "\n"


def recoloured(schema: JSON) -> JSON:
    """What the hub should hold after `recolour_first_node`: the same, with that one colour, every section a
    list (a missing or null section is sent as `[]`; the fingerprint reads them alike)."""
    out = json.loads(json.dumps(schema))
    for name in ("tools", "classifications", "relations"):
        out[name] = out.get(name) or []
    first = next(nodes[0] for nodes in (out["tools"], out["classifications"], out["relations"]) if nodes)
    first["color"] = NEW_COLOUR
    return out

"""Generate large ontologies for the benchmark: concise YAML plus the matching live categorySchema.

Two shapes, each at any size (in nodes: tools + classifications + relations + options + tree nodes):

- `tools`: many tools, each with a radio whose options reveal nested checkboxes and a text (`when:`),
  and a boolean — 20 nodes per tool, like a driving ontology with nested attributes.
- `tree`: a few tools and one tree-dropdown holding almost every node, 5 levels deep, ICD-like codes.

For each (shape, size) it writes under `benchmarks/data/<shape>-<size>/`:

    base.yaml        the ontology, as the live project holds it (no ids: matched by title, like a hand-written file)
    live.json        the live categorySchema: `to_category_schema(resolve(load(base.yaml)))`
    changed.yaml     base.yaml with a handful of real edits (rename, add option, delete option, colour change,
                     new tool) — what `plan` and `apply` are measured on
    desired.json     the categorySchema of changed.yaml resolved against live (input of the naive DeepDiff)
    meta.json        node counts, the edits, the generator version

Deterministic: the same seed, shape and size give byte-identical files.

    python benchmarks/generate.py --sizes 1000,10000,100000 --shapes tools,tree
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
VERSION = 1
SEED = 20261128
PLACEHOLDER_PROJECT = "0000000000000000000be7c0"
SHAPES = ("tools", "tree")
TOOL_TYPES = ("bounding-box", "polygon", "polyline", "point", "rotated-bounding-box", "segmentation")
# Plain-scalar safe words (no yes/no/on/off/true/false/null, no colons or hashes).
WORDS = ("acute", "chronic", "lateral", "medial", "upper", "lower", "anterior", "posterior", "renal", "hepatic",
         "cardiac", "pulmonary", "gastric", "dermal", "neural", "ocular", "viral", "bacterial", "fungal",
         "primary", "secondary", "partial", "complete", "minor", "major", "left", "right", "bilateral",
         "distal", "proximal", "sedan", "truck", "bus", "van", "cyclist", "pedestrian", "sign", "signal",
         "lane", "curb", "barrier", "cone", "pole", "tree", "rock", "puddle", "shadow", "glare", "wet", "dry")

Node = dict[str, Any]


def _words(rng: random.Random, count: int = 2) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


def _unique(rng: random.Random, count: int, prefix: str) -> list[str]:
    """`count` option values, distinct, readable, deterministic."""
    return [f"{prefix}{i + 1} {_words(rng, 1)}" for i in range(count)]


# --- shapes, as plain data ---------------------------------------------------------------------------

def tools_shape(nodes: int, rng: random.Random) -> dict[str, Any]:
    """`nodes // 20` tools of 20 nodes each: tool, radio + 6 options, 2 checkboxes (`when:`) + 4 options each,
    a text (`when:`), a boolean."""
    tools: list[Node] = []
    for t in range(max(1, nodes // 20)):
        kinds = _unique(rng, 6, "K")
        nested = [
            {"type": "checkbox", "title": "Detail A", "attrs": {"when": kinds[0]}, "options": _unique(rng, 4, "A")},
            {"type": "checkbox", "title": "Detail B", "attrs": {"when": kinds[1]}, "options": _unique(rng, 4, "B")},
            {"type": "text", "title": "Note", "attrs": {"when": kinds[2]}},
        ]
        tools.append({
            "type": TOOL_TYPES[t % len(TOOL_TYPES)], "title": f"Tool {t + 1:06d} {_words(rng)}", "attrs": {},
            "classifications": [
                {"type": "radio", "title": "Kind", "attrs": {"required": True}, "options": kinds,
                 "classifications": nested},
                {"type": "boolean", "title": "Occluded", "attrs": {}},
            ],
        })
    return {"tools": tools, "classifications": []}


def _fanout(nodes: int, levels: int) -> float:
    """The branching factor f with f + f^2 + ... + f^levels ≈ nodes."""
    low, high = 1.0, float(nodes)
    for _ in range(60):
        mid = (low + high) / 2
        if sum(mid ** k for k in range(1, levels + 1)) < nodes:
            low = mid
        else:
            high = mid
    return high


def tree_shape(nodes: int, rng: random.Random, levels: int = 5) -> dict[str, Any]:
    """A few tools and a 5-level ICD-like tree-dropdown with the rest of the nodes."""
    budget = nodes - 12
    fan = _fanout(budget, levels)
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

    def children(code: str, depth: int) -> list[Node]:
        if depth > levels:
            return []
        count = max(1, int(fan) + (1 if rng.random() < fan - int(fan) else 0))
        out = []
        for i in range(count):
            if depth == 1:
                child = f"{letters[i % 26]}{i // 26 or ''}"
            elif depth == 2:
                child = f"{code}{i:02d}"
            elif depth == 3:
                child = f"{code}.{i}"
            else:
                child = f"{code}{i}"
            out.append({"title": f"{child} {_words(rng)}", "code": child, "children": children(child, depth + 1)})
        return out

    tree = children("", 1)
    for node in _walk(tree):
        node.pop("code")
    tools = [{"type": TOOL_TYPES[i % len(TOOL_TYPES)], "title": f"Region {i + 1}", "attrs": {}} for i in range(5)]
    diagnosis: Node = {
        "type": "tree-dropdown", "title": "Diagnosis", "attrs": {"required": True}, "tree": tree,
        "classifications": [{"type": "radio", "title": "Certainty", "attrs": {"when": _first_path(tree)},
                             "options": ["confirmed", "suspected", "ruled out"]}],
    }
    return {"tools": tools, "classifications": [diagnosis, {"type": "text", "title": "Comment", "attrs": {}}]}


def _walk(tree: list[Node]) -> list[Node]:
    out: list[Node] = []
    stack = list(reversed(tree))
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(reversed(node["children"]))
    return out


def _first_path(tree: list[Node]) -> str:
    return " / ".join([tree[0]["title"], tree[0]["children"][0]["title"]])


# --- edits: a handful of real changes ---------------------------------------------------------------

def edit(shape: str, doc: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A copy of `doc` with a rename, an added option, a deleted option, a colour change and a new tool."""
    doc = copy.deepcopy(doc)
    tools = doc["tools"]
    notes = []
    middle = tools[len(tools) // 2]
    middle["attrs"]["color"] = "#123ABC"
    notes.append(f"colour change: tool {middle['title']!r}")
    renamed = tools[-1]
    old = renamed["title"]
    renamed["title"] = old + " renamed"
    renamed["attrs"]["renamed_from"] = old
    notes.append(f"rename (renamed_from): tool {old!r}")
    tools.append({"type": "point", "title": "Added tool", "attrs": {}})
    notes.append("new tool 'Added tool'")
    if shape == "tools":
        first = tools[0]["classifications"][0]
        first["options"].append("K7 added")
        notes.append(f"add option to {tools[0]['title']!r} > Kind")
        detail = tools[len(tools) // 3]["classifications"][0]["classifications"][1]
        gone = detail["options"].pop()
        notes.append(f"delete option {gone!r} of {tools[len(tools) // 3]['title']!r} > Kind > Detail B")
    else:
        nodes = _walk(doc["classifications"][0]["tree"])
        leaves = [node for node in nodes if not node["children"]]
        parents = [node for node in nodes if node["children"]]
        parent = parents[len(parents) // 2]
        parent["children"].append({"title": "Z99 added leaf", "children": []})
        notes.append(f"add tree leaf under {parent['title']!r}")
        victim = leaves[len(leaves) // 3]
        for node in parents:
            if victim in node["children"]:
                node["children"].remove(victim)
                break
        notes.append(f"delete tree leaf {victim['title']!r}")
        target = leaves[2 * len(leaves) // 3]
        target["renamed_from"] = target["title"]
        target["title"] += " renamed"
        notes.append(f"rename (renamed_from) tree leaf {target['renamed_from']!r}")
    return doc, notes


# --- YAML emitter (the concise format, written directly: ruamel's dumper is slow at 100k nodes) ------

def _scalar(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    text = str(value)
    if text.startswith("#") or ":" in text or "," in text or "[" in text or "]" in text:
        return json.dumps(text)
    return text


def _flow(values: list[str]) -> str:
    return "[" + ", ".join(_scalar(v) for v in values) + "]"


def _emit_tree(nodes: list[Node], indent: int, out: list[str]) -> None:
    pad = " " * indent
    for node in nodes:
        kids = node["children"]
        if "renamed_from" in node:
            out.append(f"{pad}- title: {_scalar(node['title'])}")
            out.append(f"{pad}  renamed_from: {_scalar(node['renamed_from'])}")
            if kids:
                out.append(f"{pad}  children:")
                _emit_tree(kids, indent + 4, out)
        elif not kids:
            out.append(f"{pad}- {_scalar(node['title'])}")
        elif all(not k["children"] and "renamed_from" not in k for k in kids):
            out.append(f"{pad}- {_scalar(node['title'])}: {_flow([k['title'] for k in kids])}")
        else:
            out.append(f"{pad}- {_scalar(node['title'])}:")
            _emit_tree(kids, indent + 4, out)


def _emit_nodes(nodes: list[Node], indent: int, out: list[str]) -> None:
    pad = " " * indent
    for node in nodes:
        out.append(f"{pad}- {node['type']}: {_scalar(node['title'])}")
        for key, value in node["attrs"].items():
            out.append(f"{pad}  {key}: {_scalar(value)}")
        if "options" in node:
            out.append(f"{pad}  options: {_flow(node['options'])}")
        if "tree" in node:
            out.append(f"{pad}  tree:")
            _emit_tree(node["tree"], indent + 4, out)
        if node.get("classifications"):
            out.append(f"{pad}  classifications:")
            _emit_nodes(node["classifications"], indent + 4, out)


def to_yaml(doc: dict[str, Any], project: str = PLACEHOLDER_PROJECT) -> str:
    out = ["# yaml-language-server: $schema=../../../schemas/ontology.schema.json", f"project: {project}"]
    for section in ("tools", "classifications"):
        if doc[section]:
            out.append(f"{section}:")
            _emit_nodes(doc[section], 2, out)
    return "\n".join(out) + "\n"


# --- files --------------------------------------------------------------------------------------------

def folder(shape: str, size: int) -> Path:
    return DATA / f"{shape}-{size}"


def generate(shape: str, size: int, *, force: bool = False, seed: int = SEED) -> Path:
    """Write the files for (shape, size) unless they are there already from this generator version."""
    target = folder(shape, size)
    meta_path = target / "meta.json"
    if not force and meta_path.exists():
        meta = json.loads(meta_path.read_text("utf-8"))
        if meta.get("version") == VERSION and meta.get("seed") == seed:
            return target
    # Imported here so that `--help` and the benchmark's reference workers do not pay for the package.
    from ango_ontology.identity import resolve
    from ango_ontology.loader import load
    from ango_ontology.wire import from_category_schema, to_category_schema

    rng = random.Random(f"{seed}-{shape}-{size}")
    doc = tools_shape(size, rng) if shape == "tools" else tree_shape(size, rng)
    changed, notes = edit(shape, doc)
    target.mkdir(parents=True, exist_ok=True)
    (target / "base.yaml").write_text(to_yaml(doc), "utf-8")
    (target / "changed.yaml").write_text(to_yaml(changed), "utf-8")
    base = load(target / "base.yaml")
    live = to_category_schema(resolve(base))
    (target / "live.json").write_text(json.dumps(live, ensure_ascii=False), "utf-8")
    desired = to_category_schema(resolve(load(target / "changed.yaml"), from_category_schema(live)))
    (target / "desired.json").write_text(json.dumps(desired, ensure_ascii=False), "utf-8")
    counts = base.counts()
    meta = {"version": VERSION, "seed": seed, "shape": shape, "size": size, "counts": counts,
            "nodes": sum(counts.values()), "edits": notes,
            "yaml_lines": (target / "base.yaml").read_text("utf-8").count("\n"),
            "yaml_bytes": (target / "base.yaml").stat().st_size, "json_bytes": (target / "live.json").stat().st_size}
    meta_path.write_text(json.dumps(meta, indent=2) + "\n", "utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated node counts")
    parser.add_argument("--shapes", default=",".join(SHAPES), help="tools, tree or both")
    parser.add_argument("--force", action="store_true", help="regenerate even when the files are there")
    args = parser.parse_args(argv)
    for shape in args.shapes.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            path = generate(shape, size, force=args.force)
            meta = json.loads((path / "meta.json").read_text("utf-8"))
            print(f"{path}: {meta['nodes']} nodes, {meta['yaml_lines']} YAML lines, {meta['json_bytes']:,} bytes JSON")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    sys.exit(main())

"""pull --into a label set made of parts: `include:` fragments, and `environments:`.

Fragments: the file is merged as the text it makes. Each `- include: PATH` line is replaced by the
fragment's items, indented where the include stood and fenced by two marker comments, and
`merge.merge_into` edits only the lines of what the live project changed. A fenced region that comes
back byte for byte is put back as the `include:` line it was; one that changed — the live project
changed a node the fragment holds — is refused, naming the fragment and its nodes: other label sets
include it, and one project's web-UI edit must not silently reach them all.

Environments: the project's label set is the file's nodes followed by its environment's, and a change
could belong to either (or to every environment): pull --into writes nothing then and lists the
changes, unless there are none.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .diff import make_plan
from .environments import effective
from .errors import InputError
from .includes import INCLUDE, MAX_DEPTH, Files, IncludeError
from .loader import load_text
from .merge import merge_into
from .model import JSON, Ontology
from .pull import live_ontology
from .yaml_edits import compose

_BEGIN = "# ango-ontology include-begin "
_END = "# ango-ontology include-end "
Step = Callable[[str], None]


@dataclass
class _Fence:
    """One include replaced by its fragment: the include's own line, the fragment, and its lines as they read
    once the includes inside it are folded back."""

    number: int
    original: list[str]
    fragment: str
    lines: list[str]

    def indent(self, pad: str) -> None:
        """Shift it right, with the fragment that includes it."""
        self.original = [_padded(line, pad) for line in self.original]
        self.lines = [_padded(line, pad) for line in self.lines]


def _padded(line: str, pad: str) -> str:
    return pad + line if line.strip() else line


@dataclass
class _Flattening:
    files: Files
    fences: list[_Fence] = field(default_factory=list)


def uses_parts(ontology: Ontology, text: str) -> bool:
    """Whether a file's label set is more than its own text: it includes fragments or has environments."""
    return bool(ontology.environments) or f"{INCLUDE}:" in text


def merge_parts(text: str, ontology: Ontology, project_json: JSON | None, project_id: str, filename: str,
                step: Step | None = None, **kept: Any) -> str:
    """The file's text with the project's live changes merged in; InputError when they fall in a shared part.
    `kept`: what `merge_into` is told about the file's own items (`base`, `base_label`, `said`)."""
    if ontology.environments:
        return _environments(text, ontology, project_json, project_id, filename)
    flattening = _Flattening(Files(filename))
    flat = _flatten(flattening, text, filename, (os.path.realpath(filename),))
    merged = merge_into(flat, project_json, filename, step, load_text(flat, filename), **kept)
    return _fold(flattening, merged, filename)


def _environments(text: str, ontology: Ontology, project_json: JSON | None, project_id: str,
                  filename: str) -> str:
    name = next((name for name, env in ontology.environments.items()
                 if any(ref.id == project_id for ref in env.own_targets())), None)
    if name is None:
        raise InputError(f"project {project_id} is the project of none of the file's environments")
    plan = make_plan(effective(ontology, name), live_ontology(project_json))
    if plan.is_empty:
        return text
    listed = "\n".join(f"  - {change.describe()}" for change in plan.changes[:20])
    more = f"\n  … and {len(plan.changes) - 20} more" if len(plan.changes) > 20 else ""
    raise InputError(f"{filename} has environments: project {project_id} (environment {name!r}) differs from it, "
                     f"and each change could belong to the environment or to every one, so pull --into writes "
                     f"nothing:\n{listed}{more}\nEdit the file where each belongs (`ango-ontology plan` shows "
                     "them), or pull the project into a file of its own and compare with `ango-ontology diff`.")


# --- flattening ----------------------------------------------------------------------------------------------

def _flatten(flattening: _Flattening, text: str, filename: str, chain: tuple[str, ...]) -> str:
    """The text with every block `- include:` line replaced by its fragment's fenced, indented items."""
    lines = text.splitlines(keepends=True)
    for line, target in sorted(_includes(compose(text), filename), reverse=True):
        pad = " " * (len(lines[line]) - len(lines[line].lstrip(" ")))
        fragment, key = _fragment_text(flattening, filename, target, chain)
        name = flattening.files.locate(filename, target)[0]
        inner = len(flattening.fences)
        body = _flatten(flattening, _ended(fragment), name, (*chain, key))
        for fence in flattening.fences[inner:]:  # the includes inside the fragment move right with it
            fence.indent(pad)
        fence = _Fence(len(flattening.fences) + 1, [lines[line]], name,
                       [_padded(part, pad) for part in _ended(fragment).splitlines(True)])
        flattening.fences.append(fence)
        lines[line:line + 1] = [f"{pad}{_BEGIN}{fence.number}\n",
                                *(_padded(part, pad) for part in body.splitlines(True)),
                                f"{pad}{_END}{fence.number}\n"]
    return "".join(lines)


def _ended(text: str) -> str:
    return text if text.endswith("\n") or not text else text + "\n"


def _includes(root: Node | None, filename: str) -> list[tuple[int, str]]:
    """(line, path) of every `- include:` item of a block list; InputError for one this cannot rewrite."""
    out: list[tuple[int, str]] = []
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, SequenceNode):
            for item in node.value:
                found = _include_of(item)
                if found is None:
                    stack.append(item)
                elif node.flow_style or item.value[0][1].end_mark.line != item.start_mark.line:
                    raise InputError(f"{filename}:{item.start_mark.line + 1}: pull --into merges around an "
                                     "`include:` written on one line of a block list (`- include: PATH`)")
                else:
                    out.append((item.start_mark.line, found))
        elif isinstance(node, MappingNode):
            stack.extend(value for _, value in node.value)
    return out


def _include_of(item: Node) -> str | None:
    if isinstance(item, MappingNode) and len(item.value) == 1:
        key, value = item.value[0]
        if isinstance(key, ScalarNode) and key.value == INCLUDE and isinstance(value, ScalarNode):
            return str(value.value)
    return None


def _fragment_text(flattening: _Flattening, including: str, target: str, chain: tuple[str, ...]) -> tuple[str, str]:
    try:
        name, key = flattening.files.locate(including, target)
        if key in chain or len(chain) > MAX_DEPTH:
            raise IncludeError(f"include: {target!r} includes itself or is nested too deeply")
        return flattening.files.read(name), key
    except IncludeError as error:  # the loader reports these at their line; nothing can be merged
        raise InputError(str(error)) from None


# --- folding back ----------------------------------------------------------------------------------------------

def _fold(flattening: _Flattening, merged: str, filename: str) -> str:
    """The merged text with each unchanged fence put back as its include; InputError naming changed fragments."""
    lines = merged.splitlines(keepends=True)
    refused: list[str] = []
    for fence in flattening.fences:  # inner fences come first: each outer one then reads as its fragment
        begins = [i for i, line in enumerate(lines) if line.strip() == f"{_BEGIN}{fence.number}".strip()]
        ends = [i for i, line in enumerate(lines) if line.strip() == f"{_END}{fence.number}".strip()]
        if len(begins) != 1 or len(ends) != 1 or ends[0] < begins[0]:
            refused.append(f"{fence.fragment}: the live changes moved its items")
            continue
        region = lines[begins[0] + 1:ends[0]]
        if any(line.strip().startswith(_BEGIN.strip()) for line in region):
            continue  # a fragment inside it changed: that one is named
        if region != fence.lines:
            refused.append(f"{fence.fragment}: {', '.join(_titles(fence.lines, region))}")
            continue
        lines[begins[0]:ends[0] + 1] = fence.original
    if refused:
        raise InputError(f"{filename}: the live project changed nodes that a fragment holds, and other label sets "
                         "include it, so pull --into writes nothing:\n"
                         + "\n".join(f"  - {line}" for line in sorted(set(refused)))
                         + "\nEdit the fragment yourself (its change reaches every label set that includes it), "
                           "or move those nodes into this file; `ango-ontology plan` shows each change.")
    return "".join(lines)


def _titles(before: list[str], after: list[str]) -> list[str]:
    """The titles of the fragment's top-level items whose lines differ (all of them when that is unclear)."""
    def items(lines: list[str]) -> dict[str, str]:
        indent = min((len(line) - len(line.lstrip(" ")) for line in lines if line.lstrip().startswith("- ")),
                     default=0)
        out: dict[str, str] = {}
        current = ""
        for line in lines:
            if line[indent:indent + 2] == "- ":
                current = line[indent + 2:].split(":", 1)[-1].strip() or line.strip()
            out[current] = out.get(current, "") + line
        return out

    old, new = items(before), items(after)
    changed = [title for title in old if old[title] != new.get(title)] + [t for t in new if t not in old]
    return [title for title in changed if title] or list(old)


__all__ = ["merge_parts", "uses_parts"]

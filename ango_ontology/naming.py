"""How a label set names things: titles, values and ids a reader can tell apart, and `renamed_from` that resolves.

These checks look at text only. A title or value is compared as a reader sees it
(`characters.reads_as`), so two that differ only by surrounding spaces, an invisible character or
Unicode normalisation are duplicates; hidden code points are named (`U+202E RIGHT-TO-LEFT OVERRIDE`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from .characters import describe, hidden, kind, may_hide, reads_as

_WHY = {
    "a control character": "it can break a line or send a terminal escape",
    "a line separator": "it breaks the line",
    "a bidi control": "it changes the order in which the text is displayed",
    "an invisible character": "it cannot be seen, so two texts can look the same and differ",
    "half of a surrogate pair": "it is not a character on its own",
}


def hidden_problem(text: str, what: str) -> str | None:
    """`the title contains U+202E RIGHT-TO-LEFT OVERRIDE (a bidi control): …`, or None when `text` is clean."""
    found = list(dict.fromkeys(hidden(text))) if may_hide(text) else []
    if not found:
        return None
    first = found[0]
    more = f" and {len(found) - 1} more hidden code point{'s' if len(found) > 2 else ''}" if len(found) > 1 else ""
    return (f"{what} contains {describe(first)} ({kind(first)}){more}: {_WHY[kind(first)]}; "
            "remove it (retype the text if it was pasted)")


def id_problem(text: str) -> str | None:
    """What is wrong with an id as written, or None: empty, spaces around it, hidden code points."""
    if not text.strip():
        return "the id is empty: give one, or leave `id:` out to have it derived"
    if text != text.strip():
        return f"the id {text!r} has spaces around it; remove them (ids are compared exactly)"
    return hidden_problem(text, "the id")


TREE_SEPARATOR = " / "


def tree_title_problem(title: str) -> str | None:
    """Why a tree node's title cannot be joined into a tree path (`Parent / Child`) unambiguously, or None.

    Ango names a tree answer by its path, the titles joined with ` / `: a title holding it, or starting
    with `/ ` or ending with ` /`, makes one path read as another (`A /` > `B` and `A` > `/ B` are both
    `A / / B`).
    """
    if TREE_SEPARATOR in title:
        return "a tree node title cannot contain ' / ' (Ango joins tree paths with it)"
    if title.startswith("/ ") or title.endswith(" /"):
        return ("a tree node title cannot start with '/ ' or end with ' /': Ango joins tree paths with ' / ', "
                "so its path would read as another one")
    return None


class Named(NamedTuple):
    """One sibling as naming sees it: its place among them, what it is called and the title it was renamed from."""

    at: int
    name: str
    renamed_from: str | None = None


def duplicates(siblings: Iterable[Named]) -> Iterator[tuple[Named, str]]:
    """Each sibling whose name reads the same as an earlier one's, with that earlier name."""
    seen: dict[str, str] = {}
    for sibling in siblings:
        key = reads_as(sibling.name)
        if not key:
            continue  # an empty name is reported as empty, not as a duplicate
        if key in seen:
            yield sibling, seen[key]
        else:
            seen[key] = sibling.name


def duplicate_message(name: str, first: str, what: str, where: str) -> str:
    """`duplicate title 'Car' among these tools`, saying how the two differ when they are not written alike."""
    message = f"duplicate {what} {name!r}" + (f" {where}" if where else "")
    if name == first:
        return message
    return f"{message}: it reads the same as {first!r} ({_difference(name, first)})"


def _difference(one: str, other: str) -> str:
    reasons = []
    if one != one.strip() or other != other.strip():
        reasons.append("spaces around them")
    composed = [unicodedata.normalize("NFC", text) for text in (one, other)]
    if any(reads_as(text) != form.strip() for text, form in zip((one, other), composed, strict=True)):
        reasons.append("invisible characters")
    if composed != [one, other]:
        reasons.append("how their letters are composed in Unicode (NFC or NFD)")
    return "they differ only in " + (" and ".join(reasons) or "invisible characters")


def renames(siblings: list[Named], what: str) -> Iterator[tuple[Named, str]]:
    """Each `renamed_from` that is empty, names its own node, or goes round in a cycle among its siblings."""
    sources = {reads_as(s.name): s for s in siblings if s.renamed_from is not None}
    reported: set[int] = set()
    for sibling in siblings:
        old = sibling.renamed_from
        if old is None:
            continue
        if not old.strip():
            yield sibling, f"renamed_from is empty: give the {what} it had before, or leave `renamed_from` out"
        elif reads_as(old) == reads_as(sibling.name):
            yield sibling, f"renamed_from names this node's own {what}: give the {what} it had before"
        elif sibling.at not in reported:
            cycle = _cycle(sibling, sources)
            if cycle:
                reported.update(member.at for member in cycle)
                chain = " ← ".join(repr(member.name) for member in [*cycle, cycle[0]])
                yield sibling, (f"renamed_from goes round in a cycle ({chain}): no node can be matched first; "
                                "to swap or rotate names, give each node its `id` instead")


def _cycle(start: Named, sources: dict[str, Named]) -> list[Named]:
    """The siblings met following `renamed_from` from `start` when the chain comes back to it, else []."""
    chain = [start]
    current = start
    while current.renamed_from is not None:
        following = sources.get(reads_as(current.renamed_from))
        if following is None or any(following is member for member in chain[1:]):
            return []
        if following is start:
            return chain
        chain.append(following)
        current = following
    return []  # pragma: no cover - every member of `sources` has a renamed_from

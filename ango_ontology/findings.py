"""A problem the checks found in a label set: where it is in the document, a breadcrumb, a message, a severity."""

from __future__ import annotations

from dataclasses import dataclass

from .positions import DocPath


@dataclass(frozen=True)
class Finding:
    """A problem found in the models: the path of fields and indices, a breadcrumb, a message, a severity."""

    path: DocPath
    breadcrumb: str
    message: str
    warning: bool = False


def label(name: str, index: int) -> str:
    """How a breadcrumb names an item: its title or value, or `#3` when it has none."""
    return name if name.strip() else f"#{index + 1}"


Crumb = str | tuple["Crumb", str, str, int]
"""A breadcrumb, or what makes one (parent, list, name, index): written out only when a finding needs it."""


def crumb_text(crumb: Crumb) -> str:
    if isinstance(crumb, str):
        return crumb
    parent, among, name, index = crumb
    own = f"{among}[{label(name, index)}]"
    text = crumb_text(parent)
    return f"{text} > {own}" if text else own


__all__ = ["Crumb", "DocPath", "Finding", "crumb_text", "label"]

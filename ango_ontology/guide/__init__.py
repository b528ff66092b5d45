"""The annotator guide: a label set explained to the people who label with it, as HTML or Markdown."""

from __future__ import annotations

from pathlib import Path

from ..identity import resolve
from ..model import Ontology
from . import html, markdown
from .version import Version, version_of

__all__ = ["Version", "guide_html", "guide_markdown", "title_of", "version_of"]


def title_of(ontology: Ontology, version: Version) -> str:
    """What the guide is called: the project's name, else its id, else the file's name."""
    for ref in ontology.targets():
        if ref.name:
            return ref.name
    ids = [ref.id for ref in ontology.targets() if ref.id]
    return f"project {ids[0]}" if ids else Path(version.source).stem


def guide_html(ontology: Ontology, version: Version) -> str:
    """The guide as one self-contained HTML page."""
    return html.render(resolve(ontology), version, title_of(ontology, version))


def guide_markdown(ontology: Ontology, version: Version) -> str:
    """The guide as Markdown for wikis and pull requests, with a Mermaid diagram of each conditional flow."""
    return markdown.render(resolve(ontology), version, title_of(ontology, version))

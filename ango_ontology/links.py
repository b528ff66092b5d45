"""Example links (`examples:`): which ones a file may hold, and how a guide writes them so they stay links.

A link goes into the annotator guide's HTML and Markdown, where character references are decoded:
`&#106;avascript:` is `javascript:` to a browser and to a Markdown reader. So a link is checked as
written and as it reads once decoded, and written so that no reference forms in it.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


def link_problem(link: str) -> str:
    """Why `link` cannot be an example link (a `javascript:` URL, spaces…), or an empty string."""
    if not link.strip():
        return "the example link is empty"
    decoded = html.unescape(link)
    said = f"example link {link!r}" + (f" (which reads {decoded!r} once its character references are decoded)"
                                       if decoded != link else "")
    if any(ch.isspace() or not ch.isprintable() for ch in link + decoded):
        return f"{said} holds spaces or control characters; encode them (%20)"
    for text in (link, decoded):
        scheme = _SCHEME.match(text)
        if scheme and scheme.group(1).lower() not in ("http", "https"):
            return f"{said}: only http(s) links and relative paths are allowed, not {scheme.group(1)}:"
    return ""


def link_target(link: str) -> str:
    """An example link for `href` or a Markdown link: characters that could end it are percent-encoded."""
    return quote(link, safe=":/?#[]@!$&*+,;=%~-._")


__all__ = ["link_problem", "link_target"]

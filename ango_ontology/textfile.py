"""A text file as the commands that rewrite it read it and write it back: UTF-8, its byte-order mark and line
endings kept.

`fmt` and `pull --into` work on text with `\\n` line endings; a file written on Windows (CRLF, often with
a BOM) must come back with its own, not with a mix of both and its BOM gone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

BOM = "\ufeff"


@dataclass(frozen=True)
class TextFile:
    """A file's text with `\\n` line endings and no BOM, and how the file wrote them."""

    text: str
    bom: bool = False
    newline: str = "\n"

    def encoded(self, text: str) -> bytes:
        """`text` (with `\\n` line endings) as this file's bytes: its BOM and line endings."""
        if self.newline != "\n":
            text = text.replace("\n", self.newline)
        return ((BOM if self.bom else "") + text).encode("utf-8")


def decoded(data: bytes) -> TextFile:
    """A file's bytes as text (UnicodeDecodeError when they are not UTF-8): the BOM and the line endings noted
    (the first line's ending is the file's), and `\\r\\n` made `\\n`."""
    text = data.decode("utf-8")
    bom = text.startswith(BOM)
    text = text.removeprefix(BOM)
    first = text.find("\n")
    newline = "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"
    return TextFile(text.replace("\r\n", "\n"), bom, newline)


def read_file(name: str) -> TextFile:
    """A file's text and how it is written; InputError when it cannot be read as UTF-8 text."""
    try:
        return decoded(Path(name).read_bytes())
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{name}: cannot read it as UTF-8 text ({error})") from None


__all__ = ["BOM", "TextFile", "decoded", "read_file"]

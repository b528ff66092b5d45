"""Imports: another platform's label configuration written as an ontology file, every unmapped element noted.

    labelstudio   a Label Studio labeling config (XML)           labelstudio.py
    labelbox      a Labelbox ontology (normalized JSON)           labelbox.py
    cvat          CVAT labels (the label constructor's JSON)      cvat.py
    coco          COCO `categories` (a COCO JSON file)            coco.py
    ango-sdk      a Python file building the Ango SDK's objects,  ango_sdk.py
                  or their JSON (a categorySchema)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..errors import InputError, OntologyInvalid, Problem
from ..fmt import format_text
from ..hub.base import MAX_DEPTH
from ..identity import resolve
from ..loader import load_text, max_bytes
from ..model import TOOL_TYPES, Ontology
from ..validate import check
from ..wire import to_category_schema
from . import ango_sdk, coco, cvat, labelbox, labelstudio
from .notes import Notes
from .writer import write

__all__ = ["NAMES", "SOURCES", "Imported", "import_file"]

SOURCES: dict[str, Callable[..., Ontology]] = {
    "labelstudio": labelstudio.read,
    "labelbox": labelbox.read,
    "cvat": cvat.read,
    "coco": coco.read,
    "ango-sdk": ango_sdk.read,
}
NAMES = {"labelstudio": "Label Studio labeling config", "labelbox": "Labelbox ontology", "cvat": "CVAT labels",
         "coco": "COCO categories", "ango-sdk": "Ango SDK label set"}


@dataclass(frozen=True)
class Imported:
    """The imported label set, the file's text, and what could not be carried over exactly."""

    ontology: Ontology
    text: str
    warnings: list[Problem]


def import_file(source: str, path: str, *, tool: str = "bounding-box", now: datetime | None = None) -> Imported:
    """Read `path` as a `source` configuration; raises InputError when it cannot be read at all."""
    if source not in SOURCES:
        raise InputError(f"unknown source {source!r}; one of: {', '.join(SOURCES)}")
    if tool not in TOOL_TYPES:
        raise InputError(f"--tool {tool!r} is not a tool type; one of: {', '.join(TOOL_TYPES)}")
    notes = Notes(path)
    text = _read(path)
    try:
        if source == "coco":
            ontology = coco.read(text, notes, tool)
        elif source == "ango-sdk":
            ontology = ango_sdk.read(text, notes, path)
        else:
            ontology = SOURCES[source](text, notes)
        return _finish(ontology, notes, source, path, now)
    except RecursionError:  # whatever the source, a structure nested beyond what can be walked is an input error
        raise InputError(f"{path}: its {NAMES[source]} nests too deeply to import (a label set nests at most "
                         f"{MAX_DEPTH} levels); nothing written") from None


def _read(path: str) -> str:
    try:
        size = os.stat(path).st_size
        if size > max_bytes():
            raise InputError(f"{path}: the file is {size:,} bytes, over the limit of {max_bytes():,} "
                             "(set ANGO_ONTOLOGY_MAX_BYTES to raise it)")
        return Path(path).read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory") from None
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read it ({error.strerror})") from None


def _finish(ontology: Ontology, notes: Notes, source: str, path: str, now: datetime | None) -> Imported:
    """Check the label set, write it, and read the file back: it must hold exactly what was imported."""
    if ontology.is_empty():
        said = "".join(f"\n  {warning}" for warning in notes.warnings)
        raise InputError(f"{path}: nothing in it becomes a tool, classification or relation; nothing written{said}")
    findings = check(ontology)
    if findings:
        raise OntologyInvalid([Problem(f"the imported label set breaks a rule: {f.message}", f.breadcrumb, path)
                               for f in findings])
    warnings = sorted(notes.warnings, key=lambda warning: (warning.line, warning.column))
    day = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime("%Y-%m-%d")
    header = [f"Imported from the {NAMES[source]} {Path(path).name} by ango-ontology on {day}."]
    if warnings:
        header.append(f"Not carried over exactly ({len(warnings)}):")
        header += [f"  {warning}" for warning in warnings]
    else:
        header.append("Everything in it was carried over.")
    text = format_text(write(ontology, header), path)
    if to_category_schema(resolve(load_text(text, path))) != to_category_schema(resolve(ontology)):
        raise InputError(f"{path}: the written file does not read back as the imported label set; "
                         "this is a bug in ango-ontology, nothing was written")  # pragma: no cover
    return Imported(ontology, text, warnings)

"""`guide FILE [-o guide.html | guide.md]`: the annotator guide of a label set, as one HTML page or as Markdown."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .. import api
from ..backups import atomic_write
from ..characters import escape
from . import options

_MARKDOWN_SUFFIXES = (".md", ".markdown")


def cmd_guide(args: argparse.Namespace) -> int:
    """Write the guide to -o FILE (atomically; its suffix picks the format unless --format says) or to stdout."""
    fmt = args.format or ("markdown" if args.out and Path(args.out).suffix.lower() in _MARKDOWN_SUFFIXES else "html")
    if args.out:
        options.refuse_overwriting_inputs(args.out, [args.file])
    text = api.guide(args.file, fmt)
    if args.out:
        atomic_write(Path(args.out), text.encode("utf-8"))
        sys.stderr.write(escape(f"Wrote the annotator guide of {args.file} to {args.out} ({fmt}).") + "\n")
    else:
        sys.stdout.write(text)
    return 0


def register(sub: Any) -> None:
    guide = sub.add_parser("guide", help="write the annotator guide of a label set (HTML or Markdown)")
    guide.add_argument("file", metavar="FILE", help="a YAML or Python ontology file")
    guide.add_argument("-o", "--out", metavar="OUT", help="write here (atomically): guide.html, or guide.md for "
                                                          "Markdown; default: stdout")
    guide.add_argument("--format", choices=api.GUIDE_FORMATS,
                       help="html or markdown (default: from the suffix of -o, else html)")
    guide.set_defaults(func=cmd_guide)

"""`validate FILE...`: check files and report every problem as `file:line:col: breadcrumb: message`.

Errors fail the run (exit 1); warnings (`file:line:col: warning: …`) are shown and fail nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from .. import api
from ..characters import escape


def _plural(count: int, word: str) -> str:
    if count == 1:
        return f"1 {word}"
    return f"{count} {word[:-1] + 'ies' if word.endswith('y') else word + 's'}"


def counts_line(counts: dict[str, int]) -> str:
    """`3 tools, 5 classifications, 1 relation, 12 options, 0 tree nodes`."""
    return ", ".join([
        _plural(counts["tools"], "tool"),
        _plural(counts["classifications"], "classification"),
        _plural(counts["relations"], "relation"),
        _plural(counts["options"], "option"),
        _plural(counts["tree_options"], "tree node"),
    ])


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate each file; print one summary line per valid file and every problem of the others."""
    results = [api.validate(name) for name in args.files]
    report(results, args.format, sys.stdout, sys.stderr)
    return 0 if all(result.valid for result in results) else 1


def report(results: list[api.Validation], fmt: str, out: TextIO, err: TextIO) -> None:
    if fmt == "json":
        json.dump({"valid": all(r.valid for r in results), "files": [_as_json(r) for r in results]}, out, indent=2)
        out.write("\n")
        return
    for result in results:
        if result.ontology is not None:
            warned = f" ({_plural(len(result.warnings), 'warning')})" if result.warnings else ""
            out.write(escape(f"{result.file}: valid — {counts_line(result.ontology.counts())}{warned}") + "\n")
        if result.failure is not None:
            err.write(escape(result.failure) + "\n")
            continue
        for problem in sorted([*result.problems, *result.warnings], key=lambda p: (p.line, p.column)):
            err.write(f"{problem}\n")


def _as_json(result: api.Validation) -> dict[str, Any]:
    return {"file": result.file, "valid": result.valid,
            "counts": result.ontology.counts() if result.ontology is not None else None,
            "problems": [problem.to_json() for problem in result.problems],
            "warnings": [problem.to_json() for problem in result.warnings]}


def register(sub: Any) -> None:
    validate = sub.add_parser("validate", help="check ontology files and report every problem")
    validate.add_argument("files", nargs="+", metavar="FILE", help="YAML or Python ontology files")
    validate.add_argument("--format", choices=("text", "json"), default="text")
    validate.set_defaults(func=cmd_validate)

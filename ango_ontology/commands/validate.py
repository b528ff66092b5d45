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
from ..errors import InputError, Problem
from ..includes import includers, repository_root
from ..sources import is_fragment


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
    """Validate each file (folders and globs expanded); print one summary line per valid file and every
    problem of the others. A fragment is validated through the label sets that include it."""
    results = [result for argument in args.files for result in _validated(argument)]
    report(results, args.format, sys.stdout, sys.stderr)
    return 0 if all(result.valid for result in results) else 1


def _validated(argument: str) -> list[api.Validation]:
    try:
        names = api.files([argument])
    except InputError as error:
        return [api.Validation(argument, None, [Problem(error.message, "", argument)], failure=str(error))]
    if len(names) == 1 and names[0] == argument and is_fragment(argument):
        return _fragment(argument)
    return [api.validate(name) for name in names]


def _fragment(name: str) -> list[api.Validation]:
    """A fragment named on its own: checked as part of each label set in its repository that includes it."""
    users = includers(name)
    if not users:
        sys.stdout.write(escape(f"{name}: a fragment no label set in {repository_root(name)} includes (not checked)")
                         + "\n")
        return []
    results = [api.validate(user) for user in users]
    sys.stdout.write(escape(f"{name}: a fragment, checked as part of {', '.join(users)}") + "\n")
    return results


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
    validate.add_argument("files", nargs="+", metavar="FILE", help="YAML or Python ontology files, folders of them, "
                                                                   "or globs; a fragment is checked where it is used")
    validate.add_argument("--format", choices=("text", "json"), default="text")
    validate.set_defaults(func=cmd_validate)

"""The command line: parse arguments, call the public API, render, and map errors to exit codes."""

from __future__ import annotations

import argparse
import gc
import json
import sys
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

from . import __doc__ as package_doc
from . import adopt, commands
from .errors import AngoOntologyError, OntologyInvalid
from .hub.cli import add_hub_parser
from .loader import load

EXIT_UNEXPECTED = 3
EXIT_INTERRUPTED = 130


def _plural(count: int, word: str) -> str:
    if count == 1:
        return f"1 {word}"
    return f"{count} {word[:-1] + 'ies' if word.endswith('y') else word + 's'}"


def summary_line(counts: dict[str, int]) -> str:
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
    results: list[dict[str, Any]] = []
    for name in args.files:
        try:
            counts = load(name).counts()
            results.append({"file": name, "valid": True, "counts": counts, "problems": []})
        except OntologyInvalid as error:
            results.append({"file": name, "valid": False, "counts": None,
                            "problems": [p.to_json() for p in error.problems], "_error": error})
        except AngoOntologyError as error:
            problem = {"file": name, "line": 0, "column": 0, "path": "", "message": error.message}
            results.append({"file": name, "valid": False, "counts": None, "problems": [problem],
                            "_error": error})
    _report_validation(results, args.format, sys.stdout, sys.stderr)
    return 0 if all(r["valid"] for r in results) else 1


def _report_validation(results: list[dict[str, Any]], fmt: str, out: TextIO, err: TextIO) -> None:
    if fmt == "json":
        clean = [{k: v for k, v in r.items() if not k.startswith("_")} for r in results]
        json.dump({"valid": all(r["valid"] for r in results), "files": clean}, out, indent=2)
        out.write("\n")
        return
    for result in results:
        if result["valid"]:
            out.write(f"{result['file']}: valid — {summary_line(result['counts'])}\n")
        elif isinstance(result["_error"], OntologyInvalid):
            for problem in result["_error"].problems:
                err.write(f"{problem}\n")
        else:
            err.write(f"{result['_error']}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ango-ontology", description=package_doc)
    parser.add_argument("--debug", action="store_true", help="show tracebacks of unexpected errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    validate = sub.add_parser("validate", help="check ontology files and report every problem")
    validate.add_argument("files", nargs="+", metavar="FILE", help="YAML or Python ontology files")
    validate.add_argument("--format", choices=("text", "json"), default="text")
    validate.set_defaults(func=cmd_validate)
    commands.register(sub)
    adopt.register(sub)
    add_hub_parser(sub)
    return parser


@contextmanager
def _no_cycle_collection(short_lived: bool) -> Iterator[None]:
    """Pause the cycle collector for a one-shot command: it builds large acyclic trees of models, and
    the collector's passes over them grow with their size (a third of a 100k-node plan), freeing nothing."""
    paused = short_lived and gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the error boundary of the program (1 known error, 130 Ctrl-C, 3 unexpected)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with _no_cycle_collection(args.command != "hub"):
            code: int = args.func(args)
        return code
    except AngoOntologyError as error:
        sys.stderr.write(f"Error: {error}\n")
        return error.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader (`| head`) went away: nothing more to say
        sys.stderr.close()
        return 1
    except Exception as error:  # the boundary: anything unexpected is a bug, reported as one
        if args.debug:
            traceback.print_exc()
        sys.stderr.write(f"Unexpected error ({type(error).__name__}); this is a bug in ango-ontology. "
                         "Run again with --debug for the traceback.\n")
        return EXIT_UNEXPECTED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""The command line: the root parser and the error boundary; each command lives in `ango_ontology.commands`.

Exit codes never lie to CI: 0, 2 and 3 only ever mean plan outcomes (2 and 3 with
`--detailed-exitcode`); every error — a usage error, a file, the hub, a bug — exits 1; Ctrl-C 130.
"""

from __future__ import annotations

import argparse
import gc
import sys
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import metadata
from typing import NoReturn

from . import __doc__ as package_doc
from .characters import escape_lines
from .commands import register_all
from .errors import AngoOntologyError, InputError

EXIT_ERROR = 1
EXIT_INTERRUPTED = 130


class UsageError(InputError):
    """The command line itself is wrong: an unknown command or flag, a missing or invalid argument."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is ours to report (argparse would exit 2: "changes" to a CI job)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message}\n{self.format_usage().rstrip()}\n"
                         f"Run `{self.prog} --help` for the options.")


def version() -> str:
    """The installed version of the package."""
    try:
        return metadata.version("ango-ontology")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree without installing
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ango-ontology", description=package_doc)
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of unexpected errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    register_all(sub)
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


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace | int:
    """The parsed arguments, or the exit code when parsing ended the run (`--help`, `--version`: 0)."""
    try:
        return parser.parse_args(argv)
    except SystemExit as done:  # argparse printed help or the version and stopped
        return 0 if done.code in (0, None) else EXIT_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the error boundary of the program (1 any error, bugs included; 130 Ctrl-C)."""
    parser = build_parser()
    debug = "--debug" in (sys.argv[1:] if argv is None else argv)
    try:
        args = _parse(parser, argv)
        if isinstance(args, int):
            return args
        with _no_cycle_collection(args.command != "hub"):
            code: int = args.func(args)
        return code
    except AngoOntologyError as error:
        sys.stderr.write(f"Error: {escape_lines(str(error))}\n")
        return error.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader (`| head`) went away: nothing more to say
        sys.stderr.close()
        return EXIT_ERROR
    except (Exception, SystemExit) as error:  # the boundary: anything unexpected is a bug, reported as one
        if debug:
            traceback.print_exc()
        sys.stderr.write(f"Unexpected error ({type(error).__name__}); this is a bug in ango-ontology. "
                         "Run again with --debug for the traceback.\n")
        return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

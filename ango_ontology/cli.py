"""The command line: the root parser and the error boundary; each command lives in `ango_ontology.commands`."""

from __future__ import annotations

import argparse
import gc
import sys
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from . import __doc__ as package_doc
from .commands import register_all
from .errors import AngoOntologyError

EXIT_UNEXPECTED = 3
EXIT_INTERRUPTED = 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ango-ontology", description=package_doc)
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

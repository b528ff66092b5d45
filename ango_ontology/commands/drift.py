"""`drift FILE...`: does each live project still hold what its file says? Exit 2 when not (a scheduled job)."""

from __future__ import annotations

import argparse
import sys
from contextlib import closing
from typing import Any

from . import options
from .plan import add_base_flags, planned, report_errors, show_runs

EXIT_DRIFT = 2


def cmd_drift(args: argparse.Namespace) -> int:
    """Plan every file; show what differs, told apart against the last applied version when it is known.

    Exit 0 when every project holds what its file says, 2 when one differs, 1 on any error.
    """
    with closing(options.hub_from(args)) as hub:
        runs = planned(hub, args, check_usage=False, quiet=False)
    show_runs(runs, args, sys.stdout, title="Ontology drift")
    if report_errors(runs):
        return 1
    return EXIT_DRIFT if any(run.plan is not None and not run.plan.is_empty for run in runs) else options.EXIT_OK


def register(sub: Any) -> None:
    drift = sub.add_parser("drift", help="check that the live projects hold what the files say (exit 2 when not)",
                           description="Plan every label set and report what differs in its live project, "
                                       "drift (changes made outside ango-ontology) told apart from the file's "
                                       "own changes when the last applied version is known. Exit 0: no "
                                       "difference; 2: a project differs; 1: an error.")
    drift.add_argument("files", nargs="+", metavar="FILE", help="YAML or Python ontology files, folders or globs")
    options.add_project_flag(drift)
    options.add_env_flag(drift)
    options.add_hub_flags(drift)
    options.add_format_flag(drift)
    options.add_color_flag(drift)
    add_base_flags(drift)
    drift.set_defaults(func=cmd_drift)

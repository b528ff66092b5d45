"""What the commands share: the hub, project, format and colour flags, exit codes, confirmation and progress."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from ..backups import BackupStore
from ..characters import escape, escape_lines
from ..errors import ApplyError, ConfirmationRequired, InputError, Problem
from ..hub import Hub, open_hub
from ..locks import DEFAULT_TIMEOUT as DEFAULT_LOCK_TIMEOUT
from ..plan import Plan
from ..render import FORMATS
from .terminal import Progress, add_color_flag, use_color

EXIT_OK = 0
EXIT_CHANGES = 2
EXIT_DESTRUCTIVE = 3
_DURATION = re.compile(r"(\d+(?:\.\d+)?)([smh]?)")
_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0}


def add_hub_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--hub", help="an https:// URL, local, local:PATH, or http://127.0.0.1:PORT "
                                      "(default: ANGO_HUB, else Ango Hub when ANGO_API_KEY is set)")
    parser.add_argument("--insecure", action="store_true", help="allow plain http to a non-loopback host")


def hub_from(args: argparse.Namespace) -> Hub:
    """The hub the `--hub` and `--insecure` flags name (or ANGO_HUB, or Ango Hub)."""
    return open_hub(args.hub, insecure=args.insecure)


def add_project_flag(parser: argparse.ArgumentParser, help_text: str | None = None) -> None:
    parser.add_argument("--project", action="append", default=[], metavar="ID",
                        help=help_text or "the project (id, or a name from the file); repeat for several")


def add_format_flag(parser: argparse.ArgumentParser, choices: tuple[str, ...] = FORMATS) -> None:
    parser.add_argument("--format", choices=choices, default="text")


def add_env_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--env", action="append", default=[], metavar="NAME",
                        help="only these environments of files with `environments:`; repeat for several")


def run_progress(verb: str) -> Progress:
    """The progress display of a run over several projects, on standard error."""
    return Progress(verb)


def add_detailed_exitcode(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--detailed-exitcode", action="store_true",
                        help="exit 0 no changes, 2 changes, 3 destructive changes, 1 error")


def detailed_code(plans: Iterable[Plan]) -> int:
    """Terraform's detailed exit code: 3 when a destructive change may orphan annotations (not counted at
    exactly 0), 2 when any plan has changes, else 0."""
    listed = list(plans)
    if any(change.may_orphan for plan in listed for change in plan.changes):
        return EXIT_DESTRUCTIVE
    return EXIT_CHANGES if any(not plan.is_empty for plan in listed) else EXIT_OK


def add_backup_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--backup-dir", help="where backups go (default .ango-ontology/backups)")


def backup_store(args: argparse.Namespace) -> BackupStore:
    return BackupStore(Path(args.backup_dir) if args.backup_dir else None)


def add_apply_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--auto-approve", action="store_true", help="do not ask for confirmation")
    parser.add_argument("--allow-destructive", action="store_true",
                        help="allow deletes, replacements and moves that can orphan annotations")
    parser.add_argument("--lock-timeout", type=duration, default=DEFAULT_LOCK_TIMEOUT, metavar="DURATION",
                        help="how long to wait while another run of this tool holds a project's lock, e.g. 30s, "
                             f"5m, 0 (default {DEFAULT_LOCK_TIMEOUT:g}s)")
    add_backup_dir(parser)
    add_color_flag(parser)


def duration(text: str) -> float:
    """Seconds from `90`, `90s`, `5m` or `1h` (as Terraform's -lock-timeout takes them)."""
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration like 30s, 5m or 0")
    return float(match[1]) * _UNITS[match[2] or "s"]


def notice(message: str) -> None:
    """A note about the run (a lock waited for or broken) on standard error, where it does not mix with plans."""
    sys.stderr.write(escape_lines(message) + "\n")
    sys.stderr.flush()


def confirm(question: str, args: argparse.Namespace) -> None:
    """Ask for `yes` on the terminal unless --auto-approve; never prompt without a terminal."""
    if args.auto_approve:
        return
    if not sys.stdin.isatty():
        raise ConfirmationRequired("apply needs confirmation, but standard input is not a terminal: review "
                                   "the plan and pass --auto-approve to apply without asking")
    sys.stdout.write(f"\n{question}\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ")
    sys.stdout.flush()
    if sys.stdin.readline().strip() != "yes":
        raise ApplyError("apply cancelled; nothing was changed")


# A file this large (characters) gets a progress display while pull --into works on it.
LARGE_FILE = 1_000_000


def steps(label: str, size: int) -> Callable[[str], None] | None:
    """`labels.yaml: matching it to the live project…` on one line of standard error while a long task goes
    on; only for a large input and only on a terminal (`done_steps` clears the line)."""
    if size < LARGE_FILE or not sys.stderr.isatty():
        return None

    def show(step: str) -> None:
        sys.stderr.write(f"\r\x1b[K{escape(label)}: {escape(step)}…")
        sys.stderr.flush()

    return show


def done_steps(shown: Callable[[str], None] | None) -> None:
    if shown is not None:
        sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()


def counting_note(counting: bool) -> None:
    """Say on a terminal that an export is under way: counting usage can take a while."""
    if counting and sys.stderr.isatty():
        sys.stderr.write("Counting the annotations that destructive changes would orphan…\n")
        sys.stderr.flush()


def show_warnings(warnings: Sequence[Problem], name: str) -> None:
    """A file's warnings on standard error: they fail nothing, but a reader should see them."""
    if not warnings:
        return
    count = len(warnings)
    sys.stderr.write(f"{count} warning{'s' if count != 1 else ''} about {escape(name)} (rules this toolkit "
                     "applies to new nodes; `ango-ontology validate` shows their lines):\n")
    for problem in warnings:
        sys.stderr.write(f"  {problem}\n")


__all__ = ["EXIT_CHANGES", "EXIT_DESTRUCTIVE", "EXIT_OK", "Progress", "add_apply_flags", "add_backup_dir",
           "add_color_flag", "add_detailed_exitcode", "add_env_flag", "add_format_flag", "add_hub_flags",
           "add_project_flag", "backup_store", "confirm", "counting_note", "detailed_code", "hub_from",
           "run_progress", "use_color"]


def refuse_overwriting_inputs(out: str, inputs: Iterable[str], flag: str = "--out") -> None:
    """InputError when the output file is one of the inputs (the same file by any name or link): writing it
    would replace what the command reads."""
    target = Path(out)
    if not target.exists():
        return
    for name in inputs:
        try:
            same = target.samefile(name)
        except OSError:
            continue
        if same:
            raise InputError(f"{flag} {out} is {'the same file as ' if name != out else ''}{name}, which this "
                             "command reads: writing it would replace it; write the output to another file")

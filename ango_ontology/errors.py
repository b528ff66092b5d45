"""The error tree: every error the toolkit raises knows its exit code and its one-line message.

    AngoOntologyError                 exit 1, every one (0, 2 and 3 only ever mean plan outcomes)
    ├── InternalError                 a bug, met in one project of a run of several
    ├── InputError                    a file or argument the user gave is wrong
    │   ├── OntologyInvalid           validation problems, all of them (`.problems`)
    │   └── PlanFileInvalid           a saved plan that is corrupt or hand-edited
    ├── HubError                      talking to Ango Hub (or the local hub) failed
    │   ├── HubConfigError            no key, insecure URL, unknown hub
    │   ├── AuthError                 401: the API key was rejected
    │   ├── ForbiddenError            403
    │   ├── NotFoundError             404: a project or resource that does not exist
    │   ├── BlockedError              451: blocked by the organisation's rules
    │   ├── RateLimitedError          429 after every retry
    │   ├── ServerError               5xx after every retry
    │   ├── HubTimeoutError           connect or read timeout after every retry
    │   ├── HubConnectionError        connection refused or dropped after every retry
    │   ├── BadResponseError          an answer that is not the JSON we expect
    │   └── ConflictError             412: the project no longer holds what a write was planned against
    └── ApplyError                    apply refused or failed
        ├── StalePlanError            the live schema changed since the saved plan was made
        ├── DestructiveRefused        destructive changes without --allow-destructive
        ├── ProtectedNodeError        a plan would delete or replace a node marked protect: true
        ├── ConfirmationRequired      not on a terminal and no --auto-approve
        ├── VerificationFailed        read-back after the write is not what was planned
        ├── LockTimeout               another run held the project's lock for longer than --lock-timeout
        └── Interrupted               exit 130: Ctrl-C during an apply; says what was written
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .characters import reveal


class AngoOntologyError(Exception):
    """Root of every error the toolkit raises on purpose."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    @property
    def gist(self) -> str:
        """What the error says in one line, for a note about it: its first line."""
        lines = self.message.strip().splitlines()
        return lines[0] if lines else type(self).__name__


class InternalError(AngoOntologyError):
    """A bug met while working on one project of several: kept with that project so the others finish.

    It exits 1 like every error: 2 and 3 mean plan outcomes under `--detailed-exitcode`.
    """

    @classmethod
    def wrap(cls, error: Exception) -> InternalError:
        return cls(f"unexpected error ({type(error).__name__}: {error}); this is a bug in ango-ontology")


class InputError(AngoOntologyError):
    """Something the user gave (a file, an argument) is wrong."""


@dataclass(frozen=True)
class Problem:
    """One validation problem: where it is (file:line:col and a breadcrumb) and what it is.

    A warning is a rule about what a label set should look like, broken by a node the hub already
    holds (it has an explicit `id`): it is shown, and fails nothing.
    """

    message: str
    breadcrumb: str = ""
    file: str = ""
    line: int = 0
    column: int = 0
    warning: bool = False

    @property
    def location(self) -> str:
        if not self.file:
            return ""
        if self.line:
            return f"{self.file}:{self.line}:{self.column}"
        return self.file

    @property
    def severity(self) -> str:
        return "warning" if self.warning else "error"

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        label = "warning: " if self.warning else ""
        crumb = f"{self.breadcrumb}: " if self.breadcrumb else ""
        return reveal(f"{where}{label}{crumb}{self.message}")  # a title can hold anything: show what it holds

    def to_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.breadcrumb,
            "message": self.message,
            "severity": self.severity,
        }


def _in_order(problems: Sequence[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.line, p.column, p.breadcrumb, p.message))


class OntologyInvalid(InputError):
    """An ontology definition with one or more problems; carries all of them (and its warnings, if any)."""

    def __init__(self, problems: Sequence[Problem], warnings: Sequence[Problem] = ()) -> None:
        self.problems = _in_order(problems)
        self.warnings = _in_order(warnings)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} found"
        super().__init__(head + ":\n" + "\n".join(str(p) for p in self.problems))

    @property
    def gist(self) -> str:
        """The first problem, `file:line:col: message`, and how many more there are."""
        if not self.problems:
            return super().gist
        more = len(self.problems) - 1
        return str(self.problems[0]) + (f" (and {more} more)" if more else "")


class PlanFileInvalid(InputError):
    """A saved plan file that is corrupt, hand-edited or of an unknown format."""


class HubError(AngoOntologyError):
    """Talking to a hub failed."""


class HubConfigError(HubError):
    """The hub is not configured in a usable way."""


class AuthError(HubError):
    """401: the API key was rejected."""


class ForbiddenError(HubError):
    """403: the key is valid but not allowed to do this."""


class NotFoundError(HubError):
    """404: the project or resource does not exist."""


class BlockedError(HubError):
    """451: blocked by the organisation's IP or country rules."""


class RateLimitedError(HubError):
    """429 after every retry."""


class ServerError(HubError):
    """5xx after every retry."""


class HubTimeoutError(HubError):
    """A timeout after every retry."""


class HubConnectionError(HubError):
    """The connection was refused or dropped after every retry."""


class BadResponseError(HubError):
    """The hub answered something that is not the JSON we expect."""


class ConflictError(HubError):
    """412: the project no longer holds the label set the write was planned against; this request wrote nothing.

    `earlier_attempt_may_have_landed`: the request was sent again after an attempt whose answer was lost (a
    dropped connection, a read timeout, a 502/504), and that attempt may have written before someone else did.
    """

    def __init__(self, message: str, *, earlier_attempt_may_have_landed: bool = False) -> None:
        super().__init__(message)
        self.earlier_attempt_may_have_landed = earlier_attempt_may_have_landed


class ApplyError(AngoOntologyError):
    """An apply was refused or failed."""


class StalePlanError(ApplyError):
    """The live schema changed since the saved plan was made."""


class DestructiveRefused(ApplyError):
    """Destructive changes without --allow-destructive."""


class ProtectedNodeError(ApplyError):
    """A plan would delete or replace a node marked protect: true."""


class ConfirmationRequired(ApplyError):
    """Confirmation is needed but there is no terminal to ask on."""


class VerificationFailed(ApplyError):
    """After the write, the project does not hold what was planned."""


class LockTimeout(ApplyError):
    """Another run of the tool held the project's lock for longer than the caller would wait."""


class Interrupted(ApplyError):
    """Ctrl-C during an apply or rollback; the message says what had been written."""

    exit_code = 130

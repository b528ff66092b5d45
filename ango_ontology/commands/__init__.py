"""The commands, one module each; every module adds its own to the command line with `register(sub)`."""

from __future__ import annotations

from typing import Any

from . import apply, drift, fmt, guide, hub, import_, init, plan, pull, validate

COMMANDS = (init, validate, plan, apply, drift, pull, fmt, guide, import_, hub)


def register_all(sub: Any) -> None:
    """Add every command to the root parser's subcommands, in the order `--help` lists them."""
    for command in COMMANDS:
        command.register(sub)

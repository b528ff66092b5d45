"""`hub serve`: the Ango Hub emulator over the local hub, at Ango's REST paths on loopback."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TextIO

from ..errors import HubError
from ..hub import is_loopback
from ..hub.base import DEFAULT_API_KEY, DEFAULT_LOCAL_PATH, DEFAULT_PORT


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `hub serve` on the main parser's subcommands."""
    hub = subparsers.add_parser("hub", help="the local hub and its Ango Hub emulator")
    verbs = hub.add_subparsers(dest="hub_command", metavar="COMMAND", required=True)
    serve = verbs.add_parser(
        "serve",
        help="serve the local hub over HTTP at Ango Hub's REST paths",
        description="Serve the local hub over HTTP at Ango Hub's REST paths (an emulator for tests "
        "and trials). The API key is --api-key, else ANGO_API_KEY, else the emulator's built-in key.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT}; 0: any)")
    serve.add_argument("--db", type=Path, default=DEFAULT_LOCAL_PATH,
                       help=f"the local hub (default: {DEFAULT_LOCAL_PATH})")
    serve.add_argument("--api-key", help="the key clients must send (default: ANGO_API_KEY)")
    serve.add_argument("--latency", type=float, default=0.0, metavar="S", help="seconds added to each answer")
    serve.add_argument("--fail-rate", type=float, default=0.0, metavar="R", help="share of requests answered 500")
    serve.add_argument("--rate-limit", type=int, default=0, metavar="N", help="requests per minute, then 429")
    serve.add_argument("--drop-rate", type=float, default=0.0, metavar="R", help="share of connections dropped")
    serve.set_defaults(func=serve_command)


def serve_command(args: argparse.Namespace, *, stdout: TextIO | None = None) -> int:
    """Run the emulator until interrupted; 0 on Ctrl-C, 1 when it cannot start."""
    # The emulator and SQLite are loaded only here: no other command pays for them at start-up.
    from ..hub.emulator import Emulator, Faults
    from ..hub.local import LocalHub

    out = stdout or sys.stdout
    key, source = _api_key(args.api_key)
    faults = Faults(
        latency=args.latency, fail_rate=args.fail_rate, rate_limit=args.rate_limit, drop_rate=args.drop_rate
    )
    try:
        store = LocalHub(args.db)
        emulator = Emulator(store, host=args.host, port=args.port, api_key=key, faults=faults)
    except (HubError, OSError) as exc:
        print(f"error: cannot serve on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    if not is_loopback(args.host):
        print(
            f"warning: listening on {args.host}, reachable from other machines, over plain http",
            file=sys.stderr,
        )
    print(f"Ango Hub emulator serving {store.name} at {emulator.url} (apikey: {source})", file=out, flush=True)
    try:
        emulator.serve_forever()
    except KeyboardInterrupt:
        print("stopped", file=out)
    finally:
        emulator.stop()
        store.close()
    return 0


def _api_key(given: str | None) -> tuple[str, str]:
    """The key and where it came from, for a message that never shows a secret key."""
    if given:
        return given, "from --api-key"
    if os.environ.get("ANGO_API_KEY"):
        return os.environ["ANGO_API_KEY"], "from ANGO_API_KEY"
    return DEFAULT_API_KEY, f"the built-in {DEFAULT_API_KEY!r}"

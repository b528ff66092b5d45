"""The Ango Hub emulator: the local hub served over HTTP at Ango's REST paths, with fault injection."""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_address
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ango_ontology.hub.base import DEFAULT_API_KEY
from ango_ontology.hub.exports import EXPORTS_PREFIX, ExportFiles, export_file
from ango_ontology.hub.local import LocalHub
from ango_ontology.hub.routes import ROUTES, Rejection, json_object, run_route
from ango_ontology.model import JSON

FAULTS_PATH = "/__faults"
EXPORT_PATH = "/v2/export"

log = logging.getLogger(__name__)


# A 100k-node categorySchema is tens of megabytes; far past that, refuse rather than read it into memory.
MAX_BODY_BYTES = 512 * 1024 * 1024


@dataclass
class Faults:
    """What the emulator does wrong on purpose; change the attributes at any time, even while it serves.

    Rates are probabilities per request; the `*_next` counters make the next N requests misbehave,
    which is what deterministic tests want.
    """

    latency: float = 0.0
    fail_rate: float = 0.0
    fail_status: int = 500
    rate_limit: int = 0
    rate_window: float = 60.0
    retry_after: float | None = None
    drop_rate: float = 0.0
    fail_next: int = 0
    throttle_next: int = 0
    drop_next: int = 0

    def to_json(self) -> JSON:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class RecordedRequest:
    """A request as the emulator received it, with the apikey header's value blanked out."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class Emulator:
    """An HTTP server over a `LocalHub`; `start()` runs it in a thread, `serve_forever()` in this one."""

    def __init__(
        self,
        store: LocalHub,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: str = DEFAULT_API_KEY,
        faults: Faults | None = None,
        clock: Callable[[], float] = time.monotonic,
        seed: int | None = None,
    ) -> None:
        self.store = store
        self.faults = faults or Faults()
        self.clock = clock
        self.requests: deque[RecordedRequest] = deque(maxlen=1000)
        # Called with each request as it arrives, before faults and routes: a test lands an edit of its own
        # just before a write, or switches a fault on for one request, at exactly the moment it means.
        self.on_request: Callable[[RecordedRequest], None] | None = None
        self._api_key = api_key
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._served: deque[float] = deque()
        self.exports = ExportFiles(clock)
        self._thread: threading.Thread | None = None
        self._server = _Server((host, port), _Handler)
        self._server.emulator = self

    def __repr__(self) -> str:
        return f"Emulator({self.url!r}, store={self.store!r})"

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else host
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}"

    def start(self) -> Emulator:
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="ango-emulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def key_matches(self, given: str | None) -> bool:
        return given == self._api_key

    def fault_for_request(self) -> str | None:
        """Under one lock: is this request dropped, throttled or failed ('drop', '429', '5xx'), or None."""
        with self._lock:
            f = self.faults
            if f.drop_next > 0 or (f.drop_rate and self._rng.random() < f.drop_rate):
                f.drop_next = max(0, f.drop_next - 1)
                return "drop"
            if f.throttle_next > 0 or self._over_rate_limit():
                f.throttle_next = max(0, f.throttle_next - 1)
                return "429"
            if f.fail_next > 0 or (f.fail_rate and self._rng.random() < f.fail_rate):
                f.fail_next = max(0, f.fail_next - 1)
                return "5xx"
            return None

    def _over_rate_limit(self) -> bool:
        """Sliding-window limit: a request refused with 429 does not use up a slot."""
        if self.faults.rate_limit <= 0:
            return False
        now = self.clock()
        while self._served and self._served[0] <= now - self.faults.rate_window:
            self._served.popleft()
        if len(self._served) >= self.faults.rate_limit:
            return True
        self._served.append(now)
        return False

    def retry_after(self) -> int:
        """Seconds until the rate limit frees a slot (or the fixed `retry_after`), rounded up."""
        if self.faults.retry_after is not None:
            return math.ceil(self.faults.retry_after)
        with self._lock:
            if self.faults.rate_limit > 0 and self._served:
                return max(1, math.ceil(self._served[0] + self.faults.rate_window - self.clock()))
        return 1

    def update_faults(self, changes: JSON) -> Faults:
        """Apply `{"field": value}` to the faults; Rejection(400) for an unknown field."""
        known = {f.name for f in dataclasses.fields(Faults)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise Rejection(400, f"unknown fault setting(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        for name, value in changes.items():
            if not _is_number(value) and not (name == "retry_after" and value is None):
                raise Rejection(400, f"fault setting {name} must be a number, not {value!r}")
        with self._lock:
            for name, value in changes.items():
                setattr(self.faults, name, value)
        return self.faults


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    emulator: Emulator

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that went away mid-answer (Ctrl-C, a timeout) is not the emulator's failure: log it, do not
        # print a traceback on standard error.
        log.debug("connection from %s ended abnormally", client_address[0], exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "AngoHubEmulator/1"

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def log_message(self, format: str, *args: Any) -> None:
        # The request line holds no header, so the key never reaches the log.
        log.debug("%s " + format, self.client_address[0], *args)

    def _handle(self, method: str) -> None:
        emulator = self.server.emulator
        url = urlsplit(self.path)
        try:
            body = self._read_body()
        except Rejection as exc:
            self._send(exc.status, {"status": "fail", "message": exc.message})
            return
        recorded = RecordedRequest(method, self.path, self._safe_headers(), body)
        emulator.requests.append(recorded)
        try:
            if emulator.on_request is not None:
                emulator.on_request(recorded)
            if url.path == FAULTS_PATH:
                self._send(200, {"status": "success", "data": {"faults": self._admin(method, body)}})
                return
            if self._misbehave(emulator):
                return
            if url.path.startswith(EXPORTS_PREFIX) and method == "GET":
                self._send_export_file(emulator, url.path)
                return
            self._send(*self._answer(emulator, method, url.path, parse_qs(url.query), body))
        except Rejection as exc:
            # JSend, as Ango answers: "fail" for the client's fault, "error" for the server's.
            self._send(exc.status, {"status": "error" if exc.status >= 500 else "fail", "message": exc.message})
        except Exception:
            # A bug in the emulator must still answer, or clients would see a dropped connection.
            log.exception("emulator failed on %s %s", method, url.path)
            self._send(500, {"status": "error", "message": "Internal server error"})

    def _read_body(self) -> bytes:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise Rejection(400, "Content-Length is not a number") from None
        if length > MAX_BODY_BYTES:
            raise Rejection(413, f"the body is over {MAX_BODY_BYTES:,} bytes")
        return self.rfile.read(length) if length > 0 else b""

    def _safe_headers(self) -> dict[str, str]:
        return {k: ("<redacted>" if k.lower() == "apikey" else v) for k, v in self.headers.items()}

    def _admin(self, method: str, body: bytes) -> JSON:
        """GET shows the faults, POST changes them; only from loopback and with the key."""
        if not ip_address(self.client_address[0]).is_loopback:
            raise Rejection(403, "fault settings can only be changed from this machine")
        if not self.server.emulator.key_matches(self.headers.get("apikey")):
            raise Rejection(401, "Invalid API KEY")
        if method == "POST":
            self.server.emulator.update_faults(json_object(body))
        return self.server.emulator.faults.to_json()

    def _misbehave(self, emulator: Emulator) -> bool:
        """Apply latency and any fault; True when the request has been answered (or dropped) already."""
        if emulator.faults.latency > 0:
            time.sleep(emulator.faults.latency)
        fault = emulator.fault_for_request()
        if fault == "drop":
            # Answer nothing: the server closes the socket, and the client sees the connection drop.
            self.close_connection = True
            return True
        if fault == "429":
            message = {"status": "fail", "message": "Too many requests, please try again later."}
            self._send(429, message, {"Retry-After": str(emulator.retry_after())})
            return True
        if fault == "5xx":
            self._send(emulator.faults.fail_status, {"status": "error", "message": "Injected failure"})
            return True
        return False

    def _answer(
        self, emulator: Emulator, method: str, path: str, query: dict[str, list[str]], body: bytes
    ) -> tuple[int, JSON]:
        if not emulator.key_matches(self.headers.get("apikey")):
            raise Rejection(401, "Invalid API KEY")
        if path == EXPORT_PATH and method == "GET":
            return self._export(emulator, query)
        for route_method, pattern, route in ROUTES:
            match = pattern.match(path)
            if match and route_method == method:
                payload = json_object(body) if method == "POST" else {}
                return run_route(route, emulator.store, {**match.groupdict(), **self._if_match()}, query, payload)
        raise Rejection(404, f"Cannot {method} {path}")

    def _if_match(self) -> dict[str, str]:
        """The If-Match precondition (an entity tag: the fingerprint in quotes), when there is one; `*` is none."""
        value = (self.headers.get("If-Match") or "").strip()
        if not value or value == "*":
            return {}
        return {"if_match": value.removeprefix("W/").strip('"')}

    def _export(self, emulator: Emulator, query: dict[str, list[str]]) -> tuple[int, JSON]:
        """`GET /v2/export`: pack the export and answer with the URL this emulator serves it at."""
        base = f"http://{self.headers['Host']}" if self.headers.get("Host") else emulator.url

        def route(store: LocalHub, params: dict[str, str], q: dict[str, list[str]], body: JSON) -> tuple[int, JSON]:
            path = emulator.exports.publish(export_file(store, params["project_id"], q))
            return 200, {"exportPath": base + path}

        project_id = query.get("project", [""])[0]
        return run_route(route, emulator.store, {"project_id": project_id}, query, {})

    def _send_export_file(self, emulator: Emulator, path: str) -> None:
        """An export zip, to anyone on the network the emulator listens on: like a signed URL, no key."""
        data = emulator.exports.fetch(path)
        if data is None:
            raise Rejection(404, "This export does not exist or has expired; export again")
        self.send_response(200)
        self.send_header("Content-Type", "application/zip")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _send(self, status: int, payload: JSON, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

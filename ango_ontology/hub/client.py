"""The Ango Hub REST client: the one module that speaks HTTP, and the only one that imports `requests`.

Every `requests` exception is translated here into one `HubError` (see `ango_ontology.errors`):

    requests.ConnectTimeout / ReadTimeout   -> HubTimeoutError     (after retries)
    requests.ConnectionError, dropped body  -> HubConnectionError  (after retries)
    any other requests.RequestException     -> HubConnectionError
    401 / 403 / 404 / 451                   -> AuthError / ForbiddenError / NotFoundError / BlockedError
    412 (a write's If-Match did not hold)   -> ConflictError
    429 / 5xx                               -> RateLimitedError / ServerError (after retries)
    an answer that is not the JSON envelope -> BadResponseError
"""

from __future__ import annotations

import itertools
import logging
import random
import threading
import time
from collections.abc import Callable
from typing import Any, NoReturn
from urllib.parse import urlencode, urlsplit

import requests
from urllib3.exceptions import NewConnectionError

from ango_ontology.activity import report, size
from ango_ontology.errors import (
    AuthError,
    BadResponseError,
    BlockedError,
    ConflictError,
    ForbiddenError,
    HubConfigError,
    HubConnectionError,
    HubError,
    HubTimeoutError,
    NotFoundError,
    RateLimitedError,
    ServerError,
)
from ango_ontology.hub.base import DEFAULT_HOST
from ango_ontology.hub.calls import (
    Call,
    Failure,
    Secret,
    check_api_key,
    created_batch,
    dict_member,
    seg,
    stage_names,
)
from ango_ontology.hub.export_zip import export_params, unpack
from ango_ontology.hub.pacing import Clock, RateLimiter, RetryPolicy, Sleep, is_loopback, limiter, retry_after_seconds
from ango_ontology.model import JSON

__all__ = ["DEFAULT_HOST", "PAGE_LIMIT", "HttpHub", "RateLimiter", "RetryPolicy"]

PAGE_LIMIT = 100
RETRY_STATUSES = frozenset({429, 502, 503, 504})
# 429 and 503 mean the server did not act, so even a create may be sent again; a 502/504 may hide a
# request that was carried out, and repeating a create would then make a duplicate.
NOT_APPLIED_STATUSES = frozenset({429, 503})
# requests errors whose words quote a URL (a proxy's, with its password) or a header (the key): never shown.
_QUOTING_ERRORS = (
    requests.exceptions.InvalidURL,  # InvalidProxyURL too
    requests.exceptions.InvalidSchema,
    requests.exceptions.MissingSchema,
    requests.exceptions.ProxyError,
    requests.exceptions.InvalidHeader,
)

log = logging.getLogger(__name__)


class HttpHub:
    """The `Hub` interface over the Ango Hub REST API (paths, headers and bodies as SDK 1.4.10 sends them)."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: tuple[float, float] = (10.0, 60.0),
        retry: RetryPolicy | None = None,
        rate_limit: int | RateLimiter | None = 100,
        session: requests.Session | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
        rng: Callable[[], float] = random.random,
    ) -> None:
        if "@" in base_url:
            raise HubConfigError("a hub URL carries no user or password ('@'): give its scheme and host only; the "
                                 "API key is given apart")
        check_api_key(api_key)
        self.base_url = base_url.rstrip("/")
        _register_hub(self.base_url)
        self._key = Secret(api_key)
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.limiter = limiter(rate_limit, clock, sleep)
        self._session = session or requests.Session()
        if is_loopback(urlsplit(self.base_url).hostname or ""):
            # An emulator on this machine: no proxy from the environment may see the key in clear.
            self._session.trust_env = False
        self._clock = clock
        self._sleep = sleep
        self._rng = rng

    def __repr__(self) -> str:
        return f"HttpHub({self.base_url!r})"

    @property
    def name(self) -> str:
        return self.base_url

    def close(self) -> None:
        self._session.close()

    # -- the Hub interface ----------------------------------------------------------------------

    def get_project(self, project_id: str) -> JSON:
        call = Call("GET", f"/v2/project/{seg(project_id)}", project_id=project_id)
        return dict_member(self._request(call), "project", call.label)

    def create_label_set(self, project_id: str, category_schema: JSON, *, expected: str | None = None) -> JSON:
        # The whole schema is replaced, so sending it twice does no harm: safe to retry. With `expected`, a retry
        # of a write that did land meets a 412: the caller reads the project back to tell.
        call = Call("POST", f"/v2/project/{seg(project_id)}", {"categorySchema": category_schema}, project_id,
                    if_match=expected)
        data = self._request(call)
        project = data.get("project")
        return project if isinstance(project, dict) else data

    def create_project(self, name: str, description: str = "") -> JSON:
        call = Call("POST", "/v2/project", {"name": name, "description": description or ""}, idempotent=False)
        return dict_member(self._request(call), "project", "POST /v2/project")

    def list_projects(self) -> list[JSON]:
        return self._pages(lambda page: f"/v2/listProjects?page={page}&limit={PAGE_LIMIT}", "projects", None)

    def get_batches(self, project_id: str) -> list[JSON]:
        batches = self.get_project(project_id).get("batches")
        return list(batches) if isinstance(batches, list) else []

    def create_batch(self, project_id: str, name: str) -> JSON:
        call = Call("POST", f"/v2/batches/{seg(project_id)}", {"name": name}, project_id, idempotent=False)
        return created_batch(self._request(call), name)

    def get_tasks(self, project_id: str, include_answer: bool = True) -> list[JSON]:
        answer = str(include_answer).lower()
        base = f"/v2/project/{seg(project_id)}/tasks"
        return self._pages(
            lambda page: f"{base}?page={page}&limit={PAGE_LIMIT}&includeAnswer={answer}", "tasks", project_id
        )

    def task_total(self, project_id: str) -> int | None:
        call = Call("GET", f"/v2/project/{seg(project_id)}/tasks?page=1&limit=1&includeAnswer=false",
                    project_id=project_id)
        total = self._request(call).get("total")
        return total if isinstance(total, int) and not isinstance(total, bool) and total >= 0 else None

    def import_labels(self, project_id: str, labels: list[JSON]) -> JSON:
        payload = {"project": project_id, "jsonContent": labels}
        return self._request(Call("POST", "/v2/import/labels", payload, project_id, idempotent=False))

    def upload_files_cloud(self, project_id: str, assets: list[JSON]) -> JSON:
        """Create assets (and their tasks) from `[{"data": URL, "externalId": ...}]`."""
        payload = {"assets": assets, "uploadLocal": None, "priority": 0}
        call = Call("POST", f"/v2/project/{seg(project_id)}/cloud", payload, project_id, idempotent=False)
        return self._request(call)

    def update_workflow_stages(self, project_id: str, stages: list[JSON]) -> JSON:
        """Replace the project's workflow stages (POST /v2/project/{id} `{"stages"}`, as the SDK sends it)."""
        data = self._request(Call("POST", f"/v2/project/{seg(project_id)}", {"stages": stages}, project_id))
        project = data.get("project")
        return project if isinstance(project, dict) else data

    def export(self, project_id: str, *, stages: list[str] | None = None) -> list[JSON]:
        """Every task of every type in every stage, as export records (choices as option values).

        Ango Hub exports only the Complete stage unless told otherwise, so the request names every stage:
        `stages`, else the project's workflow stages (one more GET), else, for a hub whose project reports
        no stages, the distinct stages of its tasks (read page by page). Then one GET for the export's
        URL and one GET of the zip there, both paced and retried like every request; the key goes to
        the zip's host only when that is the hub's own.
        """
        if stages is None:
            stages = stage_names(self.get_project(project_id))
        if not stages:
            log.info("project %s reports no workflow stages; reading them from its tasks", project_id)
            tasks = self.get_tasks(project_id, include_answer=False)
            stages = sorted({str(t["stage"]) for t in tasks if isinstance(t.get("stage"), str)})
            if not stages:
                return []
        call = Call("GET", "/v2/export?" + urlencode(export_params(project_id, stages)), project_id=project_id)
        report(f"exporting project {project_id} (Ango Hub prepares the file)")
        link = self._request(call).get("exportPath")
        if not isinstance(link, str) or not link:
            raise BadResponseError(f"{call.label}: the answer has no `data.exportPath`")
        report(f"downloading the export of project {project_id}")
        data = self._download(link)
        report(f"reading the export of project {project_id} ({size(len(data))})")
        return unpack(data, f"the export of project {project_id}")

    def _download(self, link: str) -> bytes:
        """The export file. The link may be signed: no message, log or traceback shows its path or query (the
        export host's own words neither, as they may quote it)."""
        try:
            url = urlsplit(link)
            port, own = url.port, urlsplit(self.base_url)
        except ValueError:
            raise BadResponseError("GET /v2/export: data.exportPath is not a URL") from None
        if url.scheme not in ("http", "https") or not url.hostname:
            raise BadResponseError("GET /v2/export: data.exportPath is not an http(s) URL")
        same_host = (url.scheme, url.hostname, port) == (own.scheme, own.hostname, own.port)
        call = Call("GET", link, absolute=True, with_key=same_host)
        _EXPORTING.active = True
        try:
            response = self._send(call)
        except HubError:
            raise
        except Exception as exc:  # anything else would carry the link into a --debug traceback
            raise HubConnectionError(f"{call.label}: the download from {url.hostname} failed "
                                     f"({type(exc).__name__})") from None
        finally:
            _EXPORTING.active = False
        if response.status_code >= 400:
            error = ServerError if response.status_code >= 500 else HubError
            raise error(f"{call.label}: {url.hostname} answered {response.status_code} — the export link may "
                        "have expired; export again")
        return response.content

    # -- the wire -------------------------------------------------------------------------------

    def _pages(self, path_of: Callable[[int], str], key: str, project_id: str | None) -> list[JSON]:
        """Read every page: stop at `total`, at an empty page, or at a short page when there is no total."""
        items: list[JSON] = []
        for page in itertools.count(1):
            call = Call("GET", path_of(page), project_id=project_id)
            data = self._request(call)
            chunk = data.get(key)
            if not isinstance(chunk, list):
                raise BadResponseError(f"{call.label}: the answer has no list `data.{key}`")
            items.extend(chunk)
            total = data.get("total")
            if not chunk or (isinstance(total, int) and len(items) >= total):
                return items
            if not isinstance(total, int) and len(chunk) < PAGE_LIMIT:
                return items
        raise AssertionError("unreachable")  # pragma: no cover

    def _request(self, call: Call) -> JSON:
        """Send `call`, retrying what may be retried; return the envelope's `data`, or raise one HubError."""
        response, uncertain = self._exchange(call)
        return self._data(call, response, uncertain)

    def _send(self, call: Call) -> requests.Response:
        """Send `call`, retrying what may be retried; the final answer, or one HubError."""
        return self._exchange(call)[0]

    def _exchange(self, call: Call) -> tuple[requests.Response, bool]:
        """The final answer to `call`, and whether an earlier attempt may have been carried out unanswered."""
        started = self._clock()
        uncertain = False
        for attempt in range(1, self.retry.attempts + 1):
            response, failure = self._attempt(call)
            if response is not None:
                return response, uncertain
            assert failure is not None
            uncertain = uncertain or failure.may_have_landed
            delay = self._retry_delay(failure, attempt, started)
            if delay is None:
                self._give_up(call, failure, attempt)
            log.info(
                "%s: %s; retrying in %.1f s (attempt %d of %d)",
                call.label,
                failure.message,
                delay,
                attempt,
                self.retry.attempts,
            )
            self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _attempt(self, call: Call) -> tuple[requests.Response | None, Failure | None]:
        """One try: a response to keep, or a failure to judge."""
        self.limiter.acquire()
        sent_at = self._clock()
        try:
            response = self._session.request(
                call.method,
                call.path if call.absolute else self.base_url + call.path,
                json=call.payload,
                timeout=self.timeout,
                headers=self._headers(call),
                # requests drops only `Authorization` on a redirect to another host, never `apikey`:
                # a request that carries the key is never redirected.
                allow_redirects=not call.with_key,
            )
        except requests.RequestException as exc:
            return None, self._transport_failure(exc, call)
        log.debug("%s -> %d (%.3f s)", call.label, response.status_code, self._clock() - sent_at)
        if response.status_code not in RETRY_STATUSES:
            return response, None
        return None, Failure(
            _status_error_class(response.status_code),
            f"{_where(call, self.name)} answered {response.status_code}{self._server_says(response, call)}",
            call.idempotent or response.status_code in NOT_APPLIED_STATUSES,
            retry_after_seconds(response.headers.get("Retry-After")),
            response.status_code not in NOT_APPLIED_STATUSES,
        )

    def _headers(self, call: Call) -> dict[str, str]:
        if not call.with_key:
            return {}
        headers = {"Content-Type": "application/json", "apikey": self._key.reveal()}
        if call.if_match is not None:
            # Ango Hub ignores a header it does not know; the emulator writes only while it holds.
            headers["If-Match"] = f'"{call.if_match}"'
        return headers

    def _retry_delay(self, failure: Failure, attempt: int, started: float) -> float | None:
        """How long to wait before the next attempt, or None when it is time to give up."""
        if not failure.retryable or attempt >= self.retry.attempts:
            return None
        delay = failure.retry_after if failure.retry_after is not None else self.retry.backoff(attempt, self._rng)
        if self._clock() - started + delay > self.retry.total:
            return None
        return delay

    def _give_up(self, call: Call, failure: Failure, attempts: int) -> NoReturn:
        tries = f" after {attempts} attempt{'s' if attempts != 1 else ''}"
        advice = {
            RateLimitedError: " — wait a minute and run again, or lower the request rate",
            ServerError: " — the hub is having trouble; try again later",
            HubTimeoutError: " — the hub is slow or unreachable; try again later",
        }.get(failure.error, "")
        if not failure.retryable and not call.idempotent and failure.error is not HubConnectionError:
            advice += "; the request may have been carried out, check before running it again"
        raise failure.error(self._redact(f"{call.label}: {failure.message}{tries}{advice}"))

    def _transport_failure(self, exc: requests.RequestException, call: Call) -> Failure:
        """Translate a requests exception; a create is retried only when it surely never left."""
        where = _where(call, self.name)
        # An export link may be signed: its path and query are as secret as a key, and the library's words
        # quote them (re-encoded, so no search and replace could be sure to catch them): the type only. So for
        # the errors whose words quote a URL or a header, a proxy's password and the key among them.
        quoting = call.absolute or isinstance(exc, _QUOTING_ERRORS)
        detail = type(exc).__name__ if quoting else self._redact(f"{type(exc).__name__}: {exc}")
        if isinstance(exc, requests.ConnectTimeout):
            return Failure(HubTimeoutError, f"connecting to {where} timed out ({detail})", True)
        if isinstance(exc, requests.Timeout):
            return Failure(HubTimeoutError, f"{where} did not answer in time ({detail})", call.idempotent,
                           may_have_landed=True)
        if isinstance(exc, requests.exceptions.SSLError):
            return Failure(HubConnectionError, f"TLS with {where} failed ({detail}) — check the hub URL", False)
        if isinstance(exc, requests.ConnectionError) and _never_sent(exc):
            return Failure(HubConnectionError, f"cannot connect to {where} ({detail}) — is it running?", True)
        if isinstance(exc, (requests.ConnectionError, requests.exceptions.ChunkedEncodingError)):
            message = f"the connection to {where} dropped ({detail})"
            if not call.idempotent:
                message += "; the request may have been carried out, check before running it again"
            return Failure(HubConnectionError, message, call.idempotent, may_have_landed=True)
        return Failure(HubConnectionError, f"request to {where} failed ({detail})", False)

    def _data(self, call: Call, response: requests.Response, uncertain: bool = False) -> JSON:
        """The `data` of a success envelope; any other answer raises the error it stands for (`uncertain`: an
        earlier attempt of the call may have been carried out unanswered)."""
        if response.status_code >= 400:
            raise self._status_error(call, response, uncertain)
        if response.is_redirect:
            target = urlsplit(response.headers.get("Location", "")).hostname or "elsewhere"
            raise BadResponseError(f"{call.label}: {self.name} redirected to {target}; the API key is not sent "
                                   "after a redirect — use the final hub URL with --hub")
        try:
            body: Any = response.json()
        except (ValueError, requests.RequestException):
            kind = response.headers.get("Content-Type", "no content type")
            raise BadResponseError(
                f"{call.label}: {self.name} answered {response.status_code} with something that is not JSON "
                f"({kind}) — is the hub URL right?"
            ) from None
        if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
            raise BadResponseError(
                self._redact(f"{call.label}: {self.name} answered JSON without the {{'status', 'data'}} envelope")
            )
        if body.get("status") not in (None, "success"):
            raise HubError(
                self._redact(f"{call.label}: {self.name} reported {body.get('status')!r}: {body.get('message', '')}")
            )
        data: JSON = body["data"]
        return data

    def _status_error(self, call: Call, response: requests.Response, uncertain: bool = False) -> HubError:
        """The one error for a final 4xx/5xx answer, with a sentence saying what to do."""
        status = response.status_code
        says = self._server_says(response)
        what = f"project {call.project_id}" if call.project_id else call.label
        if status == 401:
            return AuthError(f"API key rejected — check ANGO_API_KEY ({self.name} answered 401{says})")
        if status == 403:
            return ForbiddenError(
                self._redact(
                    f"{call.label}: {self.name} refused access to {what} (403{says}) — the key's user lacks "
                    "the rights for this; ask a project or organisation admin"
                )
            )
        if status == 404 or (status == 400 and "invalid project" in says.lower()):
            return NotFoundError(self._not_found(call, status, says))
        if status == 412:
            earlier = (" by this attempt; an earlier attempt, whose answer was lost, may have written before that"
                       if uncertain else "")
            return ConflictError(self._redact(f"{call.label}: {self.name} refused the write (412{says}) — the "
                                              f"project changed since it was read; nothing was written{earlier}"),
                                 earlier_attempt_may_have_landed=uncertain)
        if status == 451:
            return BlockedError(
                self._redact(
                    f"{call.label}: {self.name} blocked the request (451{says}) — your organisation's IP or "
                    "country rules do not allow this network; connect from an allowed one or ask an admin"
                )
            )
        if status >= 500:
            return ServerError(
                self._redact(
                    f"{call.label}: {self.name} failed with {status}{says} — "
                    "try again later; if it persists, report it to Ango support"
                )
            )
        return HubError(self._redact(f"{call.label}: {self.name} refused the request ({status}{says})"))

    def _not_found(self, call: Call, status: int, says: str) -> str:
        if call.project_id is not None:
            return self._redact(
                f"project {call.project_id} not found on {self.name} ({status}{says}) — check "
                "the project id, and that ANGO_API_KEY belongs to its organisation"
            )
        return self._redact(f"{call.label}: {self.name} has no such endpoint ({status}{says}) — is the hub URL right?")

    def _server_says(self, response: requests.Response, call: Call | None = None) -> str:
        """`: <message>` from an error envelope (or the start of a non-JSON body), never the key; nothing from
        an export host, whose words may quote the signed link."""
        if call is not None and call.absolute:
            return ""
        try:
            body = response.json()
            message = body.get("message") if isinstance(body, dict) else None
        except (ValueError, requests.RequestException):
            message = response.text[:200].strip() or None
        return self._redact(f": {message}") if message else ""

    def _redact(self, text: str) -> str:
        key = self._key.reveal()
        return text.replace(key, "<redacted>") if key else text


def _where(call: Call, hub: str) -> str:
    """Who answered a call: the hub, or an export link's scheme and host (never its path or query)."""
    if not call.absolute:
        return hub
    link = urlsplit(call.path)
    return f"{link.scheme}://{link.hostname}"


_HUBS: set[tuple[str, int]] = set()  # (host, port) of every hub a client was made for: their paths may be logged
_EXPORTING = threading.local()  # `active` while this thread downloads an export file
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _hub_address(scheme: str, host: str | None, port: int | None) -> tuple[str, int]:
    return (host or "").lower(), port if port is not None else _DEFAULT_PORTS.get(scheme.lower(), 0)


def _register_hub(base_url: str) -> None:
    try:
        url = urlsplit(base_url)
        _HUBS.add(_hub_address(url.scheme, url.hostname, url.port))
    except ValueError:
        pass  # a URL no request can be sent to: nothing of it is logged


class _NoExportLinks(logging.Filter):
    """Keeps export links out of urllib3's debug log, which writes request lines (and retries, redirects) with
    their path and query: a path or URL is shown only when it is a hub's (by host and port), and never while
    this thread downloads an export (whose link may be signed, whatever its host or path)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = _masked(record.args)
        return True


def _masked(args: tuple[object, ...]) -> tuple[object, ...]:
    """A log record's arguments with every path or URL that may be an export link as `<export link>`.

    A request line names its host (`scheme, host, port, method, path, …`), a URL its own; a path alone (a
    retry's) is a hub's unless this thread is downloading an export."""
    exporting = getattr(_EXPORTING, "active", False)
    line_host: bool | None = None
    if len(args) >= 5 and args[0] in _DEFAULT_PORTS and isinstance(args[1], str):
        port = args[2] if isinstance(args[2], int) else None
        line_host = _hub_address(str(args[0]), args[1], port) in _HUBS
    return tuple(_masked_arg(arg, exporting, line_host) for arg in args)


def _masked_arg(arg: object, exporting: bool, line_host: bool | None) -> object:
    if not isinstance(arg, str) or not (arg.startswith("/") or "://" in arg):
        return arg
    if exporting:
        return "<export link>"
    if "://" in arg:
        try:
            url = urlsplit(arg)
            ours = _hub_address(url.scheme, url.hostname, url.port) in _HUBS
        except ValueError:
            ours = False
        return arg if ours else "<export link>"
    return arg if line_host is not False else "<export link>"


logging.getLogger("urllib3.connectionpool").addFilter(_NoExportLinks())


def _status_error_class(status: int) -> type[HubError]:
    return RateLimitedError if status == 429 else ServerError


def _never_sent(exc: requests.ConnectionError) -> bool:
    """Whether the connection failed before any byte of the request left (refused, no route, DNS)."""
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)
    return isinstance(reason, NewConnectionError)

"""Tests of the REST client against the emulator (and small stub servers) over real loopback sockets."""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Callable, Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from ango_ontology.errors import (
    AuthError,
    BadResponseError,
    BlockedError,
    ForbiddenError,
    HubConnectionError,
    HubError,
    HubTimeoutError,
    NotFoundError,
    RateLimitedError,
    ServerError,
)
from ango_ontology.hub import Hub
from ango_ontology.hub.client import HttpHub
from ango_ontology.hub.emulator import Emulator
from ango_ontology.hub.local import LocalHub
from ango_ontology.hub.pacing import RateLimiter, RetryPolicy
from ango_ontology.model import JSON

SCHEMA: JSON = {
    "tools": [{"tool": "bounding-box", "title": "Car", "schemaId": "car", "color": "#112233"}],
    "classifications": [],
    "relations": [],
}


class FakeClock:
    """Time that passes only when someone sleeps: retries and the rate limiter run instantly."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_hub(emulator: Emulator, emulator_api_key: str, clock: FakeClock) -> Iterator[Callable[..., HttpHub]]:
    """A client for the emulator (or any `url`), on the fake clock, with jitter fixed at its midpoint."""
    made: list[HttpHub] = []

    def make(url: str | None = None, key: str | None = None, **options: Any) -> HttpHub:
        options.setdefault("rate_limit", None)
        hub = HttpHub(
            url or emulator.url,
            key or emulator_api_key,
            clock=clock,
            sleep=clock.sleep,
            rng=lambda: 0.5,
            **options,
        )
        made.append(hub)
        return hub

    yield make
    for hub in made:
        hub.close()


def assert_translated(exc: BaseException) -> None:
    """The error is ours, and no class of `requests` (or urllib3) is among its bases."""
    assert isinstance(exc, HubError)
    assert not [c for c in type(exc).__mro__ if c.__module__.split(".")[0] in ("requests", "urllib3")]


# -- endpoints -----------------------------------------------------------------------------------


def test_client_implements_the_hub_protocol(emulator_hub: HttpHub, emulator: Emulator) -> None:
    assert isinstance(emulator_hub, Hub)
    assert emulator_hub.name == emulator.url
    assert repr(emulator_hub) == f"HttpHub({emulator.url!r})"


def test_every_endpoint_round_trips_through_the_emulator(emulator_hub: HttpHub, local_hub: LocalHub) -> None:
    hub = emulator_hub
    project = hub.create_project("Vehicles", "cars")
    pid = project["_id"]
    assert hub.get_project(pid)["name"] == "Vehicles"

    assert hub.create_label_set(pid, SCHEMA)["categorySchema"] == SCHEMA
    assert hub.get_project(pid)["categorySchema"] == SCHEMA

    batch = hub.create_batch(pid, "week 1")
    assert batch["name"] == "week 1"
    assert hub.get_batches(pid) == [batch]
    assert [p["_id"] for p in hub.list_projects()] == [pid]

    assert hub.upload_files_cloud(pid, [{"data": "https://x/1.png", "externalId": "1.png"}])["assets"] == 1
    car = {"schemaId": "car", "objectId": "c1", "bounding-box": {"x": 1, "y": 1}}
    label = {"externalId": "1.png", "objects": [car]}
    assert hub.import_labels(pid, [label])["matched"] == 1
    [task] = hub.get_tasks(pid)
    assert task["answer"]["tools"] == [{**car, "title": "Car", "classifications": []}]
    assert "answer" not in hub.get_tasks(pid, include_answer=False)[0]
    assert local_hub.get_labels(pid) == [label]


def test_requests_are_shaped_like_the_sdks(emulator_hub: HttpHub, emulator: Emulator, project: JSON) -> None:
    pid = project["_id"]
    emulator_hub.get_project(pid)
    emulator_hub.create_label_set(pid, SCHEMA)
    emulator_hub.create_project("P", "")
    emulator_hub.list_projects()
    emulator_hub.create_batch(pid, "b")
    emulator_hub.get_tasks(pid)
    emulator_hub.import_labels(pid, [{"externalId": "a"}])
    emulator_hub.upload_files_cloud(pid, [{"data": "u", "externalId": "a"}])

    sent = [(r.method, r.path, r.body) for r in emulator.requests]
    assert sent == [
        ("GET", f"/v2/project/{pid}", b""),
        ("POST", f"/v2/project/{pid}", json.dumps({"categorySchema": SCHEMA}).encode()),
        ("POST", "/v2/project", b'{"name": "P", "description": ""}'),
        ("GET", "/v2/listProjects?page=1&limit=100", b""),
        ("POST", f"/v2/batches/{pid}", b'{"name": "b"}'),
        ("GET", f"/v2/project/{pid}/tasks?page=1&limit=100&includeAnswer=true", b""),
        (
            "POST",
            "/v2/import/labels",
            json.dumps({"project": pid, "jsonContent": [{"externalId": "a"}]}).encode(),
        ),
        (
            "POST",
            f"/v2/project/{pid}/cloud",
            b'{"assets": [{"data": "u", "externalId": "a"}], "uploadLocal": null, "priority": 0}',
        ),
    ]
    for request in emulator.requests:
        assert request.headers["Content-Type"] == "application/json"
        assert request.headers["apikey"] == "<redacted>"


def test_odd_project_ids_cannot_leave_their_path_segment(emulator_hub: HttpHub, emulator: Emulator) -> None:
    with pytest.raises(NotFoundError):
        emulator_hub.get_project("../listProjects?x=")
    assert emulator.requests[-1].path == "/v2/project/..%2FlistProjects%3Fx%3D"


def test_list_projects_reads_every_page(emulator_hub: HttpHub, emulator: Emulator, local_hub: LocalHub) -> None:
    ids = [local_hub.create_project(f"p{i}")["_id"] for i in range(230)]
    assert [p["_id"] for p in emulator_hub.list_projects()] == ids[::-1]
    assert [r.path for r in emulator.requests] == [f"/v2/listProjects?page={n}&limit=100" for n in (1, 2, 3)]


def test_get_tasks_reads_every_page(emulator_hub: HttpHub, local_hub: LocalHub, project: JSON) -> None:
    assets = [{"data": f"u{i}", "externalId": f"{i}"} for i in range(150)]
    local_hub.upload_files_cloud(project["_id"], assets)
    assert len(emulator_hub.get_tasks(project["_id"])) == 150


# -- stub servers for answers the emulator never gives ----------------------------------------------

Answer = tuple[int, dict[str, str], bytes]


class Stub:
    """A loopback server answering from a script (the last answer repeats) and keeping what it got."""

    def __init__(self, *answers: Answer | Callable[[BaseHTTPRequestHandler], Answer | None]) -> None:
        self.answers = list(answers)
        self.seen: list[tuple[str, dict[str, str]]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                stub.answer(self)

            do_POST = do_GET

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        self.seen.append((handler.path, dict(handler.headers)))
        script = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        answer = script(handler) if callable(script) else script
        if answer is None:
            return
        status, headers, body = answer
        handler.send_response(status)
        for name, value in {"Content-Length": str(len(body)), **headers}.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub() -> Iterator[Callable[..., Stub]]:
    made: list[Stub] = []

    def make(*answers: Any) -> Stub:
        made.append(Stub(*answers))
        return made[-1]

    yield make
    for s in made:
        s.close()


def ok(data: JSON) -> Answer:
    return 200, {"Content-Type": "application/json"}, json.dumps({"status": "success", "data": data}).encode()


def test_paging_without_total_stops_at_a_short_page(
    stub: Callable[..., Stub], make_hub: Callable[..., HttpHub]
) -> None:
    server = stub(ok({"projects": [{"_id": str(i)} for i in range(100)]}), ok({"projects": [{"_id": "x"}]}))
    assert len(make_hub(server.url).list_projects()) == 101


def test_paging_stops_at_an_empty_page_whatever_the_total(
    stub: Callable[..., Stub], make_hub: Callable[..., HttpHub]
) -> None:
    server = stub(ok({"projects": [{"_id": "a"}], "total": 500}), ok({"projects": [], "total": 500}))
    assert make_hub(server.url).list_projects() == [{"_id": "a"}]


def test_create_batch_finds_the_batch_in_a_whole_project_answer(
    stub: Callable[..., Stub], make_hub: Callable[..., HttpHub]
) -> None:
    project = {"_id": "p", "batches": [{"_id": "1", "name": "old"}, {"_id": "2", "name": "new"}]}
    server = stub(ok({"project": project}), ok({"batch": "nonsense"}))
    hub = make_hub(server.url)
    assert hub.create_batch("p", "new") == {"_id": "2", "name": "new"}
    with pytest.raises(BadResponseError, match="no batch"):
        hub.create_batch("p", "x")


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (
            (200, {"Content-Type": "text/html"}, b"<html>login</html>"),
            "not JSON .text/html. — is the hub URL right",
        ),
        ((200, {}, b'{"project": {}}'), "envelope"),
        ((200, {}, b"[1]"), "envelope"),
        ((200, {}, b'{"status": "success", "data": {"projects": {}}}'), "no list `data.projects`"),
    ],
)
def test_answers_that_are_not_the_expected_json_are_bad_responses(
    stub: Callable[..., Stub], make_hub: Callable[..., HttpHub], answer: Answer, message: str
) -> None:
    with pytest.raises(BadResponseError, match=message) as caught:
        make_hub(stub(answer).url).list_projects()
    assert_translated(caught.value)


def test_missing_project_object_is_a_bad_response(stub: Callable[..., Stub], make_hub: Callable[..., HttpHub]) -> None:
    with pytest.raises(BadResponseError, match=r"data.project"):
        make_hub(stub(ok({})).url).get_project("p")


def test_failure_status_inside_a_200_is_reported(stub: Callable[..., Stub], make_hub: Callable[..., HttpHub]) -> None:
    body = b'{"status": "fail", "message": "Quota exceeded", "data": {}}'
    with pytest.raises(HubError, match="reported 'fail': Quota exceeded"):
        make_hub(stub((200, {}, body)).url).list_projects()


def test_unexpected_status_is_a_hub_error_with_the_servers_words(
    stub: Callable[..., Stub], make_hub: Callable[..., HttpHub]
) -> None:
    with pytest.raises(HubError, match=r"refused the request \(418: I am a teapot\)") as caught:
        make_hub(stub((418, {}, b"I am a teapot")).url).list_projects()
    assert type(caught.value) is HubError


def test_retry_after_as_an_http_date_is_honoured(
    stub: Callable[..., Stub], make_hub: Callable[..., HttpHub], clock: FakeClock
) -> None:
    import time

    later = formatdate(time.time() + 30, usegmt=True)
    server = stub((429, {"Retry-After": later}, b""), ok({"projects": [], "total": 0}))
    make_hub(server.url).list_projects()
    assert 25 < clock.sleeps[0] <= 30


def test_unreadable_retry_after_falls_back_to_backoff(
    stub: Callable[..., Stub], make_hub: Callable[..., HttpHub], clock: FakeClock
) -> None:
    server = stub((503, {"Retry-After": "soon"}, b""), ok({"projects": [], "total": 0}))
    make_hub(server.url).list_projects()
    assert clock.sleeps == [0.375]


def test_truncated_answer_counts_as_a_dropped_connection(
    stub: Callable[..., Stub], make_hub: Callable[..., HttpHub], clock: FakeClock
) -> None:
    def truncated(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        handler.wfile.write(b'{"status": "succ')
        handler.close_connection = True

    hub = make_hub(stub(truncated).url, retry=RetryPolicy(attempts=2))
    with pytest.raises(HubConnectionError, match="dropped") as caught:
        hub.list_projects()
    assert_translated(caught.value)
    assert len(clock.sleeps) == 1


def test_key_echoed_by_a_server_is_redacted(stub: Callable[..., Stub], make_hub: Callable[..., HttpHub]) -> None:
    def echo(handler: BaseHTTPRequestHandler) -> Answer:
        message = json.dumps({"status": "fail", "message": f"bad key {handler.headers['apikey']}"})
        return 400, {}, message.encode()

    hub = make_hub(stub(echo).url, key="echo-me-secret-0042")
    with pytest.raises(HubError) as caught:
        hub.list_projects()
    assert "echo-me-secret-0042" not in str(caught.value)
    assert "bad key <redacted>" in str(caught.value)


def test_error_page_text_is_quoted_when_not_json(stub: Callable[..., Stub], make_hub: Callable[..., HttpHub]) -> None:
    with pytest.raises(ServerError, match="500: Bad gateway page"):
        make_hub(stub((500, {}, b"Bad gateway page")).url).list_projects()


# -- status codes from the emulator ----------------------------------------------------------------


def test_wrong_key_says_to_check_ango_api_key(make_hub: Callable[..., HttpHub]) -> None:
    with pytest.raises(AuthError, match="API key rejected — check ANGO_API_KEY") as caught:
        make_hub(key="not-the-key").list_projects()
    assert_translated(caught.value)


@pytest.mark.parametrize(
    ("status", "error", "advice"),
    [
        (403, ForbiddenError, "ask a project or organisation admin"),
        (451, BlockedError, "IP or country rules"),
        (500, ServerError, "try again later"),
    ],
)
def test_final_statuses_are_not_retried(
    emulator: Emulator,
    make_hub: Callable[..., HttpHub],
    clock: FakeClock,
    project: JSON,
    status: int,
    error: type[HubError],
    advice: str,
) -> None:
    emulator.faults.fail_status = status
    emulator.faults.fail_next = 1
    with pytest.raises(error, match=advice) as caught:
        make_hub().get_project(project["_id"])
    assert_translated(caught.value)
    assert clock.sleeps == []


def test_unknown_project_is_not_found_with_its_id(make_hub: Callable[..., HttpHub]) -> None:
    for project_id in ("a" * 24, "not-an-id"):
        with pytest.raises(NotFoundError, match=f"project {project_id} not found") as caught:
            make_hub().get_project(project_id)
        assert_translated(caught.value)


def test_wrong_base_path_asks_whether_the_url_is_right(emulator: Emulator, make_hub: Callable[..., HttpHub]) -> None:
    with pytest.raises(NotFoundError, match="is the hub URL right"):
        make_hub(emulator.url + "/api").list_projects()


def test_malformed_label_set_is_refused_with_the_servers_reason(
    make_hub: Callable[..., HttpHub], project: JSON
) -> None:
    with pytest.raises(HubError, match="categorySchema is required and must be an object") as caught:
        make_hub().create_label_set(project["_id"], ["x"])  # type: ignore[arg-type]
    assert type(caught.value) is HubError


# -- retries ---------------------------------------------------------------------------------------


def test_503_is_retried_with_growing_jittered_pauses(
    emulator: Emulator, make_hub: Callable[..., HttpHub], clock: FakeClock
) -> None:
    emulator.faults.fail_status = 503
    emulator.faults.fail_next = 2
    assert make_hub().list_projects() == []
    assert clock.sleeps == [0.375, 0.75]
    assert len(emulator.requests) == 3


def test_backoff_is_capped_and_jitter_stays_within_half_to_whole() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=4.0)
    assert [policy.backoff(n, lambda: 0.0) for n in (1, 2, 3, 4, 5)] == [0.5, 1.0, 2.0, 2.0, 2.0]
    assert policy.backoff(5, lambda: 1.0) == 4.0


def test_429_waits_as_long_as_retry_after_says(
    emulator: Emulator, make_hub: Callable[..., HttpHub], clock: FakeClock
) -> None:
    emulator.faults.throttle_next = 2
    emulator.faults.retry_after = 7
    make_hub().list_projects()
    assert clock.sleeps == [7, 7]


def test_429_that_never_ends_is_rate_limited_after_every_attempt(
    emulator: Emulator, make_hub: Callable[..., HttpHub], clock: FakeClock
) -> None:
    emulator.faults.throttle_next = 100
    with pytest.raises(RateLimitedError, match="after 5 attempts — wait a minute") as caught:
        make_hub().list_projects()
    assert_translated(caught.value)
    assert len(emulator.requests) == 5


def test_retry_after_beyond_the_time_budget_gives_up_at_once(
    emulator: Emulator, make_hub: Callable[..., HttpHub], clock: FakeClock
) -> None:
    emulator.faults.throttle_next = 1
    emulator.faults.retry_after = 600
    with pytest.raises(RateLimitedError, match="after 1 attempt "):
        make_hub().list_projects()
    assert clock.sleeps == []


def test_retries_stop_when_the_total_time_is_spent(
    emulator: Emulator, make_hub: Callable[..., HttpHub], clock: FakeClock
) -> None:
    emulator.faults.fail_status = 504
    emulator.faults.fail_next = 100
    with pytest.raises(ServerError, match="after 2 attempts"):
        make_hub(retry=RetryPolicy(attempts=10, total=1.0)).list_projects()
    assert clock.sleeps == [0.375]


def test_502_on_a_create_is_not_repeated(
    emulator: Emulator, make_hub: Callable[..., HttpHub], clock: FakeClock
) -> None:
    emulator.faults.fail_status = 502
    emulator.faults.fail_next = 1
    with pytest.raises(ServerError, match="may have been carried out"):
        make_hub().create_project("once")
    assert len(emulator.requests) == 1


def test_503_on_a_create_is_retried_because_nothing_was_done(
    emulator: Emulator, make_hub: Callable[..., HttpHub], local_hub: LocalHub
) -> None:
    emulator.faults.fail_status = 503
    emulator.faults.fail_next = 1
    make_hub().create_project("once")
    assert [p["name"] for p in local_hub.list_projects()] == ["once"]


def test_dropped_connection_is_retried_for_reads_and_schema_pushes(
    emulator: Emulator, make_hub: Callable[..., HttpHub], project: JSON, clock: FakeClock
) -> None:
    emulator.faults.drop_next = 2
    assert make_hub().get_project(project["_id"])["_id"] == project["_id"]
    emulator.faults.drop_next = 1
    make_hub().create_label_set(project["_id"], SCHEMA)
    assert len(clock.sleeps) == 3


def test_dropped_connection_on_a_create_is_not_repeated(
    emulator: Emulator, make_hub: Callable[..., HttpHub], project: JSON, clock: FakeClock
) -> None:
    emulator.faults.drop_next = 1
    with pytest.raises(HubConnectionError, match="may have been carried out") as caught:
        make_hub().create_batch(project["_id"], "b")
    assert_translated(caught.value)
    assert clock.sleeps == []


def test_connection_that_always_drops_fails_after_every_attempt(
    emulator: Emulator, make_hub: Callable[..., HttpHub], clock: FakeClock
) -> None:
    emulator.faults.drop_rate = 1.0
    with pytest.raises(HubConnectionError, match=r"dropped .* after 5 attempts") as caught:
        make_hub().list_projects()
    assert_translated(caught.value)
    assert len(clock.sleeps) == 4


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_refused_connection_is_retried_even_for_a_create(make_hub: Callable[..., HttpHub], clock: FakeClock) -> None:
    hub = make_hub(f"http://127.0.0.1:{_closed_port()}")
    with pytest.raises(HubConnectionError, match=r"cannot connect .* is it running") as caught:
        hub.create_project("x")
    assert_translated(caught.value)
    assert len(clock.sleeps) == 4


def test_slow_answer_is_a_timeout(emulator: Emulator, make_hub: Callable[..., HttpHub], clock: FakeClock) -> None:
    emulator.faults.latency = 0.5
    hub = make_hub(timeout=(2.0, 0.1), retry=RetryPolicy(attempts=2))
    with pytest.raises(HubTimeoutError, match=r"did not answer in time .* after 2 attempts") as caught:
        hub.list_projects()
    assert_translated(caught.value)
    with pytest.raises(HubTimeoutError, match="after 1 attempt"):
        hub.create_project("maybe")


def test_connect_timeout_is_a_timeout(make_hub: Callable[..., HttpHub]) -> None:
    # A listener that never accepts, its backlog filled: further connections hang in the handshake.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(listener.getsockname())
        fillers.append(filler)
    try:
        hub = make_hub(
            f"http://127.0.0.1:{listener.getsockname()[1]}", timeout=(0.2, 1.0), retry=RetryPolicy(attempts=2)
        )
        with pytest.raises(HubTimeoutError, match=r"connecting to .* timed out") as caught:
            hub.create_project("x")
        assert_translated(caught.value)
    finally:
        for s in [*fillers, listener]:
            s.close()


def test_tls_to_a_plain_http_server_fails_without_retrying(
    emulator: Emulator, make_hub: Callable[..., HttpHub], clock: FakeClock
) -> None:
    hub = make_hub(emulator.url.replace("http://", "https://"))
    with pytest.raises(HubConnectionError, match=r"TLS .* check the hub URL") as caught:
        hub.list_projects()
    assert_translated(caught.value)
    assert clock.sleeps == []


def test_malformed_url_is_a_hub_error_not_a_requests_one(make_hub: Callable[..., HttpHub]) -> None:
    with pytest.raises(HubConnectionError, match=r"request to .* failed") as caught:
        make_hub("http://127.0.0.1:99999").list_projects()
    assert_translated(caught.value)


# -- the rate limiter ------------------------------------------------------------------------------


def test_rate_limiter_lets_a_full_window_through_then_waits(clock: FakeClock) -> None:
    limiter = RateLimiter(3, window=60, clock=clock, sleep=clock.sleep)
    assert [limiter.acquire() for _ in range(3)] == [0, 0, 0]
    clock.now += 10
    assert limiter.acquire() == 50
    assert clock.now == 1060


def test_rate_limiter_window_slides(clock: FakeClock) -> None:
    limiter = RateLimiter(2, window=60, clock=clock, sleep=clock.sleep)
    limiter.acquire()
    clock.now += 30
    limiter.acquire()
    clock.now += 31
    assert limiter.acquire() == 0  # the first slot has left the window
    assert limiter.acquire() == 29


def test_rate_limiter_needs_a_positive_budget() -> None:
    with pytest.raises(ValueError):
        RateLimiter(0)


def test_client_keeps_within_the_hubs_rate_limit(
    emulator: Emulator, make_hub: Callable[..., HttpHub], clock: FakeClock
) -> None:
    emulator.clock = clock
    emulator.faults.rate_limit = 5
    emulator.faults.rate_window = 60
    hub = make_hub(rate_limit=5)
    for _ in range(12):
        hub.list_projects()
    assert len(emulator.requests) == 12, "no request was refused with 429 and retried"
    assert clock.now - 1000 >= 120


def test_client_takes_a_shared_limiter(emulator: Emulator, make_hub: Callable[..., HttpHub], clock: FakeClock) -> None:
    limiter = RateLimiter(1, clock=clock, sleep=clock.sleep)
    first, second = make_hub(rate_limit=limiter), make_hub(rate_limit=limiter)
    first.list_projects()
    second.list_projects()
    assert clock.sleeps == [60]


def test_default_client_limits_to_100_a_minute(emulator: Emulator, emulator_api_key: str) -> None:
    hub = HttpHub(emulator.url, emulator_api_key)
    assert hub.limiter.per_minute == 100
    hub.close()


# -- the key stays secret --------------------------------------------------------------------------


def test_key_appears_in_no_repr_log_error_or_output(
    emulator: Emulator,
    make_hub: Callable[..., HttpHub],
    emulator_api_key: str,
    project: JSON,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    hub = make_hub()
    seen: list[str] = [repr(hub), str(hub), repr(vars(hub)), hub.name]
    hub.get_project(project["_id"])
    hub.create_label_set(project["_id"], SCHEMA)
    emulator.faults.drop_next, emulator.faults.throttle_next = 1, 1
    hub.list_projects()
    for fault in (
        {"fail_status": 500, "fail_next": 1},
        {"fail_status": 403, "fail_next": 1},
        {"drop_rate": 1.0},
    ):
        emulator.update_faults(fault)
        with pytest.raises(HubError) as caught:
            hub.get_project(project["_id"])
        seen += [str(caught.value), repr(caught.value), repr(caught.value.__cause__)]
    emulator.update_faults({"drop_rate": 0.0})
    with pytest.raises(AuthError) as auth:
        make_hub(key=emulator_api_key + "x").list_projects()
    seen.append(str(auth.value))

    out = capsys.readouterr()
    assert "urllib3" in caplog.text or "->" in caplog.text, "DEBUG logging was captured"
    for text in [*seen, caplog.text, out.out, out.err]:
        assert emulator_api_key not in text


def test_emulator_on_loopback_is_reached_past_any_proxy_setting(
    emulator: Emulator, emulator_api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{_closed_port()}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    hub = HttpHub(emulator.url, emulator_api_key, rate_limit=None)
    assert hub.list_projects() == []
    hub.close()


def test_api_key_never_follows_a_redirect_to_another_host() -> None:
    import http.server
    import threading

    received: list[dict[str, str]] = []

    class Target(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            received.append(dict(self.headers))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    target = http.server.ThreadingHTTPServer(("127.0.0.2", 0), Target)

    class Redirect(Target):
        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.2:{target.server_address[1]}{self.path}")
            self.end_headers()

    source = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    for server in (target, source):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    hub = HttpHub(f"http://127.0.0.1:{source.server_address[1]}", "SECRET-KEY-123", rate_limit=None,
                  sleep=lambda _: None)
    try:
        with pytest.raises(BadResponseError, match=r"redirected to 127\.0\.0\.2"):
            hub.get_project("abc")
    finally:
        hub.close()
        for server in (target, source):
            server.shutdown()
            server.server_close()
    assert received == []


def test_a_write_sends_its_precondition_and_a_412_is_a_conflict_not_retried(
        emulator_hub: HttpHub, emulator: Emulator, project: JSON) -> None:
    from ango_ontology.errors import ConflictError
    from ango_ontology.hub.base import label_set_fingerprint

    schema = {"tools": [{"tool": "point", "title": "Eye", "schemaId": "eye"}], "classifications": [],
              "relations": []}
    empty = label_set_fingerprint(project)
    emulator_hub.create_label_set(project["_id"], schema, expected=empty)
    assert emulator.requests[-1].headers["If-Match"] == f'"{empty}"'
    emulator.requests.clear()
    with pytest.raises(ConflictError, match=r"412.*the project changed since it was read; nothing was written"):
        emulator_hub.create_label_set(project["_id"], {**schema, "tools": []}, expected=empty)
    assert [r.method for r in emulator.requests] == ["POST"]
    emulator_hub.create_label_set(project["_id"], schema)
    assert "If-Match" not in emulator.requests[-1].headers


@pytest.mark.parametrize("fault", ["drop", "502", "429"])
def test_a_412_after_a_retry_says_whether_an_earlier_attempt_may_have_landed(
        emulator_hub: HttpHub, emulator: Emulator, project: JSON, fault: str) -> None:
    from ango_ontology.errors import ConflictError
    from ango_ontology.hub.base import label_set_fingerprint

    old = label_set_fingerprint(project)
    emulator.store.create_label_set(project["_id"], {"tools": [{"tool": "point", "title": "UI", "schemaId": "ui"}],
                                                    "classifications": [], "relations": []})
    if fault == "drop":
        emulator.faults.drop_next = 1
    else:
        emulator.faults.fail_status, emulator.faults.fail_next = int(fault), 1
    with pytest.raises(ConflictError) as raised:
        emulator_hub.create_label_set(project["_id"], {"tools": []}, expected=old)
    assert raised.value.earlier_attempt_may_have_landed is (fault != "429")
    assert ("an earlier attempt" in str(raised.value)) is (fault != "429")

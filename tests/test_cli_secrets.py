"""The API key, and any password or token in a hub or proxy URL, never reach the terminal or the log, even with
--debug and when the hub fails."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from ango_ontology.cli import main
from ango_ontology.errors import HubConfigError, HubError
from ango_ontology.hub.client import HttpHub, RetryPolicy
from ango_ontology.hub.emulator import Emulator
from ango_ontology.hub.local import LocalHub


@pytest.mark.parametrize("scenario", ["ok", "wrong-key", "server-error"])
def test_api_key_is_absent_from_all_output_with_debug(tmp_path: Path, emulator: Emulator,
                                                      emulator_api_key: str, local_hub: LocalHub,
                                                      capsys: pytest.CaptureFixture[str],
                                                      caplog: pytest.LogCaptureFixture,
                                                      monkeypatch: pytest.MonkeyPatch, scenario: str) -> None:
    project = local_hub.create_project("P", "")["_id"]
    path = tmp_path / "o.yaml"
    path.write_text(f"project: {project}\ntools:\n  - point: P\n")
    key = emulator_api_key if scenario != "wrong-key" else "ak-wrong-9d8e7f6a5b4c3d2e1f0a"
    monkeypatch.setenv("ANGO_API_KEY", key)
    if scenario == "server-error":
        emulator.faults.fail_next = 1
    caplog.set_level(logging.DEBUG)
    code = main(["--debug", "plan", str(path), "--hub", emulator.url])
    out, err = capsys.readouterr()
    assert code == (0 if scenario == "ok" else 1)
    if scenario == "wrong-key":
        assert "API key rejected — check ANGO_API_KEY" in err
    for text in (out, err, caplog.text):
        assert key not in text


def test_no_hub_configured_suggests_the_local_hub(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANGO_API_KEY", raising=False)
    monkeypatch.delenv("ANGO_HUB", raising=False)
    path = tmp_path / "o.yaml"
    path.write_text("project: p1\ntools:\n  - point: P\n")
    assert main(["plan", str(path)]) == 1
    assert "--hub local" in capsys.readouterr().err


def test_unexpected_errors_exit_1_and_show_a_traceback_only_with_debug(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("ango_ontology.api.read", broken)
    path = str(tmp_path / "x.yaml")
    Path(path).write_text("tools: []\n")
    assert main(["validate", path]) == 1
    assert "Traceback" not in capsys.readouterr().err
    assert main(["--debug", "validate", path]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "this is a bug" in err


def test_ctrl_c_exits_130(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                          monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("ango_ontology.api.read", interrupted)
    (tmp_path / "x.yaml").write_text("tools: []\n")
    assert main(["validate", str(tmp_path / "x.yaml")]) == 130


# Each case: a hub URL (or a proxy) holding a secret; no message, log line or traceback may show it.
HUB_URL_SECRETS = [
    ("https://bob:Qx7/ss@hub.example", None, "Qx7"),  # a password holding `/`
    ("https://bob:Qx7?ss@hub.example", None, "Qx7"),  # … `?`
    ("https://bob:Qx7#ss@hub.example", None, "Qx7"),  # … `#`
    ("https://hub.example:99999/?token=S3CRET", None, "S3CRET"),  # a bad port before a token
    ("https://bob:8443/s3cr3t@hub.example", None, "s3cr3t"),  # a "port" and a path hiding the host
    ("https://hub.example", "http://u:Pr0xyPass@127.0.0.1:99999", "Pr0xyPass"),  # a proxy with a bad port
    ("https://hub.example", "http://u:Pr0x/yPass@127.0.0.1:9", "Pr0x"),  # a proxy's password with `/`
]


@pytest.mark.parametrize(("hub", "proxy", "secret"), HUB_URL_SECRETS)
def test_secrets_in_hub_and_proxy_urls_are_in_no_message_or_log_line(
        hub: str, proxy: str | None, secret: str, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANGO_API_KEY", "abcdefgh12345678")
    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    if proxy is not None:
        monkeypatch.setenv("HTTPS_PROXY", proxy)
    monkeypatch.setattr("ango_ontology.hub.client.RetryPolicy", lambda: RetryPolicy(attempts=1))
    caplog.set_level(logging.DEBUG)
    assert main(["--debug", "pull", "0123456789abcdef01234567", "--hub", hub]) == 1
    out, err = capsys.readouterr()
    assert err.startswith("Error: ") and "Traceback" not in err
    for text in (out, err, caplog.text):
        assert secret not in text


def test_a_proxy_that_cannot_be_reached_is_named_by_the_type_of_its_error_only(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://u:Pr0xyPass@127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    caplog.set_level(logging.DEBUG)
    hub = HttpHub("https://hub.example", "abcdefgh12345678", rate_limit=None, retry=RetryPolicy(attempts=1))
    with pytest.raises(HubError) as raised:
        hub.get_project("0123456789abcdef01234567")
    assert "(ProxyError)" in str(raised.value)
    assert "Pr0xyPass" not in str(raised.value) + caplog.text


@pytest.mark.parametrize("key", ["SeCrEtKeY-123\n", "SeCrEt KeY", "SeCrEtKéY"])
def test_a_key_no_header_can_carry_is_refused_by_the_client_itself_without_quoting_it(key: str) -> None:
    with pytest.raises(HubConfigError) as raised:
        HttpHub("http://127.0.0.1:9", key, rate_limit=None)
    assert "SeCrEt" not in str(raised.value)
    with pytest.raises(HubConfigError, match="no user or password") as raised:
        HttpHub("https://bob:s3cr3t@hub.example", "k-0123456789", rate_limit=None)
    assert "s3cr3t" not in str(raised.value)

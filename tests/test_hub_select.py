"""Tests of choosing a hub from --hub, ANGO_HUB and ANGO_API_KEY."""

from __future__ import annotations

from pathlib import Path

import pytest

from ango_ontology.errors import HubConfigError
from ango_ontology.hub import DEFAULT_HOST, HttpHub, Hub, LocalHub, is_loopback, open_hub
from ango_ontology.hub.emulator import DEFAULT_API_KEY, Emulator

KEY = "select-test-key-7d1e"


def test_no_hub_and_no_key_suggests_the_local_hub() -> None:
    with pytest.raises(HubConfigError, match="--hub local"):
        open_hub(None, environ={})


def test_a_key_alone_means_ango_hubs_default_host() -> None:
    hub = open_hub(None, environ={"ANGO_API_KEY": KEY})
    assert isinstance(hub, HttpHub)
    assert hub.name == DEFAULT_HOST == "https://imeritapi.ango.ai"


def test_ango_hub_variable_is_read_and_the_argument_wins(tmp_path: Path) -> None:
    env = {"ANGO_HUB": f"local:{tmp_path / 'env.db'}", "ANGO_API_KEY": KEY}
    from_env = open_hub(None, environ=env)
    assert from_env.name == f"local:{tmp_path / 'env.db'}"
    from_env.close()
    assert open_hub("https://us-api.ango.ai/", environ=env).name == "https://us-api.ango.ai"


def test_local_uses_the_default_file_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    hub = open_hub("local", environ={})
    assert isinstance(hub, LocalHub) and isinstance(hub, Hub)
    assert hub.path == tmp_path / ".ango-hub" / "hub.db"
    assert hub.path.exists()
    hub.close()


def test_local_with_a_path_needs_no_key(tmp_path: Path) -> None:
    hub = open_hub(f"local:{tmp_path}/sub/mine.db", environ={})
    assert hub.name == f"local:{tmp_path}/sub/mine.db"
    hub.close()
    bare = open_hub("local:", environ={"ANGO_HUB": "ignored"})
    assert bare.name.endswith(".ango-hub/hub.db")
    bare.close()


def test_loopback_emulator_without_a_key_uses_the_emulators_default(local_hub: LocalHub) -> None:
    with Emulator(local_hub) as emulator:
        hub = open_hub(emulator.url, environ={})
        assert hub.create_project("via default key")["name"] == "via default key"
        hub.close()
    assert DEFAULT_API_KEY == "ango-emulator-key"


def test_loopback_emulator_uses_ango_api_key_when_set(emulator: Emulator, emulator_api_key: str) -> None:
    hub = open_hub(emulator.url + "/", environ={"ANGO_API_KEY": emulator_api_key})
    assert hub.list_projects() == []
    assert hub.name == emulator.url
    hub.close()


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.9.9.9", "[::1]"])
def test_plain_http_to_loopback_is_allowed(host: str) -> None:
    assert isinstance(open_hub(f"http://{host}:8765", environ={}), HttpHub)


def test_plain_http_elsewhere_is_refused_unless_insecure() -> None:
    with pytest.raises(HubConfigError, match=r"travel in clear .* --insecure"):
        open_hub("http://hub.example.com", environ={"ANGO_API_KEY": KEY})
    hub = open_hub("http://hub.example.com:8080", insecure=True, environ={"ANGO_API_KEY": KEY})
    assert hub.name == "http://hub.example.com:8080"


def test_remote_hub_without_a_key_says_so() -> None:
    for spec, insecure in (("https://imeritapi.ango.ai", False), ("http://10.0.0.5", True)):
        with pytest.raises(HubConfigError, match="ANGO_API_KEY is not set"):
            open_hub(spec, insecure=insecure, environ={"ANGO_API_KEY": "  "})


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("ftp://hub", "unknown hub"),
        ("imeritapi.ango.ai", "unknown hub"),
        ("https://", "unknown hub"),
        ("http://127.0.0.1:99999", "not a valid URL"),
        ("https://user:pw@hub.example.com", "no user, password"),
        ("https://hub.example.com/?apikey=x", "no user, password, query"),
    ],
)
def test_unusable_hub_specs_are_config_errors(spec: str, message: str) -> None:
    with pytest.raises(HubConfigError, match=message):
        open_hub(spec, environ={"ANGO_API_KEY": KEY})


def test_config_errors_never_show_the_key() -> None:
    for spec in ("http://hub.example.com", "ftp://x", "https://user:pw@x"):
        with pytest.raises(HubConfigError) as caught:
            open_hub(spec, environ={"ANGO_API_KEY": KEY})
        assert KEY not in str(caught.value)


def test_opened_client_does_not_show_the_key() -> None:
    hub = open_hub(None, environ={"ANGO_API_KEY": KEY})
    assert KEY not in repr(hub) + str(vars(hub))


def test_loopback_detection() -> None:
    assert is_loopback("LOCALHOST") and is_loopback("::1") and is_loopback("127.0.0.2")
    assert not is_loopback("10.0.0.1") and not is_loopback("localhost.example.com")


def test_default_environment_is_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANGO_HUB", raising=False)
    monkeypatch.setenv("ANGO_API_KEY", KEY)
    assert open_hub(None).name == DEFAULT_HOST


@pytest.mark.parametrize("key", ["secretKEY\nabc", "secretKEY\u200b", "two words"])
def test_a_key_with_control_or_foreign_characters_is_refused_without_showing_it(key: str) -> None:
    with pytest.raises(HubConfigError) as caught:
        open_hub("https://imeritapi.ango.ai", environ={"ANGO_API_KEY": key})
    assert "copy-paste" in str(caught.value) and "secretKEY" not in str(caught.value)


def test_the_rate_limit_comes_from_ango_rate_limit() -> None:
    hub = open_hub("https://imeritapi.ango.ai", environ={"ANGO_API_KEY": "k1", "ANGO_RATE_LIMIT": "30"})
    assert hub.limiter is not None and hub.limiter.per_minute == 30  # type: ignore[attr-defined]
    with pytest.raises(HubConfigError, match="ANGO_RATE_LIMIT must be a whole number"):
        open_hub("https://imeritapi.ango.ai", environ={"ANGO_API_KEY": "k1", "ANGO_RATE_LIMIT": "fast"})


@pytest.mark.parametrize("spec", [
    "https://ann:Zq9-s3cret@hub.example.invalid:99999",  # a bad port
    "ftp://ann:Zq9-s3cret@hub.example.invalid",  # an unknown scheme
    "https://ann:Zq9@s3cret@hub.example.invalid/x",  # an unescaped @ in the password
    "https://ann:Zq9-s3cret@hub.example.invalid",  # a user and a password
    "http://ann:Zq9-s3cret@hub.example.invalid",
    "hub.example.invalid://ann:Zq9-s3cret@",
])
def test_a_hub_urls_password_is_never_echoed(spec: str, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from ango_ontology.cli import main

    with pytest.raises(HubConfigError) as caught:
        open_hub(spec, environ={"ANGO_API_KEY": KEY})
    assert "Zq9" not in str(caught.value) and "s3cret" not in str(caught.value)
    monkeypatch.setenv("ANGO_API_KEY", KEY)
    monkeypatch.setenv("ANGO_HUB", spec)
    assert main(["--debug", "pull", "0" * 24]) == 1
    captured = capsys.readouterr()
    assert "Zq9" not in captured.out + captured.err and "s3cret" not in captured.out + captured.err


@pytest.mark.parametrize(("spec", "seen"), [
    ("https://Hub.Example:8443/path?token=S3CRET#x", "https://hub.example"),
    ("https://bob:S3CRET@hub.example", "https://…"),
    ("https://[S3CRET", "(an unreadable URL)"),
    ("S3CRET", "(an unreadable URL)"),
    ("1x://S3CRET", "(an unreadable URL)"),
])
def test_a_hub_is_shown_by_its_scheme_and_host_only(spec: str, seen: str) -> None:
    from ango_ontology.hub import shown

    assert shown(spec) == seen

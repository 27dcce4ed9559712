"""A ``kaggle auth login`` sign-in in use: when its access token is renewed, how the file is saved, and
what a refused renewal says (issue 12.1). The file kagglesdk itself writes is in tests/conformance."""

from __future__ import annotations

import json
import logging
import os
import stat
import threading
from datetime import UTC, datetime, timedelta

import anyio
import pytest

from kaggle_mcp.kaggle import ClientSettings, KaggleClient
from kaggle_mcp.kaggle.errors import SignInExpired

from .conftest import Recorder

pytestmark = pytest.mark.anyio

RENEW = "users.AccountService/GenerateAccessToken"
REFRESH = "KGRT_" + "4" * 32
OLD_TOKEN = "KGAT_" + "3" * 32


def save_sign_in(home, expires_in: timedelta | None, **extra) -> os.PathLike:
    path = home / ".kaggle" / "credentials.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    expiration = (datetime.now(UTC) + expires_in).isoformat() if expires_in is not None else ""
    path.write_text(json.dumps({"refresh_token": REFRESH, "access_token": OLD_TOKEN,
                                "access_token_expiration": expiration, "username": "sandbox-user",
                                "scopes": ["resources.admin:*"]} | extra, indent=2))
    return path


def client_on(sb, recorder: Recorder | None = None) -> KaggleClient:
    return KaggleClient(ClientSettings(endpoint=sb.url, retry_seconds=5), transport=recorder)


@pytest.mark.parametrize(("expires_in", "renewed"), [
    (timedelta(hours=2), False),
    (timedelta(minutes=45), False),
    (timedelta(minutes=10), True),   # within 30 minutes of expiry: renewed before it is sent
    (timedelta(hours=-3), True),
    (None, True),                    # no expiry saved
])
async def test_renewal_is_due_within_30_minutes_of_expiry(fresh_sandbox, isolated_env, expires_in, renewed):
    path = save_sign_in(isolated_env, expires_in)
    recorder = Recorder()
    async with client_on(fresh_sandbox, recorder) as kc:
        await kc.competitions.get_competition("titanic")
    assert fresh_sandbox.call_counts[RENEW] == int(renewed)
    token = json.loads(path.read_text())["access_token"]
    assert (token != OLD_TOKEN) is renewed
    assert recorder.sent[-1].headers["authorization"] == f"Bearer {token}"


async def test_a_missing_access_token_is_fetched_first(fresh_sandbox, isolated_env):
    save_sign_in(isolated_env, timedelta(hours=5), access_token="")
    async with client_on(fresh_sandbox) as kc:
        assert (await kc.competitions.get_competition("titanic")).ref
    assert fresh_sandbox.call_counts[RENEW] == 1


async def test_concurrent_calls_share_one_renewal_saved_0600_off_the_event_loop(fresh_sandbox, isolated_env,
                                                                                  monkeypatch):
    path = save_sign_in(isolated_env, timedelta(hours=-1), extra_key_from_a_newer_cli={"kept": True})
    path.chmod(0o644)
    writers = []
    real_replace = os.replace

    def noting_replace(src, dst):
        writers.append(threading.current_thread() is threading.main_thread())
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", noting_replace)
    recorder = Recorder()
    async with client_on(fresh_sandbox, recorder) as kc:
        async with anyio.create_task_group() as tg:
            for call in [lambda: kc.competitions.get_competition("titanic"), kc.username,
                         lambda: kc.competitions.list_data_files("titanic"),
                         lambda: kc.kernels.get_kernel_session_status("sandbox-user", "aimo-sandbox-starter")] * 5:
                tg.start_soon(call)
    assert fresh_sandbox.call_counts[RENEW] == 1
    assert writers == [False]  # saved once, from a worker thread
    saved = json.loads(path.read_text())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert saved["extra_key_from_a_newer_cli"] == {"kept": True} and saved["refresh_token"] == REFRESH
    assert datetime.fromisoformat(saved["access_token_expiration"]) > datetime.now(UTC) + timedelta(hours=11)
    sent = {s.headers.get("authorization") for s in recorder.sent if not s.rpc.endswith("GenerateAccessToken")}
    assert sent == {f"Bearer {saved['access_token']}"}
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


async def test_a_file_that_cannot_be_saved_still_signs_this_process_in(fresh_sandbox, isolated_env, monkeypatch,
                                                                        caplog):
    path = save_sign_in(isolated_env, timedelta(hours=-1))
    before = path.read_text()

    def read_only_disk(src, dst):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(os, "replace", read_only_disk)
    with caplog.at_level(logging.WARNING):
        async with client_on(fresh_sandbox) as kc:
            assert await kc.username() == "sandbox-user"
            await kc.competitions.get_competition("titanic")
    assert fresh_sandbox.call_counts[RENEW] == 1 and path.read_text() == before
    assert "could not save the renewed access token" in caplog.text and "Read-only file system" in caplog.text
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


async def test_a_refused_renewal_says_sign_in_again_and_keeps_the_file(fresh_sandbox, isolated_env, caplog):
    path = save_sign_in(isolated_env, timedelta(hours=-1))
    before = path.read_text()
    fresh_sandbox.state.revoked_refresh_tokens.add(REFRESH)
    with caplog.at_level(logging.DEBUG):
        async with client_on(fresh_sandbox) as kc:
            with pytest.raises(SignInExpired) as info:
                await kc.competitions.get_competition("titanic")
    text = str(info.value)
    assert "sign in again with `kaggle auth login`" in text and str(path) in text and info.value.status == 401
    for where in (text, caplog.text):
        assert REFRESH not in where and OLD_TOKEN not in where
    assert path.read_text() == before


async def test_a_sign_in_without_a_user_name_asks_kaggle(fresh_sandbox, isolated_env):
    save_sign_in(isolated_env, timedelta(hours=5), username="")
    recorder = Recorder()
    async with client_on(fresh_sandbox, recorder) as kc:
        assert kc.credentials.kind == "oauth" and kc.credentials.username is None
        assert await kc.username() == "sandbox-user"
    assert recorder.bodies("IntrospectToken") == [{"token": OLD_TOKEN}]

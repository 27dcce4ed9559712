"""Signing in the way kaggle 2.2.5 users do (``kaggle auth login``), checked with kagglesdk's own code.

The credentials file is written by the official CLI (``auth login`` against the sandbox) or by kagglesdk's
``KaggleCredentials.save``; the unmodified CLI and our client then both authenticate with it, renew its
access token through ``GenerateAccessToken`` when it expires, and each reads what the other wrote back.
"""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import anyio
import pytest
from cli_output import ok
from kagglesdk.kaggle_creds import KaggleCredentials
from recorded import Recorder

from kaggle_mcp.kaggle import ClientSettings, KaggleClient
from kaggle_mcp.kaggle.errors import SignInExpired

pytestmark = pytest.mark.conformance

RENEW = "users.AccountService/GenerateAccessToken"
REFRESH_TOKEN = "KGRT_" + "0123abcd" * 4
EXPIRED_ACCESS_TOKEN = "KGAT_" + "e" * 32


def sdk_save(path: Path, *, access_token: str, expires: datetime) -> None:
    """What ``kaggle auth login`` leaves behind, written by kagglesdk itself."""
    creds = KaggleCredentials(client=None, refresh_token=REFRESH_TOKEN, access_token=access_token,
                              access_token_expiration=expires, username="sandbox-user", scopes=["resources.admin:*"])
    creds.save(str(path))


@pytest.fixture
def signed_in_env(run_kaggle, tmp_path, monkeypatch):
    """Our process sees the same HOME the CLI runs with, and no token or key anywhere."""
    home = tmp_path / "home"
    for name in list(os.environ):
        if name.startswith("KAGGLE"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    return home


def cli(run_kaggle, *args: str, **kw):
    """The CLI with no token in its environment, so it must use the sign-in."""
    return run_kaggle(*args, env_extra={"KAGGLE_API_TOKEN": None}, **kw)


async def our_calls(sandbox, recorder: Recorder, concurrent: int = 1) -> list[str]:
    async with KaggleClient(ClientSettings(endpoint=sandbox.url, retry_seconds=5), transport=recorder) as kc:
        assert kc.credentials.kind == "oauth" and "credentials.json" in kc.credentials.source
        titles: list[str] = []

        async def one() -> None:
            titles.append((await kc.competitions.get_competition("titanic")).title or "")

        async with anyio.create_task_group() as tg:
            for _ in range(concurrent):
                tg.start_soon(one)
        assert await kc.username() == "sandbox-user"
        return titles


@pytest.mark.anyio
async def test_cli_login_then_both_clients_use_the_sign_in(run_kaggle, signed_in_env, sandbox):
    result = cli(run_kaggle, "auth", "login", "--no-launch-browser", input="code-from-the-browser\n")
    assert "You are now logged in as [sandbox-user]" in ok(result)
    assert [rpc for rpc, _ in result.rpcs] == ["security.OAuthService/ExchangeOAuthToken",
                                               "security.OAuthService/IntrospectToken"]
    path = signed_in_env / ".kaggle" / "credentials.json"
    saved = json.loads(path.read_text())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    assert "titanic" in ok(cli(run_kaggle, "competitions", "list"))
    recorder = Recorder()
    assert await our_calls(sandbox, recorder) == ["Titanic - Machine Learning from Disaster"]
    # a fresh token: used as it is, no renewal
    assert [(rpc, auth) for rpc, _, auth in recorder.sent] == [
        ("competitions.CompetitionApiService/GetCompetition", f"Bearer {saved['access_token']}")]
    assert json.loads(path.read_text()) == saved


@pytest.mark.anyio
async def test_expired_sign_in_is_renewed_once_and_saved_for_the_cli(run_kaggle, signed_in_env, sandbox):
    path = signed_in_env / ".kaggle" / "credentials.json"
    sdk_save(path, access_token=EXPIRED_ACCESS_TOKEN, expires=datetime.now(UTC) - timedelta(hours=2))
    before = sandbox.call_counts[RENEW]

    recorder = Recorder()
    titles = await our_calls(sandbox, recorder, concurrent=8)
    assert len(titles) == 8 and sandbox.call_counts[RENEW] == before + 1
    renewals = [auth for rpc, _, auth in recorder.sent if rpc == RENEW]
    assert renewals == [None]  # the refresh token in the body is the credential
    saved = json.loads(path.read_text())
    new_token = saved["access_token"]
    assert new_token != EXPIRED_ACCESS_TOKEN and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert {auth for rpc, _, auth in recorder.sent if rpc != RENEW} == {f"Bearer {new_token}"}
    assert saved["refresh_token"] == REFRESH_TOKEN and saved["scopes"] == ["resources.admin:*"]

    # kagglesdk reads what we wrote: same token, an expiry about 12 hours ahead
    reread = KaggleCredentials.load(client=None, file_path=str(path))
    assert reread.get_access_token() == new_token and reread.get_username() == "sandbox-user"
    assert timedelta(hours=11) < reread._access_token_expiration - datetime.now(UTC) <= timedelta(hours=12)

    # and the CLI uses the token we saved instead of renewing it again
    result = cli(run_kaggle, "competitions", "list")
    assert "titanic" in ok(result) and RENEW not in [rpc for rpc, _ in result.rpcs]
    assert sandbox.call_counts[RENEW] == before + 1


def test_cli_renews_a_file_kagglesdk_wrote(run_kaggle, signed_in_env, sandbox):
    path = signed_in_env / ".kaggle" / "credentials.json"
    sdk_save(path, access_token="", expires=datetime.now(UTC) - timedelta(days=1))
    result = cli(run_kaggle, "competitions", "list")
    assert "titanic" in ok(result)
    assert result.rpcs[0] == (RENEW, {"refreshToken": REFRESH_TOKEN, "apiVersion": "API_VERSION_V1",
                                      "expirationDuration": "43200s"})
    assert json.loads(path.read_text())["access_token"].startswith("KGAT_")


@pytest.mark.anyio
async def test_revoked_sign_in_says_sign_in_again(run_kaggle, signed_in_env, sandbox):
    assert "logged in" in ok(cli(run_kaggle, "auth", "login", "--no-launch-browser", input="another-code\n"))
    path = signed_in_env / ".kaggle" / "credentials.json"
    saved = json.loads(path.read_text())
    revoke = cli(run_kaggle, "auth", "revoke")
    ok(revoke)
    assert ("users.AccountService/ExpireApiToken", {"token": saved["refresh_token"],
                                                     "reason": "Manually revoked by user with kaggle-cli"}) in revoke.rpcs
    # the CLI deletes the file it revoked; put the sign-in back with an expired token, as a stale copy would be
    saved["access_token_expiration"] = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    path.write_text(json.dumps(saved))
    async with KaggleClient(ClientSettings(endpoint=sandbox.url, retry_seconds=5)) as kc:
        with pytest.raises(SignInExpired) as info:
            await kc.competitions.get_competition("titanic")
    text = str(info.value)
    assert "sign in again with `kaggle auth login`" in text and str(path) in text
    assert saved["refresh_token"] not in text and saved["access_token"] not in text
    assert json.loads(path.read_text()) == saved  # left for the user to look at

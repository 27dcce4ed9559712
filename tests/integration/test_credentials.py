"""Credential sources, their precedence (reference §2.1), and secrets staying secret."""

from __future__ import annotations

import json
import logging
import os

import pytest

from kaggle_mcp.kaggle import ClientSettings, Credentials, KaggleClient, resolve_credentials
from kaggle_mcp.kaggle.errors import CredentialsFileError, MalformedCredential, NoCredentials, Unauthorized
from kaggle_mcp.sandbox import user_key

from .conftest import open_client, sandbox_token

KEY = "0123456789abcdef0123456789abcdef"
TOKEN_A = "KGAT_" + "a" * 32
TOKEN_B = "KGAT_" + "b" * 32


def write_json(path, data, mode=0o600):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    os.chmod(path, mode)
    return path


def test_no_source_is_anonymous(isolated_env):
    creds = resolve_credentials()
    assert (creds.kind, creds.source, creds.authorization()) == ("anonymous", "none", None)


def test_api_token_env_value(isolated_env, monkeypatch):
    monkeypatch.setenv("KAGGLE_API_TOKEN", TOKEN_A)
    creds = resolve_credentials()
    assert creds.kind == "token" and creds.source == "KAGGLE_API_TOKEN environment variable"
    assert creds.authorization() == f"Bearer {TOKEN_A}"


def test_api_token_env_as_file_path(isolated_env, monkeypatch, tmp_path):
    path = tmp_path / "tok"
    path.write_text(TOKEN_A + "\n")
    monkeypatch.setenv("KAGGLE_API_TOKEN", str(path))
    creds = resolve_credentials()
    assert creds.authorization() == f"Bearer {TOKEN_A}" and str(path) in creds.source


@pytest.mark.parametrize("name", ["access_token", "access_token.txt"])
def test_access_token_files(isolated_env, name):
    write_json(isolated_env / ".kaggle" / name, TOKEN_B + "\n")
    creds = resolve_credentials()
    assert creds.kind == "token" and creds.source.endswith(name)
    assert creds.authorization() == f"Bearer {TOKEN_B}"


def test_username_key_env(isolated_env, monkeypatch):
    monkeypatch.setenv("KAGGLE_USERNAME", "bob")
    monkeypatch.setenv("KAGGLE_KEY", KEY)
    creds = resolve_credentials()
    assert (creds.kind, creds.username) == ("legacy_key", "bob")
    assert creds.authorization().startswith("Basic ")


@pytest.mark.parametrize("where", ["config_dir", "home", "xdg"])
def test_kaggle_json_locations(isolated_env, monkeypatch, tmp_path, where):
    directory = {
        "config_dir": tmp_path / "cfg",
        "home": isolated_env / ".kaggle",
        "xdg": isolated_env / ".config" / "kaggle",
    }[where]
    if where == "config_dir":
        monkeypatch.setenv("KAGGLE_CONFIG_DIR", str(directory))
    path = write_json(directory / "kaggle.json", {"username": "carol", "key": KEY})
    creds = resolve_credentials()
    assert (creds.kind, creds.username, creds.source) == ("legacy_key", "carol", str(path))


def test_precedence_chain(isolated_env, monkeypatch):
    """Peel the sources off one by one, highest first."""
    write_json(isolated_env / ".kaggle" / "kaggle.json", {"username": "fromfile", "key": KEY})
    monkeypatch.setenv("KAGGLE_USERNAME", "fromenv")
    monkeypatch.setenv("KAGGLE_KEY", KEY)
    write_json(isolated_env / ".kaggle" / "access_token", TOKEN_B)
    monkeypatch.setenv("KAGGLE_API_TOKEN", TOKEN_A)
    assert resolve_credentials().authorization() == f"Bearer {TOKEN_A}"
    monkeypatch.delenv("KAGGLE_API_TOKEN")
    assert resolve_credentials().authorization() == f"Bearer {TOKEN_B}"
    (isolated_env / ".kaggle" / "access_token").unlink()
    assert resolve_credentials().username == "fromenv"
    monkeypatch.delenv("KAGGLE_USERNAME")
    monkeypatch.delenv("KAGGLE_KEY")
    assert resolve_credentials().username == "fromfile"


def test_config_dir_does_not_move_access_token(isolated_env, monkeypatch, tmp_path):
    monkeypatch.setenv("KAGGLE_CONFIG_DIR", str(tmp_path / "cfg"))
    write_json(tmp_path / "cfg" / "access_token", TOKEN_A)
    assert resolve_credentials().kind == "anonymous"


def test_broken_kaggle_json_names_the_file(isolated_env):
    path = write_json(isolated_env / ".kaggle" / "kaggle.json", "{not json")
    with pytest.raises(CredentialsFileError) as info:
        resolve_credentials()
    assert str(path) in str(info.value)
    write_json(path, {"username": "x"})
    with pytest.raises(CredentialsFileError, match="key"):
        resolve_credentials()


def test_world_readable_kaggle_json_warns(isolated_env, caplog):
    path = write_json(isolated_env / ".kaggle" / "kaggle.json", {"username": "dave", "key": KEY}, mode=0o644)
    with caplog.at_level(logging.WARNING):
        creds = resolve_credentials()
    assert creds.warnings and "chmod 600" in creds.warnings[0]
    assert str(path) in caplog.text and KEY not in caplog.text


def test_no_secret_in_repr_or_str(isolated_env):
    for creds in (Credentials.token(TOKEN_A), Credentials.legacy_key("bob", KEY)):
        for text in (repr(creds), str(creds), repr(KaggleClient(ClientSettings(), creds))):
            assert TOKEN_A not in text and KEY not in text


# -- against the sandbox ----------------------------------------------------------------------


@pytest.mark.anyio
async def test_bearer_username_resolved_lazily_via_introspect(sandbox):
    async with open_client(sandbox) as kc:
        assert not kc.recorder.sent  # nothing at construction
        assert await kc.username() == "sandbox-user"
        assert await kc.username() == "sandbox-user"
        introspections = kc.recorder.bodies("IntrospectToken")
        assert introspections == [{"token": sandbox_token()}]


@pytest.mark.anyio
async def test_inactive_token_is_a_clear_unauthorized(sandbox):
    async with open_client(sandbox, credentials=Credentials.token("not-a-real-token")) as kc:
        with pytest.raises(Unauthorized, match="not active"):
            await kc.username()


@pytest.mark.anyio
async def test_legacy_key_uses_basic_auth(sandbox):
    async with open_client(sandbox, credentials=Credentials.legacy_key("bob", user_key("bob"))) as kc:
        assert await kc.username() == "bob"
        await kc.competitions.get_submission_limits("titanic")
        sent = kc.recorder.sent[-1]
        assert sent.headers["authorization"].startswith("Basic ") and not kc.recorder.bodies("IntrospectToken")


@pytest.mark.anyio
async def test_env_token_reaches_the_sandbox(sandbox, isolated_env, monkeypatch):
    monkeypatch.setenv("KAGGLE_API_TOKEN", sandbox_token())
    monkeypatch.setenv("KAGGLE_API_ENDPOINT", sandbox.url)
    async with KaggleClient() as kc:
        assert kc.settings.endpoint == sandbox.url
        assert kc.credentials.source == "KAGGLE_API_TOKEN environment variable"
        assert await kc.username() == "sandbox-user"


@pytest.mark.anyio
async def test_anonymous_calls_work_and_others_explain_how_to_configure(sandbox, isolated_env):
    async with open_client(sandbox, credentials=Credentials.anonymous()) as kc:
        assert await kc.username() is None
        files = await kc.datasets.list_dataset_files("alice", "titanic-extra-features")
        assert files.dataset_files
        assert "authorization" not in kc.recorder.sent[-1].headers
        with pytest.raises(NoCredentials) as info:
            await kc.competitions.list_submissions("titanic")
        text = str(info.value)
        assert "KAGGLE_API_TOKEN" in text and "kaggle.json" in text and "KAGGLE_USERNAME" in text


def test_kaggle_notebook_token_file_comes_first(isolated_env, monkeypatch, tmp_path):
    path = tmp_path / "nb-token"
    path.write_text(TOKEN_B)
    monkeypatch.setenv("KAGGLE_API_TOKEN", TOKEN_A)
    monkeypatch.setenv("KAGGLE_API_V1_TOKEN", str(path))
    monkeypatch.setenv("KAGGLE_KERNEL_RUN_TYPE", "Interactive")
    assert resolve_credentials().authorization() == f"Bearer {TOKEN_A}"  # not in a notebook without the proxy
    monkeypatch.setenv("KAGGLE_DATA_PROXY_URL", "http://proxy")
    assert resolve_credentials().authorization() == f"Bearer {TOKEN_B}"


def test_env_fields_override_kaggle_json_fields(isolated_env, monkeypatch):
    write_json(isolated_env / ".kaggle" / "kaggle.json", {"username": "fromfile", "key": KEY})
    monkeypatch.setenv("KAGGLE_USERNAME", "fromenv")
    creds = resolve_credentials()
    assert creds.username == "fromenv" and "overrides" in creds.source


def test_settings_from_env(isolated_env, monkeypatch):
    default = ClientSettings.from_env()
    assert default.endpoint == "https://api.kaggle.com" and default.retry_seconds == 60
    monkeypatch.setenv("KAGGLE_API_ENDPOINT", "http://127.0.0.1:1234/")
    monkeypatch.setenv("KAGGLE_MCP_RETRY_SECONDS", "5")
    settings = ClientSettings.from_env()
    assert settings.endpoint == "http://127.0.0.1:1234" and settings.retry_seconds == 5
    assert KaggleClient(settings).rpc_url("s.S", "M") == "http://127.0.0.1:1234/v1/s.S/M"


@pytest.mark.anyio
async def test_no_secret_in_logs_or_errors(sandbox, caplog, tmp_path):
    with caplog.at_level(logging.DEBUG):
        async with open_client(sandbox) as kc:
            await kc.username()
            await kc.competitions.download_data_file("titanic", "train.csv", tmp_path)
            with pytest.raises(Unauthorized) as info:
                async with open_client(sandbox, credentials=Credentials.token("KGAT_wrong")) as bad:
                    await bad.competitions.get_competition("titanic")
    assert caplog.records
    for text in (caplog.text, str(info.value), repr(info.value)):
        assert sandbox_token() not in text and "KGAT_wrong" not in text


@pytest.mark.anyio
async def test_concurrent_username_calls_introspect_once(sandbox):
    import anyio

    async with open_client(sandbox) as kc:
        names = []
        async with anyio.create_task_group() as tg:
            for _ in range(5):
                tg.start_soon(lambda: _append(names, kc.username()))
        assert names == ["sandbox-user"] * 5 and len(kc.recorder.bodies("IntrospectToken")) == 1


async def _append(names, coro):
    names.append(await coro)


# -- kaggle 2.2.5's rules -------------------------------------------------------------------------


def test_empty_api_token_file_skips_every_token_source(isolated_env, monkeypatch, tmp_path):
    """kagglesdk returns no token for an empty KAGGLE_API_TOKEN file (not even ~/.kaggle/access_token's):
    the CLI goes on to the legacy key."""
    empty = tmp_path / "empty-token"
    empty.write_text("\n")
    monkeypatch.setenv("KAGGLE_API_TOKEN", str(empty))
    write_json(isolated_env / ".kaggle" / "access_token", TOKEN_B)
    write_json(isolated_env / ".kaggle" / "kaggle.json", {"username": "erin", "key": KEY})
    creds = resolve_credentials()
    assert (creds.kind, creds.username) == ("legacy_key", "erin")


def test_config_home_is_read_only_when_dot_kaggle_does_not_exist(isolated_env):
    xdg = write_json(isolated_env / ".config" / "kaggle" / "kaggle.json", {"username": "xdg", "key": KEY})
    assert resolve_credentials().source == str(xdg)
    (isolated_env / ".kaggle").mkdir()  # the CLI's config dir is now ~/.kaggle, which has no kaggle.json
    assert resolve_credentials().kind == "anonymous"


def test_config_dir_replaces_dot_kaggle_for_kaggle_json(isolated_env, monkeypatch, tmp_path):
    write_json(isolated_env / ".kaggle" / "kaggle.json", {"username": "home", "key": KEY})
    monkeypatch.setenv("KAGGLE_CONFIG_DIR", str(tmp_path / "cfg"))
    assert resolve_credentials().kind == "anonymous"
    moved = write_json(tmp_path / "cfg" / "kaggle.json", {"username": "moved", "key": KEY})
    assert (resolve_credentials().username, resolve_credentials().source) == ("moved", str(moved))


SECRET_A, SECRET_B = "KGAT_" + "1" * 32, "KGAT_" + "2" * 32


@pytest.mark.parametrize(("content", "problem"), [
    (f"{SECRET_A}\n{SECRET_B}\n", "spans several lines"),
    (f"{SECRET_A}\r{SECRET_B}", "spans several lines"),
    (f"{SECRET_A[:20]}\x07{SECRET_A[20:]}", "control character"),
    (f"{SECRET_A[:20]} {SECRET_A[20:]}", "contains a space"),
    (f"{SECRET_A[:20]}é{SECRET_A[20:]}", "non-ASCII"),
])
def test_a_malformed_token_file_is_refused_naming_the_file_not_the_token(isolated_env, content, problem):
    path = write_json(isolated_env / ".kaggle" / "access_token", content)
    with pytest.raises(MalformedCredential) as info:
        resolve_credentials()
    text = str(info.value)
    assert str(path) in text and problem in text and "single line of visible ASCII" in text
    assert SECRET_A[5:25] not in text and SECRET_B[5:] not in text


@pytest.mark.parametrize("where", ["KAGGLE_API_TOKEN", "KAGGLE_KEY", "kaggle.json"])
def test_malformed_env_and_key_values_are_refused_too(isolated_env, monkeypatch, where):
    bad = f"{KEY[:16]}\n{KEY[16:]}"
    if where == "kaggle.json":
        path = write_json(isolated_env / ".kaggle" / "kaggle.json", {"username": "frank", "key": bad})
        source = str(path)
    else:
        monkeypatch.setenv(where, bad)
        monkeypatch.setenv("KAGGLE_USERNAME", "frank")
        source = where
    with pytest.raises(MalformedCredential) as info:
        resolve_credentials()
    assert source in str(info.value) and KEY[:16] not in str(info.value) and KEY[16:] not in str(info.value)


def sign_in_file(home, **fields):
    data = {"refresh_token": "KGRT_" + "f" * 32, "access_token": TOKEN_A, "access_token_expiration":
            "2099-01-01T00:00:00+00:00", "username": "grace", "scopes": ["resources.admin:*"]} | fields
    return write_json(home / ".kaggle" / "credentials.json", data)


def test_kaggle_auth_login_sign_in_comes_after_token_and_key(isolated_env, monkeypatch):
    path = sign_in_file(isolated_env)
    creds = resolve_credentials()
    assert (creds.kind, creds.username, creds.source) == ("oauth", "grace", f"{path} (kaggle auth login)")
    assert creds.authorization() == f"Bearer {TOKEN_A}" and TOKEN_A not in repr(creds)
    write_json(isolated_env / ".kaggle" / "kaggle.json", {"username": "key-user", "key": KEY})
    assert resolve_credentials().kind == "legacy_key"
    write_json(isolated_env / ".kaggle" / "access_token", TOKEN_B)
    assert resolve_credentials().kind == "token"


def test_an_incomplete_kaggle_json_yields_to_a_sign_in(isolated_env):
    write_json(isolated_env / ".kaggle" / "kaggle.json", {"username": "nokey"})
    with pytest.raises(CredentialsFileError, match="has no key"):
        resolve_credentials()
    sign_in_file(isolated_env)
    assert resolve_credentials().kind == "oauth"


def test_sign_in_files_kaggle_ignores_or_cannot_read(isolated_env):
    path = sign_in_file(isolated_env, refresh_token="")
    assert resolve_credentials().kind == "anonymous"  # no refresh token: kagglesdk ignores the file
    write_json(path, "{broken")
    with pytest.raises(CredentialsFileError) as info:
        resolve_credentials()
    assert str(path) in str(info.value) and "kaggle auth login" in str(info.value)

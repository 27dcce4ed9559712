"""Find the user's Kaggle credentials the way the official CLI (kaggle 2.2.5) does (reference §2.1).

Users configure Kaggle once for the official CLI; if we looked anywhere else, or in another order,
the same machine would act as two different accounts. Precedence:

1. an access token: inside a Kaggle notebook the file named by ``KAGGLE_API_V1_TOKEN``; then
   ``KAGGLE_API_TOKEN`` (the token itself, or a path to a file holding it; an empty file skips every
   access-token source, as kagglesdk's ``get_access_token_from_env`` does); then ``~/.kaggle/access_token``
   and ``~/.kaggle/access_token.txt`` (fixed paths, not moved by ``KAGGLE_CONFIG_DIR``);
2. a legacy API key: ``kaggle.json`` in the one config directory the CLI reads (``$KAGGLE_CONFIG_DIR``;
   else ``~/.kaggle``; else, only when ``~/.kaggle`` does not exist, ``$XDG_CONFIG_HOME/kaggle`` or
   ``~/.config/kaggle``), with ``KAGGLE_USERNAME`` / ``KAGGLE_KEY`` overriding its fields;
3. the sign-in ``kaggle auth login`` saved in ``~/.kaggle/credentials.json`` (see ``oauth``);
4. nothing: anonymous, enough for the calls Kaggle serves without an account.

Tokens are sent as ``Bearer``, legacy keys as ``Basic``. A secret that is not one line of visible ASCII is
refused here, naming its source and never its value: an HTTP header cannot carry it, and the error text of
a request that tried would quote it. The secret lives in a private slot that no repr, str or log line shows.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import stat
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Literal, NoReturn

from .errors import CredentialsFileError, MalformedCredential
from .oauth import OAuthGrant, load_grant
from .secret_shape import check_secret

log = logging.getLogger(__name__)

Kind = Literal["token", "legacy_key", "oauth", "anonymous"]

HOW_TO_CONFIGURE = (
    "Configure Kaggle credentials in one of these ways: "
    "set KAGGLE_API_TOKEN to an API token (or to the path of a file holding it); "
    "save the token in ~/.kaggle/access_token; "
    "set KAGGLE_USERNAME and KAGGLE_KEY; "
    'put kaggle.json ({"username": ..., "key": ...}) in $KAGGLE_CONFIG_DIR or ~/.kaggle; '
    "or sign in with the official CLI: `kaggle auth login`. "
    "Create a token at https://www.kaggle.com/settings (API section)."
)

class Credentials:
    """Which account to act as and how to prove it. ``source`` says where it came from (never the value).

    ``oauth`` is the ``kaggle auth login`` sign-in behind an ``"oauth"`` credential: its access token
    changes when ``KaggleClient`` renews it, so the Authorization header is read from it at each request.
    """

    __slots__ = ("kind", "source", "username", "warnings", "oauth", "_secret")

    def __init__(
        self,
        kind: Kind,
        source: str,
        *,
        secret: str | None = None,
        username: str | None = None,
        warnings: tuple[str, ...] = (),
        oauth: OAuthGrant | None = None,
    ) -> None:
        if kind in ("token", "legacy_key"):
            if not secret:
                raise ValueError("token and legacy_key credentials need a secret")
            secret = check_secret(secret, "API token" if kind == "token" else "API key", source)
        if kind == "legacy_key":
            if not username:
                raise ValueError("legacy_key credentials need a username")
            username = check_secret(username, "user name", source)
        if kind == "oauth" and oauth is None:
            raise ValueError("oauth credentials need the sign-in they come from")
        self.kind: Kind = kind
        self.source = source
        self.username = username  # known up front for keys and sign-ins; tokens resolve it via IntrospectToken
        self.warnings = warnings
        self.oauth = oauth
        self._secret = secret

    @classmethod
    def token(cls, token: str, source: str = "explicit token") -> Credentials:
        return cls("token", source, secret=token)

    @classmethod
    def legacy_key(cls, username: str, key: str, source: str = "explicit username/key") -> Credentials:
        return cls("legacy_key", source, secret=key, username=username)

    @classmethod
    def signed_in(cls, grant: OAuthGrant, warnings: tuple[str, ...] = ()) -> Credentials:
        return cls("oauth", f"{grant.path} (kaggle auth login)", username=grant.username, warnings=warnings,
                   oauth=grant)  # fmt: skip

    @classmethod
    def anonymous(cls) -> Credentials:
        return cls("anonymous", "none")

    def authorization(self) -> str | None:
        """The ``Authorization`` header value, or None for anonymous calls (and a sign-in not yet renewed)."""
        token = self.bearer_token()
        if token:
            return f"Bearer {token}"
        if self.kind == "legacy_key":
            raw = f"{self.username}:{self._secret}".encode()
            return "Basic " + base64.b64encode(raw).decode("ascii")
        return None

    def bearer_token(self) -> str | None:
        """The token itself, needed only as the body of IntrospectToken."""
        if self.kind == "token":
            return self._secret
        if self.oauth is not None:
            return self.oauth.access_token or None
        return None

    def __repr__(self) -> str:
        user = f", username={self.username!r}" if self.username else ""
        return f"Credentials(kind={self.kind!r}, source={self.source!r}{user})"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:  # pragma: no cover - pickling would copy the secret somewhere unexpected
        raise TypeError("Credentials are not picklable")


def _read_token_file(path: Path) -> str | None:
    """The file's stripped text; None when the file is absent or empty (kagglesdk skips both)."""
    try:
        text = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        raise MalformedCredential(f"the token file {path} is not text; keep exactly one API token there") from None
    except OSError as exc:
        raise CredentialsFileError(f"cannot read token file {path}: {exc.strerror}") from None
    return text or None


def config_dir(env: Mapping[str, str], home: Path) -> Path:
    """The one directory the CLI reads kaggle.json from (its ``KaggleApi.config_dir``)."""
    if env.get("KAGGLE_CONFIG_DIR"):
        return Path(env["KAGGLE_CONFIG_DIR"]).expanduser()
    default = home / ".kaggle"
    if sys.platform.startswith("linux") and not default.exists():
        xdg = env.get("XDG_CONFIG_HOME")
        return (Path(xdg) if xdg else home / ".config") / "kaggle"
    return default


def readable_by_others(path: Path) -> tuple[str, ...]:
    """A warning when a secrets file is group- or world-readable, as the CLI prints for kaggle.json."""
    try:
        if path.stat().st_mode & (stat.S_IRGRP | stat.S_IROTH):
            return (f"{path} is readable by other users of this machine; run: chmod 600 {path}",)
    except OSError:
        pass
    return ()


def _load_kaggle_json(path: Path) -> dict[str, str]:
    """Parse kaggle.json; a broken file is an error naming the file (never echoing its content)."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CredentialsFileError(f"cannot read {path}: {getattr(exc, 'strerror', None) or 'not UTF-8'}") from None
    try:
        data = json.loads(raw)
    except ValueError:
        raise CredentialsFileError(f'{path} is not valid JSON; expected {{"username": "...", "key": "..."}}') from None
    if not isinstance(data, dict):
        raise CredentialsFileError(f'{path} must hold a JSON object with "username" and "key"')
    return {k: v for k, v in data.items() if isinstance(v, str)}


def _access_token(env: Mapping[str, str], home: Path) -> Credentials | None:
    """Step 1 of the module docstring."""
    if env.get("KAGGLE_KERNEL_RUN_TYPE") and env.get("KAGGLE_DATA_PROXY_URL") and env.get("KAGGLE_API_V1_TOKEN"):
        token = _read_token_file(Path(env["KAGGLE_API_V1_TOKEN"]))
        if token:
            return Credentials.token(token, "KAGGLE_API_V1_TOKEN file (Kaggle notebook)")

    value = env.get("KAGGLE_API_TOKEN", "")
    if value.strip():
        candidate = Path(value.strip()).expanduser()
        if candidate.exists():
            if candidate.is_dir():
                raise CredentialsFileError(f"KAGGLE_API_TOKEN points to {candidate}, a directory; point it to a file")
            token = _read_token_file(candidate)
            if not token:
                log.info("KAGGLE_API_TOKEN points to the empty file %s; looking for a key or a sign-in", candidate)
                return None
            return Credentials.token(token, f"KAGGLE_API_TOKEN environment variable (file {candidate})")
        return Credentials.token(value, "KAGGLE_API_TOKEN environment variable")

    for name in ("access_token", "access_token.txt"):
        path = home / ".kaggle" / name
        token = _read_token_file(path)
        if token:
            return Credentials.token(token, str(path))
    return None


def _legacy_key(env: Mapping[str, str], home: Path) -> tuple[Credentials | None, CredentialsFileError | None]:
    """Step 2; an incomplete kaggle.json is returned as an error, raised only if no sign-in follows."""
    env_user, env_key = env.get("KAGGLE_USERNAME", ""), env.get("KAGGLE_KEY", "")
    if env_user and env_key:
        return Credentials.legacy_key(env_user, env_key, "KAGGLE_USERNAME/KAGGLE_KEY environment variables"), None
    path = config_dir(env, home) / "kaggle.json"
    if not path.is_file():
        return None, None
    data = _load_kaggle_json(path)
    username, key = env_user or data.get("username", ""), env_key or data.get("key", "")
    if not username or not key:
        missing = " and ".join(n for n, v in (("username", username), ("key", key)) if not v)
        return None, CredentialsFileError(f'{path} has no {missing}; expected {{"username": ..., "key": ...}}')
    warnings = readable_by_others(path)
    for warning in warnings:
        log.warning(warning)
    source = str(path) + (" with KAGGLE_USERNAME/KAGGLE_KEY overrides" if env_user or env_key else "")
    return Credentials("legacy_key", source, secret=key, username=username, warnings=warnings), None


def resolve_credentials(env: Mapping[str, str] | None = None, home: Path | None = None) -> Credentials:
    """Return the first credentials found, in the official CLI's order (module docstring).

    Reads files: from async code, call it in a worker thread (``KaggleClient`` does).
    """
    env = os.environ if env is None else env
    home = Path(env["HOME"]) if home is None and env.get("HOME") else (home or Path.home())

    found = _access_token(env, home)
    if found is not None:
        return found
    found, incomplete = _legacy_key(env, home)
    if found is not None:
        return found
    grant = load_grant(home / ".kaggle" / "credentials.json")
    if grant is not None:
        warnings = readable_by_others(grant.path)
        for warning in warnings:
            log.warning(warning)
        return Credentials.signed_in(grant, warnings)
    if incomplete is not None:
        raise incomplete
    return Credentials.anonymous()

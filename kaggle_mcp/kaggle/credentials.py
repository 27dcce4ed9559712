"""Find the user's Kaggle credentials the way the official CLI does (reference §2.1).

Users configure Kaggle once for the official CLI; if we looked anywhere else, or in another order,
the same machine would act as two different accounts. Precedence:

1. ``KAGGLE_API_TOKEN`` (the token itself, or a path to a file holding it); inside a Kaggle notebook
   the file named by ``KAGGLE_API_V1_TOKEN`` comes first;
2. ``~/.kaggle/access_token``, then ``~/.kaggle/access_token.txt`` (fixed paths, not moved by
   ``KAGGLE_CONFIG_DIR``);
3. ``KAGGLE_USERNAME`` + ``KAGGLE_KEY``;
4. ``kaggle.json`` in ``$KAGGLE_CONFIG_DIR``, ``~/.kaggle``, ``$XDG_CONFIG_HOME/kaggle`` (or
   ``~/.config/kaggle``); environment values override single fields of the file, as in the CLI;
5. nothing: anonymous, enough for the calls Kaggle serves without an account.

Tokens are sent as ``Bearer``, legacy keys as ``Basic``. The secret lives in a private slot that no
repr, str or log line shows.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Literal, NoReturn

from .errors import CredentialsFileError

log = logging.getLogger(__name__)

Kind = Literal["token", "legacy_key", "anonymous"]

HOW_TO_CONFIGURE = (
    "Configure Kaggle credentials in one of these ways: "
    "set KAGGLE_API_TOKEN to an API token (or to the path of a file holding it); "
    "save the token in ~/.kaggle/access_token; "
    "set KAGGLE_USERNAME and KAGGLE_KEY; "
    'or put kaggle.json ({"username": ..., "key": ...}) in $KAGGLE_CONFIG_DIR, ~/.kaggle or ~/.config/kaggle. '
    "Create a token at https://www.kaggle.com/settings (API section)."
)


class Credentials:
    """Which account to act as and how to prove it. ``source`` says where it came from (never the value)."""

    __slots__ = ("kind", "source", "username", "warnings", "_secret")

    def __init__(
        self,
        kind: Kind,
        source: str,
        *,
        secret: str | None = None,
        username: str | None = None,
        warnings: tuple[str, ...] = (),
    ) -> None:
        if kind != "anonymous" and not secret:
            raise ValueError("token and legacy_key credentials need a secret")
        if kind == "legacy_key" and not username:
            raise ValueError("legacy_key credentials need a username")
        self.kind: Kind = kind
        self.source = source
        self.username = username  # known up front for legacy keys; tokens resolve it via IntrospectToken
        self.warnings = warnings
        self._secret = secret

    @classmethod
    def token(cls, token: str, source: str = "explicit token") -> Credentials:
        return cls("token", source, secret=token.strip())

    @classmethod
    def legacy_key(cls, username: str, key: str, source: str = "explicit username/key") -> Credentials:
        return cls("legacy_key", source, secret=key.strip(), username=username.strip())

    @classmethod
    def anonymous(cls) -> Credentials:
        return cls("anonymous", "none")

    def authorization(self) -> str | None:
        """The ``Authorization`` header value, or None for anonymous calls."""
        if self.kind == "token":
            return f"Bearer {self._secret}"
        if self.kind == "legacy_key":
            raw = f"{self.username}:{self._secret}".encode()
            return "Basic " + base64.b64encode(raw).decode("ascii")
        return None

    def bearer_token(self) -> str | None:
        """The token itself, needed only as the body of IntrospectToken."""
        return self._secret if self.kind == "token" else None

    def __repr__(self) -> str:
        user = f", username={self.username!r}" if self.username else ""
        return f"Credentials(kind={self.kind!r}, source={self.source!r}{user})"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:  # pragma: no cover - pickling would copy the secret somewhere unexpected
        raise TypeError("Credentials are not picklable")


def _read_token_file(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CredentialsFileError(f"cannot read token file {path}: {exc.strerror}") from None
    return text or None


def _config_dirs(env: Mapping[str, str], home: Path) -> list[Path]:
    dirs: list[Path] = []
    if env.get("KAGGLE_CONFIG_DIR"):
        dirs.append(Path(env["KAGGLE_CONFIG_DIR"]).expanduser())
    dirs.append(home / ".kaggle")
    xdg = env.get("XDG_CONFIG_HOME")
    dirs.append((Path(xdg) if xdg else home / ".config") / "kaggle")
    return dirs


def _load_kaggle_json(path: Path) -> tuple[dict[str, str], tuple[str, ...]]:
    """Parse kaggle.json; a broken file is an error naming the file (never echoing its content)."""
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CredentialsFileError(f"cannot read {path}: {exc.strerror}") from None
    try:
        data = json.loads(raw)
    except ValueError:
        raise CredentialsFileError(f'{path} is not valid JSON; expected {{"username": "...", "key": "..."}}') from None
    if not isinstance(data, dict):
        raise CredentialsFileError(f'{path} must hold a JSON object with "username" and "key"')
    warnings: tuple[str, ...] = ()
    try:
        mode = path.stat().st_mode
        if mode & (stat.S_IRGRP | stat.S_IROTH):
            warnings = (f"{path} is readable by other users of this machine; run: chmod 600 {path}",)
    except OSError:
        pass
    return {k: v for k, v in data.items() if isinstance(v, str)}, warnings


def resolve_credentials(env: Mapping[str, str] | None = None, home: Path | None = None) -> Credentials:
    """Return the first credentials found, in the official CLI's order (module docstring)."""
    env = os.environ if env is None else env
    home = Path(env["HOME"]) if home is None and env.get("HOME") else (home or Path.home())

    if env.get("KAGGLE_KERNEL_RUN_TYPE") and env.get("KAGGLE_DATA_PROXY_URL") and env.get("KAGGLE_API_V1_TOKEN"):
        token = _read_token_file(Path(env["KAGGLE_API_V1_TOKEN"]))
        if token:
            return Credentials.token(token, "KAGGLE_API_V1_TOKEN file (Kaggle notebook)")

    value = env.get("KAGGLE_API_TOKEN", "").strip()
    if value:
        candidate = Path(value).expanduser()
        if candidate.is_file():
            token = _read_token_file(candidate)
            if not token:
                raise CredentialsFileError(f"KAGGLE_API_TOKEN points to {candidate}, which is empty")
            return Credentials.token(token, f"KAGGLE_API_TOKEN environment variable (file {candidate})")
        return Credentials.token(value, "KAGGLE_API_TOKEN environment variable")

    for name in ("access_token", "access_token.txt"):
        path = home / ".kaggle" / name
        token = _read_token_file(path)
        if token:
            return Credentials.token(token, str(path))

    env_user, env_key = env.get("KAGGLE_USERNAME", ""), env.get("KAGGLE_KEY", "")
    if env_user and env_key:
        return Credentials.legacy_key(env_user, env_key, "KAGGLE_USERNAME/KAGGLE_KEY environment variables")

    for directory in _config_dirs(env, home):
        path = directory / "kaggle.json"
        if not path.is_file():
            continue
        data, warnings = _load_kaggle_json(path)
        for warning in warnings:
            log.warning(warning)
        username, key = env_user or data.get("username", ""), env_key or data.get("key", "")
        if not username or not key:
            missing = " and ".join(n for n, v in (("username", username), ("key", key)) if not v)
            raise CredentialsFileError(f'{path} has no {missing}; expected {{"username": ..., "key": ...}}')
        source = str(path) + (" with KAGGLE_USERNAME/KAGGLE_KEY overrides" if env_user or env_key else "")
        return Credentials("legacy_key", source, secret=key, username=username, warnings=warnings)

    return Credentials.anonymous()

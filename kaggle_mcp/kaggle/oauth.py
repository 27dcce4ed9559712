"""The sign-in ``kaggle auth login`` saves, and keeping its access token fresh (reference §2.1, §2.4).

``kaggle auth login`` (kaggle 2.x) writes ``~/.kaggle/credentials.json`` through kagglesdk's
``KaggleCredentials.save``: ``refresh_token``, ``access_token``, ``access_token_expiration`` (ISO-8601),
``username``, ``scopes``. The access token lives about 12 hours, the refresh token until it is revoked.
Before a request, an access token that is missing or within ``REFRESH_MARGIN`` of its expiry is replaced
through ``users.AccountService/GenerateAccessToken`` and the file is rewritten (atomically, mode 0600),
so the official CLI and the next process start from the new token. kagglesdk itself renews only once a
token is 30 minutes *past* its expiry; renewing before means a request never carries an expired token.

One renewal at a time per sign-in: concurrent callers wait on a lock and find the token fresh. The file is
read when credentials are resolved (in a worker thread, see ``KaggleClient``) and written in a worker
thread, so the event loop never waits on the disk. A refused renewal (401) is ``SignInExpired``: only
signing in again helps. The file is left in place (the CLI deletes it; a user may want to look at it).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio

from .errors import CredentialsFileError, MalformedCredential, ProtocolError, SignInExpired, Unauthorized
from .secret_shape import check_secret

if TYPE_CHECKING:  # resolving credentials must not build wire models (cold start)
    from .models.users import GenerateAccessTokenResponse

log = logging.getLogger(__name__)

REFRESH_MARGIN = timedelta(minutes=30)
#: what kagglesdk asks for (``KaggleCredentials.DEFAULT_ACCESS_TOKEN_EXPIRATION``)
ACCESS_TOKEN_LIFETIME = timedelta(hours=12)
SIGN_IN_AGAIN = "sign in again with `kaggle auth login`"

Renew = Callable[[str, timedelta], Awaitable["GenerateAccessTokenResponse"]]


def _expiration(value: Any) -> datetime | None:
    """``access_token_expiration`` as an aware UTC datetime; None (renew now) when absent or unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class OAuthGrant:
    """One sign-in: where it is saved, its refresh token (private) and the current access token."""

    __slots__ = ("path", "username", "expires_at", "_document", "_refresh_token", "_access_token", "_lock")

    def __init__(
        self,
        path: Path,
        document: dict[str, Any],
        *,
        refresh_token: str,
        access_token: str,
        expires_at: datetime | None,
        username: str | None,
    ) -> None:
        self.path = path
        self.username = username
        self.expires_at = expires_at
        self._document = document  # kept whole, so keys this version does not know survive a rewrite
        self._refresh_token = refresh_token
        self._access_token = access_token
        self._lock = anyio.Lock()

    @property
    def access_token(self) -> str:
        return self._access_token

    def due(self, now: datetime | None = None) -> bool:
        """True when the access token is missing or expires within ``REFRESH_MARGIN``."""
        if not self._access_token or self.expires_at is None:
            return True
        return self.expires_at - (now or datetime.now(UTC)) < REFRESH_MARGIN

    async def ensure_fresh(self, renew: Renew) -> None:
        """Renew the access token if it is due; concurrent callers share one renewal."""
        if not self.due():
            return
        async with self._lock:
            if not self.due():  # renewed while this caller waited
                return
            try:
                answer = await renew(self._refresh_token, ACCESS_TOKEN_LIFETIME)
            except Unauthorized as exc:
                raise SignInExpired(
                    f"Kaggle refused to renew the sign-in saved in {self.path} ({exc.message}): {SIGN_IN_AGAIN}",
                    status=exc.status,
                    rpc=exc.rpc,
                ) from None
            try:
                token = check_secret(answer.token, "access token", "GenerateAccessToken's answer")
            except MalformedCredential as exc:
                raise ProtocolError(exc.message, rpc="users.AccountService/GenerateAccessToken") from None
            lifetime = timedelta(seconds=answer.expires_in) if answer.expires_in > 0 else ACCESS_TOKEN_LIFETIME
            self._access_token, self.expires_at = token, datetime.now(UTC) + lifetime
            self.username = self.username or answer.user_name or None
            await anyio.to_thread.run_sync(self._save)

    def _save(self) -> None:
        """Rewrite the file with the new access token: a temp file (0600) renamed over it, so a crash
        leaves the old file or the new one, never half of one. A failure only costs later processes a
        renewal of their own, so it is logged, not raised."""
        document = {
            **self._document,
            "access_token": self._access_token,
            "access_token_expiration": self.expires_at.isoformat() if self.expires_at else "",
            "username": self.username or "",
        }
        target = self.path.resolve()  # a dotfiles symlink stays a symlink
        try:
            fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".credentials.", suffix=".tmp")
        except OSError as exc:
            log.warning("could not save the renewed access token to %s (%s)", self.path, exc.strerror)
            return
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(document, out, indent=2)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, target)
        except OSError as exc:
            log.warning("could not save the renewed access token to %s (%s)", self.path, exc.strerror)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
            return
        self._document = document


def load_grant(path: Path) -> OAuthGrant | None:
    """The sign-in saved at ``path``; None when there is none (no file, or no refresh token, as kagglesdk)."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise CredentialsFileError(
            f"cannot read {path} ({getattr(exc, 'strerror', None) or 'not UTF-8'}); {SIGN_IN_AGAIN}"
        ) from None
    try:
        document = json.loads(raw)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise CredentialsFileError(f"{path} is not the JSON object `kaggle auth login` writes; {SIGN_IN_AGAIN}")
    refresh = document.get("refresh_token")
    if not isinstance(refresh, str) or not refresh.strip():
        return None
    access = document.get("access_token")
    username = document.get("username")
    return OAuthGrant(
        path,
        document,
        refresh_token=check_secret(refresh, "refresh token", str(path)),
        access_token=check_secret(access, "access token", str(path)) if isinstance(access, str) and access.strip() else "",
        expires_at=_expiration(document.get("access_token_expiration")),
        username=username.strip() or None if isinstance(username, str) else None,
    )

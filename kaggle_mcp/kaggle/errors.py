"""One exception hierarchy for everything the Kaggle client can fail with.

Callers (the MCP layer, the context engine) turn these into next steps for an agent, so each class
answers "what should happen now": re-authenticate, accept rules, wait, fix a name, or report a bug.
Every error carries Kaggle's own message text; none ever carries a credential.
"""

from __future__ import annotations


def describe(exc: BaseException, limit: int = 300) -> str:
    """A failure in one line for a log, a job row or an agent: its class and its message (Kaggle's own
    words for a KaggleError, which never carry a credential)."""
    message = exc.message if isinstance(exc, KaggleError) else str(exc)
    return f"{type(exc).__name__}: {message or type(exc).__name__}"[:limit]


class KaggleError(Exception):
    """Base class. ``status`` is the HTTP (or body ``code``) status, ``rpc`` the ``service/Method``."""

    #: a next step for the user, appended to ``str()`` (``message`` stays Kaggle's own text)
    hint: str | None = None

    def __init__(
        self, message: str, *, status: int | None = None, rpc: str | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.rpc = rpc
        if hint is not None:
            self.hint = hint

    def __str__(self) -> str:
        where = f" ({self.rpc})" if self.rpc else ""
        hint = f" {self.hint}" if self.hint else ""
        return f"{self.message}{where}{hint}"


class BadRequest(KaggleError):
    """400 (or another 4xx we have no better class for): the request itself is wrong."""


class InvalidReference(KaggleError, ValueError):
    """A competition, notebook or dataset reference that cannot be parsed; nothing was sent. ``kind``
    says which sort of thing was meant, so a caller can say where valid references are listed."""

    def __init__(self, message: str, *, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


class NotFound(KaggleError):
    """404: the competition, kernel, dataset or file does not exist (or is private to someone else)."""


class Unauthorized(KaggleError):
    """401: credentials missing, wrong or expired."""


class NoCredentials(Unauthorized):
    """A call needs an account but none is configured; the message lists every way to configure one."""


class SignInExpired(Unauthorized):
    """Kaggle refused to renew the access token of a ``kaggle auth login`` sign-in (its refresh token was
    revoked or has expired): only signing in again helps, and the message says so."""


class Forbidden(KaggleError):
    """403. ``rules_not_accepted`` is set when Kaggle refuses because the competition rules were not
    accepted, the one 403 a user can fix in a browser; ``rules_url`` points at that page."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = 403,
        rpc: str | None = None,
        rules_not_accepted: bool = False,
        rules_url: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, status=status, rpc=rpc, hint=hint)
        self.rules_not_accepted = rules_not_accepted
        self.rules_url = rules_url


class RateLimited(KaggleError):
    """429. ``retry_after`` is the server's hint in seconds (None when it gave none)."""

    def __init__(
        self, message: str, *, status: int | None = 429, rpc: str | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message, status=status, rpc=rpc)
        self.retry_after = retry_after


class ServerError(KaggleError):
    """5xx: Kaggle's side failed; 502/503/504 are retried before this reaches a caller."""


class ProtocolError(KaggleError):
    """The server answered something this client cannot read (non-JSON success, wrong shape, a
    download RPC that did not redirect). Usually a Kaggle API change or a bug here."""


class ApplicationError(KaggleError):
    """A 200 answer that carries a failure (``error``, ``errorMessage``, ``status`` not ok)."""


class AnswerTooLarge(ProtocolError):
    """An answer longer than ``ClientSettings.max_answer_bytes`` (a notebook with huge outputs, a hostile
    server): reading stops there, so one answer cannot exhaust memory. Not retried: it would be as big."""


class GarbledResponse(ProtocolError):
    """A success status with a body that is not the JSON it should be (cut short on the way).
    Retried for reads, like a dropped connection."""


class NetworkError(KaggleError):
    """Kaggle could not be reached, or the connection dropped, after the retries. For a write that
    is never retried (submit, push) the outcome is unknown: check before trying again."""


class KaggleUnreachable(NetworkError):
    """No connection could be made at all (the host name does not resolve, or the connection is refused):
    this machine is offline or the endpoint is wrong. Retried only briefly, so an offline user hears it in
    seconds; nothing reached Kaggle, so even a write is known not to have happened."""


class CredentialsFileError(KaggleError):
    """A credentials file exists but cannot be used; the message names the file, never its content."""


class MalformedCredential(CredentialsFileError):
    """A configured token or key is not one line of visible ASCII (two tokens in one file, a ``\\r``, a
    control character, a space inside): refused before any request, since an HTTP header cannot carry it
    and the error text of one that tried would hold the secret. The message names the source only."""


class UnsafePath(KaggleError):
    """A file name from the API or an archive member would land outside the destination directory."""


class TransferError(KaggleError):
    """A download or upload failed after its retries (size mismatch, upload rejected, drop)."""


class BadArchive(TransferError):
    """A downloaded zip cannot be read (corrupt, or member names that are not text); it is kept as is."""

"""Turn every failure into a ToolError the model can act on, in this one place.

In mcp 2.x only `ToolError` reaches the model with its text; anything else arrives as a bare
"Error executing tool X", which leaves an agent guessing. So each tool runs inside `guarded`, which
passes a workflow's `WorkflowError` on as it is (it already names the next step), maps the client's
typed errors to Kaggle's message plus the next step, and turns any unexpected exception into a
sentence naming what failed (the traceback goes to stderr, never to the model).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from mcp.server.mcpserver.exceptions import ToolError

from kaggle_mcp.server.request import ClientGone
from kaggle_mcp.untrusted import neutralise
from kaggle_mcp.workflows.errors import WorkflowError

if TYPE_CHECKING:
    from kaggle_mcp.kaggle.errors import KaggleError

log = logging.getLogger("kaggle_mcp.server")

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])

FINDERS = {
    "competition": "search_competitions",
    "notebook": "list_notebooks",
    "dataset": "search_datasets",
    "model": "search_models",
    "topic": "list_discussions",
    "file": "list_competition_files or list_dataset_files",
}
FILE_LISTERS = {"competition": "list_competition_files", "dataset": "list_dataset_files"}
# After a lost answer to a write, where to look before trying again (a blind retry may duplicate it).
VERIFY_WRITE = {
    "submit_to_competition": "list_submissions(competition=...)",
    "push_notebook": "list_notebooks(mine=true) or get_notebook_status",
    "publish_dataset": "list_dataset_files(dataset=...)",
    "cancel_notebook_run": "get_notebook_status(notebook=...)",
}
CONFIGURE = (
    "Configure credentials: create an API token at https://www.kaggle.com/settings (API -> Create New "
    "Token) and set KAGGLE_API_TOKEN, or save kaggle.json in ~/.kaggle/ (chmod 600). "
    "`kaggle-agent-mcp doctor` shows what was found; `kaggle-agent-mcp serve --sandbox` tries everything "
    "on the embedded sandbox."
)


def _subject(kwargs: dict[str, Any], kind: str | None) -> str:
    if kind and kwargs.get(kind):
        return f"{kind} '{kwargs[kind]}'"
    return "the requested item"


def explain(exc: KaggleError, tool: str, kind: str | None, kwargs: dict[str, Any]) -> str:
    """The message for a client error: Kaggle's own words, then what to do about it."""
    from kaggle_mcp.kaggle import errors as e

    message = exc.message or type(exc).__name__
    if isinstance(exc, e.InvalidReference):
        return f"{message} Find valid ones with {FINDERS.get(exc.kind, 'search_kaggle')}."
    if isinstance(exc, e.NoCredentials):
        return f"No Kaggle credentials found. {CONFIGURE}"
    if isinstance(exc, e.MalformedCredential):
        return f"The configured Kaggle credentials are malformed: {message.rstrip('.')}. {CONFIGURE}"
    if isinstance(exc, e.CredentialsFileError):
        return f"The Kaggle credentials file could not be read: {message}. {CONFIGURE}"
    if isinstance(exc, e.SignInExpired):
        return str(exc)  # it already says: sign in again with `kaggle auth login`
    if isinstance(exc, e.Unauthorized):
        return f"Kaggle rejected the credentials (401: {message}). The token may be expired or revoked. {CONFIGURE}"
    if isinstance(exc, e.Forbidden):
        if exc.rules_not_accepted:
            url = exc.rules_url or "the competition's Rules page on kaggle.com"
            # the sentence of Kaggle's message that names the page is left out: the page is named once, below
            said = " ".join(part for part in re.split(r"(?<=[.!])\s+", message) if "://" not in part) or message
            return (f"Kaggle says: {said.rstrip('.')}. The competition's rules are not accepted yet: a human "
                    f"must open {url}, click 'I Understand and Accept', then retry.")
        return f"Kaggle refused access to {_subject(kwargs, kind)} (403: {message}). Check that you own it or have joined."
    if isinstance(exc, e.NotFound):
        lister = FILE_LISTERS.get(kind or "")
        if kwargs.get("file") and lister and "file" in message.lower():  # the thing exists; the file does not
            return (f"Kaggle has no file '{kwargs['file']}' in {_subject(kwargs, kind)} (404: {message}). Call "
                    f"{lister} and pass one of the names it lists.")
        finder = FINDERS.get(kind or "", "search_kaggle")
        return f"Kaggle could not find {_subject(kwargs, kind)} (404: {message}). Check the reference, or find it with {finder}."
    if isinstance(exc, e.RateLimited):
        after = exc.retry_after
        when = f"in {int(after) + 1} seconds" if after else "in about a minute"
        return f"Kaggle is rate-limiting requests (429: {message}). Retry {when}; avoid calling {tool} in a tight loop."
    if isinstance(exc, e.KaggleUnreachable):  # no connection was ever made: even a write did not happen
        return f"{exc} Nothing was sent, so {tool} can be called again as it is once Kaggle is reachable."
    lost = isinstance(exc, e.NetworkError | e.GarbledResponse)
    if lost and tool in VERIFY_WRITE:
        return (f"The connection to Kaggle failed ({message}), so it is unknown whether {tool} took effect. "
                f"Check with {VERIFY_WRITE[tool]} before trying again, or you may do it twice.")
    if isinstance(exc, e.NetworkError):
        return f"Kaggle could not be reached ({message}). Check the network connection, then retry {tool} in a minute."
    if isinstance(exc, e.ServerError):
        return f"Kaggle had a server error ({message}). This is usually transient: retry {tool} in a minute."
    if isinstance(exc, e.UnsafePath):
        if "link" in message:  # a link planted where a file was to be written: the message says to remove it
            return f"Refused to write through a link: {message}. Nothing outside the destination was written."
        return (f"Refused an unsafe file name: {message}. Nothing outside the destination was written; pass the "
                "name exactly as list_competition_files / list_dataset_files shows it (a relative path).")
    if isinstance(exc, e.BadArchive):
        return (f"Downloaded, but could not extract it: {message}. The zip is kept in the workspace as "
                f"downloaded; call {tool} again with unzip=false to skip extraction, or open it with another tool.")
    if isinstance(exc, e.TransferError):
        return f"The file transfer failed: {message}. Retry {tool}; partial downloads resume where they stopped."
    if isinstance(exc, e.ApplicationError):
        return f"Kaggle answered with an error: {message.rstrip('.')}. Fix the arguments of {tool} and call it again."
    if isinstance(exc, e.AnswerTooLarge):
        why = "; a notebook's saved cell outputs make it that big: pick another with list_notebooks" \
            if kind == "notebook" else ""
        return (f"Skipped {_subject(kwargs, kind)}: Kaggle's answer is too large to read here ({message}){why}. "
                "To read it anyway, set KAGGLE_MCP_MAX_ANSWER_MB higher and restart the server.")
    if isinstance(exc, e.ProtocolError):
        return f"Kaggle sent an answer this server could not read ({message}). Retry {tool}; if it persists, report it."
    return f"Kaggle call failed: {message}."


def tool_error(exc: Exception, tool: str, kind: str | None, kwargs: dict[str, Any]) -> ToolError:
    """The ToolError an agent reads for `exc`, raised by `tool` called with `kwargs`."""
    from kaggle_mcp.context.store import StoreUnavailable
    from kaggle_mcp.kaggle.errors import KaggleError

    if isinstance(exc, ToolError):
        return exc
    if isinstance(exc, WorkflowError):  # may quote Kaggle (a refusal's reason): defuse any fence look-alike
        return ToolError(neutralise(str(exc)))
    if isinstance(exc, KaggleError):  # Kaggle's own words are in it: they must not be able to forge a fence
        return ToolError(neutralise(explain(exc, tool, kind, kwargs)))
    if isinstance(exc, StoreUnavailable):  # it names the database (never a password) and what to check
        return ToolError(f"{tool} could not use the context store: {exc}")
    if isinstance(exc, ClientGone):
        return ToolError(f"{tool} was stopped: the client that called it disconnected.")
    if isinstance(exc, RecursionError):  # json nested 100 000 deep: hostile or corrupted content
        return ToolError(f"{tool} could not read Kaggle's answer: it is nested too deeply to parse, so the content "
                         "is probably corrupted. Try another notebook or version, or check it on kaggle.com.")
    log.error("tool %s failed unexpectedly", tool, exc_info=exc)
    return ToolError(f"{tool} failed unexpectedly ({type(exc).__name__}). The details are in the server log "
                     "(stderr). Retrying may help; if not, check the arguments or report the bug.")


def guarded(tool: str, kind: str | None = None) -> Callable[[F], F]:
    """Decorate a tool so nothing but a ToolError ever leaves it."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return await fn(*args, **kwargs)
            except Exception as exc:  # the point of this wrapper: map, log, never crash bare
                raise tool_error(exc, tool, kind, kwargs) from exc

        return wrapper  # type: ignore[return-value]

    return decorate

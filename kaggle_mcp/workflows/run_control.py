"""Stopping a notebook run: find its session, cancel it, and wait (bounded) until Kaggle says it stopped.

``CancelKernelSession`` takes a session id, which no kernels RPC returns; Kaggle's search does, in a
notebook's document (``kernelDocument.sessionId``), so the run is found there. Statuses are compared
without underscores or case, since Kaggle may spell one ``CANCEL_ACKNOWLEDGED`` or ``cancelAcknowledged``.
"""

from __future__ import annotations

from pydantic import BaseModel

from ..kaggle.errors import NotFound
from ..kaggle.refs import notebook_ref
from .account import Account
from .errors import WorkflowError
from .notebooks import owner_and_slug
from .polling import poll
from .progress import Progress, no_progress
from .runs import never_ran

FINISHED = {"COMPLETE", "ERROR"}
CANCELLED = {"CANCELREQUESTED", "CANCELACKNOWLEDGED"}


class RunCancel(BaseModel):
    ref: str
    session_id: int
    status: str                       #: as Kaggle last reported it
    stopped: bool                     #: Kaggle acknowledged the cancel (or the run ended meanwhile)
    waited_seconds: float


def _key(status: str) -> str:
    return status.replace("_", "").upper()


async def _status(account: Account, owner: str, slug: str) -> str:
    try:
        answer = await account.client.kernels.get_kernel_session_status(owner, slug)
    except NotFound:
        raise never_ran(f"{owner}/{slug}") from None
    return answer.status


async def cancel_notebook_run(account: Account, notebook: str, wait_seconds: float = 30,
                              progress: Progress = no_progress) -> RunCancel:
    """Stop the latest run of one of your notebooks if it is queued or running, then poll its status for up
    to ``wait_seconds`` until Kaggle acknowledges the cancel."""
    if account.read_only:
        raise WorkflowError("This server is read-only: cancelling a run changes it on Kaggle.",
                            "Restart the server without --read-only to cancel runs.")
    owner, slug = await owner_and_slug(account.client, notebook_ref(notebook))
    name = f"{owner}/{slug}"
    before = await _status(account, owner, slug)
    if _key(before) in FINISHED | CANCELLED:
        raise WorkflowError(f"The latest run of {name} is already {before}; there is nothing to cancel.",
                            f'get_notebook_output(notebook="{name}") fetches what it produced.')
    found = await account.client.search.list_entities(slug, document_types=["KERNEL"],
                                                      list_type="API_LIST_TYPE_YOUR_WORK", page_size=50)
    session = next((d.kernel_document.session_id for d in found.documents
                    if d.slug == slug and d.owner == owner and d.kernel_document and d.kernel_document.session_id),
                   None)
    if session is None:
        raise WorkflowError(f"Kaggle's search does not list a session for {name} yet (a run queued seconds ago may "
                            "not be indexed).", "Call cancel_notebook_run again in a few seconds.")
    await account.client.kernels.cancel_kernel_session(session)
    seen = await poll(account, lambda: _status(account, owner, slug), lambda s: _key(s) in FINISHED | CANCELLED,
                      wait_seconds, progress, lambda s, waited: f"{name}: {s}, waiting for the cancel",
                      first_delay=1.0, longest_delay=1.0)
    status = seen.value
    stopped = _key(status) in FINISHED or _key(status) == "CANCELACKNOWLEDGED"
    return RunCancel(ref=name, session_id=session, status=status, stopped=stopped, waited_seconds=seen.waited)

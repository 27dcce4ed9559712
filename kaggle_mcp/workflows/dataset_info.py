"""`get_dataset_info`: a dataset's budgeted context (metadata, versions, files with schemas, notebooks that
use it, discussions, processing status), built by the context engine (``context.dataset``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ..context.dataset import build_dataset_context
from ..kaggle.refs import dataset_ref, require_owner
from .account import Account
from .errors import WorkflowError
from .progress import Progress, no_progress

MIN_TOKENS, MAX_TOKENS = 1000, 100_000


class DatasetInfo(BaseModel):
    ref: str
    toon: str                          #: the document; descriptions and discussions in it are untrusted text
    data: dict[str, Any]               #: what ``toon`` encodes (its ``stats`` say what was cut or failed)


async def get_dataset_info(account: Account, dataset: str, max_tokens: int = 8000, top_notebooks: int = 5,
                           progress: Progress = no_progress) -> DatasetInfo:
    """Everything worth knowing about a dataset before using it, within ``max_tokens``."""
    if not MIN_TOKENS <= max_tokens <= MAX_TOKENS:
        raise WorkflowError(f"max_tokens must be between {MIN_TOKENS} and {MAX_TOKENS}.", "Pass a budget in that range.")
    if not 0 <= top_notebooks <= 20:
        raise WorkflowError("top_notebooks must be between 0 and 20.", "Pass a smaller number.")
    owner, slug = require_owner(dataset_ref(dataset), "dataset")

    async def report(done: int, total: int, message: str) -> None:
        await progress(done, total, f"{owner}/{slug}: {message}")

    data, toon = await build_dataset_context(account.client, owner, slug, top_notebooks=top_notebooks,
                                             max_tokens=max_tokens, progress=report)
    return DatasetInfo(ref=f"{owner}/{slug}", toon=toon, data=data)

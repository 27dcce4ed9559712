"""The competition context: one budgeted TOON document with what a strong Kaggler reads first.

The engine (`kaggle_mcp.context`) fetches, budgets, encodes and caches; this workflow names the result
for its callers: the TOON text and a short account of how it was made.
"""

from __future__ import annotations

from pydantic import BaseModel

from ..kaggle.refs import competition_slug
from .account import Account
from .errors import WorkflowError
from .progress import Progress


class ContextInfo(BaseModel):
    competition: str
    tokens: int | None = None
    source: str
    truncated: list[str] = []
    failed: list[str] = []


class CompetitionContext(BaseModel):
    toon: str
    info: ContextInfo


async def competition_context(account: Account, competition: str, top_notebooks: int = 5, max_tokens: int = 12000,
                              refresh: bool = False, progress: Progress | None = None) -> CompetitionContext:
    from ..context.service import BuildsInFlight  # the engine loads when a context is asked for, not with the tool

    slug = competition_slug(competition)
    try:
        built = await (await account.contexts()).get(slug, top_notebooks=top_notebooks, max_tokens=max_tokens,
                                                     refresh=refresh, progress=progress)
    except BuildsInFlight as busy:
        raise WorkflowError(str(busy), "Retry get_competition_context in a minute.") from None
    stats = built.stats or {}
    info = ContextInfo(competition=slug, tokens=stats.get("tokens_estimated"),
                       source="cache" if built.cached else "fresh",
                       truncated=[str(t) for t in stats.get("truncated", []) or []],
                       failed=[str(f) for f in stats.get("failed", []) or []])
    return CompetitionContext(toon=built.toon, info=info)

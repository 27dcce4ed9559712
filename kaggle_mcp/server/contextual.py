"""The adapter to the context engine, behind get_competition_context and the context resource.

The engine (`kaggle_mcp.context`) builds, budgets, encodes and caches the context; this module only
opens it inside the lifespan and turns its answer into a tool result. Until the engine is available
it answers with the competition's metadata, under the same name and parameters.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

import anyio
from pydantic import BaseModel

from kaggle_mcp.server.render import toon
from kaggle_mcp.server.tooling import day, get

log = logging.getLogger("kaggle_mcp.server")


class ContextInfo(BaseModel):
    competition: str
    tokens: int | None = None
    source: str
    truncated: list[str] = []
    failed: list[str] = []


async def open_context_service(app_state: Any, stack: contextlib.AsyncExitStack) -> Any:
    """The engine with its SQLite store (closed with the lifespan), or None if the engine is absent."""
    try:
        from kaggle_mcp.context import ContextService
    except ImportError:
        log.info("context engine not available; get_competition_context answers with metadata only")
        return None
    kc = await app_state.client()
    store = await anyio.to_thread.run_sync(app_state.store_factory)
    return ContextService(kc, store)


async def competition_context(app_state: Any, slug: str, top_notebooks: int, max_tokens: int,
                              refresh: bool, progress: Any = None) -> tuple[str, ContextInfo]:
    service = await app_state.context_service()
    if service is None:
        return await _metadata_only(app_state, slug)
    built = await service.get(slug, top_notebooks=top_notebooks, max_tokens=max_tokens, refresh=refresh,
                              progress=progress)
    stats = built.stats or {}
    info = ContextInfo(competition=slug, tokens=stats.get("tokens_estimated"),
                       source="cache" if built.cached else "fresh",
                       truncated=[str(t) for t in stats.get("truncated", []) or []],
                       failed=[str(f) for f in stats.get("failed", []) or []])
    return built.toon, info


async def _metadata_only(app_state: Any, slug: str) -> tuple[str, ContextInfo]:
    kc = await app_state.client()
    c = await kc.competitions.get_competition(slug)
    data = {"competition": {"slug": slug, "title": get(c, "title"), "url": get(c, "url"),
                            "category": get(c, "category"), "reward": get(c, "reward"),
                            "metric": get(c, "evaluation_metric"), "deadline": day(get(c, "deadline")),
                            "teams": get(c, "team_count"), "max_daily_submissions": get(c, "max_daily_submissions"),
                            "max_team_size": get(c, "max_team_size"),
                            "code_competition": get(c, "is_kernels_submissions_only"),
                            "joined": get(c, "user_has_entered"), "description": get(c, "description")}}
    return toon(data), ContextInfo(competition=slug, source="metadata")

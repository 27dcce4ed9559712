"""The competition context engine: what a strong Kaggler reads before writing code, in a budget.

Public API (no MCP imports here; the server, the REST routes and the CLI are thin callers):

    async with open_store(url) as store:             # None: SQLite in the cache dir; or postgresql://...
        service = ContextService(client, store)      # client: an open kaggle_mcp.kaggle.KaggleClient
        result = await service.get(
            "titanic",              # slug or competition URL
            top_notebooks=5,        # 0..20
            max_tokens=12000,       # 1000..200000, the whole TOON document (estimated tokens)
            refresh=False,          # True bypasses the 24 h cache
            progress=None,          # async (done: int, total: int, message: str) -> None
        )
    result.toon, result.data, result.stats, result.cached, result.built_at

`encode.decode_context(result.toon) == result.data` (TOON via toon-format, default options). The document has the keys competition, notice
(Kaggle text is untrusted), pages, files, schemas, leaderboard, notebooks, discussions and stats
(`max_tokens`, `tokens_estimated`, `truncated`, `failed`, ...); a section that failed to fetch is
absent and listed in `stats.failed`. Errors reading the competition itself (the client's NotFound,
Unauthorized, ...) propagate; ValueError means bad arguments.

Modules: notebooks (cleaning + budgeted rendering, shared with read_notebook), tokens (estimator),
tables (schemas from a Range read), ranking, budget (cut order), htmltext, builder (concurrent
fetch), store (the cache and job table's contract, build claims, memory), sqlite_store and
postgres_store (its two implementations) with their migrations, database (`open_store`: the one a URL
names), service (keys, TTL, shared builds).
The KaggleIngest-compatible REST routes over it live in `kaggle_mcp.web.rest`.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .database import open_store as open_store
    from .service import ContextResult as ContextResult, ContextService as ContextService
    from .sqlite_store import SqliteStore as SqliteStore, default_store_path as default_store_path
    from .store import ContextStore as ContextStore, StoreUnavailable as StoreUnavailable

# Imported on first use (PEP 562): the token estimator and the notebook cleaner are used on their own,
# and must not pull in the whole engine.
_EXPORTS = {"ContextResult": "service", "ContextService": "service", "ContextStore": "store",
            "StoreUnavailable": "store", "SqliteStore": "sqlite_store", "default_store_path": "sqlite_store",
            "open_store": "database"}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)

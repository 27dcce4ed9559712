"""Catalog lists (competitions, data files, notebooks, datasets) answered from memory for a few seconds.

Agents repeat the same list calls, and many share one HTTP server: identical lists within the TTL cost one
Kaggle request, and concurrent identical ones wait on that same request (async_lru shares the pending task).
The age of an answer is kept here, against an injectable clock, rather than by async_lru's own timers: a
test can then move time instead of sleeping through it, and nothing depends on how busy the machine is.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from async_lru import alru_cache

from .wire import WireModel, WireRequest

M = TypeVar("M", bound=WireModel)
Key = tuple[str, str, str]
Args = tuple[str, str, WireRequest | None, type[Any]]
MAX_ENTRIES = 256


def catalog_key(service: str, method: str, request: WireRequest | None, response_type: type[Any]) -> Key:
    return service, method, json.dumps(request.to_wire() if request is not None else {}, sort_keys=True)


class CatalogCache:
    """`get` answers from memory while an answer is younger than `ttl` seconds by `clock`; `clear` forgets
    every answer (a write through the client may have changed any list)."""

    def __init__(self, send: Callable[..., Awaitable[Any]], ttl: float, clock: Callable[[], float]) -> None:
        self._send, self._ttl, self._clock = send, ttl, clock
        self._born: dict[Key, tuple[float, Args]] = {}  # when each answer arrived, and how to invalidate it
        self._cached = alru_cache(maxsize=MAX_ENTRIES, key=catalog_key)(self._fetch)

    async def get(self, service: str, method: str, request: WireRequest | None, response_type: type[M]) -> M:
        key = catalog_key(service, method, request, response_type)
        stamped = self._born.get(key)
        if stamped is not None and self._clock() - stamped[0] >= self._ttl:
            self._forget(key)
        answer: M = await self._cached(service, method, request, response_type)
        return answer

    async def _fetch(self, service: str, method: str, request: WireRequest | None, response_type: type[M]) -> M:
        answer: M = await self._send(service, method, request, response_type)
        now = self._clock()
        self._born[catalog_key(service, method, request, response_type)] = (now, (service, method, request, response_type))
        if len(self._born) > MAX_ENTRIES:  # stamps of answers the LRU dropped: forget those that expired
            for key in [k for k, (born, _) in self._born.items() if now - born >= self._ttl]:
                self._forget(key)
        return answer

    def _forget(self, key: Key) -> None:
        _, args = self._born.pop(key)
        self._cached.cache_invalidate(*args)  # type: ignore[arg-type]  # key= makes the arguments' hashability moot

    def clear(self) -> None:
        self._cached.cache_clear()
        self._born.clear()

    async def close(self) -> None:
        await self._cached.cache_close()

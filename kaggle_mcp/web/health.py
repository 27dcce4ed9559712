"""`/health` and `/health/ready`, for the container's HEALTHCHECK and a load balancer.

`/health` answers 200 while the process serves, with the context store's state in the body (a restart
would not bring a database back, so liveness does not depend on it). `/health/ready` answers 503 while the
store cannot be reached, so a proxy stops sending requests to a replica that cannot serve them and sends
them again once it can. Neither needs credentials, and neither says more than which database (never its
password) and why it does not answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from kaggle_mcp.context.store import StoreHealth, StoreUnavailable

if TYPE_CHECKING:
    from kaggle_mcp.deployment import Deployment

__all__ = ["HEALTH_PATHS", "health_routes", "store_health"]

HEALTH_PATHS = frozenset({"/health", "/health/ready"})


async def store_health(deployment: Deployment) -> StoreHealth:
    """The store's answer to a round trip; a store that cannot even be opened is reported the same way."""
    try:
        return await (await deployment.store()).health()
    except StoreUnavailable as exc:
        backend = "postgresql" if deployment.settings.database_url else "sqlite"
        return StoreHealth(backend, False, str(exc))


def _store(health: StoreHealth) -> dict[str, object]:
    """Which database answered where, only when it did not: an open route need not tell where a healthy one is."""
    state: dict[str, object] = {"backend": health.backend, "ok": health.ok}
    if not health.ok:
        state["detail"] = health.detail
    return state


def health_routes(deployment: Deployment) -> list[Route]:
    async def health(_: Request) -> JSONResponse:
        # "healthy": KaggleIngest's front end shows a warning for anything else
        return JSONResponse({"status": "healthy", "store": _store(await store_health(deployment))})

    async def ready(_: Request) -> JSONResponse:
        found = await store_health(deployment)
        return JSONResponse({"status": "ready" if found.ok else "unavailable", "store": _store(found)},
                            status_code=200 if found.ok else 503)

    return [Route("/health", health, methods=["GET"]), Route("/health/ready", ready, methods=["GET"])]

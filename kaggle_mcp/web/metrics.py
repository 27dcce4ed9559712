"""`/metrics` in Prometheus' text format (prometheus_client writes it), and what feeds it.

- every HTTP request, by route (the app's own route template, so `/api/competitions/{slug}` is one
  series however many slugs are asked), method and status, with its latency; each answered with an
  `X-Request-Id` (the caller's, if it sent a usable one) that every log line of the request carries;
- every MCP tool call, by tool and outcome, with its latency (an MCP middleware: one HTTP request of the
  legacy transport can carry several calls);
- what the layers below count without a metrics library (`kaggle_mcp.telemetry`): context builds and
  where each context answer came from, calls to Kaggle by RPC and status and their retries, limits hit;
- at scrape time: the store's state and its connection pool (`ContextStore.health`) and, in multi-user
  mode, the callers' clients.

It holds no user data: labels are routes, tools, RPC names and limits, never a user or a competition.
Metrics are per replica; Prometheus sums them.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.mcpserver import MCPServer
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kaggle_mcp.callers import USER_KEY
from kaggle_mcp.logs import REQUEST_ID
from kaggle_mcp.telemetry import COUNTS

if TYPE_CHECKING:
    from kaggle_mcp.context.store import StoreHealth
    from kaggle_mcp.deployment import Deployment

__all__ = ["RequestObserver", "metrics_route", "tool_metrics"]

access_log = logging.getLogger("kaggle_mcp.access")

REQUEST_ID_KEY = "kaggle_mcp.request_id"
USABLE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)
COUNTED = {
    "context_builds": ("kaggle_mcp_context_builds", "Context builds this replica ran, by outcome"),
    "context_requests": ("kaggle_mcp_context_requests", "Contexts served, by source: cache (a hit), built, "
                         "joined (a build already running here), waited (another replica's build)"),
    "upstream_requests": ("kaggle_mcp_upstream_requests", "Requests sent to Kaggle, by RPC and HTTP status"),
    "upstream_retries": ("kaggle_mcp_upstream_retries", "Requests to Kaggle that were retries, by RPC"),
    "limits_hit": ("kaggle_mcp_limits_hit", "Requests refused or cut short by a limit, by limit"),
}

REGISTRY = CollectorRegistry()
HTTP_REQUESTS = Counter("kaggle_mcp_http_requests", "HTTP requests answered, by route, method and status",
                        ["route", "method", "status"], registry=REGISTRY)
HTTP_SECONDS = Histogram("kaggle_mcp_http_request_seconds", "Time to answer an HTTP request, by route", ["route"],
                         buckets=LATENCY_BUCKETS, registry=REGISTRY)
TOOL_CALLS = Counter("kaggle_mcp_tool_calls", "MCP tool calls, by tool and outcome (ok, error, crash)",
                     ["tool", "outcome"], registry=REGISTRY)
TOOL_SECONDS = Histogram("kaggle_mcp_tool_call_seconds", "Time a tool call took, by tool", ["tool"],
                         buckets=LATENCY_BUCKETS, registry=REGISTRY)


class RequestObserver:
    """Pure ASGI, outermost but for the Host/Origin guard, so refused requests are counted too."""

    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.routes = routes

    def route_of(self, scope: Scope) -> str:
        for route in self.routes:
            if isinstance(route, Route) and route.matches(scope)[0] != Match.NONE:
                return route.path
        return "other"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if USABLE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state[REQUEST_ID_KEY] = request_id
        reset = REQUEST_ID.set(request_id)
        status = 500  # what it was if the app raised before answering

        async def answer(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message).append("X-Request-Id", request_id)
            await send(message)

        started = time.perf_counter()
        try:
            await self.app(scope, receive, answer)
        finally:
            elapsed = time.perf_counter() - started
            route, method = self.route_of(scope), scope.get("method", "")
            HTTP_REQUESTS.labels(route, method, str(status)).inc()
            HTTP_SECONDS.labels(route).observe(elapsed)
            access_log.info("%s %s %d in %.1f ms", method, route, status, elapsed * 1000,
                            extra={"route": route, "status": status, "user": state.get(USER_KEY),
                                   "ms": round(elapsed * 1000, 1)})
            REQUEST_ID.reset(reset)


def tool_metrics(server: MCPServer) -> Any:
    """An MCP middleware counting tool calls by tool (a name the server does not have counts as `unknown`, so
    a client cannot mint series). It also puts the HTTP request's id on the log lines of the call, which a
    stateful session runs outside the request's own task."""
    known: set[str] = set()

    async def middleware(ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        if ctx.method != "tools/call":
            return await call_next(ctx)
        if not known:
            known.update(tool.name for tool in await server.list_tools())
        name = str((ctx.params or {}).get("name", ""))
        tool = name if name in known else "unknown"
        request: Any = ctx.request
        state = getattr(request, "scope", {}).get("state") or {}
        reset = REQUEST_ID.set(state.get(REQUEST_ID_KEY)) if REQUEST_ID_KEY in state else None
        started, outcome = time.perf_counter(), "crash"
        try:
            answer = await call_next(ctx)
            outcome = "error" if isinstance(answer, dict) and answer.get("isError") else "ok"
            return answer
        finally:
            TOOL_CALLS.labels(tool, outcome).inc()
            TOOL_SECONDS.labels(tool).observe(time.perf_counter() - started)
            if reset is not None:
                REQUEST_ID.reset(reset)

    return middleware


class _AtScrape(Collector):
    """What is read when Prometheus asks: the lower layers' counters, the store's state, the callers' pool."""

    def __init__(self, store: StoreHealth, callers: dict[str, int] | None) -> None:
        self.store = store
        self.callers = callers

    def collect(self) -> Iterator[Metric]:
        families: dict[str, CounterMetricFamily] = {}
        for (name, labels), value in sorted(COUNTS.items()):
            if name not in COUNTED:
                continue
            metric, documentation = COUNTED[name]
            family = families.setdefault(name, CounterMetricFamily(metric, documentation,
                                                                   labels=[k for k, _ in labels]))
            family.add_metric([v for _, v in labels], value)
        yield from families.values()
        up = GaugeMetricFamily("kaggle_mcp_store_up", "1 if the context store answered this scrape, else 0",
                               labels=["backend"])
        up.add_metric([self.store.backend], 1 if self.store.ok else 0)
        yield up
        pool = GaugeMetricFamily("kaggle_mcp_store_pool", "The store's connection pool (PostgreSQL), by statistic",
                                 labels=["stat"])
        for stat, value in sorted(self.store.pool.items()):
            pool.add_metric([stat], value)
        yield pool
        if self.callers is not None:
            callers = GaugeMetricFamily("kaggle_mcp_callers", "Multi-user mode: callers' Kaggle clients open and "
                                        "their calls in flight on this replica", labels=["stat"])
            for stat, value in sorted(self.callers.items()):
                callers.add_metric([stat], value)
            yield callers


def metrics_route(deployment: Deployment) -> Route:
    from kaggle_mcp.web.health import store_health

    async def metrics(_: Request) -> Response:
        scrape = CollectorRegistry()
        callers = dict(deployment.callers.stats()) if deployment.settings.multi_user else None
        scrape.register(_AtScrape(await store_health(deployment), callers))
        return Response(generate_latest(REGISTRY) + generate_latest(scrape), media_type=CONTENT_TYPE_LATEST)

    return Route("/metrics", metrics, methods=["GET"])

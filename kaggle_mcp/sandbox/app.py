"""The sandbox's Starlette app: routing, auth, bad-input handling, latency and faults.

Every RPC is ``POST /v1/{service}/{Method}`` (production shape) or ``/api/v1/...`` (the shape the SDK
uses for non-production environments). Handlers are plain functions registered in ``rpc.REGISTRY``;
this module turns their results and ``RpcError``s into Kaggle's JSON shapes and guarantees that no
input — malformed JSON, unknown names, wrong types, huge bodies — can crash the server.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import shutil
import sys
import tempfile
import threading
from collections import defaultdict, deque
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kaggle_mcp.bearer import carries_bearer
from kaggle_mcp.sandbox import (  # noqa: F401 - importing a module registers its RPCs
    rpc_competitions, rpc_datasets, rpc_discussions, rpc_kernels, rpc_misc, rpc_models, rpc_oauth, rpc_search)
from kaggle_mcp.sandbox.faults import FaultInjector
from kaggle_mcp.sandbox.rpc import REGISTRY, Ctx, Req, RpcError
from kaggle_mcp.sandbox.rules_page import PATH_PREFIX as RULES_PREFIX
from kaggle_mcp.sandbox.rules_page import rules_page
from kaggle_mcp.sandbox.settings import SandboxSettings
from kaggle_mcp.sandbox.transfers import Dropped, error, fault_response, receive_upload, serve_blob
from kaggle_mcp.sandbox.users import identify
from kaggle_mcp.sandbox.world import World

logger = logging.getLogger("kaggle_mcp.sandbox")
RPC_FAULTS = ("429", "5xx", "drop", "truncate")
KERNELS_NOTICE = ("sandbox kernels run on THIS machine: notebooks and scripts pushed to the sandbox are "
                  "executed as local subprocesses with this user's permissions")


_notice_given = threading.Event()


@dataclass
class Sandbox:
    """Everything the app serves from; exposed to tests through the server handle."""

    settings: SandboxSettings
    world: World
    faults: FaultInjector
    runner: Any
    store: Any = None
    public_url: str | None = None
    work_dir: Path | None = None      # kernel runs and materialised kernel inputs
    #: the last request bodies per "service/Method", so tests can compare what official clients send
    bodies: dict[str, deque[dict[str, Any]]] = dataclasses.field(default_factory=lambda: defaultdict(lambda: deque(maxlen=50)))

    def persist(self) -> None:
        if self.store is not None:
            self.store.save(self.world)


def _base_url(request: Request, sandbox: Sandbox) -> str:
    if sandbox.public_url:
        return sandbox.public_url.rstrip("/")
    return f"{request.url.scheme}://{request.url.netloc}"


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise RpcError(413, f"Request body of {declared} bytes exceeds the limit of {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise RpcError(413, f"Request body exceeds the limit of {limit} bytes")
    return bytes(body)


def _locked(world: World, handler: Any, ctx: Ctx, req: Req) -> Any:
    """Handlers run one at a time: the world is plain dicts and lists. Transfers stream outside the lock."""
    with world.lock:
        return handler(ctx, req)


def remove_tree(path: Path) -> None:
    """rmtree that first restores write permission (kernel inputs are made read-only)."""
    def retry(func: Any, target: str, _exc: Any) -> None:
        os.chmod(os.path.dirname(target), 0o700)
        os.chmod(target, 0o700)
        func(target)

    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=retry)
    else:
        shutil.rmtree(path, onerror=retry)


async def rpc_endpoint(request: Request) -> Response:
    sandbox: Sandbox = request.app.state.sandbox
    service, method = request.path_params["service"], request.path_params["method"]
    key = f"{service}/{method}"
    n = sandbox.faults.count(key)
    fault = None
    try:
        if service not in REGISTRY:
            raise RpcError(404, f"Unknown service '{service}'")
        if method not in REGISTRY[service]:
            raise RpcError(404, f"Unknown method '{method}' in service '{service}'")
        if request.method != "POST":
            raise RpcError(405, f"{key} must be called with POST")
        if sandbox.settings.latency_ms:
            await anyio.sleep(sandbox.settings.latency_ms / 1000)
        fault = sandbox.faults.decide(key, n, RPC_FAULTS)
        if fault is not None and fault.kind in ("429", "5xx"):
            return fault_response(fault)
        raw = await _read_body(request, sandbox.settings.max_body_bytes)
        try:
            body = json.loads(raw) if raw.strip() else {}
        except (ValueError, UnicodeDecodeError) as exc:
            raise RpcError(400, f"Invalid JSON payload received. {exc}") from None
        if not isinstance(body, dict):
            raise RpcError(400, "Invalid JSON payload received. The request must be a JSON object.")
        sandbox.bodies[key].append(body)
        handler, anonymous = REGISTRY[service][method]
        user, valid = identify(sandbox.world, request.headers.get("authorization"))
        if key != "security.OAuthService/IntrospectToken":
            if not valid or (user is None and not anonymous):
                raise RpcError(401, "Unauthorized")
        ctx = Ctx(world=sandbox.world, settings=sandbox.settings, user=user, base_url=_base_url(request, sandbox),
                  runner=sandbox.runner, persist=sandbox.persist, work_dir=sandbox.work_dir)
        result = await anyio.to_thread.run_sync(_locked, sandbox.world, handler, ctx, Req(body))
    except RpcError as exc:
        return error(exc.status, exc.message, exc.headers)
    except Exception:  # never crash: log it, answer Kaggle's 500 shape
        logger.exception("sandbox handler %s failed", key)
        return error(500, "Internal error encountered.")
    if isinstance(result, Response):
        return result
    payload = json.dumps(result, separators=(",", ":")).encode()
    if fault is not None and fault.kind == "drop":
        return Dropped(declared_length=len(payload))
    if fault is not None and fault.kind == "truncate":
        payload = payload[: max(1, int(len(payload) * fault.fraction))]
    return Response(payload, media_type="application/json")


async def blob_endpoint(request: Request) -> Response:
    sandbox: Sandbox = request.app.state.sandbox
    n = sandbox.faults.count("GET /blobs")
    blob = sandbox.world.blobs.get(request.path_params["blob_id"])
    if blob is None:
        return error(404, "No such object.")
    if sandbox.settings.latency_ms:
        await anyio.sleep(sandbox.settings.latency_ms / 1000)
    fault = sandbox.faults.decide("GET /blobs", n, RPC_FAULTS)
    if fault is not None and fault.kind in ("429", "5xx"):
        return fault_response(fault)
    return serve_blob(request, blob, fault)


async def upload_endpoint(request: Request) -> Response:
    sandbox: Sandbox = request.app.state.sandbox
    n = sandbox.faults.count("PUT /uploads")
    upload = sandbox.world.uploads.get(request.path_params["token"])
    if upload is None:
        return error(404, "Upload session not found or expired.")
    fault = sandbox.faults.decide("PUT /uploads", n, ("429", "5xx", "drop"))
    if fault is not None and fault.kind in ("429", "5xx"):
        return fault_response(fault)
    try:
        return await receive_upload(request, upload, sandbox.world.lock, fault)
    except Exception:
        logger.exception("sandbox upload failed")
        return error(500, "Internal error encountered.")


async def logs_stream_endpoint(request: Request) -> Response:
    sandbox: Sandbox = request.app.state.sandbox
    sandbox.faults.count("GET /kernels/logs/stream")
    user, valid = identify(sandbox.world, request.headers.get("authorization"))
    if not valid or user is None:
        return error(401, "Unauthorized")
    try:
        return await rpc_kernels.stream_logs(sandbox, user, request)
    except RpcError as exc:
        return error(exc.status, exc.message)


async def index_endpoint(request: Request) -> Response:
    return JSONResponse({"sandbox": "kaggle-agent-mcp", "api": f"{request.url.scheme}://{request.url.netloc}/v1",
                         "notice": KERNELS_NOTICE})


async def not_found_endpoint(request: Request) -> Response:
    return error(404, f"Not found: {request.url.path}")


class AbsoluteFormMiddleware:
    """Accepts proxy-style request targets (``POST http://localhost/api/v1/...``), reference §3.2 B."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].startswith(("http://", "https://")):
            path = "/" + scope["path"].split("://", 1)[1].partition("/")[2]
            scope = {**scope, "path": path, "raw_path": path.encode()}
        await self.app(scope, receive, send)


class SecretRequired:
    """With ``SandboxSettings.secret``: only a holder of the secret reaches the sandbox. Uploads and the rules
    pages are let through: their URLs are capabilities (random, or signed for one user), and their callers
    (clients PUTting without Authorization as on Kaggle, a person's browser) hold no API credential."""

    def __init__(self, app: Any, secret: str):
        self.app = app
        self.secret = secret

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if (scope["type"] != "http" or scope["path"].startswith(("/uploads/", RULES_PREFIX))
                or carries_bearer(scope, self.secret)):
            await self.app(scope, receive, send)
            return
        await error(401, "Unauthorized: this sandbox is embedded in a server and answers only to it")(scope, receive, send)


def build_app(settings: SandboxSettings | None = None, world: World | None = None) -> Starlette:
    """A ready-to-serve ASGI app; the world is seeded here unless given (or restored from data_dir)."""
    settings = dataclasses.replace(settings) if settings else SandboxSettings()   # ours to change at run time
    from kaggle_mcp.sandbox.persistence import Store
    from kaggle_mcp.sandbox.runner import KernelRunner
    from kaggle_mcp.sandbox.seed import build_world

    store = Store(Path(settings.data_dir)) if settings.data_dir else None
    if world is None:
        world = build_world(settings.seed, hostile=settings.hostile, big_csv_rows=settings.big_csv_rows)
        if store is not None:
            store.load(world)
    temporary = not settings.data_dir
    work_dir = Path(tempfile.mkdtemp(prefix="kaggle-sandbox-")) if temporary else Path(settings.data_dir)
    runner = KernelRunner(work_dir / "kernel-runs", default_timeout_s=settings.kernel_timeout_s)
    sandbox = Sandbox(settings, world, FaultInjector(settings.seed, settings.fault_spec()), runner, store,
                      settings.public_url, work_dir)

    @asynccontextmanager
    async def lifespan(app: Starlette):
        # A warning the first time in a process: whoever embeds the sandbox must see it once.
        (logger.info if _notice_given.is_set() else logger.warning)("kaggle sandbox: %s", KERNELS_NOTICE)
        _notice_given.set()
        try:
            yield
        finally:
            runner.shutdown()
            sandbox.persist()
            if temporary:
                remove_tree(work_dir)

    routes = []
    for prefix in ("/v1", "/api/v1"):
        routes += [Route(prefix + "/kernels/logs/stream/{owner}/{slug}", logs_stream_endpoint, methods=["GET"]),
                   Route(prefix + "/{service}/{method}", rpc_endpoint, methods=["POST", "GET", "PUT", "DELETE"])]
    routes += [Route("/blobs/{blob_id}/{name:path}", blob_endpoint, methods=["GET", "HEAD"]),
               Route("/uploads/{token}", upload_endpoint, methods=["PUT", "POST"]),
               Route(RULES_PREFIX + "{slug}/rules", rules_page, methods=["GET", "POST"]),
               Route("/", index_endpoint, methods=["GET"]),
               Route("/{rest:path}", not_found_endpoint, methods=["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"])]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.sandbox = sandbox
    app.add_middleware(AbsoluteFormMiddleware)
    if settings.secret:
        app.add_middleware(SecretRequired, secret=settings.secret)
    return app

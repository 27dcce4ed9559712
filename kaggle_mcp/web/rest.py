"""KaggleIngest-compatible REST routes over the context engine, for the HTTP app (web.py).

Same paths, fields and answer shapes as KaggleIngest, so its web front end and scripts work against
this server: `POST /api/get-context` (JSON `url`, `top_n`), `POST /api/get-context-upload`
(multipart `url`, `top_n`, `token_file` = kaggle.json) for competitions only the uploader can see,
`GET /api/competitions/{slug}` to poll, `GET /health`. Validation errors use FastAPI's
`{"detail": [{"loc", "msg", "type"}]}` shape, other errors `{"detail": "..."}`.

The uploaded credentials are used for that one background build and then dropped: they are not
written to the store (its rows hold the user name only), not logged, not echoed in any answer or
error. Requests without uploaded credentials act as the server's own account (its shared client: a
cache hit costs no Kaggle call).

Bodies are read with a hard cap while they stream (guards.read_capped), the JSON route takes only
`application/json` and the upload only `multipart/form-data` (a browser cannot send either cross-site
without a CORS preflight), JSON nested too deeply is a 400, and private builds go through a bounded
queue: past it, a 429 with Retry-After instead of another build eating memory.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from datetime import datetime, timezone
from typing import Any

import anyio
from pydantic import BaseModel, Field, ValidationError
from starlette.background import BackgroundTask
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from kaggle_mcp.context.service import context_key, job_params
from kaggle_mcp.context.store import Claim
from kaggle_mcp.deployment import Deployment
from kaggle_mcp.kaggle.credentials import Credentials
from kaggle_mcp.kaggle.errors import InvalidReference, KaggleError, MalformedCredential, describe
from kaggle_mcp.kaggle.refs import competition_slug
from kaggle_mcp.web.guards import BodyTooLarge, media_type, read_capped, replayed

__all__ = ["REST_MAX_TOKENS", "rest_routes"]

log = logging.getLogger(__name__)

REST_MAX_TOKENS = 12000
TOKEN_FILE_MAX_BYTES = 10 * 1024
UPLOAD_MAX_BYTES = 64 * 1024  # the whole multipart body: a kaggle.json and two short fields
JSON_MAX_BYTES = 64 * 1024
PRIVATE_BUILDS_RUNNING = 2
PRIVATE_BUILDS_WAITING = 8
RETRY_AFTER_SECONDS = 30
PROCESSING_TITLE = "Processing…"
UPLOAD_MESSAGE = "Private ingestion started with provided credentials."
JOB_COOKIE = "kaggle_mcp_job"


def job_tag(job_id: str) -> str:
    """What the store keeps of a private job's id: a digest, so the store alone cannot open it."""
    return hashlib.sha256(job_id.encode()).hexdigest()


class _ContextRequest(BaseModel):
    url: str = Field(min_length=1)
    top_n: int = Field(default=5, ge=1, le=10)


def _detail(status: int, detail: Any) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)


def _validation(exc: ValidationError) -> JSONResponse:
    # input values are left out on purpose: never echo what a client sent next to its credentials
    errors = [{"loc": ["body", *e["loc"]], "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
    return _detail(422, errors)


def _iso(epoch: float | None) -> str | None:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if epoch else None


def _kaggle_error(exc: Exception) -> JSONResponse:
    from kaggle_mcp.kaggle.errors import Forbidden, NoCredentials, NotFound, Unauthorized

    message = exc.message if isinstance(exc, KaggleError) else str(exc)
    if isinstance(exc, NotFound):
        return _detail(404, f"Competition not found: {message}")
    if isinstance(exc, (Unauthorized, NoCredentials)):
        return _detail(401, message)
    if isinstance(exc, Forbidden):
        return _detail(403, message)
    if isinstance(exc, KaggleError):
        return _detail(502, f"Kaggle error: {message}")
    raise exc


def _wrong_media(expected: str) -> JSONResponse:
    return _detail(415, f"Send the body as {expected} (Content-Type: {expected}).")


def _parse_kaggle_json(raw: bytes) -> tuple[str, str] | None:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    username, key = data.get("username"), data.get("key")
    if not isinstance(username, str) or not isinstance(key, str) or not username.strip() or not key.strip():
        return None
    return username.strip(), key.strip()


class BuildQueue:
    """Private builds in flight: `running` at a time, `waiting` more queued, none beyond (the caller answers
    429). Each holds a client, a context build and its answers in memory."""

    def __init__(self, running: int = PRIVATE_BUILDS_RUNNING, waiting: int = PRIVATE_BUILDS_WAITING) -> None:
        self.limiter = anyio.CapacityLimiter(running)
        self.capacity = running + waiting
        self.in_flight = 0

    def reserve(self) -> bool:
        if self.in_flight >= self.capacity:
            return False
        self.in_flight += 1
        return True

    def release(self) -> None:
        self.in_flight -= 1


def rest_routes(deployment: Deployment, *, max_tokens: int = REST_MAX_TOKENS,
                builds: BuildQueue | None = None) -> list[Route]:
    """The four routes, acting through `deployment` (its account, its store)."""
    queue = builds or BuildQueue()

    async def get_context(request: Request) -> JSONResponse:
        if media_type(request) != "application/json":
            return _wrong_media("application/json")
        try:
            body = json.loads(await read_capped(request, JSON_MAX_BYTES))
        except BodyTooLarge:
            return _detail(413, f"The JSON body must be at most {JSON_MAX_BYTES // 1024} KB.")
        except RecursionError:
            return _detail(400, "The JSON body is nested too deeply; send {\"url\": ..., \"top_n\": ...}.")
        except ValueError:
            return _detail(422, [{"loc": ["body"], "msg": "JSON decode error", "type": "json_invalid"}])
        try:
            params = _ContextRequest.model_validate(body)
        except ValidationError as exc:
            return _validation(exc)
        try:
            slug = competition_slug(params.url)
        except InvalidReference as exc:
            return _detail(400, str(exc))
        try:
            account = await deployment.account()
            result = await (await account.contexts()).get(slug, top_notebooks=params.top_n, max_tokens=max_tokens)
        except Exception as exc:  # Kaggle's answer, mapped to a status; anything else is a 500
            return _kaggle_error(exc)
        return JSONResponse({
            "slug": slug,
            "title": result.data.get("competition", {}).get("title", slug),
            "status": "completed",
            "message": "Served from cache." if result.cached else "Context built.",
            "toon_content": result.toon,
            "cached_at": _iso(result.built_at),
        })  # fmt: skip

    async def get_context_upload(request: Request) -> JSONResponse:
        if media_type(request) != "multipart/form-data":
            return _wrong_media("multipart/form-data")
        try:  # read whole before parsing, so nothing past the cap is ever spooled (chunked bodies included)
            body = await read_capped(request, UPLOAD_MAX_BYTES)
        except BodyTooLarge:
            return _detail(413, "kaggle.json must be at most 10 KB (the whole upload at most 64 KB)")
        try:
            async with replayed(request, body).form(max_files=1, max_fields=10, max_part_size=UPLOAD_MAX_BYTES) as form:
                token_file = form.get("token_file")
                fields = {k: form.get(k) for k in ("url", "top_n") if form.get(k) not in (None, "")}
                raw = await token_file.read(TOKEN_FILE_MAX_BYTES + 1) if isinstance(token_file, UploadFile) else None
        except HTTPException as exc:  # malformed multipart
            return _detail(exc.status_code, exc.detail)
        errors: ValidationError | None = None
        try:
            params = _ContextRequest.model_validate(fields)
        except ValidationError as exc:
            errors = exc
        if errors is not None or raw is None:
            detail = [{"loc": ["body", *e["loc"]], "msg": e["msg"], "type": e["type"]} for e in (errors.errors() if errors else [])]
            if raw is None:
                detail.append({"loc": ["body", "token_file"], "msg": "Field required", "type": "missing"})
            return _detail(422, detail)
        if len(raw) > TOKEN_FILE_MAX_BYTES:
            return _detail(413, "kaggle.json must be at most 10 KB")
        parsed = _parse_kaggle_json(raw)
        del raw
        if parsed is None:
            return _detail(400, "Invalid kaggle.json format")
        try:
            slug = competition_slug(params.url)
        except InvalidReference as exc:
            return _detail(400, str(exc))
        username, secret = parsed
        try:
            credentials = Credentials.legacy_key(username, secret, source="uploaded kaggle.json")
        except MalformedCredential as exc:  # names the upload, never the value
            return _detail(400, f"Invalid kaggle.json format: {exc.message}")
        finally:
            del parsed, secret
        # A private build is seen only by whoever holds its job id (answered here and set as a cookie
        # so a same-origin front end polling by slug keeps working); KaggleIngest shows it to anyone.
        if not queue.reserve():
            return JSONResponse({"detail": f"Too many private builds in progress ({queue.capacity}); retry in "
                                           f"{RETRY_AFTER_SECONDS} seconds."},
                                status_code=429, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
        job_id = secrets.token_urlsafe(18)
        job = job_tag(job_id)
        key = context_key(slug, params.top_n, max_tokens, username, job)
        try:
            store = await deployment.store()
            claim = await store.claim(key, slug, job_params(params.top_n, max_tokens, username, job))  # a new key: ours
        except BaseException:
            queue.release()
            raise
        task = BackgroundTask(_queued_build, queue, deployment, credentials, claim, slug, params.top_n, max_tokens, job)
        answer = {"slug": slug, "title": PROCESSING_TITLE, "status": "processing", "message": UPLOAD_MESSAGE,
                  "job_id": job_id}
        response = JSONResponse(answer, status_code=202, background=task)
        response.set_cookie(JOB_COOKIE, job_id, httponly=True, samesite="strict", path="/api/")
        return response

    async def competition_status(request: Request) -> JSONResponse:
        try:
            slug = competition_slug(request.path_params["slug"])
        except InvalidReference as exc:
            return _detail(400, str(exc))
        job_id = request.query_params.get("job_id") or request.cookies.get(JOB_COOKIE)
        store = await deployment.store()
        row = (await store.latest(slug, job_tag(job_id)) if job_id else None) or await store.latest(slug)
        if row is None:
            return _detail(404, f"No context for '{slug}' yet: POST /api/get-context first.")
        answer: dict[str, Any] = {
            "slug": slug,
            "title": row.title or (PROCESSING_TITLE if row.status == "processing" else slug),
            "status": row.status,
            "message": {
                "processing": "Context is being built.",
                "completed": "Context ready.",
            }.get(row.status, f"Build failed: {row.error}"),
            "cached_at": _iso(row.built_at),
        }
        if row.status == "completed" and row.toon is not None:
            answer["toon_content"] = row.toon
        return JSONResponse(answer)

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return [
        Route("/api/get-context", get_context, methods=["POST"]),
        Route("/api/get-context-upload", get_context_upload, methods=["POST"]),
        Route("/api/competitions/{slug}", competition_status, methods=["GET"]),
        Route("/health", health, methods=["GET"]),
    ]


async def _queued_build(queue: BuildQueue, *args: Any) -> None:
    """A private build once the queue lets it run; its place is given back however it ends."""
    try:
        async with queue.limiter:
            await _private_build(*args)
    finally:
        queue.release()


async def _private_build(deployment: Deployment, credentials: Credentials, claim: Claim, slug: str, top_n: int,
                         max_tokens: int, job: str) -> None:
    """Runs after the 202 answer; the credentials live only in this call's frame and the client.

    Always a fresh build (`refresh=True`): the job was claimed before answering (the build takes the
    claim over, being on the same store), and only a build moves it on."""
    try:
        async with deployment.account_with(credentials) as account:
            await (await account.contexts()).get(slug, top_notebooks=top_n, max_tokens=max_tokens, refresh=True, job=job)
    except Exception as exc:  # the service records Kaggle's message; here only the type is logged
        log.info("private context build for %s failed: %s", slug, type(exc).__name__)
        # failed before the build started (a build records its own failure, and then this changes nothing)
        await (await deployment.store()).fail(claim, describe(exc))

"""KaggleIngest-compatible REST routes over the context engine, for the HTTP app (web.py).

Same paths, fields and answer shapes as KaggleIngest, so its web front end and scripts work against
this server: `POST /api/get-context` (JSON `url`, `top_n`), `POST /api/get-context-upload`
(multipart `url`, `top_n`, `token_file` = kaggle.json) for competitions only the uploader can see,
`GET /api/competitions/{slug}` to poll (`GET /health` is in health.py). Validation errors use FastAPI's
`{"detail": [{"loc", "msg", "type"}]}` shape, other errors `{"detail": "..."}`.

The uploaded credentials are used for that one background build and then dropped: they are not
written to the store (its rows hold the user name only), not logged, not echoed in any answer or
error. Requests without uploaded credentials act as the account `Deployment.account_for` finds: the
server's own (its shared client: a cache hit costs no Kaggle call), or in multi-user mode the caller's.

Bodies are read with a hard cap while they stream (guards.read_capped), the JSON route takes only
`application/json` and the upload only `multipart/form-data` (a browser cannot send either cross-site
without a CORS preflight), JSON nested too deeply is a 400, and private builds go through a bounded
queue: past it, a 429 with Retry-After instead of another build eating memory.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timezone
from typing import Any, TypeVar

import anyio
from pydantic import BaseModel, Field, ValidationError
from starlette.background import BackgroundTask
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from kaggle_mcp.context.store import Claim, JobRow
from kaggle_mcp.context.viewer import viewer_of, with_viewer
from kaggle_mcp.deployment import Deployment
from kaggle_mcp.workflows.account import Account
from kaggle_mcp.kaggle.credentials import Credentials
from kaggle_mcp.kaggle.errors import InvalidReference, KaggleError, MalformedCredential, describe
from kaggle_mcp.kaggle.refs import competition_slug
from kaggle_mcp.web.guards import BodyTooLarge, media_type, read_capped, replayed
from kaggle_mcp.web.job_ids import JobId, Target, job_tag, parse_target

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


class _ContextRequest(BaseModel):
    url: str = Field(min_length=1)
    top_n: int = Field(default=5, ge=1, le=10)


def detail(status: int, detail: Any) -> JSONResponse:
    """An error in FastAPI's shape (KaggleIngest is a FastAPI app; its clients read `detail`)."""
    return JSONResponse({"detail": detail}, status_code=status)


def validation_error(exc: ValidationError | None, missing: tuple[str, ...] = ()) -> JSONResponse:
    # input values are left out on purpose: never echo what a client sent next to its credentials
    errors = [{"loc": ["body", *e["loc"]], "msg": e["msg"], "type": e["type"]} for e in (exc.errors() if exc else [])]
    errors += [{"loc": ["body", name], "msg": "Field required", "type": "missing"} for name in missing]
    return detail(422, errors)


def build_facts(row: JobRow) -> dict[str, Any]:
    """Which build an answer is: its parameters, when it was made, and whose credentials made it."""
    return {"top_n": row.params.get("top_notebooks"), "built_at": _iso(row.built_at),
            "built_with": "uploaded kaggle.json" if row.params.get("job") else "server credentials"}


def retry_later(message: str) -> JSONResponse:
    """A 429 whose Retry-After says when to come back."""
    return JSONResponse({"detail": message}, status_code=429, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def too_many_builds(queue: BuildQueue) -> JSONResponse:
    return retry_later(f"Too many private builds in progress ({queue.capacity}); retry in {RETRY_AFTER_SECONDS} "
                       "seconds.")


def _iso(epoch: float | None) -> str | None:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if epoch else None


def _kaggle_error(exc: Exception) -> JSONResponse:
    from kaggle_mcp.context.service import BuildsInFlight
    from kaggle_mcp.kaggle.errors import Forbidden, NoCredentials, NotFound, Unauthorized

    if isinstance(exc, BuildsInFlight):
        return retry_later(str(exc))
    message = exc.message if isinstance(exc, KaggleError) else str(exc)
    if isinstance(exc, NotFound):
        return detail(404, message)  # Kaggle's own text already says what was not found
    if isinstance(exc, (Unauthorized, NoCredentials)):
        return detail(401, message)
    if isinstance(exc, Forbidden):
        return detail(403, message)
    if isinstance(exc, KaggleError):
        return detail(502, f"Kaggle error: {message}")
    raise exc


def wrong_media(expected: str) -> JSONResponse:
    return detail(415, f"Send the body as {expected} (Content-Type: {expected}).")


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


M = TypeVar("M", bound=BaseModel)


async def read_json(request: Request, model: type[M]) -> M | JSONResponse:
    """The JSON body as `model`, or the error answer: only `application/json` (a browser cannot send it
    cross-site without a CORS preflight), read under a cap, no deep nesting."""
    if media_type(request) != "application/json":
        return wrong_media("application/json")
    try:
        return model.model_validate(json.loads(await read_capped(request, JSON_MAX_BYTES)))
    except BodyTooLarge:
        return detail(413, f"The JSON body must be at most {JSON_MAX_BYTES // 1024} KB.")
    except RecursionError:
        return detail(400, "The JSON body is nested too deeply; send {\"url\": ..., \"top_n\": ...}.")
    except ValidationError as exc:
        return validation_error(exc)
    except ValueError:
        return detail(422, [{"loc": ["body"], "msg": "JSON decode error", "type": "json_invalid"}])


async def _dataset_answer(deployment: Deployment, account: Account, target: Target, top_n: int,
                          max_tokens: int) -> JSONResponse:
    """`POST /api/get-context` for a dataset URL: its context, built (or cached) in the store like a competition's."""
    from kaggle_mcp.context.dataset_store import stored_dataset_context

    owner, slug = target.name.split("/")
    row = await stored_dataset_context(account.client, await deployment.store(), owner, slug, top_notebooks=top_n,
                                       max_tokens=max_tokens)
    if row is None:  # being built by another request of this process
        return JSONResponse({"slug": target.name, "title": PROCESSING_TITLE, "status": "processing",
                             "message": "Context is being built.", "top_n": top_n}, status_code=202)
    return JSONResponse({"slug": target.name, "title": row.title or target.name, "status": "completed",
                         "message": "Context ready.", "toon_content": row.toon, "cached_at": _iso(row.built_at),
                         **build_facts(row)})


async def read_upload(request: Request, model: type[M], overrides: Mapping[str, str] | None = None,
                      ) -> tuple[M, Credentials] | JSONResponse:
    """A multipart upload's fields (`overrides` win: KaggleIngest's own front end puts them in the query) and
    its `token_file` (a kaggle.json) as credentials, or the error answer. The body is read whole under a cap
    before parsing, so nothing past it is ever spooled (chunked bodies included); the file's bytes are
    dropped once parsed, and no error repeats them."""
    if media_type(request) != "multipart/form-data":
        return wrong_media("multipart/form-data")
    try:
        body = await read_capped(request, UPLOAD_MAX_BYTES)
    except BodyTooLarge:
        return detail(413, "kaggle.json must be at most 10 KB (the whole upload at most 64 KB)")
    try:
        async with replayed(request, body).form(max_files=1, max_fields=10, max_part_size=UPLOAD_MAX_BYTES) as form:
            token_file = form.get("token_file")
            fields = {k: v for k, v in form.items() if isinstance(v, str) and v != "" and k in model.model_fields}
            raw = await token_file.read(TOKEN_FILE_MAX_BYTES + 1) if isinstance(token_file, UploadFile) else None
    except HTTPException as exc:  # malformed multipart
        return detail(exc.status_code, exc.detail)
    fields.update(overrides or {})
    missing = () if raw is not None else ("token_file",)
    try:
        params = model.model_validate(fields)
    except ValidationError as exc:
        return validation_error(exc, missing)
    if raw is None:
        return validation_error(None, missing)
    if len(raw) > TOKEN_FILE_MAX_BYTES:
        return detail(413, "kaggle.json must be at most 10 KB")
    parsed = _parse_kaggle_json(raw)
    del raw
    if parsed is None:
        return detail(400, "Invalid kaggle.json format")
    username, secret = parsed
    try:
        return params, Credentials.legacy_key(username, secret, source="uploaded kaggle.json")
    except MalformedCredential as exc:  # names the upload, never the value
        return detail(400, f"Invalid kaggle.json format: {exc.message}")
    finally:
        del parsed, secret


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
        params = await read_json(request, _ContextRequest)
        if isinstance(params, JSONResponse):
            return params
        try:
            target = parse_target(params.url)
        except InvalidReference as exc:
            return detail(400, str(exc))
        try:
            account = await deployment.account_for(request.scope)
            if target.kind == "dataset":
                return await _dataset_answer(deployment, account, target, params.top_n, max_tokens)
            result = await (await account.contexts()).get(target.name, top_notebooks=params.top_n,
                                                          max_tokens=max_tokens)
        except Exception as exc:  # Kaggle's answer, mapped to a status; anything else is a 500
            return _kaggle_error(exc)
        return JSONResponse({
            "slug": target.name,
            "title": result.data.get("competition", {}).get("title", target.name),
            "status": "completed",
            "message": "Served from cache." if result.cached else "Context built.",
            "toon_content": result.toon,
            "cached_at": _iso(result.built_at),
            "top_n": params.top_n, "built_at": _iso(result.built_at), "built_with": "server credentials",
        })  # fmt: skip

    async def get_context_upload(request: Request) -> JSONResponse:
        uploaded = await read_upload(request, _ContextRequest)
        if isinstance(uploaded, JSONResponse):
            return uploaded
        params, credentials = uploaded
        try:
            slug = competition_slug(params.url)
        except InvalidReference as exc:
            return detail(400, str(exc))
        # A private build is seen by slug too in single-user mode (KaggleIngest's own client polls that way),
        # and its job id (answered here, and set as a cookie for a same-origin front end) selects it.
        job = JobId(Target("competition", slug), params.top_n, int(time.time() * 1000), secrets.token_urlsafe(18))
        task = await start_build(deployment, queue, job, credentials, max_tokens,
                                 await deployment.account_for(request.scope))
        if isinstance(task, JSONResponse):
            return task
        answer = {"slug": slug, "title": PROCESSING_TITLE, "status": "processing", "message": UPLOAD_MESSAGE,
                  "job_id": str(job), "top_n": params.top_n, "built_with": "uploaded kaggle.json"}
        response = JSONResponse(answer, status_code=202, background=task)
        response.set_cookie(JOB_COOKIE, str(job), httponly=True, samesite="strict", path="/api/")
        return response

    async def competition_status(request: Request) -> JSONResponse:
        try:
            slug = competition_slug(request.path_params["slug"])
        except InvalidReference as exc:
            return detail(400, str(exc))
        job_id = request.query_params.get("job_id") or request.cookies.get(JOB_COOKIE)
        store = await deployment.store()
        # the caller's own job if it names one; else the latest build of the slug the caller may see (Kaggle lets
        # them see the competition; the entrants' copy if they joined), and in single-user mode whichever
        # credentials made it (KaggleIngest's behaviour, which its clients rely on; the answer says which build
        # it is). A multi-user server shows an uploaded build only to the holder of its job id.
        row = await store.latest(slug, job_tag(job_id)) if job_id else None
        viewer = None
        if row is None:
            try:
                viewer = await viewer_of((await deployment.account_for(request.scope)).client, slug)
            except Exception as exc:
                return _kaggle_error(exc)
            row = await store.latest(slug, any_job=not deployment.settings.multi_user, entrants=viewer.joined)
        if row is None:
            return detail(404, f"No context for '{slug}' has been built here yet: POST /api/get-context with "
                               f'{{"url": "{slug}"}} to build one.')
        answer: dict[str, Any] = {
            "slug": slug,
            "title": row.title or (PROCESSING_TITLE if row.status == "processing" else slug),
            "status": row.status,
            "message": {
                "processing": "Context is being built.",
                "completed": "Context ready.",
            }.get(row.status, f"Build failed: {row.error}"),
            "cached_at": _iso(row.built_at),
            **build_facts(row),
        }
        if row.status == "completed" and row.toon is not None and row.data is not None:
            # a shared copy is served as POST serves it: with the reader's own part appended
            answer["toon_content"] = row.toon
            if viewer is not None and "job" not in row.params:
                answer["toon_content"] = with_viewer(row.toon, row.data, viewer, slug)[0]
        return JSONResponse(answer)

    return [
        Route("/api/get-context", get_context, methods=["POST"]),
        Route("/api/get-context-upload", get_context_upload, methods=["POST"]),
        Route("/api/competitions/{slug}", competition_status, methods=["GET"]),
    ]


UNSEEN_SCOPE = "unseen"


async def copy_scope(account: Account, job: JobId, credentials: Credentials | None) -> str:
    """Which stored copy `job` builds or reads (`JobId.key`): a competition's shared copy the account may be
    served (`public`, or `entrants` if it joined), `user:<name>` for a build with uploaded credentials; a
    dataset's context is filed under the user name of whoever builds it."""
    if credentials is not None:
        user = credentials.username or "anonymous"
        return f"user:{user}" if job.target.kind == "competition" else user
    if job.target.kind == "competition":
        from kaggle_mcp.kaggle.errors import Forbidden, NotFound, Unauthorized

        try:
            return (await viewer_of(account.client, job.target.name)).scope
        except (NotFound, Forbidden, Unauthorized):
            # Kaggle will not show it to this account: a scope no build ever completes under, so the job records
            # the refusal (its build asks again and fails) and serves nothing another account built
            return UNSEEN_SCOPE
    return await account.client.username() or "anonymous"


async def start_build(deployment: Deployment, queue: BuildQueue, job: JobId, credentials: Credentials | None,
                      max_tokens: int, account: Account) -> BackgroundTask | JSONResponse:
    """Claims `job`'s build in the store before the answer goes out (so a poll on any replica sees it at once)
    and returns the task that builds it after the answer, through `queue`; or the 429 when the queue is full.
    `account` is the request's: a build without uploaded credentials runs as it."""
    if not queue.reserve():
        return too_many_builds(queue)
    release = deployment.hold(account)  # the caller's client must outlive this request, until the build ends
    try:
        scope = await copy_scope(account, job, credentials)
        store = await deployment.store()
        claim = await store.claim(job.key(scope, max_tokens), job.target.store_name, job.params(scope, max_tokens))
    except BaseException:
        queue.release()
        with anyio.CancelScope(shield=True):
            await release()
        raise
    return BackgroundTask(_queued_build, queue, release, deployment, account, job, credentials, claim, max_tokens)


async def _queued_build(queue: BuildQueue, release: Callable[[], Awaitable[None]], *args: Any) -> None:
    """A build once the queue lets it run; its place and its hold on the caller's client are given back
    however it ends."""
    try:
        async with queue.limiter:
            await _build(*args)
    finally:
        queue.release()
        with anyio.CancelScope(shield=True):
            await release()


async def _build(deployment: Deployment, account: Account, job: JobId, credentials: Credentials | None, claim: Claim,
                 max_tokens: int) -> None:
    """Runs after the answer; uploaded credentials live only in this call's frame and the client.

    A private build is always fresh (`refresh`): the job was claimed before answering (the build takes the
    claim over, being on the same store), and only a build moves it on."""
    from contextlib import AsyncExitStack

    from kaggle_mcp.context.dataset_store import stored_dataset_context

    try:
        async with AsyncExitStack() as stack:
            if credentials is not None:
                account = await stack.enter_async_context(deployment.account_with(credentials))
            if job.target.kind == "competition":
                await (await account.contexts()).get(job.target.name, top_notebooks=job.top_n, max_tokens=max_tokens,
                                                     refresh=credentials is not None, job=job.tag)
            else:
                owner, slug = job.target.name.split("/")
                await stored_dataset_context(account.client, await deployment.store(), owner, slug,
                                             top_notebooks=job.top_n, max_tokens=max_tokens, job=job.tag)
    except Exception as exc:  # the build records Kaggle's message; here only the type is logged
        log.info("context build for %s failed: %s", job.target.name, type(exc).__name__)
        # failed before the build started (a build records its own failure, and then this changes nothing)
        await (await deployment.store()).fail(claim, describe(exc))

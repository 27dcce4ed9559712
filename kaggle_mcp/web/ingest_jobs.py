"""KaggleIngest's job routes, as its own web front end calls them (`frontend/src/services/api.js`).

- `POST /get-context`: JSON `{url, top_n, output_format, dry_run, stream}` -> `{job_id, status, message}`
- `POST /get-context-upload?url=&top_n=&output_format=&dry_run=` with a multipart `token_file` (kaggle.json)
- `GET /jobs/{job_id}`: `{job_id, status: queued|in_progress|complete|failed, result, error, progress?}`
- `GET /jobs/{job_id}/download?format=toon|txt`: the document as an attachment

`url` is a kaggle.com competition or dataset URL, or a bare slug / `owner/slug`; anything else is a 400.
The document is TOON in both download formats (`txt` names it `.txt`). `stream` changes nothing here (an
answer is a job id either way).

Job ids (job_ids.py) carry what any replica needs to find the build in the shared store; a build is
claimed before the answer goes out, so the first poll already sees it.
"""

from __future__ import annotations

import secrets
import time
from typing import Any, Literal

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kaggle_mcp.context.store import JobRow
from kaggle_mcp.deployment import Deployment
from kaggle_mcp.kaggle.credentials import Credentials
from kaggle_mcp.kaggle.errors import InvalidReference, KaggleError
from kaggle_mcp.web.job_ids import JobId, Target, parse_target
from kaggle_mcp.web.rest import (REST_MAX_TOKENS, BuildQueue, build_facts, copy_scope, detail, read_json, read_upload,
                                 start_build)
from kaggle_mcp.workflows.account import Account

__all__ = ["ingest_routes"]

STATUS = {"processing": "in_progress", "completed": "complete", "failed": "failed"}
DEFAULT_TOP_N = 10  # KaggleIngest's default


class _IngestRequest(BaseModel):
    url: str = Field(min_length=1)
    top_n: int = Field(default=DEFAULT_TOP_N, ge=1, le=10)
    output_format: Literal["txt", "toon", "md"] = "toon"
    dry_run: bool = False
    stream: bool = True


def ingest_routes(deployment: Deployment, *, builds: BuildQueue, max_tokens: int = REST_MAX_TOKENS) -> list[Route]:
    """The four routes, acting as the request's account (`Deployment.account_for`) unless a kaggle.json is
    uploaded."""

    async def start(request: Request, params: _IngestRequest, credentials: Credentials | None = None) -> Response:
        try:
            target = parse_target(params.url)
        except InvalidReference as exc:
            return detail(400, str(exc))
        account = await deployment.account_for(request.scope)
        if params.dry_run:
            return await _dry_run(account, target)
        since = int(time.time() * 1000)
        if credentials is None:
            store = await deployment.store()
            row = await _public_row(deployment, account, JobId(target, params.top_n, 0), max_tokens)
            if row is not None and row.result_fresh(time.time(), store.ttl_seconds):
                return JSONResponse({"job_id": str(JobId(target, params.top_n, 0)), "status": "complete",
                                     "message": "Served from cache."})
            job = JobId(target, params.top_n, since)
        else:
            job = JobId(target, params.top_n, since, secrets.token_urlsafe(18))
        task = await start_build(deployment, builds, job, credentials, max_tokens, account)
        if isinstance(task, Response):
            return task
        return JSONResponse({"job_id": str(job), "status": "queued",
                             "message": "Job submitted successfully. Poll /jobs/{job_id} for status."}, background=task)

    async def get_context(request: Request) -> Response:
        params = await read_json(request, _IngestRequest)
        return params if isinstance(params, Response) else await start(request, params)

    async def get_context_upload(request: Request) -> Response:
        # KaggleIngest's front end sends the fields in the query; its scripts may send them as form fields
        query = {k: v for k, v in request.query_params.items() if k in _IngestRequest.model_fields}
        uploaded = await read_upload(request, _IngestRequest, query)
        if isinstance(uploaded, Response):
            return uploaded
        return await start(request, *uploaded)

    async def find(request: Request) -> tuple[Account, JobId, JobRow, str] | Response:
        """The job the path names, the row of its build as this request's account may see it, and the job's
        status in KaggleIngest's words; or the 404."""
        job = JobId.parse(request.path_params["job_id"])
        account = await deployment.account_for(request.scope)
        row = await _job_row(deployment, account, job, max_tokens) if job else None
        if job is None or row is None:
            return detail(404, "Job not found")
        return account, job, row, "queued" if _older_than(row, job) else STATUS.get(row.status, row.status)

    async def job_status(request: Request) -> Response:
        found = await find(request)
        if isinstance(found, Response):
            return found
        account, job, row, status = found
        answer: dict[str, Any] = {"job_id": str(job), "status": status, "result": None, "error": None}
        if status == "complete":
            answer["result"] = _result(row, job, await _document(account, row, job))
        elif status == "failed":
            answer["error"] = row.error or "The build failed."
        elif job.target.kind == "competition":
            from kaggle_mcp.context.service import build_progress

            seen = build_progress(await deployment.store(), job.target.name, job.top_n, job.tag)
            if seen is not None:  # a build in this process (another replica's progress is not shared)
                answer["progress"] = {"processed": seen.done, "total": seen.total, "message": seen.message,
                                      "percent": int(100 * seen.done / seen.total) if seen.total else 0}
        return JSONResponse(answer)

    async def job_download(request: Request) -> Response:
        fmt = request.query_params.get("format", "txt")
        if fmt not in ("txt", "toon"):
            return detail(422, [{"loc": ["query", "format"], "msg": "String should match pattern '^(txt|toon)$'",
                                 "type": "string_pattern_mismatch"}])
        found = await find(request)
        if isinstance(found, Response):
            return found
        account, job, row, status = found
        if status != "complete" or row.toon is None:
            return detail(400, f"Job not complete (status: {status})")
        filename = f"{job.target.name.replace('/', '_')}-context.{fmt}"
        document = await _document(account, row, job)
        return Response(document, media_type="text/plain; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})

    return [
        Route("/get-context", get_context, methods=["POST"]),
        Route("/get-context-upload", get_context_upload, methods=["POST"]),
        Route("/jobs/{job_id}", job_status, methods=["GET"]),
        Route("/jobs/{job_id}/download", job_download, methods=["GET"]),
    ]


def _older_than(row: JobRow, job: JobId) -> bool:
    """The row is a build from before this job asked (the job's own has not been claimed yet)."""
    return max(row.started_at, row.finished_at or 0.0) * 1000 < job.since_ms


async def _document(account: Account, row: JobRow, job: JobId) -> str:
    """The job's document as POST /api/get-context serves it: a shared competition copy gets the reader's own
    part appended (`context.viewer`); a private build or a dataset's context is served as stored."""
    assert row.toon is not None
    if job.target.kind != "competition" or job.tag is not None or row.data is None:
        return row.toon
    from kaggle_mcp.context.viewer import viewer_of, with_viewer

    try:
        viewer = await viewer_of(account.client, job.target.name)
    except KaggleError:  # the copy was found as this reader's, so Kaggle showed it the competition moments ago
        return row.toon
    return with_viewer(row.toon, row.data, viewer, job.target.name)[0]


def _result(row: JobRow, job: JobId, document: str) -> dict[str, Any]:
    """KaggleIngest's `result`: `metadata` and `stats` as its front end shows them, plus the document."""
    data = row.data or {}
    notebooks = data.get("notebooks") or []
    elapsed = (row.finished_at - row.started_at) if row.finished_at else None
    return {
        "metadata": {"title": row.title or job.target.name, "url": job.target.url, "type": job.target.kind,
                     "ref": job.target.name},
        "stats": {"total_requested": job.top_n, "successful_downloads": len(notebooks),
                  "elapsed_time": round(elapsed, 3) if elapsed is not None else None,
                  "tokens": (data.get("stats") or {}).get("tokens_estimated")},
        "toon_content": document,
        **build_facts(row),
    }


async def _public_row(deployment: Deployment, account: Account, job: JobId, max_tokens: int) -> JobRow | None:
    """The shared build of the job's target and parameters that `account` may be served; None if Kaggle does
    not let it see the target."""
    try:
        scope = await copy_scope(account, job, None)
    except KaggleError:
        return None
    return await (await deployment.store()).get(job.key(scope, max_tokens))


async def _job_row(deployment: Deployment, account: Account, job: JobId, max_tokens: int) -> JobRow | None:
    if job.tag is not None:
        return await (await deployment.store()).latest(job.target.store_name, job.tag)
    return await _public_row(deployment, account, job, max_tokens)


async def _dry_run(account: Account, target: Target) -> Response:
    """KaggleIngest's `dry_run`: check that the thing exists and is visible, build nothing."""
    client = account.client
    try:
        if target.kind == "competition":
            title = (await client.competitions.get_competition(target.name)).title
        else:
            owner, slug = target.name.split("/")
            title = (await client.datasets.get_dataset(owner, slug)).title
    except KaggleError as exc:
        return detail(exc.status or 502, exc.message)
    return JSONResponse({"job_id": None, "status": "complete", "result": {"metadata": {
        "title": title or target.name, "url": target.url, "type": target.kind, "ref": target.name}},
        "message": "Dry run: it exists and can be built; send dry_run false to build it."})

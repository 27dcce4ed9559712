"""The web page at `/`: a competition's context for people, on top of the KaggleIngest REST routes.

The page is static (`static/`: HTML, CSS, one script; no build step) and talks only to `/api/...`:
`POST /api/get-context` and `/api/get-context-upload` build, `GET /api/competitions/{slug}` polls a private
build, and this module adds the two reads the page needs beyond KaggleIngest's routes:

- `GET /api/build-progress?url=...&top_n=N[&job_id=...]`: how far a build running in this process has
  got (the page polls it while its build request waits); `{"building": false}` when none is running.
- `GET /api/builds`: the latest shared builds (never one made from an uploaded kaggle.json).

The shell (`PAGE_PATHS`) holds no data, so it is served without the HTTP token: the page must load to ask
the user for that token, which its script then sends as `Authorization: Bearer` on every API call. It is
served under a strict Content-Security-Policy (no inline script or style, nothing from other origins).
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from kaggle_mcp.context.service import build_progress
from kaggle_mcp.context.store import BuildSummary
from kaggle_mcp.deployment import Deployment
from kaggle_mcp.kaggle.refs import competition_slug
from kaggle_mcp.web.job_ids import job_tag
from kaggle_mcp.workflows.account import Account

__all__ = ["CONTENT_SECURITY_POLICY", "PAGE_PATHS", "page_routes"]

STATIC = Path(__file__).parent / "static"
#: path -> (file under static/, media type); what a browser fetches before it can know the token
PAGE_FILES = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/page.js": ("page.js", "text/javascript; charset=utf-8"),
    "/page.css": ("page.css", "text/css; charset=utf-8"),
    "/icon.png": ("icon.png", "image/png"),
}
PAGE_PATHS = frozenset(PAGE_FILES)
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                           "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
RECENT_BUILDS = 12


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _top_n(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and 1 <= int(raw) <= 10 else None


def page_routes(deployment: Deployment) -> list[Route]:
    """The shell's files and the page's two API reads, over the store the REST routes build into."""

    def static_file(name: str, media_type: str) -> Any:
        async def serve(_: Request) -> Response:
            return FileResponse(STATIC / name, media_type=media_type, headers=SECURITY_HEADERS)

        return serve

    async def progress(request: Request) -> JSONResponse:
        query = request.query_params
        top_n = _top_n(query.get("top_n"))
        try:
            slug = competition_slug(query.get("url", ""))
        except ValueError as exc:
            return JSONResponse({"detail": str(exc)}, status_code=400)
        if top_n is None:
            return JSONResponse({"detail": "top_n must be a whole number from 1 to 10"}, status_code=400)
        job_id = query.get("job_id")
        seen = build_progress(await deployment.store(), slug, top_n, job_tag(job_id) if job_id else None)
        if seen is None:
            return JSONResponse({"slug": slug, "building": False})
        return JSONResponse({"slug": slug, "building": True, "done": seen.done, "total": seen.total,
                             "message": seen.message})

    async def recent(request: Request) -> JSONResponse:
        latest = await (await deployment.store()).recent_builds(RECENT_BUILDS)
        if deployment.settings.multi_user:  # only what Kaggle shows this caller: titles of private ones stay hidden
            latest = await _visible(await deployment.account_for(request.scope), latest)
        builds = [{"slug": b.competition, "title": b.title or b.competition, "top_n": b.top_notebooks,
                   "tokens": b.tokens, "built_at": _iso(b.built_at)} for b in latest]
        return JSONResponse({"builds": builds})

    return [
        *(Route(path, static_file(name, media), methods=["GET"]) for path, (name, media) in PAGE_FILES.items()),
        Route("/api/build-progress", progress, methods=["GET"]),
        Route("/api/builds", recent, methods=["GET"]),
    ]


async def _visible(account: Account, builds: list[BuildSummary]) -> list[BuildSummary]:
    """The builds of competitions Kaggle lets `account` see, asked concurrently (each answer is remembered per
    client, `context.viewer`). Dataset contexts are filed per user in multi-user mode and never listed."""
    from kaggle_mcp.context.viewer import viewer_of
    from kaggle_mcp.kaggle.errors import KaggleError

    seen: set[str] = set()

    async def check(slug: str) -> None:
        try:
            await viewer_of(account.client, slug)
        except KaggleError:  # refused (private, unknown) or unreachable: not listed
            return
        seen.add(slug)

    async with anyio.create_task_group() as tg:
        for slug in {b.competition for b in builds if "/" not in b.competition}:
            tg.start_soon(check, slug)
    return [b for b in builds if b.competition in seen]

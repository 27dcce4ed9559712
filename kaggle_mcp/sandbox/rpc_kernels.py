"""``kernels.KernelsApiService``: list, pull, push (which really runs), status, output, quota.

SaveKernel stores a new version and starts a session on the local runner (``runner.KernelRunner``),
with the kernel's competition and dataset sources materialised as input directories. Accelerator
requests are recorded on the version and reported by GetAcceleratorQuotaStatistics; nothing is
emulated — the code runs on this machine's CPU.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from starlette.responses import RedirectResponse, Response, StreamingResponse

from kaggle_mcp.sandbox.blobs import Blob, FileBlob, zip_blob
from kaggle_mcp.sandbox.kernel_inputs import kernel_inputs
from kaggle_mcp.sandbox.rpc import Ctx, Req, bad_request, clean, forbidden, not_found, paginate, rpc
from kaggle_mcp.sandbox.world import Kernel, KernelVersion, utcnow, ts

K = "kernels.KernelsApiService"
TERMINAL = ("COMPLETE", "ERROR", "CANCEL_ACKNOWLEDGED")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{3,}$")


def api_metadata(k: Kernel) -> dict:
    return clean({
        "id": k.id, "ref": k.ref, "title": k.title, "author": k.owner, "slug": k.slug,
        "lastRunTime": ts(k.last_run_time), "language": k.language, "kernelType": k.kernel_type,
        "isPrivate": k.is_private, "enableGpu": k.enable_gpu, "enableInternet": k.enable_internet,
        "categoryIds": k.category_ids or None, "datasetDataSources": k.dataset_sources or None,
        "kernelDataSources": k.kernel_sources or None, "competitionDataSources": k.competition_sources or None,
        "totalVotes": k.total_votes or None, "modelDataSources": k.model_sources or None, "enableTpu": k.enable_tpu,
        "currentVersionNumber": k.versions[-1].number if k.versions else None, "dockerImage": k.docker_image,
        "machineShape": k.machine_shape})


def kernel(ctx: Ctx, owner: str, slug: str) -> Kernel:
    if not owner or not slug:
        raise bad_request("userName and kernelSlug are required")
    found = ctx.world.kernels.get(f"{owner}/{slug}")
    if found is None:
        raise not_found(f"Notebook '{owner}/{slug}' not found")
    if found.is_private and found.owner != ctx.user:
        raise forbidden("Permission 'kernels.get' was denied")
    return found


def version(k: Kernel, label: str, with_run: bool = False) -> KernelVersion:
    """``v3`` / ``3`` select a version; otherwise the latest (with a session, if ``with_run``)."""
    if label:
        number = label[1:] if label[:1] in "vV" else label
        match = next((v for v in k.versions if str(v.number) == number), None)
        if match is None:
            raise not_found(f"Version '{label}' of notebook '{k.ref}' not found")
        return match
    candidates = [v for v in k.versions if v.run is not None] if with_run else k.versions
    if not candidates:
        raise not_found(f"Notebook '{k.ref}' has no session")
    return candidates[-1]


def from_req(ctx: Ctx, req: Req, with_run: bool = False) -> tuple[Kernel, KernelVersion]:
    slug, _, number = req.str("kernelSlug").partition("/")   # kaggle 2.2.4 sends "slug/3"
    k = kernel(ctx, req.str("userName"), slug)
    return k, version(k, req.str("versionLabel") or number, with_run)


def run_outputs(ctx: Ctx, run: Any) -> dict[str, Blob]:
    """Output files of a finished session, by relative path."""
    if run is None or run.status not in TERMINAL:
        return {}
    if hasattr(run, "files"):
        return dict(run.files)
    root = Path(run.output_dir)
    out: dict[str, Blob] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            out[path.relative_to(root).as_posix()] = FileBlob(path)
    return out


def _observe(v: KernelVersion) -> str:
    status = v.run.status if v.run is not None else "COMPLETE"
    if status in TERMINAL and v.finished is None:
        v.finished = utcnow()
    return status


_SORT_TYPES = ["HOTNESS", "COMMENT_COUNT", "DATE_CREATED", "DATE_RUN", "RELEVANCE", "SCORE_ASCENDING",
               "SCORE_DESCENDING", "VIEW_COUNT", "VOTE_COUNT"]
_GROUPS = ["KERNELS_LIST_VIEW_TYPE_UNSPECIFIED", "PROFILE", "UPVOTED", "EVERYONE", "COLLABORATION", "FORK",
           "BOOKMARKED", "RECENTLY_VIEWED", "PUBLIC_AND_USERS_PRIVATE"]


@rpc(K, "ListKernels", anonymous=True)
def list_kernels(ctx: Ctx, req: Req) -> dict:
    group = req.enum("group", _GROUPS, "KERNELS_LIST_VIEW_TYPE_UNSPECIFIED")
    sort = req.enum("sortBy", _SORT_TYPES, "HOTNESS")
    competition, dataset, parent = req.str("competition"), req.str("dataset"), req.str("parentKernel")
    kernel_type, language = req.str("kernelType").lower(), req.str("language").lower()
    search, user = req.str("search").lower().strip(), req.str("user")
    req.str("outputType")
    items = [k for k in ctx.world.kernels.values() if not k.is_private or k.owner == ctx.user]
    if group == "PROFILE":
        items = [k for k in items if k.owner == (user or ctx.user)]
    elif group in ("UPVOTED", "COLLABORATION", "FORK", "BOOKMARKED", "RECENTLY_VIEWED"):
        items = []
    if user:
        items = [k for k in items if k.owner == user]
    if competition:
        items = [k for k in items if competition in k.competition_sources]
    if dataset:
        items = [k for k in items if dataset in k.dataset_sources]
    if parent:
        items = [k for k in items if parent in k.kernel_sources]
    if kernel_type and kernel_type != "all":
        items = [k for k in items if k.kernel_type == kernel_type]
    if language and language != "all":
        items = [k for k in items if k.language.lower() == language]
    if search:
        items = [k for k in items if search in k.title.lower() or search in k.slug]
    now = datetime.now(timezone.utc)
    keys = {
        "DATE_CREATED": lambda k: -k.created.timestamp(), "DATE_RUN": lambda k: -k.last_run_time.timestamp(),
        "VOTE_COUNT": lambda k: -k.total_votes, "VIEW_COUNT": lambda k: -k.total_votes,
        "COMMENT_COUNT": lambda k: -k.total_votes,
        "SCORE_ASCENDING": lambda k: (k.score is None, k.score or 0.0),
        "SCORE_DESCENDING": lambda k: (k.score is None, -(k.score or 0.0)),
        "RELEVANCE": lambda k: (search not in k.title.lower(), -k.total_votes),
    }
    hotness = lambda k: -k.total_votes / (1 + max((now - k.last_run_time).days, 0) / 30)  # noqa: E731
    items.sort(key=keys.get(sort, hotness))
    page, token = paginate(items, req, legacy_page=True, max_size=100)
    return clean({"kernels": [api_metadata(k) for k in page], "nextPageToken": token or None})


@rpc(K, "GetKernel")
def get_kernel(ctx: Ctx, req: Req) -> dict | Response:
    ctx.require_user()
    k, v = from_req(ctx, req)
    if ctx.world.hostile:   # answers built to exhaust or confuse a client (hostile_content.py)
        from kaggle_mcp.sandbox.hostile_content import get_kernel_answer

        answer = get_kernel_answer(k, api_metadata(k))
        if answer is not None:
            return answer
    return {"metadata": api_metadata(k),
            "blob": {"source": v.source, "language": k.language, "kernelType": k.kernel_type, "slug": k.slug}}


@rpc(K, "SaveKernel")
def save_kernel(ctx: Ctx, req: Req) -> dict:
    user = ctx.require_user()
    kernel_id = req.int("id", None)
    ref = req.str("slug")
    existing = next((k for k in ctx.world.kernels.values() if k.id == kernel_id), None) if kernel_id else None
    if existing is None and ref:
        existing = ctx.world.kernels.get(ref if "/" in ref else f"{user}/{ref}")
    if existing is not None and existing.owner != user:
        raise forbidden(f"Permission 'kernels.update' was denied on '{existing.ref}'")
    title, text = req.str("newTitle"), req.str("text")
    language, kernel_type = req.str("language").lower(), req.str("kernelType").lower()
    if existing is None:
        owner, _, slug = ref.partition("/") if "/" in ref else (user, "", ref)
        slug = slug or re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
        if owner != user:
            raise forbidden(f"Permission 'kernels.create' was denied for owner '{owner}'")
        if not _SLUG.match(slug):
            return {"error": f"Notebook slug {slug!r} must be at least 5 characters of a-z, 0-9 and '-'"}
        if len(title) < 5:
            return {"error": "A new notebook needs a title of at least 5 characters (newTitle)"}
        if language not in ("python", "r", "rmarkdown") or kernel_type not in ("script", "notebook"):
            return {"error": "language must be python, r or rmarkdown and kernelType script or notebook"}
        existing = Kernel(owner=user, slug=slug, id=ctx.world.next_id(), title=title, language=language,
                          kernel_type=kernel_type, is_private=True)
    k = existing
    if not text:
        return {"error": "The notebook source (text) is empty"}
    if kernel_type == "notebook" or (not kernel_type and k.kernel_type == "notebook"):
        try:
            json.loads(text)
        except ValueError:
            return {"error": "The notebook source is not valid .ipynb JSON"}
    with ctx.world.lock:
        k.title = title or k.title
        k.language = language or k.language
        k.kernel_type = kernel_type or k.kernel_type
        for attr, field in (("is_private", "isPrivate"), ("enable_gpu", "enableGpu"), ("enable_tpu", "enableTpu"),
                            ("enable_internet", "enableInternet")):
            value = req.bool(field, None)
            if value is not None:
                setattr(k, attr, value)
        k.dataset_sources = req.strs("datasetDataSources")
        k.competition_sources = req.strs("competitionDataSources")
        k.kernel_sources = req.strs("kernelDataSources")
        k.model_sources = req.strs("modelDataSources")
        k.category_ids = req.strs("categoryIds")
        k.docker_image = req.str("dockerImage", k.docker_image)
        k.machine_shape = req.str("machineShape", k.machine_shape)
        ctx.world.kernels[k.ref] = k
    timeout = req.int("sessionTimeoutSeconds", None) or None
    execution = req.str("kernelExecutionType")
    req.str("dockerImagePinningType")
    req.int("priority", None)
    inputs, invalid = kernel_inputs(ctx, k, run_outputs)
    accelerator = "tpu" if k.enable_tpu or k.machine_shape.lower().startswith("tpu") else \
        "gpu" if k.enable_gpu or "nvidia" in k.machine_shape.lower() else ""
    with ctx.world.lock:
        number = (k.versions[-1].number if k.versions else 0) + 1
        v = KernelVersion(number, text, utcnow(), None, k.title, k.machine_shape, timeout,
                          session_id=ctx.world.next_id(), accelerator=accelerator)
        k.versions.append(v)
        k.last_run_time = v.created
    if execution != "QUICK_SAVE":
        run_id = f"{k.owner}-{k.slug}-v{number}-{secrets.token_hex(4)}"
        v.run = ctx.runner.start(run_id, text, k.kernel_type, k.language, inputs, timeout_s=timeout)
    ctx.persist()
    return clean({"ref": f"/code/{k.ref}", "url": f"https://www.kaggle.com/code/{k.ref}", "versionNumber": number,
                  "kernelId": k.id, **{name: refs or None for name, refs in invalid.items()}})


@rpc(K, "GetKernelSessionStatus")
def get_kernel_session_status(ctx: Ctx, req: Req) -> dict:
    ctx.require_user()
    _, v = from_req(ctx, req, with_run=True)
    status = _observe(v)
    failure = v.run.failure_message if v.run is not None else ""
    return clean({"status": None if status == "QUEUED" else status, "failureMessage": failure or None})


@rpc(K, "ListKernelSessionOutput")
def list_kernel_session_output(ctx: Ctx, req: Req) -> dict:
    ctx.require_user()
    k, v = from_req(ctx, req, with_run=True)
    _observe(v)
    outputs = run_outputs(ctx, v.run)
    page, token = paginate(sorted(outputs.items()), req)
    files = []
    for name, blob in page:
        key = f"kout-{k.owner}-{k.slug}-v{v.number}-{name.replace('/', '-')}"
        ctx.world.register_blob(blob, key)
        files.append({"url": ctx.blob_url(key, name), "fileName": name})
    return clean({"files": files or None, "log": v.run.log_json() if v.run is not None else "",
                  "nextPageToken": token})


@rpc(K, "ListKernelFiles")
def list_kernel_files(ctx: Ctx, req: Req) -> dict:
    ctx.require_user()
    _, v = from_req(ctx, req, with_run=True)
    outputs = run_outputs(ctx, v.run)
    page, token = paginate(sorted(outputs.items()), req)
    return clean({"files": [{"name": n, "size": b.size, "creationDate": ts(b.last_modified)} for n, b in page],
                  "nextPageToken": token})


@rpc(K, "DownloadKernelOutput")
def download_kernel_output(ctx: Ctx, req: Req) -> Response:
    ctx.require_user()
    k = kernel(ctx, req.str("ownerSlug"), req.str("kernelSlug"))
    number = req.int("versionNumber", None)
    v = version(k, str(number) if number else "", with_run=True)
    outputs = run_outputs(ctx, v.run)
    path = req.str("filePath")
    if path:
        if path not in outputs:
            raise not_found(f"Output file '{path}' not found for '{k.ref}'")
        key = f"kout-{k.owner}-{k.slug}-v{v.number}-{path.replace('/', '-')}"
        ctx.world.register_blob(outputs[path], key)
        return RedirectResponse(ctx.blob_url(key, path), status_code=302)
    key = f"koutzip-{k.owner}-{k.slug}-v{v.number}"
    ctx.world.register_blob(zip_blob(key, sorted(outputs.items()), v.created), key)
    return RedirectResponse(ctx.blob_url(key, f"{k.slug}.zip"), status_code=302)


@rpc(K, "DeleteKernel")
def delete_kernel(ctx: Ctx, req: Req) -> dict:
    k = kernel(ctx, req.str("userName"), req.str("kernelSlug"))
    if k.owner != ctx.require_user():
        raise forbidden(f"Permission 'kernels.delete' was denied on '{k.ref}'")
    with ctx.world.lock:
        ctx.world.kernels.pop(k.ref, None)
    ctx.persist()
    return {}


@rpc(K, "CancelKernelSession")
def cancel_kernel_session(ctx: Ctx, req: Req) -> dict:
    user = ctx.require_user()
    session = req.int("kernelSessionId")
    for k in ctx.world.kernels.values():
        for v in k.versions:
            if v.session_id == session and k.owner == user and v.run is not None:
                if hasattr(v.run, "cancel"):
                    v.run.cancel()
                return {}
    return {"errorMessage": f"Kernel session {session} not found"}


@rpc(K, "GetAcceleratorQuotaStatistics")
def get_accelerator_quota_statistics(ctx: Ctx, req: Req) -> dict:
    user = ctx.require_user()
    now = utcnow()
    used = {"gpu": 0.0, "tpu": 0.0}
    for k in ctx.world.kernels.values():
        if k.owner != user:
            continue
        for v in k.versions:
            if v.accelerator and v.run is not None:
                _observe(v)
                used[v.accelerator] += ((v.finished or now) - v.created).total_seconds()
    days_to_saturday = (5 - now.weekday()) % 7 or 7
    refresh = (now + timedelta(days=days_to_saturday)).replace(hour=0, minute=0, second=0, microsecond=0)

    def quota(kind: str, hours: int) -> dict:
        return clean({"timeUsed": f"{int(used[kind])}s", "timeReserved": "0s", "totalTimeAllowed": f"{hours * 3600}s",
                      "minimumTimeAllowed": f"{hours * 3600}s", "hasEverRun": bool(used[kind]) or None})

    return {"quotaRefreshTime": ts(refresh), "gpuQuota": quota("gpu", 30), "tpuQuota": quota("tpu", 20)}


async def stream_logs(sandbox: Any, user: str, request: Any) -> Response:
    """``GET /v1/kernels/logs/stream/{owner}/{slug}``: SSE while running, the JSON array once done."""
    ctx = Ctx(world=sandbox.world, settings=sandbox.settings, user=user, base_url="")
    k = kernel(ctx, request.path_params["owner"], request.path_params["slug"])
    v = version(k, request.query_params.get("versionLabel", ""), with_run=True)
    if _observe(v) in TERMINAL or not hasattr(v.run, "log_json"):
        return Response(v.run.log_json(), media_type="application/json")

    async def events():
        sent = 0
        while True:
            done = v.run.status in TERMINAL
            entries = json.loads(v.run.log_json())
            for entry in entries[sent:]:
                yield f"data: {json.dumps(entry)}\n\n"
            sent = len(entries)
            if done:
                yield "data: END_OF_LOG\n\n"
                return
            await asyncio.sleep(0.2)

    return StreamingResponse(events(), media_type="text/event-stream")


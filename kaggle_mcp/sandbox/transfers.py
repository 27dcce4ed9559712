"""Storage side of the sandbox: signed-URL downloads (Range, If-Range) and resumable upload URLs.

These stand in for Google Cloud Storage, which is what Kaggle's 302s and ``createUrl``s point at:
no Authorization is needed (the URL is the capability), downloads carry ``Content-Length``,
``Last-Modified``, ``ETag`` and ``Accept-Ranges``, uploads follow GCS's resumable protocol (a probe
``PUT`` with ``Content-Range: bytes */N`` answers 308 with the ``Range`` received so far).
Faults here are the transfer kinds: a connection dropped mid-body, a body cut short.
"""

from __future__ import annotations

import json
import re
from email.utils import format_datetime
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kaggle_mcp.sandbox.blobs import CHUNK, Blob
from kaggle_mcp.sandbox.faults import Fault

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_CONTENT_RANGE = re.compile(r"^bytes (?:(\d+)-(\d+)|\*)/(\d+|\*)$")


def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"code": status, "message": message}, status_code=status, headers=headers)


def fault_response(fault: Fault) -> JSONResponse:
    if fault.kind == "429":
        return JSONResponse({"error": {"code": 429, "message": "Too many requests", "status": "RESOURCE_EXHAUSTED"}},
                            status_code=429, headers={"Retry-After": str(fault.retry_after)})
    messages = {502: "Bad Gateway", 503: "The service is currently unavailable.",
                504: "Gateway Timeout"}
    return error(fault.status, messages[fault.status])


class BlobResponse(Response):
    """Streams a byte range of a blob from a worker thread (a range of one chunk is read on the event loop:
    two thread hops cost more than producing it); may be told to stop early (a fault)."""

    def __init__(self, blob: Blob, start: int, end: int, status: int, headers: dict[str, str],
                 cut_at: int | None = None):
        super().__init__(status_code=status, headers=headers, media_type=blob.content_type)
        self.blob, self.start, self.end, self.cut_at = blob, start, end, cut_at

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        if scope["method"] == "HEAD":
            await send({"type": "http.response.body", "body": b""})
            return
        limit = self.end if self.cut_at is None else self.start + self.cut_at
        chunks = self.blob.iter_range(self.start, limit)
        small = limit - self.start <= CHUNK
        while True:
            chunk = next(chunks, None) if small else await anyio.to_thread.run_sync(next, chunks, None)
            if chunk is None:
                break
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        if self.cut_at is None:
            await send({"type": "http.response.body", "body": b""})
        # else: return without completing the response; uvicorn closes the connection mid-body.


def serve_blob(request: Request, blob: Blob, fault: Fault | None) -> Response:
    last_modified = format_datetime(blob.last_modified, usegmt=True)
    headers = {"Accept-Ranges": "bytes", "ETag": blob.etag, "Last-Modified": last_modified,
               "Cache-Control": "private, max-age=0"}
    start, end, status = 0, blob.size, 200
    wanted = request.headers.get("range")
    validator = request.headers.get("if-range")
    if wanted and (validator is None or validator.strip() in (blob.etag, last_modified)):
        match = _RANGE.match(wanted.strip())
        if match and (match.group(1) or match.group(2)):
            first, last = match.group(1), match.group(2)
            if first:
                start = int(first)
                end = min(int(last) + 1, blob.size) if last else blob.size
            else:
                start, end = max(blob.size - int(last), 0), blob.size
            if start >= blob.size or end <= start:
                return error(416, "Requested range not satisfiable", {"Content-Range": f"bytes */{blob.size}"})
            status = 206
            headers["Content-Range"] = f"bytes {start}-{end - 1}/{blob.size}"
    headers["Content-Length"] = str(end - start)
    cut_at = None
    if fault is not None and fault.kind in ("drop", "truncate") and end - start > 1:
        cut_at = max(1, int((end - start) * fault.fraction))
    return BlobResponse(blob, start, end, status, headers, cut_at)


async def receive_upload(request: Request, upload: Any, lock: Any, fault: Fault | None) -> Response:
    """GCS resumable-upload semantics on ``createUrl``; a drop fault keeps the bytes received so far."""
    content_range = request.headers.get("content-range")
    have = len(upload.data)
    if content_range:
        match = _CONTENT_RANGE.match(content_range.strip())
        if not match:
            return error(400, f"Malformed Content-Range: {content_range}")
        first, last, total = match.groups()
        if total != "*" and int(total) != upload.size:
            return error(400, f"Content-Range total {total} does not match the declared size {upload.size}")
        if first is None:  # status probe
            return _upload_status(upload)
        start, stop = int(first), int(last) + 1
        if start > have:
            return _upload_status(upload)
    else:
        start, stop = 0, upload.size
    received = bytearray()
    budget = stop - start
    cut = int(budget * fault.fraction) if fault is not None and fault.kind == "drop" and budget > 1 else None
    async for chunk in request.stream():
        received += chunk
        if len(received) > budget:
            return error(400, f"Body is longer than the {budget} bytes announced")
        if cut is not None and len(received) >= cut:
            with lock:
                del upload.data[start:]
                upload.data += received[:cut]
            return Dropped()
    if len(received) != budget:
        if content_range is None:
            return error(400, f"Upload of '{upload.name}' has {len(received)} bytes; {upload.size} were announced")
        return error(400, f"Body has {len(received)} bytes; Content-Range announced {budget}")
    with lock:
        del upload.data[start:]
        upload.data += received
    return _upload_status(upload)


def _upload_status(upload: Any) -> Response:
    if upload.complete:
        return Response(json.dumps({"name": upload.name, "size": str(upload.size)}), status_code=200,
                        media_type="application/json")
    headers = {"Range": f"bytes=0-{len(upload.data) - 1}"} if upload.data else {}
    return Response(b"", status_code=308, headers={**headers, "Content-Length": "0"})


class Dropped(Response):
    """Starts an answer, then stops: uvicorn closes the connection as if the network failed.

    (An ASGI app that returns without *starting* a response gets a 500 from uvicorn instead.)
    """

    def __init__(self, status: int = 200, declared_length: int = 64) -> None:
        super().__init__(b"", status_code=status, headers={"Content-Length": str(declared_length)},
                         media_type="application/json")

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})

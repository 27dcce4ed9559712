"""The body of a download, run in a worker thread with a blocking httpx client (reference §5).

Why a thread: a multi-GB download must not keep the event loop (which also serves the MCP session)
busy, and blocking ``recv``/``write`` release the GIL, so the thread streams at close to curl's
speed while the loop stays free. Measured on a 1 GiB file: the asyncio stack spent most of its time
in per-64-KiB-chunk event-loop overhead and reached about a third of curl; the blocking client does
not have that overhead (see benchmarks/download_throughput.py).

What it does: GET the signed URL (following redirects by hand so ``Authorization`` only goes to the
API's own origin), skip if the local copy is up to date (§5.3), stream to ``<name>.part``, resume
with ``Range``/``If-Range`` after a drop (in-process, and across runs via a small
``<name>.part.json`` marker holding the validator and size), verify ``Content-Length``, stamp the
``Last-Modified`` mtime and rename atomically.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

import httpx
from tenacity import Retrying, retry_if_exception, stop_after_attempt, stop_before_delay

from .errors import ProtocolError, TransferError
from .paths import safe_relative
from .safe_files import SafeDir
from .retry import ServerHintedWait, is_retryable

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
TRANSFER_ATTEMPTS = 6
#: a body left unread up to this size is read to its end before closing, so the connection stays open
KEEP_ALIVE_BYTES = 64 << 10


@dataclass(frozen=True)
class DownloadResult:
    path: Path
    bytes: int
    skipped_up_to_date: bool = False


@dataclass(frozen=True)
class HeadBytes:
    data: bytes
    total_size: int | None
    final_name: str


class Dropped(Exception):
    """The body (or upload) ended short of its size: resume rather than restart."""


class Cancelled(Exception):
    """The awaiting task was cancelled; the thread stops at the next chunk, keeping the .part."""


def resumable(exc: BaseException) -> bool:
    return isinstance(exc, Dropped) or is_retryable(exc)


def final_name(url: str) -> str:
    """The CLI names a download after the last segment of the final (signed) URL, query stripped."""
    return unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])


def small_rest(response: httpx.Response) -> bool:
    """Whether what is left of a body is worth reading to keep its connection: an unread body of at most
    KEEP_ALIVE_BYTES (a redirect's, or a small file found up to date). httpx drops the connection of a
    response closed unread, and a new one costs a TCP handshake on both ends: more than reading a few KiB."""
    length = response.headers.get("content-length", "")
    return not response.is_closed and not response.is_stream_consumed and length.isdigit() and int(length) <= KEEP_ALIVE_BYTES


def release(response: httpx.Response) -> None:
    """Close `response`, first reading a small unread rest so its connection goes back to the pool."""
    try:
        if small_rest(response):
            for _ in response.iter_raw():
                pass
    except httpx.HTTPError:
        pass  # the connection is dropped by the close below, as it would have been anyway
    finally:
        response.close()


def _http_date(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None


@dataclass
class Job:
    """Everything the worker thread needs; nothing in here touches the event loop directly."""

    http: httpx.Client
    auth_for: Callable[[str], dict[str, str]]
    raise_for_answer: Callable[[httpx.Response, bytes, str], None]
    timeout: httpx.Timeout
    retry_seconds: float
    report: Callable[[int, int | None], None]  # bridges to the async progress callback
    stop: threading.Event

    def retrying(self) -> Retrying:
        return Retrying(
            retry=retry_if_exception(resumable),
            wait=ServerHintedWait(0.25, 5.0),
            stop=stop_after_attempt(TRANSFER_ATTEMPTS) | stop_before_delay(self.retry_seconds),
            reraise=True,
        )

    def open(self, url: str, headers: dict[str, str] | None = None) -> tuple[httpx.Response, str]:
        """GET with redirects followed by hand; Authorization only while on the API's origin."""
        for _ in range(MAX_REDIRECTS + 1):
            request = self.http.build_request(
                "GET",
                url,
                headers={"Accept-Encoding": "identity", **self.auth_for(url), **(headers or {})},
                timeout=self.timeout,
            )
            response = self.http.send(request, stream=True)
            if not (response.is_redirect and response.headers.get("location")):
                if response.status_code >= 400:
                    body = response.read()
                    response.close()
                    self.raise_for_answer(response, body, f"GET {final_name(url)}")
                return response, url
            release(response)
            url = urljoin(url, response.headers["location"])
        raise ProtocolError(f"more than {MAX_REDIRECTS} redirects while downloading")

    def read_head(self, url: str, max_bytes: int) -> HeadBytes:
        for attempt in self.retrying():
            with attempt:
                response, final_url = self.open(url, {"Range": f"bytes=0-{max_bytes - 1}"})
                data = bytearray()
                try:
                    for chunk in response.iter_raw():
                        data += chunk
                        if len(data) >= max_bytes:
                            break
                finally:
                    response.close()
                total: int | None = None
                tail = response.headers.get("content-range", "").rsplit("/", 1)[-1].strip()
                if response.status_code == 206 and tail.isdigit():
                    total = int(tail)
                elif response.status_code == 200 and response.headers.get("content-length", "").isdigit():
                    total = int(response.headers["content-length"])
                return HeadBytes(bytes(data[:max_bytes]), total, final_name(final_url))
        raise AssertionError("unreachable")  # pragma: no cover

    def download(
        self, url: str, dest_dir: Path, subdir: str | PurePosixPath, save_as: str | None, force: bool
    ) -> DownloadResult:
        for attempt in self.retrying():
            with attempt:
                response, final_url = self.open(url)
        name = save_as or final_name(final_url)
        relative = safe_relative(f"{subdir}/{name}" if str(subdir) else name)
        try:
            with SafeDir.open(dest_dir, relative.parent) as folder:
                return self._download_into(folder, relative.name, response, final_url, force)
        finally:
            release(response)  # unread when the local copy was up to date

    def _download_into(
        self, folder: SafeDir, name: str, response: httpx.Response, final_url: str, force: bool
    ) -> DownloadResult:
        """Stream into ``folder``: every name written (final, ``.part``, ``.part.json``) is checked for a
        planted link first, and opened or renamed without following one (see safe_files)."""
        part, marker = name + ".part", name + ".part.json"
        folder.refuse_link(name, part, marker)
        target = folder.child(name)
        headers = response.headers
        total = int(headers["content-length"]) if headers.get("content-length", "").isdigit() else None
        modified = _http_date(headers.get("last-modified"))
        if not force and _up_to_date(folder.lstat(name), total, modified):
            log.info("%s is up to date; skipping download", name)
            return DownloadResult(target, folder.size(name), skipped_up_to_date=True)

        validator = headers.get("etag") or headers.get("last-modified")
        state = {"validator": validator, "size": total, "url": urlsplit(final_url).path}
        can_resume = headers.get("accept-ranges", "").lower() == "bytes" and validator is not None
        if not (can_resume and _marker_matches(folder, marker, state)):
            folder.unlink(part)
        if validator:
            folder.write_atomic(marker, json.dumps(state).encode())
        first: httpx.Response | None = response
        if folder.size(part) > 0:
            response.close()  # a previous run left a partial file: continue it instead
            first = None
        for attempt in self.retrying():
            with attempt:
                fresh, first = first, None
                self._fetch_into(folder, part, final_url, fresh, validator, total)
        size = folder.size(part)
        if total is not None and size != total:
            raise TransferError(f"downloaded {size} bytes of {name}, expected {total}")
        if modified is not None:
            folder.set_mtime(part, modified)
        folder.replace(part, name)
        folder.unlink(marker)
        self.report(size, total)
        return DownloadResult(target, size)

    def _fetch_into(
        self,
        folder: SafeDir,
        part: str,
        url: str,
        response: httpx.Response | None,
        validator: str | None,
        total: int | None,
    ) -> None:
        """One attempt: append what is missing to ``part``; raise Dropped if the body ends short."""
        have = folder.size(part)
        if response is None:
            if total is not None and have >= total:
                return
            ranged = {"Range": f"bytes={have}-", **({"If-Range": validator} if validator else {})} if have else {}
            response, _ = self.open(url, ranged)
        try:
            if response.status_code == 206:
                start = response.headers.get("content-range", "").removeprefix("bytes ").split("-", 1)[0]
                if not start.isdigit() or int(start) != have:
                    raise ProtocolError(f"server resumed at {start!r}, expected byte {have}")
                sink = folder.open_append(part)
            elif response.status_code == 200:
                have, sink = 0, folder.open_new(part)  # the file changed (If-Range failed) or no ranges: start over
            else:
                raise ProtocolError(f"unexpected HTTP {response.status_code} while downloading")
            with sink:
                for chunk in response.iter_raw():
                    if self.stop.is_set():
                        raise Cancelled()
                    sink.write(chunk)
                    have += len(chunk)
                    self.report(have, total)
        finally:
            response.close()
        if total is not None and have < total:
            raise Dropped(f"connection ended at byte {have} of {total}")


def _up_to_date(existing: os.stat_result | None, total: int | None, modified: float | None) -> bool:
    """Reference §5.3: exists, at least Content-Length bytes, and not older than Last-Modified."""
    if total is None or modified is None or existing is None or not stat.S_ISREG(existing.st_mode):
        return False
    return existing.st_size >= total and modified <= existing.st_mtime


def _marker_matches(folder: SafeDir, marker: str, state: dict[str, object]) -> bool:
    try:
        with folder.open_read(marker) as source:
            return bool(json.loads(source.read(1 << 16)) == state)
    except (OSError, ValueError):
        return False

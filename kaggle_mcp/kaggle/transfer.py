"""Streamed downloads and uploads (reference §4.4, §5): the async face of file transfers.

Downloads: a download RPC answers ``302`` to a signed storage URL; ``resolve`` gets that URL (with
retries), then the body is streamed by ``download.Job`` in a worker thread (why: see that module).
The caller's progress callback still runs on the event loop.

Uploads: raw bytes ``PUT`` to the ``createUrl`` Kaggle hands out, without Authorization; blob
uploads resume GCS-style (probe with ``Content-Range: bytes */size``; ``308`` + ``Range`` says how
much arrived). They stay on the event loop: uploads here are datasets and submissions, whose speed
is bounded by the far end, not by the loop.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urljoin

import anyio
import anyio.from_thread
import anyio.to_thread
import httpx
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, stop_before_delay

from .download import (TRANSFER_ATTEMPTS, Cancelled, DownloadResult, Dropped, HeadBytes, Job, final_name, resumable,
                       small_rest)
from .errors import ProtocolError, TransferError
from .protocol import describe_transport_failure, network_error, unsendable
from .retry import ServerHintedWait
from .wire import WireRequest

if TYPE_CHECKING:
    from .client import KaggleClient

__all__ = ["DownloadResult", "HeadBytes", "Progress", "Transfers"]

Progress = Callable[[int, int | None], Awaitable[None]]
T = TypeVar("T")


@contextmanager
def _network_failures(what: str) -> Iterator[None]:
    """After the retries, transport failures become TransferError (without the URL: signed URLs
    are capabilities)."""
    try:
        yield
    except httpx.TransportError as exc:
        raise TransferError(f"{what} failed: {describe_transport_failure(exc)}") from exc
    except Dropped as exc:
        raise TransferError(f"{what} failed: {exc}") from exc


async def _read_at_most(response: httpx.Response, limit: int) -> bytes:
    data = bytearray()
    async for chunk in response.aiter_bytes():
        data += chunk
        if len(data) >= limit:
            break
    return bytes(data[:limit])


class _Throttle:
    """Report progress at most once per ``step`` bytes (and always at the end): a 1 GiB download
    makes about a thousand callbacks, not tens of thousands."""

    def __init__(self, step: int) -> None:
        self.step, self._last = step, -1

    def due(self, done: int, total: int | None) -> bool:
        if self._last < 0 or done - self._last >= self.step or done == total:
            self._last = done
            return True
        return False


def _read_suffix(job: Job, url: str, max_bytes: int) -> HeadBytes:
    """``Range: bytes=-N`` through the job's redirect-aware GET; a server that ignores Range sends the
    whole file, of which only the end is kept (read in chunks, never held whole)."""
    for attempt in job.retrying():
        with attempt:
            response, final_url = job.open(url, {"Range": f"bytes=-{max_bytes}"})
            tail = bytearray()
            try:
                for chunk in response.iter_raw():
                    tail += chunk
                    del tail[:-max_bytes]
            finally:
                response.close()
            total: int | None = None
            size = response.headers.get("content-range", "").rsplit("/", 1)[-1].strip()
            if response.status_code == 206 and size.isdigit():
                total = int(size)
            elif response.status_code == 200:
                total = len(tail) if len(tail) < max_bytes else None
                length = response.headers.get("content-length", "")
                total = int(length) if length.isdigit() else total
            return HeadBytes(bytes(tail), total, final_name(final_url))
    raise AssertionError("unreachable")  # pragma: no cover


class Transfers:
    """Transfer operations bound to one KaggleClient (its pools, credentials and settings)."""

    def __init__(self, kc: KaggleClient) -> None:
        self.kc = kc
        s = kc.settings
        self.timeout = httpx.Timeout(s.transfer_read_timeout, connect=s.connect_timeout, write=s.transfer_read_timeout)

    def _retrying(self) -> AsyncRetrying:
        return AsyncRetrying(
            retry=retry_if_exception(resumable),
            wait=ServerHintedWait(0.25, 5.0),
            stop=stop_after_attempt(TRANSFER_ATTEMPTS) | stop_before_delay(self.kc.settings.retry_seconds),
            reraise=True,
        )

    async def resolve(self, service: str, method: str, request: WireRequest) -> str:
        """POST a download RPC and return the signed URL its ``302`` points to."""
        rpc = f"{service}/{method}"
        url = self.kc.rpc_url(service, method)
        await self.kc.signed_in()
        try:
            async for attempt in self.kc.retry_policy("read"):
                with attempt:
                    post = self.kc.http.build_request(
                        "POST", url, json=request.to_wire(), headers=self.kc.rpc_headers()
                    )
                    response = await self.kc.http.send(post, stream=True)
                    try:
                        if response.is_redirect and response.headers.get("location"):
                            if small_rest(response):  # read, so the connection serves the next RPC
                                with suppress(httpx.HTTPError):  # the URL is known: a close will do
                                    await response.aread()
                            return urljoin(url, response.headers["location"])
                        body = await _read_at_most(response, 1 << 16)  # an error body, never a whole file
                    finally:
                        await response.aclose()
                    self.kc.raise_for_answer(response, body, rpc, request)
                    raise ProtocolError(f"expected a redirect to the file, got HTTP {response.status_code}", rpc=rpc)
        except httpx.TransportError as exc:
            raise network_error(exc, rpc, retried=True, endpoint=self.kc.settings.endpoint) from exc
        except UnicodeEncodeError:
            raise unsendable(rpc) from None
        raise AssertionError("unreachable")  # pragma: no cover

    # -- downloads (worker thread) ----------------------------------------------------------------

    async def _in_thread(self, work: Callable[[Job], T], progress: Progress | None) -> T:
        stop = threading.Event()
        throttle = _Throttle(self.kc.settings.chunk_size)

        def report(done: int, total: int | None) -> None:
            if stop.is_set():  # the awaiting task is gone; do not call back into its loop
                raise Cancelled()
            if progress is not None and throttle.due(done, total):
                anyio.from_thread.run(notify, done, total)

        async def notify(done: int, total: int | None) -> None:
            assert progress is not None
            await progress(done, total)

        job = Job(
            http=self.kc.sync_http,
            auth_for=self.kc.auth_headers,
            raise_for_answer=lambda response, body, what: self.kc.raise_for_answer(response, body, what, None),
            timeout=self.timeout,
            retry_seconds=self.kc.settings.retry_seconds,
            report=report,
            stop=stop,
        )
        try:
            # abandon_on_cancel: a cancelled caller returns at once; the thread sees ``stop`` at its
            # next chunk and exits, leaving the .part for a later resume.
            return await anyio.to_thread.run_sync(work, job, abandon_on_cancel=True)
        except BaseException:
            stop.set()
            raise

    async def read_head(self, url: str, max_bytes: int) -> HeadBytes:
        """The first ``max_bytes`` of a file via ``Range`` (never the whole file)."""
        with _network_failures("reading the start of the file"):
            return await self._in_thread(lambda job: job.read_head(url, max_bytes), None)

    async def read_tail(self, url: str, max_bytes: int) -> HeadBytes:
        """The last ``max_bytes`` of a file via a suffix ``Range`` (a Parquet footer lives there);
        ``total_size`` is the whole file's size, from ``Content-Range``."""
        with _network_failures("reading the end of the file"):
            return await self._in_thread(lambda job: _read_suffix(job, url, max_bytes), None)

    async def download(
        self,
        url: str,
        dest_dir: Path | str,
        *,
        subdir: str | PurePosixPath = "",
        save_as: str | None = None,
        progress: Progress | None = None,
        force: bool = False,
    ) -> DownloadResult:
        """Download ``url`` into ``dest_dir/subdir/<name>``; name = ``save_as`` or the final URL's."""
        with _network_failures("download"):
            return await self._in_thread(
                lambda job: job.download(url, Path(dest_dir), subdir, save_as, force), progress
            )

    # -- uploads (event loop) -----------------------------------------------------------------------

    async def upload(self, url: str, path: Path, *, progress: Progress | None = None, resumable: bool = True) -> None:
        """PUT the file's raw bytes to ``url`` (no Authorization). Resumes per reference §4.4;
        ``resumable=False`` (submissions) restarts from byte 0 instead of probing."""
        size = path.stat().st_size
        throttle = _Throttle(self.kc.settings.chunk_size)

        async def report(done: int) -> None:
            if progress is not None and throttle.due(done, size):
                await progress(done, size)

        with _network_failures(f"upload of {path.name}"):
            async for attempt in self._retrying():
                with attempt:
                    offset = 0
                    if attempt.retry_state.attempt_number > 1 and resumable:
                        offset = await self._probe(url, size)
                    if offset < size or size == 0:
                        await self._put(url, path, offset, size, report)
        await report(size)

    async def _probe(self, url: str, size: int) -> int:
        """Ask the upload session how much it has: 200/201 = all, 308 + Range = up to there."""
        response = await self.kc.http.put(
            url, content=b"", headers={"Content-Length": "0", "Content-Range": f"bytes */{size}"}, timeout=self.timeout
        )
        if response.status_code in (200, 201):
            return size
        if response.status_code == 308:
            received = response.headers.get("range", "")
            last = received.rsplit("-", 1)[-1]
            return int(last) + 1 if received.startswith("bytes=") and last.isdigit() else 0
        if response.status_code == 404:
            raise TransferError("upload session expired; start the upload again", status=404)
        raise Dropped(f"upload probe answered HTTP {response.status_code}")

    async def _put(
        self, url: str, path: Path, offset: int, size: int, report: Callable[[int], Awaitable[None]]
    ) -> None:
        chunk_size = self.kc.settings.chunk_size

        async def body() -> AsyncIterator[bytes]:
            done = offset
            with open(path, "rb") as source:
                source.seek(offset)
                while chunk := await anyio.to_thread.run_sync(source.read, chunk_size):
                    yield chunk
                    done += len(chunk)
                    await report(done)

        headers = {"Content-Length": str(size - offset)}
        if offset:
            headers["Content-Range"] = f"bytes {offset}-{size - 1}/{size}"
        response = await self.kc.http.put(url, content=body(), headers=headers, timeout=self.timeout)
        if response.status_code in (200, 201):
            return
        if response.status_code in (308, 429, 500, 502, 503, 504):
            raise Dropped(f"upload incomplete: HTTP {response.status_code}")
        raise TransferError(
            f"upload of {path.name} rejected: HTTP {response.status_code} {response.text[:200]}",
            status=response.status_code,
        )

"""Running the sandbox: in a background thread (tests, the embedded default) or in an event loop.

The socket is bound before uvicorn starts so port 0 works and the URL is known up front; the
handle exposes the world, call counts and fault switch to tests.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

from kaggle_mcp.sandbox.settings import FaultSpec, SandboxSettings

logger = logging.getLogger("kaggle_mcp.sandbox")


class _QuietDrops(logging.Filter):
    """Injected drops make uvicorn log an error per cut connection; they are intended, hide them."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "without completing response" not in record.getMessage()


class SandboxHandle:
    """What a running sandbox offers its owner (see the contract: url, state, call_counts, set_faults)."""

    def __init__(self, app, url: str):
        self.app = app
        self.url = url
        self._sandbox = app.state.sandbox

    @property
    def state(self):
        return self._sandbox.world

    @property
    def call_counts(self) -> Counter:
        return self._sandbox.faults.call_counts

    def bodies(self, method: str) -> list[dict]:
        """The last JSON bodies received for an RPC (``"ListTopics"`` or ``"service/Method"``), oldest first."""
        return [body for key, seen in list(self._sandbox.bodies.items())
                if key == method or key.endswith("/" + method) for body in list(seen)]

    @property
    def settings(self) -> SandboxSettings:
        return self._sandbox.settings

    @property
    def runner(self):
        return self._sandbox.runner

    def set_faults(self, spec: str) -> None:
        """Change fault injection at run time; ``""`` turns it off. Raises ValueError on a bad spec."""
        self._sandbox.faults.set_spec(FaultSpec.parse(spec))

    def set_latency(self, latency_ms: int) -> None:
        self._sandbox.settings.latency_ms = latency_ms

    def __repr__(self) -> str:
        return f"<SandboxHandle {self.url}>"


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose proto says TCP,
    # and without it every keep-alive request waits ~40 ms for a delayed ACK (Nagle).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


def _server(app, sock: socket.socket):
    import uvicorn

    error_log = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _QuietDrops) for f in error_log.filters):
        error_log.addFilter(_QuietDrops())
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on",
                            timeout_graceful_shutdown=2)
    return uvicorn.Server(config)


def _url(host: str, sock: socket.socket) -> str:
    port = sock.getsockname()[1]
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)   # a URL one can connect to
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


@contextmanager
def serve_in_thread(settings: SandboxSettings | None = None, host: str = "127.0.0.1",
                    port: int = 0) -> Iterator[SandboxHandle]:
    """Serve the sandbox from a daemon thread for the duration of the ``with`` block."""
    from kaggle_mcp.sandbox.app import build_app

    app = build_app(settings or SandboxSettings())
    sock = _bind(host, port)
    server = _server(app, sock)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="kaggle-sandbox", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            sock.close()
            raise RuntimeError("the sandbox server failed to start")
        time.sleep(0.005)
    handle = SandboxHandle(app, _url(host, sock))
    logger.info("kaggle sandbox listening at %s", handle.url)
    try:
        yield handle
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@asynccontextmanager
async def serve(settings: SandboxSettings | None = None, host: str = "127.0.0.1",
                port: int = 0) -> AsyncIterator[SandboxHandle]:
    """Serve the sandbox inside the running asyncio loop (uvicorn needs asyncio)."""
    from kaggle_mcp.sandbox.app import build_app

    app = build_app(settings or SandboxSettings())
    sock = _bind(host, port)
    server = _server(app, sock)
    task = asyncio.ensure_future(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            sock.close()
            task.result()
            raise RuntimeError("the sandbox server failed to start")
        await asyncio.sleep(0.005)
    handle = SandboxHandle(app, _url(host, sock))
    logger.info("kaggle sandbox listening at %s", handle.url)
    try:
        yield handle
    finally:
        server.should_exit = True
        await task
        sock.close()

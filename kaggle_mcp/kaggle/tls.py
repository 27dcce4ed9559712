"""One TLS trust store per process.

httpx builds an `ssl.SSLContext` for every client it creates, and loading the CA bundle into it (parsing
~150 certificates) is the largest single cost of a client: 40-70 ms of CPU. A server makes many clients: one
per user in multi-user mode, one per uploaded kaggle.json in the REST API, a blocking one for download
threads, and each would parse the bundle again, on the event loop. An `SSLContext` is meant to be shared by
connections and threads, so every client of the process uses this one, made by httpx's own
`create_ssl_context` (so `SSL_CERT_FILE` and `SSL_CERT_DIR` are honoured as httpx honours them).
"""

from __future__ import annotations

import ssl
import threading

__all__ = ["trust_store"]

_lock = threading.Lock()
_context: ssl.SSLContext | None = None


def trust_store() -> ssl.SSLContext:
    """The process's verifying TLS context, loaded on first use."""
    global _context
    with _lock:
        if _context is None:
            import httpx

            _context = httpx.create_ssl_context()
        return _context

"""One TLS trust store per process, read at the first TLS handshake.

httpx builds an `ssl.SSLContext` for every client it creates, and loading the CA bundle into it (parsing
~150 certificates) is the largest single cost of a client: 20-70 ms of CPU. A server makes many clients: one
per user in multi-user mode, one per uploaded kaggle.json in the REST API, a blocking one for download
threads, and each would parse the bundle again, on the event loop. An `SSLContext` is meant to be shared by
connections and threads, so every client of the process uses this one.

It reads its CA certificates when the first TLS connection is set up, not when it is made: a server
aimed at an `http://` endpoint (the sandbox, a local emulator) never reads them, and a stdio server's
first tool call, which builds the first client, no longer waits for them before it sends anything.
The certificates are the ones httpx's `create_ssl_context` would load: `SSL_CERT_FILE`, else
`SSL_CERT_DIR`, else certifi's bundle. Everything else is what `ssl.create_default_context` sets for a
client (hostname check, certificates required); tests hold it equal to httpx's own context.
"""

from __future__ import annotations

import os
import ssl
import sys
import threading
from typing import Any

__all__ = ["trust_store"]

_lock = threading.Lock()
_context: ssl.SSLContext | None = None


class _TrustStore(ssl.SSLContext):
    """A verifying client context that loads its CA certificates before its first handshake."""

    _loaded = False

    def _load_certificates(self) -> None:
        with _lock:
            if not self._loaded:
                if os.environ.get("SSL_CERT_FILE"):
                    self.load_verify_locations(cafile=os.environ["SSL_CERT_FILE"])
                elif os.environ.get("SSL_CERT_DIR"):
                    self.load_verify_locations(capath=os.environ["SSL_CERT_DIR"])
                else:
                    import certifi

                    self.load_verify_locations(cafile=certifi.where())
                self._loaded = True

    # The two ways a connection is set up with a context: asyncio/anyio streams wrap a BIO, blocking sockets
    # (the download threads' pool) wrap the socket.
    def wrap_bio(self, *args: Any, **kwargs: Any) -> ssl.SSLObject:
        if not self._loaded:
            self._load_certificates()
        return super().wrap_bio(*args, **kwargs)

    def wrap_socket(self, *args: Any, **kwargs: Any) -> ssl.SSLSocket:
        if not self._loaded:
            self._load_certificates()
        return super().wrap_socket(*args, **kwargs)


def _client_context() -> _TrustStore:
    """What `ssl.create_default_context()` makes for a client, without reading any certificate yet."""
    context = _TrustStore(ssl.PROTOCOL_TLS_CLIENT)  # hostname check and CERT_REQUIRED are its defaults
    if sys.version_info >= (3, 13):  # what create_default_context adds since 3.13
        context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN | ssl.VERIFY_X509_STRICT
    keylog = os.environ.get("SSLKEYLOGFILE")
    if keylog and not sys.flags.ignore_environment:
        context.keylog_filename = keylog
    return context


def trust_store() -> ssl.SSLContext:
    """The process's verifying TLS context (its certificates are read at the first handshake)."""
    global _context
    with _lock:
        if _context is None:
            _context = _client_context()
        return _context

"""Our client's side of a comparison with the CLI: the real transport, keeping what each RPC sent."""

from __future__ import annotations

import json

import httpx


class Recorder(httpx.AsyncHTTPTransport):
    """Each request's ``service/Method``, JSON body and Authorization header, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[str, dict | None, str | None]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.method == "POST" and request.content else None
        self.sent.append((request.url.path.split("/v1/", 1)[-1], body, request.headers.get("authorization")))
        return await super().handle_async_request(request)

    def rpcs(self) -> list[tuple[str, dict | None]]:
        return [(rpc, body) for rpc, body, _ in self.sent]

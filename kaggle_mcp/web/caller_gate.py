"""The door of a multi-user deployment: every request but the open paths must bring its caller's own Kaggle
credentials (`callers.Callers` checks them with Kaggle once and remembers the answer by keyed digest).

An admitted request carries its Account in the ASGI scope (`callers.ACCOUNT_KEY`), where
`Deployment.account_for` finds it for the MCP tools and the REST routes alike, and holds a slot of the
caller's calls in flight until its response has been sent. A refused one gets the status `CallerRefused`
chose, with `WWW-Authenticate` naming both schemes on a 401, and a one-line fix. Pure ASGI, so streamed
responses pass untouched.
"""

from __future__ import annotations

from collections.abc import Collection

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from kaggle_mcp.bearer import authorization_of
from kaggle_mcp.callers import ACCOUNT_KEY, USER_KEY, CallerRefused, Callers
from kaggle_mcp.web.guards import passes_gates, refuse

CHALLENGE = 'Bearer realm="kaggle-agent-mcp", Basic realm="kaggle-agent-mcp", charset="UTF-8"'
ERRORS = {401: "unauthorized", 403: "forbidden", 429: "too_many_requests", 503: "unavailable"}


def refusal(refused: CallerRefused) -> JSONResponse:
    headers = {"WWW-Authenticate": CHALLENGE} if refused.status == 401 else {}
    if refused.retry_after is not None:
        headers["Retry-After"] = str(refused.retry_after)
    return JSONResponse({"error": ERRORS.get(refused.status, "refused"), "message": refused.message},
                        status_code=refused.status, headers=headers)


class CallerGate:
    def __init__(self, app: ASGIApp, callers: Callers, *, open_paths: Collection[str]) -> None:
        self.app = app
        self.callers = callers
        self.open_paths = open_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if passes_gates(scope, self.open_paths):
            await self.app(scope, receive, send)
            return
        authorization = authorization_of(scope).decode("latin-1")
        admitted = False
        try:
            async with self.callers.admitted(authorization) as caller:
                admitted = True
                state = scope.setdefault("state", {})
                state[ACCOUNT_KEY], state[USER_KEY] = caller.account, caller.user
                await self.app(scope, receive, send)
        except CallerRefused as refused:
            if admitted:  # not the gate's refusal: the request's own failure
                raise
            await refuse(refusal(refused), scope, receive, send)

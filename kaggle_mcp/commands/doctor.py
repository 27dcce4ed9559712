"""`kaggle-agent-mcp doctor`: where the credentials come from (never their value), whether they have the
right shape, where requests go, and whether Kaggle answers.

It decides where requests go as the server does: with nothing configured it explains the sandbox fallback
(a working set-up, exit 0); offline it says so within seconds and still prints what it knows locally.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kaggle_mcp.settings import Settings

TOKEN_SHAPE = re.compile(r"KGAT_[0-9a-f]{32}")


def _token_shape(secret_source: str, token: str) -> str | None:
    """A warning when an API token does not look like one Kaggle issues (the value is never shown)."""
    if TOKEN_SHAPE.fullmatch(token):
        return None
    return (f"the token from {secret_source} does not look like a Kaggle API token (KGAT_ followed by 32 hex "
            "characters): copy it again from https://www.kaggle.com/settings")


async def _check(server: Settings, out: Callable[[str], None]) -> int:
    from kaggle_mcp.deployment import Deployment
    from kaggle_mcp.kaggle.errors import KaggleError, KaggleUnreachable
    from kaggle_mcp.server.errors import CONFIGURE, explain

    out(f"workspace:    {server.workspace_root()}")
    deployment = Deployment(server)
    async with deployment.running():
        try:
            account = await deployment.account()
            kc = account.client
            out(f"endpoint:     {kc.settings.endpoint}" + (" (the embedded sandbox)" if account.sandbox else ""))
            creds = await kc.signed_in()
        except KaggleError as exc:
            out(f"credentials:  unusable - {exc.message}")
            out(f"  {CONFIGURE}")
            return 1
        if account.sandbox and not server.sandbox:
            out("credentials:  none configured, so kaggle-agent-mcp uses its embedded sandbox (seeded local data, "
                "notebooks run on this machine); that works as it is.")
            out(f"  To work on kaggle.com: {CONFIGURE}")
        else:
            out(f"credentials:  {creds.kind} from {creds.source}")
        for warning in creds.warnings:
            out(f"  warning:    {warning}")
        secret = creds.bearer_token()
        if creds.kind == "token" and secret and creds.oauth is None and not account.sandbox:
            if (shape := _token_shape(creds.source, secret)) is not None:
                out(f"  warning:    {shape}")
        if creds.kind == "anonymous":
            out("  No credentials: only public calls work.")
            out(f"  {CONFIGURE}")
            return 1
        try:
            user = await kc.username()
            await kc.competitions.list_competitions(search="titanic", page=1)
        except KaggleUnreachable as exc:
            out(f"connectivity: OFFLINE - {exc}")
            return 1
        except KaggleError as exc:
            out(f"connectivity: FAILED - {explain(exc, 'doctor', None, {})}")
            return 1
    out(f"connectivity: ok, signed in as {user}")
    return 0


def run_doctor(settings: Settings, out: Callable[[str], None]) -> int:
    import anyio

    return anyio.run(_check, settings, out)


"""`kaggle-agent-mcp doctor`: where the credentials come from (never their value) and whether Kaggle answers."""

from __future__ import annotations

from collections.abc import Callable

from kaggle_mcp.settings import Settings


async def _check(server: Settings, out: Callable[[str], None]) -> int:
    from kaggle_mcp.kaggle import ClientSettings, KaggleClient, resolve_credentials
    from kaggle_mcp.kaggle.errors import KaggleError
    from kaggle_mcp.server.errors import CONFIGURE, explain

    settings = ClientSettings.from_env()
    out(f"endpoint:     {settings.endpoint}")
    out(f"workspace:    {server.workspace_root()}")
    try:
        creds = resolve_credentials()
    except KaggleError as exc:
        out(f"credentials:  unusable - {exc.message}")
        return 1
    out(f"credentials:  {creds.kind} from {creds.source}")
    for warning in getattr(creds, "warnings", ()) or ():
        out(f"  warning:    {warning}")
    if creds.kind == "anonymous":
        out("  No credentials: `kaggle-agent-mcp` will use the embedded sandbox until you configure them.")
        out(f"  {CONFIGURE}")
        return 1
    async with KaggleClient(settings, credentials=creds) as kc:
        try:
            user = await kc.username()
            await kc.competitions.list_competitions(search="titanic", page=1)
        except KaggleError as exc:
            out(f"connectivity: FAILED - {explain(exc, 'doctor', None, {})}")
            return 1
    out(f"connectivity: ok, signed in as {user}")
    return 0


def run_doctor(settings: Settings, out: Callable[[str], None]) -> int:
    import anyio

    return anyio.run(_check, settings, out)

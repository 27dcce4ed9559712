"""`kaggle-agent-mcp demo`: kickoff to an accepted submission on the embedded sandbox, in four tool calls
made through a real MCP session over stdio.

It starts this same server as a subprocess (`serve --sandbox`), connects the SDK's own client and makes
the calls an agent would: search -> context -> push a baseline and wait for its run -> submit its
output. `kickoff` returns each call with its answer, so the kickoff benchmark and its test measure
exactly what the demo shows. Output goes through `out` (the CLI passes print): server code never
writes to stdout itself.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mcp import Client
    from mcp.types import CallToolResult

BASELINE = '''"""Gender baseline for Titanic: women survive, men do not (about 0.77 accuracy)."""
import csv

with open("/kaggle/input/titanic/test.csv", newline="") as fh:
    rows = list(csv.DictReader(fh))
with open("/kaggle/working/submission.csv", "w", newline="") as fh:
    writer = csv.writer(fh)
    writer.writerow(["PassengerId", "Survived"])
    for row in rows:
        writer.writerow([row["PassengerId"], 1 if row["Sex"] == "female" else 0])
print(f"wrote {len(rows)} predictions")
'''
CALLS = 4


@dataclass(frozen=True)
class Call:
    tool: str
    arguments: dict[str, Any]
    result: CallToolResult

    @property
    def text(self) -> str:
        """What the model reads of the answer."""
        return "\n".join(getattr(block, "text", "") for block in self.result.content)


def _excerpt(text: str, lines: int) -> str:
    kept = text.splitlines()
    more = f"\n      ... ({len(kept) - lines} more lines)" if len(kept) > lines else ""
    return "\n".join("      " + line for line in kept[:lines]) + more


class _Session:
    """Makes the calls, prints each one with an excerpt of its answer, and keeps them."""

    def __init__(self, client: Client, out: Callable[[str], None]) -> None:
        self.client, self.out = client, out
        self.calls: list[Call] = []

    async def call(self, name: str, args: dict[str, Any], lines: int = 8) -> Call:
        shown = ", ".join(f"{k}={v!r}" if len(repr(v)) < 60 else f"{k}=<{len(str(v))} chars>" for k, v in args.items())
        self.out(f"[{len(self.calls) + 1}/{CALLS}] {name}({shown})")

        async def progress(progress: float, total: float | None, message: str | None) -> None:
            self.out(f"      progress: {message or progress}")

        made = Call(name, args, await self.client.call_tool(name, args, progress_callback=progress))
        self.calls.append(made)
        self.out(_excerpt(made.text, lines))
        if made.result.is_error:
            raise RuntimeError(f"{name} failed")
        return made


async def kickoff(workspace: Path, out: Callable[[str], None]) -> list[Call]:
    """Kickoff to an accepted submission through a stdio server on the sandbox; every call with its answer."""
    from mcp import Client, StdioServerParameters

    # no credentials, endpoint or settings of the caller's (the cache location only keeps tests tidy)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAGGLE") or k == "KAGGLE_MCP_CACHE_DIR"}
    params = StdioServerParameters(command=sys.executable, env=env,
                                   args=["-m", "kaggle_mcp", "serve", "--sandbox", "--workspace", str(workspace)])
    async with Client(params) as client:
        session = _Session(client, out)
        found = await session.call("search_competitions", {"query": "titanic"}, 4)
        slug = found.result.structured_content["competitions"][0]["slug"] if found.result.structured_content else ""
        await session.call("get_competition_context", {"competition": slug}, 10)
        pushed = await session.call("push_notebook", {"title": "Titanic gender baseline", "source": BASELINE,
                                                      "competition_sources": [slug], "wait_seconds": 300}, 10)
        output = (pushed.result.structured_content or {}).get("output") or {}
        csv_file = next((f["file"] for f in output.get("files", []) if f["file"].endswith(".csv")), None)
        if csv_file is None:
            raise RuntimeError("the baseline's run produced no CSV")
        await session.call("submit_to_competition", {"competition": slug, "file": csv_file,
                                                      "message": "gender baseline (demo)", "confirm": True}, 3)
    return session.calls


def run_demo(workspace: Path | None, out: Callable[[str], None]) -> int:
    import anyio

    out("kaggle-agent-mcp demo: kickoff to a scored submission on the embedded sandbox (no Kaggle account needed).")
    with tempfile.TemporaryDirectory(prefix="kaggle-mcp-demo-") as tmp:
        root = (workspace or Path(tmp)).expanduser().resolve()
        out(f"Workspace: {root}" + ("" if workspace else " (temporary; pass --workspace DIR to keep the files)"))
        try:
            calls = anyio.run(kickoff, root, out)
        except RuntimeError as exc:
            out(f"Demo stopped: {exc}.")
            return 1
    out(f"Done in {len(calls)} tool calls.")
    return 0

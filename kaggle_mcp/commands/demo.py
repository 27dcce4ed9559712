"""`kaggle-agent-mcp demo`: the main job on the embedded sandbox, through a real MCP session over stdio.

It starts this same server as a subprocess (`serve --sandbox`), connects the SDK's own client and makes
the eight calls an agent would: search -> context -> list notebooks -> read one -> push a baseline ->
wait -> output -> submit. Output goes through `out` (the CLI passes print): server code never writes
to stdout itself.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


def _excerpt(result: Any, lines: int) -> str:
    text = "\n".join(getattr(c, "text", "") for c in result.content)
    kept = text.splitlines()
    more = f"\n      ... ({len(kept) - lines} more lines)" if len(kept) > lines else ""
    return "\n".join("      " + line for line in kept[:lines]) + more


async def _demo(workspace: Path, out: Callable[[str], None]) -> int:
    from mcp import Client, StdioServerParameters

    env = {k: v for k, v in os.environ.items() if not k.startswith("KAGGLE")}
    params = StdioServerParameters(command=sys.executable, env=env,
                                   args=["-m", "kaggle_mcp", "serve", "--sandbox", "--workspace", str(workspace)])
    step = [0]

    async def call(c: Client, name: str, args: dict[str, Any], lines: int = 8) -> Any:
        step[0] += 1
        shown = ", ".join(f"{k}={v!r}" if len(repr(v)) < 60 else f"{k}=<{len(str(v))} chars>" for k, v in args.items())
        out(f"[{step[0]}/8] {name}({shown})")

        async def progress(progress: float, total: float | None, message: str | None) -> None:
            out(f"      progress: {message or progress}")

        result = await c.call_tool(name, args, progress_callback=progress)
        out(_excerpt(result, lines))
        if result.is_error:
            raise RuntimeError(f"{name} failed")
        return result

    async with Client(params) as c:
        await call(c, "search_competitions", {"query": "titanic"}, 4)
        await call(c, "get_competition_context", {"competition": "titanic", "top_notebooks": 2, "max_tokens": 3000}, 10)
        listed = await call(c, "list_notebooks", {"competition": "titanic", "page_size": 5}, 7)
        first = listed.structured_content["notebooks"][0]["ref"]
        await call(c, "read_notebook", {"notebook": first, "max_tokens": 1500}, 10)
        pushed = await call(c, "push_notebook", {"title": "Titanic gender baseline", "source": BASELINE,
                                                 "competition_sources": ["titanic"]}, 3)
        ref = pushed.structured_content["ref"]
        await call(c, "get_notebook_status", {"notebook": ref, "wait_seconds": 120}, 3)
        output = await call(c, "get_notebook_output", {"notebook": ref, "log_lines": 5}, 10)
        csv_file = next(f["file"] for f in output.structured_content["files"] if f["file"].endswith(".csv"))
        await call(c, "submit_to_competition", {"competition": "titanic", "file": csv_file,
                                                "message": "gender baseline (demo)", "confirm": True}, 3)
    out(f"Done in {step[0]} tool calls.")
    return 0


def run_demo(workspace: Path | None, out: Callable[[str], None]) -> int:
    import anyio

    out("kaggle-agent-mcp demo: the main job on the embedded sandbox (no Kaggle account needed).")
    with tempfile.TemporaryDirectory(prefix="kaggle-mcp-demo-") as tmp:
        root = (workspace or Path(tmp)).expanduser().resolve()
        out(f"Workspace: {root}" + ("" if workspace else " (temporary; pass --workspace DIR to keep the files)"))
        try:
            return anyio.run(_demo, root, out)
        except RuntimeError as exc:
            out(f"Demo stopped: {exc}.")
            return 1

"""`kaggle-agent-mcp context COMPETITION`: the competition context on stdout, for shells and pipes.

stdout gets the TOON document alone (so it can be piped into a prompt or a file); progress and the
cut/failure summary go to stderr. Where requests go is decided as for every command (`--sandbox`, or
the sandbox when nothing at all is configured).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kaggle_mcp.settings import Settings

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "context",
        help="print a competition's context (TOON) to stdout",
        description="Build (or read from the 24 h cache) the competition context an agent reads first: "
        "overview, files with schemas, leaderboard, top notebooks as cleaned cells, discussions.",
    )
    parser.add_argument("competition", help="competition slug or URL, e.g. titanic")
    parser.add_argument("--top-notebooks", type=int, default=5, metavar="N", help="notebooks to include (0-20, default 5)")
    parser.add_argument("--max-tokens", type=int, default=12000, metavar="N", help="token budget (default 12000)")
    parser.add_argument("--refresh", action="store_true", help="rebuild even if a cached context is fresh")
    return parser


async def _main(args: argparse.Namespace, settings: Settings) -> int:
    from kaggle_mcp.context.store import StoreUnavailable
    from kaggle_mcp.deployment import Deployment
    from kaggle_mcp.kaggle.errors import KaggleError

    async def progress(done: float, total: float | None, message: str) -> None:
        print(f"[{done:.0f}/{total or 0:.0f}] {message}", file=sys.stderr)

    deployment = Deployment(settings)
    try:
        async with deployment.running():
            account = await deployment.account()
            result = await (await account.contexts()).get(args.competition, top_notebooks=args.top_notebooks,
                                                max_tokens=args.max_tokens, refresh=args.refresh, progress=progress)
    except (KaggleError, StoreUnavailable, ValueError) as exc:
        print(f"error: {exc.message if isinstance(exc, KaggleError) else exc}", file=sys.stderr)
        return 1
    sys.stdout.write(result.toon + "\n")
    stats = result.stats
    source = "cache" if result.cached else "built"
    print(f"{source}: ~{stats.get('tokens_estimated')} tokens of {stats.get('max_tokens')}", file=sys.stderr)
    for row in stats.get("failed", []):
        print(f"failed: {row['section']}: {row['error']}", file=sys.stderr)
    return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    import anyio

    return anyio.run(_main, args, settings)

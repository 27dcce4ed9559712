"""``kaggle-agent-mcp sandbox``: run the local Kaggle standalone.

Prints its URL on stderr (stdout stays empty: the same process family speaks MCP on stdout) and how
to point clients at it. Sandbox kernels run on this machine; the startup log says so.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

logger = logging.getLogger("kaggle_mcp.sandbox")


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "sandbox", help="run a local Kaggle emulator (no credentials needed)",
        description="Serve a local emulator of api.kaggle.com with a seeded world. "
                    "Kernels pushed to it run as subprocesses on this machine.")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default 0: pick a free one)")
    parser.add_argument("--latency-ms", type=int, default=0, help="added latency per request, in ms")
    parser.add_argument("--faults", default="", metavar="SPEC",
                        help='fault injection, e.g. "429=0.2,5xx=0.1,drop=0.05,truncate=0.05,retry_after=0-1"')
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated world and of faults")
    parser.add_argument("--data-dir", default=None, metavar="DIR",
                        help="persist what users create (submissions, datasets, kernels) in DIR")
    parser.add_argument("--kernel-timeout", type=float, default=600, metavar="SECONDS",
                        help="default wall-clock limit of a kernel run")
    parser.add_argument("--public-url", default=None, metavar="URL",
                        help="base of the download/upload URLs handed out (default: from each request's Host)")
    parser.set_defaults(handler=run)
    return parser


def run(args: argparse.Namespace) -> int:
    from kaggle_mcp.sandbox.settings import FaultSpec, SandboxSettings

    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s: %(message)s")
    try:
        FaultSpec.parse(args.faults)
    except ValueError as exc:
        print(f"kaggle-agent-mcp sandbox: bad --faults: {exc}", file=sys.stderr)
        return 2
    settings = SandboxSettings(seed=args.seed, latency_ms=args.latency_ms, faults=args.faults,
                               data_dir=args.data_dir, kernel_timeout_s=args.kernel_timeout,
                               public_url=args.public_url)
    from kaggle_mcp.sandbox.app import KERNELS_NOTICE
    from kaggle_mcp.sandbox.rpc_misc import SANDBOX_TOKEN
    from kaggle_mcp.sandbox.seed import USERS
    from kaggle_mcp.sandbox.server import serve_in_thread
    from kaggle_mcp.sandbox.users import user_key, user_token

    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        with serve_in_thread(settings, host=args.host, port=args.port) as sb:
            print(f"Kaggle sandbox listening on {sb.url}", file=sys.stderr, flush=True)
            print(f"  point clients at it: KAGGLE_API_ENDPOINT={sb.url} KAGGLE_API_TOKEN={SANDBOX_TOKEN}",
                  file=sys.stderr, flush=True)
            print(f"  note: {KERNELS_NOTICE}", file=sys.stderr, flush=True)
            print("  seeded users: KAGGLE_API_TOKEN=<token>, or KAGGLE_USERNAME=<user> KAGGLE_KEY=<key>", file=sys.stderr)
            for user in USERS:
                print(f"    {user:<16} token {user_token(user)}  key {user_key(user)}", file=sys.stderr, flush=True)
            try:
                stop.wait()
            except KeyboardInterrupt:
                pass
    except OSError as exc:
        print(f"kaggle-agent-mcp sandbox: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """Standalone entry (``python -m kaggle_mcp.sandbox.cli``), used until the main CLI wires it in."""
    parser = argparse.ArgumentParser(prog="kaggle-agent-mcp")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    raise SystemExit(main())

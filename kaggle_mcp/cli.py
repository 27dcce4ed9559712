"""`kaggle-agent-mcp`: serve MCP (stdio by default), run the demo, check the set-up, print a context, and
run the sandbox on its own.

Only `demo`, `doctor` and `context` print to stdout; serving stdio keeps stdout for the protocol and logs
to stderr. The flags that shape the server (`--sandbox`, `--read-only`, `--workspace`, `--max-tokens`)
are accepted before any command and after `serve`, and every command decides where requests go the same
way (see `kaggle_mcp.deployment`). Heavy modules are imported inside the command that needs them, so
plain `kaggle-agent-mcp` starts as fast as a bare MCPServer.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from kaggle_mcp import __version__

if TYPE_CHECKING:
    from kaggle_mcp.settings import Settings

#: one call's longest wait over HTTP, where a client that went away cannot be told from one still waiting
HTTP_MAX_WAIT_SECONDS = 120


def _serve_flags(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: a flag given before the command is not overwritten by the command's own default
    parser.add_argument("--sandbox", action="store_true", default=argparse.SUPPRESS,
                        help="run against the embedded Kaggle sandbox instead of kaggle.com")
    parser.add_argument("--read-only", action="store_true", default=argparse.SUPPRESS,
                        help="register no tool that writes to Kaggle")
    parser.add_argument("--workspace", type=Path, default=argparse.SUPPRESS,
                        help="workspace root (default: KAGGLE_MCP_WORKSPACE or the user data dir)")
    parser.add_argument("--max-tokens", type=int, default=argparse.SUPPRESS,
                        help="cap of every answer, in tokens (default 20000)")


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    from kaggle_mcp.commands.context import add_parser as add_context
    from kaggle_mcp.sandbox.cli import add_parser as add_sandbox

    parser = argparse.ArgumentParser(prog="kaggle-agent-mcp", description="Kaggle for LLM agents over MCP. "
                                     "Without a command: serve MCP over stdio.")
    parser.add_argument("--version", action="version", version=f"kaggle-agent-mcp {__version__}")
    _serve_flags(parser)
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="serve MCP over stdio, SSE or streamable HTTP")
    serve.add_argument("--transport", choices=["stdio", "sse", "http"], default="stdio")
    serve.add_argument("--host", default=os.environ.get("KAGGLE_MCP_HOST") or "127.0.0.1",
                       help="HTTP bind address (default KAGGLE_MCP_HOST, else loopback only)")
    serve.add_argument("--port", type=int, default=int(os.environ.get("KAGGLE_MCP_PORT") or 8000),
                       help="HTTP port (default KAGGLE_MCP_PORT, else 8000)")
    serve.add_argument("--allowed-host", action="append", dest="allowed_hosts", metavar="NAME",
                       help="a host name clients reach this server by, besides the bind address (repeatable; "
                            "default KAGGLE_MCP_ALLOWED_HOSTS)")
    serve.add_argument("--insecure-no-auth", action="store_true",
                       help="serve a non-loopback address without KAGGLE_MCP_HTTP_TOKEN (never with the sandbox)")
    serve.add_argument("--multi-user", action="store_true", default=None,
                       help="serve many Kaggle users over HTTP: each request brings its caller's own Kaggle token "
                            "(default KAGGLE_MCP_MULTI_USER)")
    _serve_flags(serve)
    demo = sub.add_parser("demo", help="run the main job on the sandbox through a real MCP session")
    demo.add_argument("--workspace", type=Path, help="keep the demo's files here (default: a temporary directory)")
    sub.add_parser("doctor", help="check credentials (source, never value) and connectivity")
    add_context(sub)
    add_sandbox(sub)
    return parser


def settings_from(args: argparse.Namespace, *, sandbox_fallback: bool) -> Settings:
    """The settings every command acts with: the environment, then the flags."""
    from kaggle_mcp.settings import Settings

    return Settings.from_env(sandbox=getattr(args, "sandbox", None) or None,
                             read_only=getattr(args, "read_only", None) or None,
                             workspace=getattr(args, "workspace", None),
                             max_tokens=getattr(args, "max_tokens", None), sandbox_fallback=sandbox_fallback)


def main(argv: list[str] | None = None) -> int:
    # Start-up builds only long-lived objects (modules, classes, schemas), so the cyclic GC's passes over them
    # while they are built free nothing (under a thousand objects) and cost ~40 ms of a ~0.6 s start. `serve`
    # turns it back on, tuned, once the server is built (settle_garbage_collector); other commands before they run.
    gc.disable()
    try:
        return _command(sys.argv[1:] if argv is None else argv)
    finally:
        gc.enable()  # whatever ended the command (main is also called in-process)


def _command(argv: list[str]) -> int:
    # MCP clients launch the bare command: skip argparse (a few ms of every cold start) when there is nothing to parse.
    args = build_parser().parse_args(argv) if argv else argparse.Namespace(command=None)
    from kaggle_mcp.logs import configure_logging

    configure_logging()
    command = args.command or "serve"
    if command == "serve":
        return serve(args)
    gc.enable()
    if command == "demo":
        from kaggle_mcp.commands.demo import run_demo

        return run_demo(args.workspace, print)
    if command == "doctor":
        from kaggle_mcp.commands.doctor import run_doctor

        return run_doctor(settings_from(args, sandbox_fallback=True), print)
    if command == "context":
        from kaggle_mcp.commands.context import run as run_context

        return run_context(args, settings_from(args, sandbox_fallback=True))
    return int(args.handler(args) or 0)


def serve(args: argparse.Namespace) -> int:
    transport = getattr(args, "transport", "stdio")
    # Only a stdio server, which a newcomer starts first, may fall back to the sandbox: a server that
    # others call must never answer their requests with the sandbox's made-up data.
    settings = settings_from(args, sandbox_fallback=transport == "stdio")
    if getattr(args, "multi_user", None):
        settings = replace(settings, multi_user=True)
    if settings.multi_user and transport != "http":
        print("kaggle-agent-mcp: multi-user mode serves streamable HTTP only (`serve --transport http --multi-user`): stdio has "
              "one user, and an SSE session lives in one process's memory.", file=sys.stderr)
        return 2
    if transport != "stdio" and not os.environ.get("KAGGLE_MCP_MAX_WAIT_SECONDS"):
        settings = replace(settings, max_wait_seconds=HTTP_MAX_WAIT_SECONDS)
    if transport == "stdio":
        from kaggle_mcp.server import build_server

        server = build_server(settings, lazy_tools=True)
        settle_garbage_collector()
        server.run()
        return 0
    host, port = args.host, args.port
    token = os.environ.get("KAGGLE_MCP_HTTP_TOKEN") or None
    import uvicorn

    from kaggle_mcp.web import build_app
    from kaggle_mcp.web.app import ModeConflict
    from kaggle_mcp.web.guards import ExposureRefused

    try:
        app = build_app(settings, host=host, http_token=token, allowed_hosts=args.allowed_hosts,
                        insecure_no_auth=args.insecure_no_auth)
    except (ExposureRefused, ModeConflict) as refused:
        print(f"kaggle-agent-mcp: {refused}", file=sys.stderr)
        return 2
    settle_garbage_collector()
    base = f"http://{host}:{port}"
    if settings.multi_user:
        print(f"kaggle-agent-mcp (http, multi-user): streamable HTTP at {base}/mcp, the web page at {base}/; every "
              "request must carry its caller's own Kaggle token", file=sys.stderr)
    else:
        print(f"kaggle-agent-mcp ({transport}): streamable HTTP at {base}/mcp, SSE at {base}/sse, the web page at "
              f"{base}/{' (bearer token required)' if token else ''}", file=sys.stderr)
    uvicorn.run(app, host=host, port=port, log_level="warning")
    return 0


def settle_garbage_collector() -> None:
    """Tune the cyclic GC for a long-lived server.

    At the default gen-0 threshold (700) a busy server promotes each request's short-lived objects into the
    old generations while the request is still in flight, and full collections then walk every module and
    schema object: measured under 50 concurrent HTTP clients, 1.7 s of each 25 s went to the GC, in pauses
    of up to 90 ms. Freezing what start-up built and collecting gen 0 less often brought that to 0.3 s.
    `main` keeps the GC off until here.
    """
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
    gc.enable()


if __name__ == "__main__":
    raise SystemExit(main())

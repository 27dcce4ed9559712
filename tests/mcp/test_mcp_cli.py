"""The command line: doctor names the credential source (never the value); flags reach the server."""

from __future__ import annotations

import subprocess
import sys

from kaggle_mcp.cli import build_parser


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kaggle_mcp", *args], env=env, capture_output=True, text=True,
                          timeout=120)


def test_doctor_reports_source_and_user_never_the_token(sandbox, subprocess_env):
    from kaggle_mcp.sandbox import SANDBOX_TOKEN

    env = subprocess_env | {"KAGGLE_API_ENDPOINT": sandbox.url, "KAGGLE_API_TOKEN": SANDBOX_TOKEN}
    proc = run(["doctor"], env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "KAGGLE_API_TOKEN environment variable" in proc.stdout
    assert "signed in as sandbox-user" in proc.stdout
    assert SANDBOX_TOKEN not in proc.stdout + proc.stderr


def test_doctor_without_credentials_explains_the_sandbox_fallback(subprocess_env):
    proc = run(["doctor"], subprocess_env)
    assert proc.returncode == 0, proc.stdout + proc.stderr  # the sandbox is a working set-up
    assert "embedded sandbox" in proc.stdout and "KAGGLE_API_TOKEN" in proc.stdout
    assert "anonymous" not in proc.stdout and "signed in as sandbox-user" in proc.stdout


def test_doctor_offline_answers_within_seconds_with_what_it_knows(subprocess_env):
    import time

    from kaggle_mcp.sandbox.harness import free_port

    env = subprocess_env | {"KAGGLE_API_ENDPOINT": f"http://127.0.0.1:{free_port()}",
                            "KAGGLE_API_TOKEN": "KGAT_" + "ab" * 16}
    started = time.monotonic()
    proc = run(["doctor"], env)
    assert time.monotonic() - started < 15  # a process start included; the retries themselves take ~2 s
    assert proc.returncode == 1 and "OFFLINE" in proc.stdout, proc.stdout + proc.stderr
    assert "KAGGLE_API_TOKEN environment variable" in proc.stdout and "workspace:" in proc.stdout
    assert "KGAT_" + "ab" * 16 not in proc.stdout + proc.stderr


def test_doctor_warns_about_a_token_of_the_wrong_shape_without_printing_it(sandbox, subprocess_env):
    env = subprocess_env | {"KAGGLE_API_ENDPOINT": sandbox.url, "KAGGLE_API_TOKEN": "not-a-kaggle-token-123"}
    proc = run(["doctor"], env)
    assert "does not look like a Kaggle API token" in proc.stdout
    assert "not-a-kaggle-token-123" not in proc.stdout + proc.stderr


def test_serve_flags_parse_at_top_level_and_under_serve():
    top = build_parser().parse_args(["--read-only", "--sandbox"])
    assert top.command is None and top.read_only and top.sandbox
    serve = build_parser().parse_args(["serve", "--transport", "http", "--port", "9000", "--workspace", "/w"])
    assert (serve.transport, serve.host, serve.port, str(serve.workspace)) == ("http", "127.0.0.1", 9000, "/w")
    assert not hasattr(serve, "read_only")


def test_context_subcommand_is_delegated(sandbox, subprocess_env, tmp_path):
    from kaggle_mcp.sandbox import SANDBOX_TOKEN

    env = subprocess_env | {"KAGGLE_API_ENDPOINT": sandbox.url, "KAGGLE_API_TOKEN": SANDBOX_TOKEN,
                            "KAGGLE_MCP_CACHE_DIR": str(tmp_path / "cache")}
    proc = run(["context", "titanic", "--top-notebooks", "1", "--max-tokens", "2000"], env)
    assert proc.returncode == 0, proc.stderr
    assert "competition:" in proc.stdout and "titanic" in proc.stdout


def test_sandbox_subcommand_is_delegated(subprocess_env):
    proc = run(["sandbox", "--help"], subprocess_env)
    assert proc.returncode == 0 and "--faults" in proc.stdout


def test_top_level_flags_reach_every_command(subprocess_env, tmp_path):
    env = subprocess_env | {"KAGGLE_MCP_CACHE_DIR": str(tmp_path / "cache")}
    proc = run(["--sandbox", "context", "titanic", "--top-notebooks", "1", "--max-tokens", "2000"], env)
    assert proc.returncode == 0, proc.stderr
    assert "competition:" in proc.stdout and "titanic" in proc.stdout
    args = build_parser().parse_args(["--read-only", "sandbox", "--port", "0"])
    assert args.command == "sandbox" and args.read_only and args.port == 0


def test_context_without_credentials_uses_the_sandbox_like_stdio(subprocess_env, tmp_path):
    env = subprocess_env | {"KAGGLE_MCP_CACHE_DIR": str(tmp_path / "cache")}
    proc = run(["context", "titanic", "--top-notebooks", "0", "--max-tokens", "2000"], env)
    assert proc.returncode == 0, proc.stderr
    assert "title: Titanic" in proc.stdout and "embedded sandbox" in proc.stderr


def test_serve_refuses_an_open_non_loopback_bind_before_listening(sandbox, subprocess_env):
    """Security finding 8: `--host 0.0.0.0` without KAGGLE_MCP_HTTP_TOKEN used only to warn. The process now
    exits 2 at once, naming the fix; with the sandbox not even --insecure-no-auth lifts it."""
    from kaggle_mcp.sandbox import SANDBOX_TOKEN

    env = subprocess_env | {"KAGGLE_API_ENDPOINT": sandbox.url, "KAGGLE_API_TOKEN": SANDBOX_TOKEN}
    env.pop("KAGGLE_MCP_HTTP_TOKEN", None)
    refused = run(["serve", "--transport", "http", "--host", "0.0.0.0", "--port", "0"], env)
    assert refused.returncode == 2 and "KAGGLE_MCP_HTTP_TOKEN" in refused.stderr, refused.stderr
    sandboxed = run(["--sandbox", "serve", "--transport", "http", "--host", "0.0.0.0", "--port", "0",
                     "--insecure-no-auth"], subprocess_env)
    assert sandboxed.returncode == 2 and "sandbox" in sandboxed.stderr, sandboxed.stderr
    assert refused.stdout == sandboxed.stdout == ""


def test_the_garbage_collector_is_on_again_after_start_up():
    """main() keeps the GC off while start-up builds modules and schemas; whatever the command, it is on
    again afterwards, and a built server runs with it on and tuned."""
    import gc

    import pytest

    from kaggle_mcp.cli import main, settle_garbage_collector

    before = gc.get_threshold()
    with pytest.raises(SystemExit):
        main(["--version"])  # argparse ends this one by raising
    assert gc.isenabled()
    gc.disable()
    try:
        settle_garbage_collector()
        assert gc.isenabled() and gc.get_threshold()[0] == 10_000
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
        gc.enable()

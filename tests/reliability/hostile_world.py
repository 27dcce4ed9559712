"""The hostile sandbox for the reliability tests (the server subprocess helpers are kaggle_mcp.sandbox.harness)."""

from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def hostile_sandbox(monkeypatch=None):
    """SandboxSettings(hostile=True): hostile.py's escaping names plus hostile_content.py's answers."""
    from kaggle_mcp.sandbox import SandboxSettings, serve_in_thread

    with serve_in_thread(SandboxSettings(seed=0, hostile=True), host="127.0.0.1", port=0) as sb:
        yield sb

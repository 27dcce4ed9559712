"""``kaggle-agent-mcp sandbox``: ready in under a second, URL on stderr, nothing on stdout."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time

import httpx

from kaggle_mcp.sandbox import user_key, user_token


def test_standalone_sandbox_prints_its_url_and_serves(tmp_path):
    began = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "kaggle_mcp.sandbox.cli", "sandbox", "--port", "0", "--seed", "3",
                             "--latency-ms", "1", "--faults", "429=0", "--data-dir", str(tmp_path / "d")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = None
        seen = []
        while url is None:
            line = proc.stderr.readline()
            assert line, "".join(seen)
            seen.append(line)
            match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
            url = match.group(1) if match else None
        ready = time.monotonic() - began
        assert ready < 3.0   # under a second on a quiet machine; the margin is for loaded CI runners
        assert httpx.get(url).json()["sandbox"] == "kaggle-agent-mcp"
        rest = proc.stderr.readline() + proc.stderr.readline()
        assert "run on THIS machine" in "".join(seen) + rest
        users = "".join(proc.stderr.readline() for _ in range(8))  # the heading, then one line per seeded user
        assert f"alice            token {user_token('alice')}  key {user_key('alice')}" in users
    finally:
        proc.send_signal(signal.SIGTERM)
        stdout, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0
    assert stdout == ""


def test_bad_fault_spec_is_a_usage_error():
    result = subprocess.run([sys.executable, "-m", "kaggle_mcp.sandbox.cli", "sandbox", "--faults", "nope=1"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and "bad --faults" in result.stderr and result.stdout == ""

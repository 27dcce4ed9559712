"""``kaggle kernels logs -f``: the CLI follows the sandbox's log stream (SSE while running, JSON when done)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.conformance

SLOW = "import time\nfor i in range(4):\n    print('step', i, flush=True)\n    time.sleep(0.6)\n"


def test_follow_logs_of_a_running_kernel(run_kaggle, sandbox, tmp_path: Path):
    folder = tmp_path / "slow"
    folder.mkdir()
    (folder / "s.py").write_text(SLOW)
    (folder / "kernel-metadata.json").write_text(json.dumps({
        "id": "sandbox-user/titanic-followed-logs", "title": "Followed logs", "code_file": "s.py",
        "language": "python", "kernel_type": "script", "competition_sources": ["titanic"]}))
    pushed = run_kaggle("kernels", "push", "-p", str(folder))
    assert pushed.returncode == 0 and "successfully pushed" in pushed.stdout, pushed.stderr
    before = sandbox.call_counts["GET /kernels/logs/stream"]
    followed = run_kaggle("kernels", "logs", "sandbox-user/titanic-followed-logs", "-f", timeout=60)
    assert followed.returncode == 0, followed.stderr
    assert [line for line in followed.stdout.splitlines() if line.startswith("step")] == \
        ["step 0", "step 1", "step 2", "step 3"]
    assert sandbox.call_counts["GET /kernels/logs/stream"] >= before + 1
    status = run_kaggle("kernels", "status", "sandbox-user/titanic-followed-logs")
    assert "KernelWorkerStatus.COMPLETE" in status.stdout

"""Reading what the official CLI printed: exit status with its output on failure, and its CSV tables."""

from __future__ import annotations

import csv
import io


def ok(result) -> str:
    assert result.returncode == 0, f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    return result.stdout


def rows(stdout: str) -> list[dict[str, str]]:
    """The CLI's ``-v`` (CSV) output as dicts (the ``Next Page Token = ...`` line it prints first is dropped)."""
    lines = [line for line in stdout.splitlines() if not line.startswith("Next Page Token = ")]
    return list(csv.DictReader(io.StringIO("\n".join(lines))))

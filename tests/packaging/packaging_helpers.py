"""Artifacts and the venvs they are installed in, for the packaging tests (not fixtures: see conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Artifacts:
    wheel: Path
    sdist: Path


@dataclass(frozen=True)
class Installed:
    """A venv holding one artifact; `bin` has its `kaggle-agent-mcp` and `python`."""

    venv: Path

    @property
    def bin(self) -> Path:
        return self.venv / "bin"

    def env(self, tmp: Path, **extra: str) -> dict[str, str]:
        """A user's environment: this venv first on PATH, no Kaggle credentials, no checkout on sys.path, and
        a workspace and cache of the test's own."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("KAGGLE") and k != "PYTHONPATH"}
        env["PATH"] = f"{self.bin}{os.pathsep}{env.get('PATH', '')}"
        env.update(KAGGLE_MCP_WORKSPACE=str(tmp / "workspace"), KAGGLE_MCP_CACHE_DIR=str(tmp / "cache"), **extra)
        return env


def run(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None,
        timeout: float = 600) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{' '.join(map(str, args))} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def install(artifact: Path, venv: Path) -> Installed:
    run(sys.executable, "-m", "venv", venv)
    run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", artifact, cwd=venv)  # not from the checkout
    return Installed(venv)

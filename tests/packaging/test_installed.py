"""The sdist and the wheel, each installed into a fresh venv, work as a user meets them: `--version`, the demo
(which starts the sandbox, its seeded world and its kernel runner from the installed files) and an MCP
`tools/list` over stdio; and `uvx --from <wheel>` runs the demo, as registries launch us."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from mcp import Client, StdioServerParameters
from packaging_helpers import ROOT, run

pytestmark = pytest.mark.slow
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
DEMO_DONE = "Done in 4 tool calls."


@pytest.fixture(params=["wheel", "sdist"])
def installed(request):
    return request.getfixturevalue(f"installed_{request.param}")


def test_the_package_runs_from_the_venv_not_the_checkout(installed, tmp_path):
    where = run(installed.bin / "python", "-c", "import kaggle_mcp; print(kaggle_mcp.__file__)", cwd=tmp_path,
                env=installed.env(tmp_path)).stdout.strip()
    assert where.startswith(str(installed.venv)) and "site-packages" in where


def test_version(installed, tmp_path):
    out = run(installed.bin / "kaggle-agent-mcp", "--version", env=installed.env(tmp_path)).stdout
    assert out.strip() == f"kaggle-agent-mcp {VERSION}"


def test_demo(installed, tmp_path):
    out = run(installed.bin / "kaggle-agent-mcp", "demo", cwd=tmp_path, env=installed.env(tmp_path), timeout=300).stdout
    assert "[4/4] submit_to_competition(" in out and DEMO_DONE in out


@pytest.mark.anyio
async def test_tools_list_over_stdio_matches_the_checkout(installed, tmp_path):
    env = installed.env(tmp_path, KAGGLE_MCP_SANDBOX="1")
    async with Client(StdioServerParameters(command=str(installed.bin / "kaggle-agent-mcp"), env=env)) as client:
        shipped = {t.name: t.description for t in (await client.list_tools()).tools}
        prompts = [p.name for p in (await client.list_prompts()).prompts]
    checkout_env = env | {"PYTHONPATH": str(ROOT)}
    async with Client(StdioServerParameters(command=sys.executable, args=["-m", "kaggle_mcp"], env=checkout_env)) as client:
        source = {t.name: t.description for t in (await client.list_tools()).tools}
    assert shipped == source and len(shipped) >= 17
    assert prompts == ["competition_kickoff"]


def test_the_wheel_carries_the_page_and_the_sandbox(artifacts):
    names = set(zipfile.ZipFile(artifacts.wheel).namelist())
    for shipped in ("kaggle_mcp/web/static/index.html", "kaggle_mcp/web/static/page.js", "kaggle_mcp/web/static/page.css",
                    "kaggle_mcp/web/static/icon.png", "kaggle_mcp/sandbox/seed_titanic.py",
                    "kaggle_mcp/sandbox/notebook_driver.py", "kaggle_mcp/sandbox/runner.py"):
        assert shipped in names
    assert not [n for n in names if n.startswith("tests/") or "__pycache__" in n]


def test_uvx_runs_the_demo_from_the_wheel(artifacts, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAGGLE")}
    # uv may use any Python it finds but must not download one; its cache under HOME stays warm across runs
    env |= {"UV_PYTHON_DOWNLOADS": "never", "KAGGLE_MCP_CACHE_DIR": str(tmp_path / "cache")}
    uvx = Path(sys.executable).parent / "uvx"  # installed with uv by the test extra
    proc = subprocess.run([str(uvx), "--python", sys.executable, "--from", str(artifacts.wheel), "kaggle-agent-mcp", "demo"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert DEMO_DONE in proc.stdout

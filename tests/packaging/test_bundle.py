"""The Claude Desktop bundle: built by scripts/build_bundle.py with the official MCPB CLI, validated by it,
unpacked by it, then started the way a host starts it (the manifest's command, args and env with the user's
settings substituted by the mcpb package's own getMcpConfigForManifest) and spoken to over stdio."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from mcp import Client, StdioServerParameters
from packaging_helpers import ROOT, run

pytestmark = [pytest.mark.slow, pytest.mark.anyio]
MCPB_PACKAGE = ROOT / ".ci" / "node" / "node_modules" / "@anthropic-ai" / "mcpb"
MCPB = ROOT / ".ci" / "node" / "node_modules" / ".bin" / "mcpb"
HOST_CONFIG = Path(__file__).with_name("host_config.mjs")
WRITE_TOOLS = {"push_notebook", "publish_dataset", "submit_to_competition", "cancel_notebook_run"}


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    if not MCPB.exists() or shutil.which("node") is None:
        pytest.skip("the MCPB CLI is not installed (.ci/run installs it under .ci/node)")
    out = tmp_path_factory.mktemp("bundle")
    run(sys.executable, ROOT / "scripts" / "build_bundle.py", "--outdir", out, timeout=600)
    (built,) = out.glob("*.mcpb")
    return built


@pytest.fixture(scope="module")
def unpacked(bundle, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("installed") / "kaggle-agent-mcp"
    run(MCPB, "unpack", bundle, target)
    return target


def host_launch(bundle_dir: Path, user_config: dict) -> StdioServerParameters:
    """What the host runs: mcp_config resolved by mcpb itself, with the environment the host passes on."""
    config = json.loads(run("node", HOST_CONFIG, MCPB_PACKAGE, bundle_dir, json.dumps(user_config)).stdout)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAGGLE") and k != "PYTHONPATH"}
    # the host brings its own uv; here it is the test extra's. It may use an installed Python, never download one.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["UV_PYTHON_DOWNLOADS"] = "never"
    env["KAGGLE_MCP_CACHE_DIR"] = str(bundle_dir.parent / "cache")
    return StdioServerParameters(command=config["command"], args=config["args"], env=env | config["env"])


def test_the_official_cli_validates_the_bundle(bundle, unpacked):
    assert "passes" in run(MCPB, "validate", unpacked / "manifest.json").stdout
    info = run(MCPB, "info", bundle).stdout
    assert "kaggle-agent-mcp" in info
    assert bundle.stat().st_size < 1024 * 1024  # the wheel and a lock: dependencies come from PyPI at install
    assert {p.name for p in unpacked.iterdir()} >= {"manifest.json", "icon.png", "server.py", "pyproject.toml",
                                                   "uv.lock", "wheels"}


async def test_started_as_a_host_does_it_lists_what_the_manifest_declares(unpacked):
    manifest = json.loads((unpacked / "manifest.json").read_text())
    launch = host_launch(unpacked, {"kaggle_api_token": "", "workspace": "", "read_only": False})
    assert launch.command == "uv" and launch.env["KAGGLE_API_TOKEN"] == ""  # empty: the sandbox
    async with Client(launch) as client:
        tools = [{"name": t.name, "description": t.description} for t in (await client.list_tools()).tools]
        prompts = (await client.list_prompts()).prompts
        kickoff = await client.get_prompt("competition_kickoff", {"competition": "titanic"})
        me = (await client.call_tool("whoami", {})).structured_content
    assert tools == manifest["tools"], "bundle/manifest.json drifted: run scripts/build_bundle.py --update-manifest"
    assert [p.name for p in prompts] == [p["name"] for p in manifest["prompts"]]
    (declared,) = manifest["prompts"]
    assert kickoff.messages[0].content.text == declared["text"].replace("${arguments.competition}", "titanic")
    assert me["sandbox"] is True and me["read_only"] is False


async def test_user_config_reaches_the_server(unpacked, tmp_path):
    workspace = tmp_path / "my kaggle work"  # a folder picked in the host's directory picker
    launch = host_launch(unpacked, {"kaggle_api_token": "", "workspace": str(workspace), "read_only": True})
    async with Client(launch) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        me = (await client.call_tool("whoami", {})).structured_content
    assert not names & WRITE_TOOLS and len(names) >= 14
    assert me["read_only"] is True and Path(me["workspace"]) == workspace.resolve()


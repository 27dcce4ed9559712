"""Build the Claude Desktop bundle (MCPB) with the official CLI: dist/kaggle-agent-mcp-<version>.mcpb.

    python scripts/build_bundle.py                     # build, validate and pack
    python scripts/build_bundle.py --update-manifest   # first rewrite bundle/manifest.json from the server

The bundle uses MCPB's `uv` server type: it carries the project's wheel and a pyproject.toml (with its
uv.lock) whose one dependency is that wheel, and the host runs `uv run` on it, so it works wherever the
host can run uv, whatever the user's Python. `--update-manifest` takes the version from pyproject.toml and
the tools and prompts from the server's own `tools/list` and `prompts/list` (a real stdio session), so the
manifest never describes a server that does not exist; a test launches the bundle and compares the two.

Needs `build` and `uv` (the test extra) and the MCPB CLI (`npm install --prefix .ci/node
@anthropic-ai/mcpb@2.1.2`, which .ci/run does).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "bundle"
MANIFEST = BUNDLE / "manifest.json"
ICON = ROOT / "kaggle_mcp" / "web" / "static" / "icon.png"
MCPB = ROOT / ".ci" / "node" / "node_modules" / ".bin" / "mcpb"


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def run(*args: str | Path, cwd: Path | None = None) -> str:
    proc = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, args))} failed:\n{proc.stdout}{proc.stderr}")
    return proc.stdout


async def server_catalog() -> tuple[list[dict], list[dict]]:
    """The tools and prompts of `python -m kaggle_mcp` (this checkout) as the manifest lists them. A prompt's
    text is the server's own, rendered with `${arguments.NAME}` placeholders for the host to fill in."""
    from mcp import Client, StdioServerParameters

    with tempfile.TemporaryDirectory() as cache:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KAGGLE")}
        env |= {"KAGGLE_MCP_SANDBOX": "1", "KAGGLE_MCP_CACHE_DIR": cache, "PYTHONPATH": str(ROOT)}
        params = StdioServerParameters(command=sys.executable, args=["-m", "kaggle_mcp"], env=env)
        async with Client(params) as client:
            tools = [{"name": t.name, "description": t.description or ""} for t in (await client.list_tools()).tools]
            prompts = []
            for prompt in (await client.list_prompts()).prompts:
                names = [a.name for a in prompt.arguments or []]
                rendered = await client.get_prompt(prompt.name, {n: f"${{arguments.{n}}}" for n in names})
                text = "\n\n".join(m.content.text for m in rendered.messages if hasattr(m.content, "text"))
                prompts.append({"name": prompt.name, "description": prompt.description or "", "arguments": names,
                                "text": text})
    return tools, prompts


def update_manifest() -> None:
    import anyio

    manifest = json.loads(MANIFEST.read_text())
    manifest["version"] = project()["version"]
    manifest["tools"], manifest["prompts"] = anyio.run(server_catalog)
    temp = MANIFEST.with_suffix(".json.tmp")
    temp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    temp.replace(MANIFEST)


def stage(directory: Path, wheel: Path) -> None:
    """manifest.json, icon.png, server.py, wheels/<wheel>, and a locked project that depends on that wheel."""
    meta = project()
    shutil.copy2(MANIFEST, directory / "manifest.json")
    shutil.copy2(ICON, directory / "icon.png")
    shutil.copy2(BUNDLE / "server.py", directory / "server.py")
    (directory / "wheels").mkdir()
    shutil.copy2(wheel, directory / "wheels" / wheel.name)
    (directory / "pyproject.toml").write_text(
        f'[project]\nname = "{meta["name"]}-bundle"\nversion = "{meta["version"]}"\n'
        f'requires-python = "{meta["requires-python"]}"\ndependencies = ["{meta["name"]}=={meta["version"]}"]\n\n'
        f'[tool.uv]\npackage = false\n\n'
        f'[tool.uv.sources]\n{meta["name"]} = {{ path = "wheels/{wheel.name}" }}\n')
    run(sys.executable, "-m", "uv", "lock", "--quiet", "--project", directory)


def build(outdir: Path) -> Path:
    if not MCPB.exists():
        raise SystemExit(f"{MCPB} is missing: npm install --prefix .ci/node @anthropic-ai/mcpb@2.1.2")
    version = project()["version"]
    if json.loads(MANIFEST.read_text())["version"] != version:
        raise SystemExit(f"bundle/manifest.json is not at version {version}: run {Path(__file__).name} --update-manifest")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temp:
        wheels, staging = Path(temp) / "wheels", Path(temp) / "bundle"
        run(sys.executable, "-m", "build", "--wheel", "--outdir", wheels, ROOT)
        (wheel,) = wheels.glob("*.whl")
        staging.mkdir()
        stage(staging, wheel)
        run(MCPB, "validate", staging / "manifest.json")
        target = outdir / f"{project()['name']}-{version}.mcpb"
        run(MCPB, "pack", staging, target)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outdir", type=Path, default=ROOT / "dist", help="where the .mcpb goes (default dist/)")
    parser.add_argument("--update-manifest", action="store_true",
                        help="first rewrite bundle/manifest.json's version, tools and prompts from the server")
    args = parser.parse_args()
    if args.update_manifest:
        update_manifest()
    target = build(args.outdir)
    print(f"{target} ({target.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()

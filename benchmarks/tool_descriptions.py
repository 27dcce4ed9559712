"""Tokens (o200k, bpe-openai) of every tool's model-visible description: what a client puts in the model's
context for each tool on every turn, so every token here is paid again and again.

Measured per tool as compact JSON of its name, description and input schema (the parts of `tools/list`
a client passes to the model), for the full server (read-only mode lists fewer tools). Target: <= 6,500
tokens for all tools together.

    .venv/bin/python benchmarks/tool_descriptions.py
"""

from __future__ import annotations

import json
import sys
import tempfile
import warnings
from pathlib import Path

import anyio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TARGET = 6500


def visible(tool) -> str:
    return json.dumps({"name": tool.name, "description": tool.description, "inputSchema": tool.input_schema},
                      separators=(",", ":"), ensure_ascii=False)


async def main() -> int:
    from kaggle_mcp.server import build_server
    from kaggle_mcp.settings import Settings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from bpe_openai import get_encoding
    encoding = get_encoding("o200k_base")
    with tempfile.TemporaryDirectory() as tmp:
        tools = await build_server(Settings(workspace=Path(tmp))).list_tools()
    sizes = [(tool.name, len(tool.input_schema.get("properties", {})), len(encoding.encode(visible(tool))))
             for tool in tools]
    print(f"{'tool':28} {'params':>6} {'tokens':>7}")
    for name, params, tokens in sizes:
        print(f"{name:28} {params:6} {tokens:7}")
    total = sum(tokens for _, _, tokens in sizes)
    print(f"{len(sizes)} tools, {sum(p for _, p, _ in sizes)} parameters: {total:,} tokens "
          f"(target <= {TARGET:,}: {'met' if total <= TARGET else 'MISSED'})")
    return 0 if total <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(anyio.run(main))

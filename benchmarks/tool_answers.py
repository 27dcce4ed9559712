"""What the forum, model, lookup and run-control tools answer on the sandbox: one example call each, with
the o200k tokens (bpe-openai) of the text the model reads and of the structured twin beside it.

The calls go through the MCP SDK's client to an in-process server aimed at a sandbox on 127.0.0.1, with the
default answer cap (20,000 tokens); each answer must stay under it.

    .venv/bin/python benchmarks/tool_answers.py
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import warnings
from pathlib import Path

import anyio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CALLS = [
    ("list_discussions", {"competition": "titanic"}),
    ("list_discussions", {"competition": "house-prices-2019", "solutions_only": True}),
    ("read_discussion", {"topic": 960691}),
    ("read_discussion", {"topic": "<the 340-comment titanic thread>", "max_tokens": 8000}),
    ("search_models", {"framework": "pyTorch"}),
    ("get_model", {"model": "carol/olympiad-solver"}),
    ("list_model_files", {"model": "carol/olympiad-solver/transformers/7b-instruct"}),
    ("download_model", {"model": "kaggle-sandbox/tiny-bert/tensorFlow2/tiny"}),
    ("get_dataset_info", {"dataset": "erin/store-sales-formats"}),
    ("preview_file", {"competition": "titanic", "file": "train.csv"}),
    ("preview_file", {"dataset": "erin/store-sales-formats", "file": "sales.parquet"}),
    ("search_kaggle", {"query": "titanic"}),
    ("push_notebook", {"title": "Answer size baseline", "wait_seconds": 120, "competition_sources": ["titanic"],
                       "source": "import csv\nrows = list(csv.DictReader(open('/kaggle/input/titanic/test.csv')))\n"
                                 "with open('/kaggle/working/submission.csv', 'w') as out:\n"
                                 "    out.write('PassengerId,Survived\\n' + ''.join(f\"{r['PassengerId']},0\\n\" for r in rows))\n"
                                 "print(len(rows), 'rows')\n"}),
    ("push_notebook", {"title": "Answer size long run", "source": "import time\ntime.sleep(300)\n", "wait_seconds": 2}),
    ("cancel_notebook_run", {"notebook": "answer-size-long-run"}),
]


async def run(url: str, token: str, workspace: Path) -> None:
    from mcp import Client

    from kaggle_mcp.server import build_server
    from kaggle_mcp.settings import Settings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from bpe_openai import get_encoding
    encoding = get_encoding("o200k_base")
    server = build_server(Settings(workspace=workspace, endpoint=url, token=token, sandbox_fallback=False))
    async with Client(server) as client:
        longest = await client.call_tool("list_discussions", {"competition": "titanic", "sort_by": "active"})
        thread = longest.structured_content["topics"][0]["id"]
        print(f"{'call':100} {'text':>6} {'twin':>6}")
        for name, args in CALLS:
            args = {k: (thread if v == "<the 340-comment titanic thread>" else v) for k, v in args.items()}
            answer = await client.call_tool(name, args)
            text = "\n".join(getattr(block, "text", "") for block in answer.content)
            twin = json.dumps(answer.structured_content, separators=(",", ":"), ensure_ascii=False)
            shown = json.dumps(args, ensure_ascii=False)
            call = f"{name}({shown if len(shown) < 80 else shown[:76] + '...}'})"
            run = (answer.structured_content or {}).get("run") or {}
            flag = " ERROR" if answer.is_error else f" (run {run['status']})" if run else ""
            print(f"{call:100} {len(encoding.encode(text)):6,} {len(encoding.encode(twin)):6,}{flag}")


def main() -> None:
    from kaggle_mcp.sandbox import SANDBOX_TOKEN, SandboxSettings, serve_in_thread

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["KAGGLE_MCP_CACHE_DIR"] = str(Path(tmp) / "cache")
        with serve_in_thread(SandboxSettings(seed=0), host="127.0.0.1", port=0) as sandbox:
            anyio.run(run, sandbox.url, SANDBOX_TOKEN, Path(tmp) / "workspace")


if __name__ == "__main__":
    main()

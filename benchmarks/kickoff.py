"""Kickoff to an accepted submission on the sandbox: how many tool calls, and how many tokens of tool output.

Runs exactly what `kaggle-agent-mcp demo` runs (`kaggle_mcp.commands.demo.kickoff`): a stdio server on the
embedded sandbox, driven by the MCP SDK's client through search_competitions -> get_competition_context
-> push_notebook(wait_seconds=...) -> submit_to_competition, all with the arguments an agent would use
(the context at its default budget). Counts o200k tokens (bpe-openai) of the text each answer gives the
model, and of its structured twin beside it (compact JSON; clients show the model one or the other).
Targets: <= 4 calls, <= 12,000 tokens of text.

    .venv/bin/python benchmarks/kickoff.py
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
MAX_CALLS, MAX_TOKENS = 4, 12_000


def main() -> int:
    from kaggle_mcp.commands.demo import kickoff

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from bpe_openai import get_encoding
    encoding = get_encoding("o200k_base")
    with tempfile.TemporaryDirectory() as tmp:
        calls = anyio.run(kickoff, Path(tmp), lambda line: None)
    print(f"{'call':28} {'text':>7} {'structured':>11}")
    text_total = structured_total = 0
    for call in calls:
        text = len(encoding.encode(call.text))
        structured = len(encoding.encode(json.dumps(call.result.structured_content, separators=(",", ":"),
                                                    ensure_ascii=False)))
        text_total, structured_total = text_total + text, structured_total + structured
        print(f"{call.tool:28} {text:7,} {structured:11,}")
    submitted = calls[-1].result.structured_content or {}
    accepted = submitted.get("status") == "COMPLETE"
    print(f"{len(calls)} calls (target <= {MAX_CALLS}), {text_total:,} tokens of text (target <= {MAX_TOKENS:,}), "
          f"{structured_total:,} of structured twins; submission {submitted.get('status')}, "
          f"public score {submitted.get('public_score')}")
    return 0 if accepted and len(calls) <= MAX_CALLS and text_total <= MAX_TOKENS else 1


if __name__ == "__main__":
    raise SystemExit(main())

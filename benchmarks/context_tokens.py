"""Tokens (o200k, bpe-openai) of the competition context: TOON vs the same data as compact JSON.

Three measurements, printed as ratios from this one run:

1. the tabular sections of each sandbox competition's context (files, schemas, leaderboard,
   discussions: the sections made of uniform rows): TOON vs UTF-8 compact JSON (`ensure_ascii=False`, no spaces); target >= 30%
   fewer tokens;
2. the whole context, same comparison (reported; notebook code is mostly string content, which
   both formats escape alike, so the gain there is small — DESIGN §3);
3. every notebook in ../shared/corpus/notebooks: cleaned (render_cells, no budget) vs the raw
   .ipynb; target >= 95% fewer in total (skipped when the corpus is absent).

    .venv/bin/python benchmarks/context_tokens.py [--max-tokens 12000] [--top-notebooks 5]
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import tempfile
import warnings
from pathlib import Path

import anyio

from kaggle_mcp.context.encode import decode_context, encode_context

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "notebooks"
TABULAR = ("files", "schemas", "leaderboard", "discussions")
COMPETITIONS = ("titanic", "house-prices-2019", "retail-demand-forecast", "ai-math-olympiad-sandbox")


def o200k():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from bpe_openai import get_encoding

        encoding = get_encoding("o200k_base")

    def count(text: str) -> int:  # bpe-openai refuses one input over 200k tokens: count in chunks
        return sum(len(encoding.encode(text[i : i + 100_000])) for i in range(0, len(text), 100_000))

    return count


def compact_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


async def build_contexts(top_notebooks: int, max_tokens: int) -> dict[str, dict]:
    from kaggle_mcp.context import ContextService, SqliteStore
    from kaggle_mcp.kaggle import ClientSettings, Credentials, KaggleClient
    from kaggle_mcp.sandbox import SandboxSettings, serve_in_thread

    contexts = {}
    with tempfile.TemporaryDirectory() as tmp, serve_in_thread(SandboxSettings(seed=0), port=0) as sb:
        for slug in COMPETITIONS:  # schemas need the rules accepted (a browser click on Kaggle)
            sb.state.accept_rules("sandbox-user", slug)
        token = Credentials.token("KGAT_" + secrets.token_hex(16))
        store = SqliteStore(Path(tmp) / "context.sqlite3")
        async with KaggleClient(ClientSettings(endpoint=sb.url), token) as kc:
            service = ContextService(kc, store)
            for slug in COMPETITIONS:
                result = await service.get(slug, top_notebooks=top_notebooks, max_tokens=max_tokens)
                assert decode_context(result.toon) == result.data
                contexts[slug] = result.data
        store.close()
    return contexts


def pct_fewer(toon: int, other: int) -> str:
    return f"{(1 - toon / other) * 100:5.1f}% fewer" if other else "n/a"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-tokens", type=int, default=12000)
    parser.add_argument("--top-notebooks", type=int, default=5)
    args = parser.parse_args()
    count = o200k()
    contexts = anyio.run(build_contexts, args.top_notebooks, args.max_tokens)

    print(f"context (top_notebooks={args.top_notebooks}, max_tokens={args.max_tokens}), o200k tokens")
    print(f"{'competition':28} {'tabular TOON':>12} {'JSON':>7} {'':14} {'whole TOON':>10} {'JSON':>7}")
    tab_toon = tab_json = all_toon = all_json = 0
    for slug, data in contexts.items():
        tabular = {k: data[k] for k in TABULAR if k in data}
        t_toon, t_json = count(encode_context(tabular)), count(compact_json(tabular))
        w_toon, w_json = count(encode_context(data)), count(compact_json(data))
        tab_toon, tab_json, all_toon, all_json = tab_toon + t_toon, tab_json + t_json, all_toon + w_toon, all_json + w_json
        print(f"{slug:28} {t_toon:12,} {t_json:7,} {pct_fewer(t_toon, t_json):14} {w_toon:10,} {w_json:7,}  {pct_fewer(w_toon, w_json)}")
    print(f"{'total':28} {tab_toon:12,} {tab_json:7,} {pct_fewer(tab_toon, tab_json):14} {all_toon:10,} {all_json:7,}  {pct_fewer(all_toon, all_json)}")
    tabular_ok = tab_toon <= 0.7 * tab_json
    print(f"tabular sections: TOON/JSON = {tab_toon / tab_json:.3f} (target <= 0.70) {'PASS' if tabular_ok else 'FAIL'}")
    print(f"whole context:    TOON/JSON = {all_toon / all_json:.3f} (reported)")
    estimated = sum(d["stats"]["tokens_estimated"] for d in contexts.values())
    print(f"run-time estimator: {estimated:,} estimated vs {all_toon:,} o200k ({estimated / all_toon:.3f}x; "
          f"every context within max_tokens={args.max_tokens}: "
          f"{all(count(encode_context(d)) <= args.max_tokens for d in contexts.values())})")  # fmt: skip

    if not CORPUS.is_dir():
        print(f"notebook corpus: skipped ({CORPUS} is absent)")
        return 0 if tabular_ok else 1
    from kaggle_mcp.context.notebooks import clean_notebook, render_cells

    raw_total = clean_total = 0
    print(f"\n{'notebook':64} {'raw .ipynb':>11} {'cleaned':>8}")
    for path in sorted(CORPUS.rglob("*.ipynb")):
        raw = path.read_text(encoding="utf-8")
        cleaned, _ = render_cells(clean_notebook(raw), max_tokens=10**9)
        r, c = count(raw), count(cleaned)
        raw_total, clean_total = raw_total + r, clean_total + c
        print(f"{str(path.relative_to(CORPUS))[:64]:64} {r:11,} {c:8,}")
    notebooks_ok = clean_total <= 0.05 * raw_total
    print(f"{'total':64} {raw_total:11,} {clean_total:8,}")
    print(f"cleaned/raw = {clean_total / raw_total:.4f} ({pct_fewer(clean_total, raw_total).strip()}; target >= 95%) {'PASS' if notebooks_ok else 'FAIL'}")
    return 0 if tabular_ok and notebooks_ok else 1


if __name__ == "__main__":
    sys.exit(main())

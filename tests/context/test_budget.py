"""The budget: respected, cut in the stated order, cuts reported, TOON that decodes to the data."""

from __future__ import annotations

import pytest

from kaggle_mcp.context.encode import decode_context
from kaggle_mcp.context.budget import CUT_ORDER, UNTRUSTED_NOTICE, NotebookDoc, Sections, fit_to_budget
from kaggle_mcp.context.notebooks import CleanCell, clean_notebook
from kaggle_mcp.context.tables import sniff_table


def _sections(corpus, notebooks=True) -> Sections:
    docs = []
    if notebooks:
        for path in sorted((corpus / "notebooks" / "titanic").glob("*.ipynb")):
            ref = path.stem.replace("__", "/")
            docs.append(NotebookDoc({"ref": ref, "title": ref, "votes": 10}, clean_notebook(path.read_text(encoding="utf-8"))))
    page = (corpus / "pages" / "titanic" / "fralfaro__description.md").read_text(encoding="utf-8")
    rules = "\n\n".join(["You may submit at most 10 submissions per day."] + ["Legal boilerplate paragraph. " * 30] * 40)
    train = (corpus / "data" / "titanic" / "train.csv").read_bytes()
    return Sections(
        competition={"slug": "titanic", "title": "Titanic - Machine Learning from Disaster", "teams": 15000},
        pages=[{"name": "description", "text": page}, {"name": "evaluation", "text": "Accuracy."}, {"name": "rules", "text": rules}],
        files=[{"name": f"file_{i}.csv", "bytes": 1000 + i} for i in range(30)],
        schemas=[sniff_table(train[:65536], "train.csv", len(train))],
        leaderboard=[{"rank": i + 1, "team": f"team {i}", "score": 0.9 - i / 1000} for i in range(20)],
        notebooks=docs,
        discussions=[{"title": f"Topic {i}", "votes": 50 - i, "comments": 3, "url": f"https://www.kaggle.com/t/{i}"} for i in range(10)],
        writeups=[{"place": i + 1, "title": f"{i + 1}th place solution", "url": f"https://www.kaggle.com/t/w{i}",
                   "summary": "We stacked gradient-boosted trees on engineered features. " * 4} for i in range(5)],
    )  # fmt: skip


@pytest.mark.parametrize("max_tokens", [60_000, 12_000, 4_000, 1_500])
def test_budget_respected_and_round_trips(corpus, o200k, max_tokens):
    stats = {"max_tokens": max_tokens}
    data, toon = fit_to_budget(_sections(corpus), max_tokens, stats)
    assert decode_context(toon) == data
    assert data["stats"] is stats and stats["tokens_estimated"] <= max_tokens
    assert o200k(toon) <= max_tokens * 1.05  # the estimator errs high; the real count agrees
    assert data["competition"]["title"].startswith("Titanic")  # never cut
    assert data["notice"] == UNTRUSTED_NOTICE


def test_cuts_follow_the_stated_order(corpus):
    previous = -1
    for max_tokens in (60_000, 20_000, 8_000, 3_000, 1_500, 1_000):
        stats = {"max_tokens": max_tokens}
        fit_to_budget(_sections(corpus), max_tokens, stats)
        steps = []
        for cut in stats["truncated"]:
            for i, name in enumerate(CUT_ORDER):
                if cut.startswith(name):
                    steps.append(i)
        # within one context, steps are listed in order (page tails are reported with their pages)
        plan_steps = [s for s in steps if s != CUT_ORDER.index("page tails") and s != CUT_ORDER.index("notebook tails")]
        assert plan_steps == sorted(plan_steps), stats["truncated"]
        deepest = max(steps, default=-1)
        assert deepest >= previous  # a smaller budget never cuts less deeply
        previous = deepest


def test_discussions_go_before_notebooks_are_trimmed(corpus):
    sections = _sections(corpus)
    full = sum(nb.need for nb in sections.notebooks)
    stats = {}
    data, _ = fit_to_budget(sections, full + 1500, stats)
    assert len(data["discussions"]) == 5
    assert stats["truncated"][0] == "discussions beyond the top 5"


def test_each_notebook_gets_its_own_share(corpus):
    stats = {}
    data, _ = fit_to_budget(_sections(corpus), 12_000, stats)
    notebooks = data["notebooks"]
    assert len(notebooks) == 7
    assert all(nb["cells"] for nb in notebooks)  # none starved by a greedy neighbour
    tails = [c for c in stats["truncated"] if c.startswith("notebook tails")]
    assert tails and all(" kept " in c for c in tails)


def test_small_budget_drops_lowest_ranked_notebooks_first(corpus):
    sections = _sections(corpus)
    stats = {}
    data, _ = fit_to_budget(sections, 2_000, stats)
    kept = [nb["ref"] for nb in data["notebooks"]]
    refs = [nb.meta["ref"] for nb in sections.notebooks]
    assert kept == refs[: len(kept)] and len(kept) < len(refs)
    assert "remaining discussions" in stats["truncated"]
    assert any(c.startswith("lowest-ranked notebooks: " + refs[-1]) for c in stats["truncated"])


def test_rules_keep_their_essentials(corpus):
    data, _ = fit_to_budget(_sections(corpus, notebooks=False), 60_000, {})
    rules = next(p for p in data["pages"] if p["name"] == "rules")
    assert "10 submissions per day" in rules["text"]
    assert "Legal boilerplate" not in rules["text"]


def test_failed_sections_are_absent_not_empty():
    sections = Sections(competition={"slug": "x", "title": "X"}, notebooks=[NotebookDoc({"ref": "a/b"}, [CleanCell("code", "print(1)")])])
    data, toon = fit_to_budget(sections, 2_000, {"failed": [{"section": "pages", "error": "ServerError: boom"}]})
    assert "pages" not in data and "files" not in data
    assert data["notebooks"][0]["cells"] == [{"kind": "code", "text": "print(1)"}]
    assert decode_context(toon) == data


def test_write_ups_are_cut_after_discussions_and_before_notebooks(corpus):
    cuts = []
    for max_tokens in (8_000, 3_000, 1_500):
        stats = {"max_tokens": max_tokens}
        data, _ = fit_to_budget(_sections(corpus), max_tokens, stats)
        cuts.append((stats["truncated"], len(data.get("writeups", []))))
    (roomy, kept_roomy), *_, (tight, kept_tight) = cuts
    assert "write-ups beyond the top 3" not in roomy and kept_roomy == 5
    assert "remaining discussions" in tight and kept_tight <= 3
    assert tight.index("remaining discussions") < tight.index("write-ups beyond the top 3")

"""Helpers shared by the reliability tests (not fixtures): answers, actionability, file snapshots."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

BARE_CRASH = re.compile(r"Error executing tool [\w.-]+\.?")
# What the adapter answers when a tool raised something nobody mapped: a crash, whatever words follow it
UNEXPECTED = "failed unexpectedly"
TRACEBACK = "Traceback (most recent call last)"
# Words that tell the model what to do next; an error without one of them is a dead end.
NEXT_STEP = re.compile(r"\b(call|pass|retry|check|use|try|configure|set|run|fix|ask|omit|give|copy|push|"
                       r"fetch|start|wait|make sure|relative to|must be|must have|input should|field required|should be|should have|"
                       r"validation errors? for)\b", re.I)
ALL_READ_TOOLS = ["search_competitions", "get_competition_context", "list_competition_files",
                  "download_competition_data", "get_leaderboard", "list_submissions", "list_notebooks",
                  "read_notebook", "get_notebook_status", "get_notebook_output", "search_datasets",
                  "list_dataset_files", "download_dataset", "whoami", "list_discussions", "read_discussion",
                  "search_models", "get_model", "list_model_files", "download_model", "get_dataset_info",
                  "preview_file", "search_kaggle"]
WRITE_TOOLS = ["submit_to_competition", "push_notebook", "publish_dataset", "cancel_notebook_run"]


def text_of(result) -> str:
    return "\n".join(getattr(block, "text", "") for block in result.content)


def answer_blob(result) -> str:
    """Everything a tool answer carries (text blocks and the structured twin) as one string."""
    return text_of(result) + "\n" + json.dumps(result.structured_content or {}, ensure_ascii=False)


def crash_of(result) -> str | None:
    """Why an answer is a crash, or None. A crash is the SDK's bare "Error executing tool X", the adapter's
    unexpected-failure text, or a traceback, whatever next-step words surround it: 0 of them are allowed."""
    text = text_of(result).strip()
    if BARE_CRASH.fullmatch(text):
        return f"bare crash text: {text!r}"
    if UNEXPECTED in text:
        return f"unexpected failure: {text[:300]!r}"
    if TRACEBACK in text:
        return f"traceback leaked: {text[:300]!r}"
    return None


def actionable_problem(result) -> str | None:
    """Why an error answer is not actionable, or None if it is (or is not an error).

    Actionable, concretely: flagged is_error; not a crash (crash_of); longer than 30 characters; and it
    carries a next-step word (call/pass/retry/check/...) or pydantic's validation wording, which names the
    argument and the constraint.
    """
    if not result.is_error:
        return crash_of(result)
    crash = crash_of(result)
    if crash:
        return crash
    text = text_of(result).strip()
    if len(text) <= 30:
        return f"too short to act on: {text!r}"
    if not NEXT_STEP.search(text):
        return f"no next step in: {text[:300]!r}"
    return None


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_blob(blob) -> str:
    digest = hashlib.sha256()
    for chunk in blob.iter_range(0, blob.size):
        digest.update(chunk)
    return digest.hexdigest()


def tree(root: Path) -> set[str]:
    """Every path under root (files, dirs, symlinks), relative, without following symlinks."""
    out: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in dirnames + filenames:
            out.add(os.path.relpath(os.path.join(dirpath, name), root))
    return out


def partial_files(root: Path) -> list[str]:
    """Leftovers of interrupted transfers: *.part files and their resume markers."""
    return sorted(p for p in tree(root) if p.endswith((".part", ".part.json")) or ".part." in p)


def file_text_blobs(root: Path):
    """(path, bytes) of every regular file under root, for secret searches."""
    for dirpath, _, filenames in os.walk(root):
        for name in filenames:
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                yield path, path.read_bytes()


def every_tool_call(workspace: Path) -> list[tuple[str, dict]]:
    """A success and an error path for each of the 27 tools (files they need are created here)."""
    (workspace / "sub.csv").write_text("PassengerId,Survived\n892,0\n893,1\n")
    (workspace / "bad.csv").write_text("id,label\n1,0\n")
    (workspace / "pub").mkdir(exist_ok=True)
    (workspace / "pub" / "f.csv").write_text("a,b\n1,2\n")
    nb = "alice/titanic-eda-and-first-baseline"
    return [
        ("whoami", {}),
        ("search_competitions", {"query": "titanic"}), ("search_competitions", {"page": 0}),
        ("get_competition_context", {"competition": "titanic", "top_notebooks": 2, "max_tokens": 4000}),
        ("get_competition_context", {"competition": "no-such-competition-xyz"}),
        ("list_competition_files", {"competition": "titanic"}),
        ("list_competition_files", {"competition": "titanic", "cursor": "garbage!!"}),
        ("download_competition_data", {"competition": "titanic", "file": "test.csv"}),
        ("download_competition_data", {"competition": "titanic", "file": "nope.csv"}),
        ("download_competition_data", {"competition": "retail-demand-forecast", "file": "stores.csv"}),
        ("get_leaderboard", {"competition": "titanic", "top": 5}),
        ("get_leaderboard", {"competition": "no-such-competition-xyz"}),
        ("list_submissions", {"competition": "titanic"}),
        ("list_submissions", {"competition": "no-such-competition-xyz"}),
        ("submit_to_competition", {"competition": "titanic", "file": "sub.csv", "message": "canary"}),
        ("submit_to_competition", {"competition": "titanic", "file": "sub.csv", "message": "canary", "confirm": True}),
        ("submit_to_competition", {"competition": "titanic", "file": "bad.csv", "message": "x", "confirm": True}),
        ("submit_to_competition", {"competition": "titanic", "file": "/etc/passwd", "message": "x", "confirm": True}),
        ("list_notebooks", {"competition": "titanic", "page_size": 3}),
        ("list_notebooks", {"sort_by": "relevance"}),
        ("read_notebook", {"notebook": nb, "max_tokens": 1000}),
        ("read_notebook", {"notebook": "nobody/nothing-here"}),
        ("push_notebook", {"title": "Canary Script Run", "source": "print('hello')\n"}),
        ("push_notebook", {"title": "Canary Script Run", "path": "../outside.py"}),
        ("get_notebook_status", {"notebook": nb}),
        ("get_notebook_status", {"notebook": "nobody/nothing-here"}),
        ("get_notebook_output", {"notebook": nb}),
        ("get_notebook_output", {"notebook": "nobody/nothing-here"}),
        ("search_datasets", {"query": "titanic"}),
        ("search_datasets", {"user": "nobody-at-all"}),
        ("list_dataset_files", {"dataset": "alice/titanic-extra-features"}),
        ("list_dataset_files", {"dataset": "nobody/nothing-here"}),
        ("download_dataset", {"dataset": "alice/titanic-extra-features"}),
        ("download_dataset", {"dataset": "nobody/nothing-here"}),
        ("publish_dataset", {"dataset": "canary-data", "paths": ["pub"], "title": "Canary Data Set"}),
        ("publish_dataset", {"dataset": "canary-data", "paths": ["~/.ssh"]}),
        ("list_discussions", {"competition": "titanic"}),
        ("list_discussions", {"competition": "titanic", "dataset": "alice/titanic-extra-features"}),
        ("read_discussion", {"topic": "https://www.kaggle.com/competitions/house-prices-2019/discussion/600001"}),
        ("read_discussion", {"topic": "not a topic"}),
        ("search_models", {"query": "bert"}), ("search_models", {"framework": "cobol"}),
        ("get_model", {"model": "carol/olympiad-solver"}), ("get_model", {"model": "nobody/nothing-here"}),
        ("list_model_files", {"model": "dmitri/retail-lightgbm"}), ("list_model_files", {"model": "carol/olympiad-solver"}),
        ("download_model", {"model": "dmitri/retail-lightgbm", "file": "params.json"}),
        ("download_model", {"model": "dmitri/retail-lightgbm", "file": "../../outside.json"}),
        ("cancel_notebook_run", {"notebook": "canary-script-run"}),
        ("cancel_notebook_run", {"notebook": "nobody/nothing-here"}),
        ("get_dataset_info", {"dataset": "alice/titanic-extra-features"}),
        ("get_dataset_info", {"dataset": "nobody/nothing-here"}),
        ("preview_file", {"competition": "titanic", "file": "train.csv", "rows": 3}),
        ("preview_file", {"competition": "titanic", "file": "nope.csv"}),
        ("search_kaggle", {"query": "titanic"}), ("search_kaggle", {"query": " "}),
    ]

"""Item 3: every tool's arguments fuzzed with hypothesis through an in-process client.

Values come from each tool's own input schema (so a new parameter is fuzzed automatically), mixed with
hostile ones: path traversal, absolute paths, other sites' URLs, NUL and control characters, RTL and
full-width unicode, lone surrogates, 100 kB strings, huge and negative numbers, wrong JSON types,
unknown keys, missing required ones. Zero crashes — no exception escapes the client call, no answer
carries the adapter's unexpected-failure text or a traceback (reliability_helpers.crash_of), and every
error is actionable (reliability_helpers.actionable_problem) — and zero files written outside the
workspace: the test's tmp directory is snapshotted before and after, and every path-like value carries
a marker name searched for under /tmp and HOME afterwards.
"""

from __future__ import annotations

import os
import string

import pytest
from anyio.from_thread import start_blocking_portal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mcp import Client
from reliability_helpers import actionable_problem, crash_of, text_of, tree

from kaggle_mcp.sandbox import SandboxSettings, serve_in_thread

pytestmark = pytest.mark.slow

MARK = "kmcp-fuzz-escape"
HOSTILE = [
    "", " ", "\x00", "titanic\x00", "\n\r\t", "../../" + MARK, "/tmp/" + MARK, "~/" + MARK, "~/.ssh/id_rsa",
    "..\\..\\" + MARK, "C:\\Windows\\" + MARK, "//server/share/" + MARK, "/etc/passwd", "/dev/zero", "/proc/self/environ",
    "file:///etc/passwd", "http://evil.example.com/c/titanic", "https://www.kaggle.com.evil.com/competitions/titanic",
    "https://evil.example.com/code/alice/x", "javascript:alert(1)", "%2e%2e%2f%2e%2e%2f" + MARK,
    "titanic/../../" + MARK, "alice/titanic-eda-and-first-baseline/../../../" + MARK,
    "https://www.kaggle.com/code/alice/../../../" + MARK, "https://www.kaggle.com/competitions/../../" + MARK,
    "titanic\u202e", "ｔｉｔａｎｉｃ", "tit\u0000anic", "🐍" * 50, "\ud800", "a" * 100_000, "{{7*7}}", "${HOME}",
    "'; DROP TABLE jobs; --", "$(touch /tmp/" + MARK + ")", "NUL", "CON", ".", "..", "/", "alice/", "/alice",
    "alice//x", "alice/x/y/z/w", "titanic?x=1#y", "titanic\nGET / HTTP/1.1", "-rf", "--help", "submission.csv",
]
path_like = st.lists(st.sampled_from(["..", ".", "", "~", "etc", "tmp", MARK, MARK + ".csv", "titanic"]),
                     min_size=1, max_size=6).map("/".join)
# Valid values too, so one hostile argument among good ones reaches the deeper code paths.
VALID = ["titanic", "alice/titanic-eda-and-first-baseline", "alice/titanic-extra-features", "train.csv", "sub.csv",
         "https://www.kaggle.com/competitions/titanic", "https://www.kaggle.com/code/alice/titanic-eda-and-first-baseline",
         "sandbox-user/titanic-gender-class-baseline", "house-prices-2019", "Fuzzed Notebook Title", "print(1)\n"]
hostile_str = st.one_of(st.sampled_from(VALID), st.sampled_from(HOSTILE), path_like, st.text(max_size=40),
                        st.text(alphabet=string.printable, max_size=200))
wrong_type = st.sampled_from([None, True, -1, 1e308, [], {}, ["x"], {"a": 1}, 2**70])


def _options(schema: dict) -> list[dict]:
    return schema.get("anyOf") or schema.get("oneOf") or [schema]


def value_for(schema: dict, name: str) -> st.SearchStrategy:
    """Mostly values of the declared type, hostile within it; sometimes the wrong type entirely."""
    strategies = []
    for option in _options(schema):
        kind = option.get("type")
        if "enum" in option:
            strategies.append(st.sampled_from(option["enum"]))
        elif kind == "string":
            strategies.append(hostile_str)
        elif kind == "integer":
            low, high = option.get("minimum", -(2**63)), option.get("maximum", 2**63)
            if name == "wait_seconds":  # a valid long wait would only make the test slow
                high = 1
            strategies.append(st.one_of(st.integers(low, min(high, low + 50)),
                                        st.sampled_from([low - 1, high + 1, 0, -1, 2**63, -(2**63), 10**40])))
        elif kind == "boolean":
            strategies.append(st.booleans())
        elif kind == "array":
            strategies.append(st.lists(hostile_str, max_size=4))
        elif kind == "null":
            strategies.append(st.none())
    strategies.append(wrong_type)
    return st.one_of(*strategies)


NB = "alice/titanic-eda-and-first-baseline"
VALID_ARGS = {
    "search_competitions": {"query": "titanic"},
    "get_competition_context": {"competition": "titanic", "top_notebooks": 1, "max_tokens": 2000},
    "list_competition_files": {"competition": "titanic"},
    "download_competition_data": {"competition": "titanic", "file": "gender_submission.csv"},
    "get_leaderboard": {"competition": "titanic", "top": 3},
    "list_submissions": {"competition": "titanic"},
    "submit_to_competition": {"competition": "titanic", "file": "sub.csv", "message": "fuzz"},
    "list_notebooks": {"competition": "titanic"},
    "read_notebook": {"notebook": NB},
    "push_notebook": {"title": "Fuzzed Notebook Title", "source": "print(1)\n"},
    "get_notebook_status": {"notebook": NB},
    "get_notebook_output": {"notebook": NB},
    "search_datasets": {"query": "titanic"},
    "list_dataset_files": {"dataset": "alice/titanic-extra-features"},
    "download_dataset": {"dataset": "alice/titanic-extra-features", "file": "cabin_decks.csv"},
    "publish_dataset": {"dataset": "fuzz-data", "paths": ["sub.csv"], "title": "Fuzz Data Set"},
    "whoami": {},
    "list_discussions": {"competition": "titanic"},
    "read_discussion": {"topic": 600001},
    "search_models": {"query": "bert"},
    "get_model": {"model": "carol/olympiad-solver"},
    "list_model_files": {"model": "dmitri/retail-lightgbm"},
    "download_model": {"model": "dmitri/retail-lightgbm", "file": "params.json"},
    "cancel_notebook_run": {"notebook": "sandbox-user/titanic-gender-class-baseline"},
    "get_dataset_info": {"dataset": "alice/titanic-extra-features", "max_tokens": 2000},
    "preview_file": {"competition": "titanic", "file": "train.csv", "rows": 3},
    "search_kaggle": {"query": "titanic"},
}


def random_arguments(props: dict) -> st.SearchStrategy:
    """Every argument drawn at once; any of them (required ones too) may be absent."""
    return st.fixed_dictionaries({}, optional={name: value_for(prop, name) for name, prop in props.items()})


def mutated(base: dict, props: dict) -> st.SearchStrategy:
    """A known-good call with one argument replaced (or an unknown one added), to reach deep code paths."""
    names = sorted(props) or ["unexpected"]

    def replace(name: str) -> st.SearchStrategy:
        values = value_for(props[name], name) if name in props else wrong_type
        return values.map(lambda v: base | {name: v})

    return st.sampled_from(names).flatmap(replace)


def arguments_for(tool) -> st.SearchStrategy:
    props = tool.input_schema.get("properties", {})
    base = VALID_ARGS[tool.name]
    extra = st.dictionaries(st.sampled_from(["unexpected", "__proto__", "_meta"]), wrong_type, max_size=2)
    return st.one_of(mutated(base, props), mutated(base, props).flatmap(lambda b: mutated(b, props)),
                     st.builds(lambda a, e: a | e, random_arguments(props), extra))


@pytest.fixture(scope="module")
def fuzz_env(tmp_path_factory):
    """One sandbox, one server, one client session for the module (a session per example would dominate)."""
    from kaggle_mcp.sandbox import SANDBOX_TOKEN
    from kaggle_mcp.server import build_server
    from kaggle_mcp.settings import Settings

    root = tmp_path_factory.mktemp("fuzz")
    workspace = root / "workspace"
    workspace.mkdir()
    (workspace / "sub.csv").write_text("PassengerId,Survived\n892,0\n")
    old_cache = os.environ.get("KAGGLE_MCP_CACHE_DIR")
    os.environ["KAGGLE_MCP_CACHE_DIR"] = str(root / "cache")
    try:
        with serve_in_thread(SandboxSettings(seed=5), host="127.0.0.1", port=0) as sb:
            server = build_server(Settings(workspace=workspace, endpoint=sb.url, token=SANDBOX_TOKEN,
                                                 sandbox_fallback=False))
            with start_blocking_portal() as portal, portal.wrap_async_context_manager(Client(server)) as client:
                tools = {t.name: t for t in portal.call(client.list_tools).tools}
                yield {"root": root, "workspace": workspace, "portal": portal, "client": client, "tools": tools,
                       "kaggle_side": str(sb._sandbox.work_dir)}
    finally:
        if old_cache is None:
            os.environ.pop("KAGGLE_MCP_CACHE_DIR", None)
        else:
            os.environ["KAGGLE_MCP_CACHE_DIR"] = old_cache


TOOLS = ["search_competitions", "get_competition_context", "list_competition_files", "download_competition_data",
         "get_leaderboard", "list_submissions", "submit_to_competition", "list_notebooks", "read_notebook",
         "push_notebook", "get_notebook_status", "get_notebook_output", "search_datasets", "list_dataset_files",
         "download_dataset", "publish_dataset", "whoami", "list_discussions", "read_discussion", "search_models",
         "get_model", "list_model_files", "download_model", "cancel_notebook_run", "get_dataset_info", "preview_file",
         "search_kaggle"]
# CI runs a fixed, derandomized set; KMCP_FUZZ_RANDOM=1 KMCP_FUZZ_SCALE=10 explores further.
RANDOM = os.environ.get("KMCP_FUZZ_RANDOM") == "1"
SCALE = float(os.environ.get("KMCP_FUZZ_SCALE") or 1)
EXAMPLES = {"get_competition_context": 15, "push_notebook": 20, "download_dataset": 25,
            "download_competition_data": 30, "whoami": 3, "get_dataset_info": 15, "read_discussion": 20,
            "download_model": 20, "cancel_notebook_run": 20}


def _escapes(kaggle_side: str) -> list[str]:
    """Marker names under /tmp and HOME, except in the sandbox's own directory: a kernel run named after a
    hostile title lives on "Kaggle's side", which is not the server writing outside its workspace."""
    found = []
    for base in ("/tmp", os.path.expanduser("~")):
        for dirpath, dirnames, filenames in os.walk(base):
            if dirpath.count(os.sep) - base.count(os.sep) >= 3:
                dirnames[:] = []
            found += [os.path.join(dirpath, n) for n in dirnames + filenames if MARK in n]
    return [p for p in found if not p.startswith(kaggle_side)]


@pytest.mark.parametrize("tool_name", TOOLS)
def test_fuzzed_arguments_never_crash_or_escape(fuzz_env, tool_name):
    portal, client, root = fuzz_env["portal"], fuzz_env["client"], fuzz_env["root"]
    tool = fuzz_env["tools"][tool_name]
    before_root, before_escapes = tree(root), set(_escapes(fuzz_env["kaggle_side"]))
    problems: list[str] = []
    outcomes = {"ok": 0, "error": 0, "crash": 0}

    @settings(max_examples=int(EXAMPLES.get(tool_name, 50) * SCALE), deadline=None, database=None,
              derandomize=not RANDOM, suppress_health_check=list(HealthCheck))
    @given(args=arguments_for(tool))
    def run(args):
        try:
            result = portal.call(client.call_tool, tool_name, args)
        except Exception as exc:  # the client call itself must never blow up
            problems.append(f"{tool_name}({args!r:.300}) raised {type(exc).__name__}: {exc!s:.300}")
            return
        crash = crash_of(result)
        outcomes["crash" if crash else "error" if result.is_error else "ok"] += 1
        problem = actionable_problem(result)
        if problem:
            problems.append(f"{tool_name}({args!r:.300}): {problem}")

    run()
    print(f"{tool_name}: {outcomes}")
    for line in dict.fromkeys(problems):
        print("PROBLEM", line)
    workspace_rel = os.path.relpath(fuzz_env["workspace"], root)
    cache_rel = "cache"
    new = {p for p in tree(root) - before_root if not p.startswith((workspace_rel, cache_rel))}
    assert new == set(), f"files appeared outside the workspace: {sorted(new)[:20]}"
    assert set(_escapes(fuzz_env["kaggle_side"])) - before_escapes == set()
    assert problems == [], "\n".join(dict.fromkeys(problems))


# Calls that random exploration (KMCP_FUZZ_RANDOM=1) made crash once the oracle counted "failed unexpectedly" as
# a crash; kept here so CI, whose examples are fixed, proves them fixed.
FOUND_BY_FUZZING = [
    ("submit_to_competition", {"competition": "titanic", "file": "tit\x00anic", "message": "fuzz"}),
    ("publish_dataset", {"dataset": "titanic", "paths": ["titanic\x00"], "title": "Fuzzed Data Set"}),
    ("push_notebook", {"title": "Fuzzed Notebook Title", "source": "print(1)\n", "model_sources": ["\ud800"]}),
    ("search_datasets", {"query": "titanic", "user": "\ud800"}),
    ("get_notebook_output", {"notebook": NB, "pattern": "V|>\\h"}),
    ("get_notebook_output", {"notebook": NB, "pattern": "(a+)+$"}),
    # the random run of 2026-12-01: Path.expanduser's RuntimeError, and a lone surrogate reaching the file system
    ("publish_dataset", {"dataset": "titanic", "paths": ["~nosuchuser/x.csv"], "title": "Fuzzed Data Set"}),
    ("publish_dataset", {"dataset": "titanic", "paths": ["\ud800"], "title": "Fuzzed Data Set"}),
    ("submit_to_competition", {"competition": "titanic", "file": "~nosuchuser/sub.csv", "message": "fuzz"}),
]


@pytest.mark.parametrize(("tool_name", "args"), FOUND_BY_FUZZING)
def test_what_fuzzing_found_is_answered_not_crashed(fuzz_env, tool_name, args):
    result = fuzz_env["portal"].call(fuzz_env["client"].call_tool, tool_name, args)
    assert crash_of(result) is None, text_of(result)
    assert actionable_problem(result) is None, actionable_problem(result)

"""Item 1: a fault soak through the MCP tools against a sandbox that misbehaves like Kaggle's front end.

Faults: 20% 429 with Retry-After 0-1 s, 10% 5xx, 5% connections dropped mid-body, 5% truncated bodies.
Every read tool must succeed within its retry budget, every downloaded byte must equal the sandbox's
source bytes (sha256 against the world's blobs), no `*.part` may be left and no partial file may carry
a final name, and the non-idempotent writes (CreateSubmission, SaveKernel, CreateDataset) must never
be sent twice — the sandbox's call counts are the witness.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from mcp import Client
from reliability_helpers import actionable_problem, partial_files, sha256_blob, sha256_file, text_of

from kaggle_mcp.sandbox import SandboxSettings, serve_in_thread

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

FAULTS = "429=0.2,5xx=0.1,drop=0.05,truncate=0.05,retry_after=0-1"
SOAK_SECONDS = 30  # no new round starts after this; a round takes ~8-12 s under these faults
C, K, D = "competitions.CompetitionApiService", "kernels.KernelsApiService", "datasets.DatasetApiService"
NOTEBOOK = "alice/titanic-eda-and-first-baseline"

READ_CALLS = [
    ("whoami", {}),
    ("search_competitions", {"query": "titanic"}),
    ("get_competition_context", {"competition": "titanic", "top_notebooks": 3, "max_tokens": 6000, "refresh": True}),
    ("list_competition_files", {"competition": "titanic"}),
    ("get_leaderboard", {"competition": "titanic", "top": 10}),
    ("list_submissions", {"competition": "titanic"}),
    ("list_notebooks", {"competition": "titanic", "page_size": 5}),
    ("read_notebook", {"notebook": NOTEBOOK, "max_tokens": 2000}),
    ("get_notebook_status", {"notebook": NOTEBOOK}),
    ("search_datasets", {"query": "titanic"}),
    ("list_dataset_files", {"dataset": "alice/titanic-extra-features"}),
    ("download_competition_data", {"competition": "titanic", "file": "train.csv", "force": True}),
    ("download_competition_data", {"competition": "titanic"}),
    ("download_dataset", {"dataset": "alice/titanic-extra-features"}),
    ("get_notebook_output", {"notebook": NOTEBOOK}),
]


@pytest.fixture
def faulty_sandbox():
    with serve_in_thread(SandboxSettings(seed=7, faults=FAULTS), host="127.0.0.1", port=0) as sb:
        yield sb


def expected_files(world) -> dict[str, str]:
    """Workspace path -> sha256 of the sandbox's own bytes for everything the soak downloads."""
    titanic = world.competitions["titanic"].files
    dataset = world.datasets["alice/titanic-extra-features"].versions[-1].files
    outputs = world.kernels[NOTEBOOK].versions[-1].run.files
    out = {f"competitions/titanic/{name}": sha256_blob(f.blob) for name, f in titanic.items()}
    out |= {f"datasets/alice/titanic-extra-features/{name}": sha256_blob(f.blob) for name, f in dataset.items()}
    owner, slug = NOTEBOOK.split("/")
    out |= {f"notebooks/{owner}/{slug}/output/{name}": sha256_blob(blob) for name, blob in outputs.items()}
    return out


def check_downloads(workspace: Path, expected: dict[str, str]) -> None:
    for rel, digest in expected.items():
        path = workspace / rel
        assert path.is_file(), f"{rel} missing after the soak"
        assert sha256_file(path) == digest, f"{rel}: bytes differ from the sandbox's source"
    assert partial_files(workspace) == [], "a *.part file was left behind"
    leftovers = [p for p in workspace.rglob("*.zip")]
    assert leftovers == [], f"archives left after unzip: {leftovers}"


async def test_read_tools_survive_faults_and_bytes_match(faulty_sandbox, make_server, workspace, monkeypatch):
    monkeypatch.setenv("KAGGLE_MCP_LIST_CACHE_SECONDS", "0")  # every round's lists meet the faults afresh
    server = make_server(faulty_sandbox)
    expected = expected_files(faulty_sandbox.state)
    rounds, failures, started = 0, [], time.monotonic()
    async with Client(server) as c:
        while rounds == 0 or time.monotonic() - started < SOAK_SECONDS:
            for name, args in READ_CALLS:
                t0 = time.monotonic()
                result = await c.call_tool(name, args)
                if result.is_error:
                    failures.append(f"round {rounds} {name}: {text_of(result)[:300]}")
                elif name == "get_competition_context":
                    assert result.structured_content["failed"] == [], result.structured_content
                assert time.monotonic() - t0 < 65, f"{name} exceeded its 60 s retry budget"
            check_downloads(workspace, expected)
            rounds += 1
    injected = faulty_sandbox._sandbox.faults.faults_injected if hasattr(faulty_sandbox, "_sandbox") else {}
    kinds = {key.rsplit(":", 1)[1] for key in injected}
    assert {"429", "5xx", "drop", "truncate"} <= kinds, f"the soak did not exercise every fault: {dict(injected)}"
    assert failures == [], "\n".join(failures)
    total = sum(faulty_sandbox.call_counts.values())
    print(f"\nsoak: {rounds} rounds x {len(READ_CALLS)} tool calls, {total} HTTP requests, "
          f"{sum(injected.values())} faults injected, {time.monotonic() - started:.1f} s")


def _submission_csv(world, workspace: Path) -> str:
    path = workspace / "my_submission.csv"
    path.write_bytes(world.competitions["titanic"].files["gender_submission.csv"].blob.read())
    return path.name


@pytest.fixture
def executions(monkeypatch):
    """Every write that took effect inside the sandbox, as (rpc, tag): the tag is what the soak loop wrote into
    that call (its index), read from the request the handler executed, so a duplicate shows as a repeated tag
    whatever the sandbox's own counters say. A request refused with 429/5xx never reaches the handler; one
    whose answer is dropped afterwards has taken effect and is recorded."""
    from kaggle_mcp.sandbox.rpc import REGISTRY

    done: list[tuple[str, str]] = []
    for service, method in WRITES:
        handler, anonymous = REGISTRY[service][method]

        def recorded(ctx, req, _handler=handler, _key=f"{service}/{method}"):
            tag = _loop_tag(_key, ctx, req.body)  # before the handler: it consumes the uploads
            answer = _handler(ctx, req)
            done.append((_key, tag))
            return answer

        monkeypatch.setitem(REGISTRY[service], method, (recorded, anonymous))
    return done


def _loop_tag(rpc: str, ctx, body: dict) -> str:
    if rpc.endswith("CreateSubmission"):
        return body.get("submissionDescription", "")
    if rpc.endswith("SaveKernel"):
        return body.get("text", "")
    files = (body.get("body") or body).get("files") or []  # CreateDatasetVersion nests its request
    return ",".join(sorted(ctx.world.uploads[f["token"]].name for f in files if f.get("token") in ctx.world.uploads))


WRITES = [(C, "CreateSubmission"), (K, "SaveKernel"), (D, "CreateDataset"), (D, "CreateDatasetVersion")]
LOOPS = 4


async def test_writes_are_never_duplicated_under_faults(faulty_sandbox, make_server, workspace, executions):
    """Every write tool called once per loop with faults on; each loop's write takes effect at most once.

    The writes meet more drops than the reads (30%): a dropped answer is the case where a retrying client
    would write twice, so the run must contain some for the check to mean anything."""
    faulty_sandbox.set_faults("429=0.2,5xx=0.1,drop=0.3,retry_after=0-1,only=" + "|".join(m for _, m in WRITES))
    world = faulty_sandbox.state
    sub = _submission_csv(world, workspace)
    feat = workspace / "feat"
    feat.mkdir()
    tags = {"submit": [], "push": [], "publish": []}
    async with Client(make_server(faulty_sandbox)) as c:
        for i in range(LOOPS):
            for old in feat.iterdir():
                old.unlink()
            (feat / f"features_{i}.csv").write_text(f"id,x\n{i},2\n")  # the upload's name carries the loop index
            for kind, tool, args, tag in (
                    ("submit", "submit_to_competition", {"competition": "titanic", "file": sub,
                                                         "message": f"soak {i}", "confirm": True}, f"soak {i}"),
                    ("push", "push_notebook", {"title": "Soak Baseline Script", "source": f"print({i})\n"},
                     f"print({i})\n"),
                    ("publish", "publish_dataset", {"dataset": "soak-features", "paths": ["feat"],
                                                    "title": "Soak Features Set", "version_notes": f"v{i}"},
                     f"features_{i}.csv")):
                result = await c.call_tool(tool, args)
                tags[kind].append(tag)
                assert actionable_problem(result) is None, actionable_problem(result)
    by_kind = {"submit": [t for k, t in executions if k.endswith("CreateSubmission")],
               "push": [t for k, t in executions if k.endswith("SaveKernel")],
               "publish": [t for k, t in executions if k.startswith(D)]}
    print(f"\nwrites that took effect, by loop tag: {by_kind}")
    for kind, done in by_kind.items():
        repeated = sorted({t for t in done if done.count(t) > 1})
        assert repeated == [], f"{kind}: these loops' writes ran more than once: {repeated}"
        assert set(done) <= set(tags[kind]), (kind, done)
        assert done, f"no {kind} took effect in {LOOPS} attempts: the faults are not what this test is about"
    dropped = [key for key, n in faulty_sandbox._sandbox.faults.faults_injected.items() if key.endswith(":drop") and n]
    assert dropped, "no write answer was dropped: nothing tested whether a lost answer is written twice"
    loop_submissions = [s for s in world.submissions if s.description.startswith("soak ")]
    assert len(loop_submissions) == len(by_kind["submit"])


@pytest.mark.parametrize("tool,rpc", [("submit_to_competition", f"{C}/CreateSubmission"),
                                      ("push_notebook", f"{K}/SaveKernel"),
                                      ("publish_dataset", f"{D}/CreateDataset"),
                                      ("publish_dataset", f"{D}/CreateDatasetVersion")])
async def test_lost_answer_to_a_write_is_not_retried(tool, rpc, make_server, workspace):
    """The worst case for a write: Kaggle did it but the answer was lost. Exactly one request, and the
    model is told to check before repeating."""
    with serve_in_thread(SandboxSettings(seed=1), host="127.0.0.1", port=0) as sb:
        args = {"submit_to_competition": {"competition": "titanic", "file": _submission_csv(sb.state, workspace),
                                          "message": "lost", "confirm": True},
                "push_notebook": {"title": "Lost Answer Script", "source": "print(1)\n"},
                "publish_dataset": {"dataset": "lost-answer", "paths": ["f.csv"], "title": "Lost Answer Data"}}[tool]
        (workspace / "f.csv").write_text("a\n1\n")
        async with Client(make_server(sb)) as c:
            if rpc.endswith("Version"):  # the dataset exists first, so publishing adds a version
                assert not (await c.call_tool(tool, args)).is_error
        sb.set_faults(f"drop=1.0,max=1,only={rpc.rsplit('/', 1)[1]}")
        async with Client(make_server(sb)) as c:
            result = await c.call_tool(tool, args)
        assert sb.call_counts[rpc] == 1, dict(sb.call_counts)
        assert result.is_error, text_of(result)
        assert actionable_problem(result) is None, actionable_problem(result)
        assert "check" in text_of(result).lower(), text_of(result)


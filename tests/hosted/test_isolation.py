"""Issue 14 item 2: users of one multi-user deployment never see or touch each other's things.

alice, bob and carol each own a private notebook and dataset in the sandbox; alice and bob have submissions
and GPU hours of their own; both joined titanic, only bob joined retail-demand-forecast. Every test talks to
one real `serve --multi-user` process through the official MCP client, as each user in turn.
"""

from __future__ import annotations

import json
import re
import sqlite3

import anyio
import httpx
import pytest
from hosted_helpers import as_user, bearer

from kaggle_mcp.context.encode import decode_context
from kaggle_mcp.sandbox import user_key

pytestmark = pytest.mark.anyio

ALICE_PRIVATE_NOTEBOOK = "alice/titanic-private-experiments"  # on titanic
BOB_PRIVATE_NOTEBOOK = "bob/retail-private-baseline"  # on retail-demand-forecast
EVERY_NOTEBOOK = {"top_notebooks": 20, "max_tokens": 100_000}  # no ranking or budget hides a leak


def _fenced(text: str) -> dict:
    """The context document inside the answer's untrusted-content fence."""
    opening = re.search(r"^<(untrusted-kaggle-content-[0-9a-f]+)[^>\n]*>$", text, re.M)
    assert opening, text
    return decode_context(text[opening.end():text.rindex(f"</{opening[1]}>")].strip("\n"))


async def _ask_context(base: str, user: str, competition: str):
    async with as_user(base, bearer(user)) as client:
        answer = await client.call_tool("get_competition_context", {"competition": competition, **EVERY_NOTEBOOK})
    assert not answer.is_error, answer.content[0].text
    return answer.structured_content["source"], answer.content[0].text


async def test_a_shared_context_never_shows_one_users_private_notebook_to_another(hosted):
    base, _, _ = hosted
    source, alice_text = await _ask_context(base, "alice", "titanic")  # built with alice's client
    assert source == "fresh" and ALICE_PRIVATE_NOTEBOOK in alice_text  # in her own viewer part
    assert "user: alice" in alice_text
    source, bob_text = await _ask_context(base, "bob", "titanic")  # bob joined titanic too: the same shared copy
    assert source == "cache" and "user: bob" in bob_text
    assert ALICE_PRIVATE_NOTEBOOK not in bob_text and "titanic-private" not in bob_text
    assert "user: alice" not in bob_text and "rank:" not in bob_text.split("viewer:")[0]

    source, bob_retail = await _ask_context(base, "bob", "retail-demand-forecast")  # bob joined: the entrants' copy
    assert source == "fresh" and BOB_PRIVATE_NOTEBOOK in bob_retail
    source, alice_retail = await _ask_context(base, "alice", "retail-demand-forecast")  # not joined: the public copy
    assert source == "fresh" and BOB_PRIVATE_NOTEBOOK not in alice_retail and "retail-private" not in alice_retail
    alice_data = _fenced(alice_retail)
    assert "accept the rules" in alice_data["viewer"]["data_schemas"] and "schemas" not in alice_data
    assert "schemas" in _fenced(bob_retail)  # the entrants' copy reads the data files' heads
    source, carol_retail = await _ask_context(base, "carol", "retail-demand-forecast")
    assert source == "cache" and "retail-private" not in carol_retail and "user: carol" in carol_retail


async def test_no_shared_copy_in_the_store_holds_a_private_notebook_or_a_user_name(hosted):
    base, _, _ = hosted
    await _ask_context(base, "alice", "titanic")
    await _ask_context(base, "bob", "retail-demand-forecast")
    cache = hosted[2].parent / "cache" / "context.sqlite3"
    with sqlite3.connect(cache) as db:
        rows = db.execute("SELECT key, params, toon FROM contexts WHERE toon IS NOT NULL").fetchall()
    assert {json.loads(params)["scope"] for _, params, _ in rows} >= {"entrants"}
    for key, params, toon in rows:
        assert ALICE_PRIVATE_NOTEBOOK not in toon and BOB_PRIVATE_NOTEBOOK not in toon, key
        assert "user:" not in key and "viewer:" not in toon, key
        assert "alice" not in json.loads(params).values() and "bob" not in json.loads(params).values()


async def test_submissions_and_quota_are_the_callers_own(hosted):
    base, _, _ = hosted
    async with as_user(base, bearer("alice")) as alice, as_user(base, bearer("bob")) as bob:
        alice_subs = (await alice.call_tool("list_submissions", {"competition": "titanic"})).content[0].text
        bob_subs = (await bob.call_tool("list_submissions", {"competition": "titanic"})).content[0].text
        alice_me = (await alice.call_tool("whoami", {})).structured_content
        bob_me = (await bob.call_tool("whoami", {})).structured_content
    assert "alice's attempt 1" in alice_subs and "alice's attempt 2" in alice_subs and "bob's" not in alice_subs
    assert "bob's attempt 1" in bob_subs and "alice's" not in bob_subs
    assert alice_me["gpu_quota"].startswith("7.5 h used") and bob_me["gpu_quota"].startswith("2 h used")


async def test_private_notebooks_and_datasets_stay_their_owners(hosted):
    base, _, _ = hosted
    async with as_user(base, bearer("alice")) as alice, as_user(base, bearer("bob")) as bob:
        mine = (await bob.call_tool("list_notebooks", {"mine": True})).content[0].text
        assert BOB_PRIVATE_NOTEBOOK in mine and "alice/" not in mine
        read = await bob.call_tool("read_notebook", {"notebook": ALICE_PRIVATE_NOTEBOOK})
        assert read.is_error and "denied" in read.content[0].text  # Kaggle's own refusal, as bob
        assert not (await alice.call_tool("read_notebook", {"notebook": ALICE_PRIVATE_NOTEBOOK})).is_error
        taken = await bob.call_tool("download_dataset", {"dataset": "alice/titanic-private-features"})
        assert taken.is_error
        got = await alice.call_tool("download_dataset", {"dataset": "alice/titanic-private-features"})
        assert not got.is_error, got.content[0].text
        output = await bob.call_tool("get_notebook_output", {"notebook": ALICE_PRIVATE_NOTEBOOK})
        assert output.is_error


async def test_no_user_reads_submits_publishes_or_writes_over_anothers_files(hosted):
    base, _, root = hosted
    async with as_user(base, bearer("alice")) as alice, as_user(base, bearer("bob")) as bob:
        got = await alice.call_tool("download_competition_data", {"competition": "titanic", "file": "train.csv"})
        assert not got.is_error, got.content[0].text
        theirs = root / "alice" / "competitions" / "titanic" / "train.csv"
        before = (theirs.read_bytes(), theirs.stat().st_mtime_ns)
        for path in ("../alice/competitions/titanic/train.csv", str(theirs)):
            submitted = await bob.call_tool("submit_to_competition", {"competition": "titanic", "file": path,
                                                                      "message": "not mine", "confirm": True})
            assert submitted.is_error and "outside the workspace" in submitted.content[0].text, path
            published = await bob.call_tool("publish_dataset", {"dataset": "bob/stolen-features",
                                                                 "paths": [path], "title": "Stolen features"})
            assert published.is_error and "outside the workspace" in published.content[0].text, path
            pushed = await bob.call_tool("push_notebook", {"title": "Stolen notebook", "path": path})
            assert pushed.is_error and "outside the workspace" in pushed.content[0].text, path
        # bob's own download of the same file lands in bob's workspace, never over alice's copy
        again = await bob.call_tool("download_competition_data", {"competition": "titanic", "file": "train.csv",
                                                                  "force": True})
        assert not again.is_error
        assert (root / "bob" / "competitions" / "titanic" / "train.csv").is_file()
        assert (theirs.read_bytes(), theirs.stat().st_mtime_ns) == before
        # nor can bob write to alice's things on Kaggle
        (root / "bob" / "mine.csv").write_text("a,b\n1,2\n")
        version = await bob.call_tool("publish_dataset", {"dataset": "alice/titanic-private-features",
                                                          "paths": ["mine.csv"], "version_notes": "hijack"})
        assert version.is_error, version.content[0].text
        overwrite = await bob.call_tool("push_notebook", {"title": "Titanic private experiments",
                                                          "notebook": ALICE_PRIVATE_NOTEBOOK, "source": "print(1)"})
        assert overwrite.is_error, overwrite.content[0].text


async def test_a_rest_upload_build_stays_private_to_the_uploader(hosted):
    base, _, _ = hosted
    kaggle_json = json.dumps({"username": "alice", "key": user_key("alice")}).encode()
    async with httpx.AsyncClient(base_url=base, headers=bearer("alice"), timeout=30) as alice, \
            httpx.AsyncClient(base_url=base, headers=bearer("bob"), timeout=30) as bob:
        started = await alice.post("/api/get-context-upload", data={"url": "house-prices-2019", "top_n": "2"},
                                   files={"token_file": ("kaggle.json", kaggle_json, "application/json")})
        assert started.status_code == 202, started.text
        job_id = started.json()["job_id"]
        for _ in range(400):
            polled = await alice.get("/api/competitions/house-prices-2019")  # her cookie names the job
            if polled.json()["status"] != "processing":
                break
            await anyio.sleep(0.05)
        assert polled.json()["status"] == "completed", polled.text
        seen = await bob.get("/api/competitions/house-prices-2019")
        assert seen.status_code == 404, seen.text
        guessed = await bob.get("/api/competitions/house-prices-2019", params={"job_id": job_id[:-1] + "x"})
        assert guessed.status_code == 404


async def test_context_builds_in_flight_are_limited_per_user(hosted, hosted_sandbox):
    base, _, _ = hosted
    hosted_sandbox.set_latency(300)  # builds last a few seconds: alice's third starts while two still run
    answers: dict[str, object] = {}

    async def ask(user: str, top: int) -> None:
        async with as_user(base, bearer(user)) as client:
            answers[f"{user}{top}"] = await client.call_tool(
                "get_competition_context", {"competition": "ai-math-olympiad-sandbox", "top_notebooks": top})

    try:
        async with anyio.create_task_group() as tg:
            for top in (1, 2, 3):  # three different contexts, so three builds
                tg.start_soon(ask, "alice", top)
            tg.start_soon(ask, "bob", 4)
    finally:
        hosted_sandbox.set_latency(0)
    refused = [key for key, answer in answers.items() if answer.is_error]
    assert len(refused) == 1 and refused[0].startswith("alice"), {k: a.content[0].text for k, a in answers.items()}
    text = answers[refused[0]].content[0].text
    assert "2 context builds running" in text and "Retry get_competition_context" in text
    assert not answers["bob4"].is_error  # another user's builds are not held up


async def test_the_pages_recent_builds_list_only_what_kaggle_shows_the_caller(hosted):
    """The web page's recent builds: a competition Kaggle does not show the caller (here one it does not know,
    as a private competition answers 404 to outsiders) and dataset contexts (filed per user) are left out."""
    from kaggle_mcp.context.database import open_store

    base, _, root = hosted
    await _ask_context(base, "alice", "titanic")  # a shared build every user may see
    async with open_store(None, sqlite_path=root.parent / "cache" / "context.sqlite3") as store:
        for name, params in (("hidden-invitational", {"top_notebooks": 2}),
                             ("datasets/alice/titanic-private-features", {"top_notebooks": 2})):
            claim = await store.claim(f"{name}|planted", name, params)
            await store.complete(claim, f"Secret title of {name}", "planted: true", {"stats": {}})
    async with httpx.AsyncClient(base_url=base, headers=bearer("bob"), timeout=30) as bob:
        listed = (await bob.get("/api/builds")).json()["builds"]
    slugs = {b["slug"] for b in listed}
    assert "titanic" in slugs and not slugs & {"hidden-invitational", "datasets/alice/titanic-private-features"}
    assert "Secret title" not in json.dumps(listed)

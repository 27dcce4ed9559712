"""The unmodified ``kaggle`` CLI (2.2.5) against the sandbox: forums, Kaggle Models and search.

Each test runs a CLI command, checks what it printed against the seeded world, then performs the same
operation with our client and compares the two request bodies as the sandbox received them: production
accepts the CLI's bodies, so ours must be the same, key for key.

All of these 2.2.5 commands exist (checked in its argparse): ``competitions topics list/show``,
``competitions topic-messages`` (hidden, deprecated), ``datasets topics list``, ``models list/get``,
``models instances get/list/files``, ``models instances versions list/files/download``, ``search``; also
``models topics list`` and ``forums topics list``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import pytest
from cli_output import ok, rows

pytestmark = pytest.mark.conformance

SOLVER = "carol/olympiad-solver"


def ours(sandbox, work: Callable[[Any], Awaitable[Any]]) -> Any:
    """Run ``work(client)`` with our client, signed in as the CLI is, against the same sandbox."""
    from kaggle_mcp.kaggle import ClientSettings, Credentials, KaggleClient
    from kaggle_mcp.sandbox import SANDBOX_TOKEN

    async def main() -> Any:
        async with KaggleClient(ClientSettings(endpoint=sandbox.url, list_cache_seconds=0),
                                Credentials.token(SANDBOX_TOKEN, "test token")) as kc:
            return await work(kc)

    return anyio.run(main)


def same_body(sandbox, method: str, cli_run: Callable[[], Any], our_run: Callable[[Any], Awaitable[Any]]) -> dict:
    """The body the CLI sent for ``method``, after checking ours is identical; returns the CLI's output."""
    result = cli_run()
    cli_body = sandbox.bodies(method)[-1]
    ours(sandbox, our_run)
    assert sandbox.bodies(method)[-1] == cli_body, f"{method}: ours {sandbox.bodies(method)[-1]} != CLI {cli_body}"
    return result


def test_competition_topics_list_show_and_messages(run_kaggle, sandbox):
    listed = same_body(sandbox, "ListCompetitionTopics",
                       lambda: rows(ok(run_kaggle("competitions", "topics", "list", "titanic", "-v"))),
                       lambda kc: kc.competitions.list_competition_topics("titanic"))
    seeded = {t.id: t for t in sandbox.state.competitions["titanic"].topics}
    assert listed and all(int(r["id"]) in seeded for r in listed)
    busiest = max(seeded.values(), key=lambda t: t.comments)
    shown = same_body(sandbox, "ListComments",
                      lambda: ok(run_kaggle("competitions", "topics", "show", f"titanic/{busiest.id}")),
                      lambda kc: _all_comments(kc, busiest.id))
    assert sandbox.bodies("GetTopic")[-1] == {"id": busiest.id}
    assert shown.startswith(f"Topic #{busiest.id}: {busiest.title}")
    assert f"Comments: {busiest.comments}" in shown and shown.count("├─") == busiest.comments == 340
    assert "    ├─" in shown   # replies are indented under their parents
    messages = same_body(sandbox, "ListTopicMessages",
                         lambda: rows(ok(run_kaggle("competitions", "topic-messages", "titanic", str(busiest.id),
                                                    "-v"))),
                         lambda kc: kc.competitions.list_topic_messages("titanic", busiest.id))
    assert len(messages) == 1 + busiest.comments   # the first post, then every comment of the tree


async def _all_comments(kc, topic_id: int) -> list:
    await kc.discussions.get_topic(topic_id)
    return [c async for c in kc.discussions.iter_comments(topic_id)]


def test_dataset_and_model_topics_and_site_forums(run_kaggle, sandbox):
    topics = same_body(sandbox, "ListDatasetTopics",
                       lambda: rows(ok(run_kaggle("datasets", "topics", "list", "alice/titanic-extra-features",
                                                  "-v"))),
                       lambda kc: kc.discussions.list_dataset_topics("alice", "titanic-extra-features"))
    assert {r["title"] for r in topics} == {t.title for t in sandbox.state.forums[
        "dataset:alice/titanic-extra-features"].topics}
    model_topics = same_body(sandbox, "ListModelTopics",
                             lambda: rows(ok(run_kaggle("models", "topics", "list", SOLVER, "-v"))),
                             lambda kc: kc.discussions.list_model_topics("carol", "olympiad-solver"))
    assert model_topics and all(int(r["commentCount"] or 0) >= 0 for r in model_topics)
    site = rows(ok(run_kaggle("forums", "topics", "list", "getting-started", "--sort-by", "top", "-v")))
    votes = [int(r["votes"] or 0) for r in site]
    assert len(site) == 3 and votes == sorted(votes, reverse=True)


def test_models_list_get_and_instances(run_kaggle, sandbox):
    listed = same_body(sandbox, "ListModels", lambda: rows(ok(run_kaggle("models", "list", "-v"))),
                       lambda kc: kc.models.list_models())
    assert {r["ref"] for r in listed} == set(sandbox.state.models)
    got = same_body(sandbox, "GetModel", lambda: json.loads(ok(run_kaggle("models", "get", SOLVER))),
                    lambda kc: kc.models.get_model("carol", "olympiad-solver"))
    assert got["ref"] == SOLVER and len(got["instances"]) == 4
    instance = same_body(sandbox, "GetModelInstance",
                         lambda: json.loads(ok(run_kaggle("models", "instances", "get", f"{SOLVER}/transformers/7b-instruct"))),
                         lambda kc: kc.models.get_model_instance("carol", "olympiad-solver", "transformers", "7b-instruct"))
    assert instance["slug"] == "7b-instruct" and instance["totalUncompressedBytes"] > 300 << 20
    instances = same_body(sandbox, "ListModelInstances",
                          lambda: rows(ok(run_kaggle("models", "instances", "list", SOLVER, "-v"))),
                          lambda kc: kc.models.list_model_instances("carol", "olympiad-solver"))
    assert len(instances) == 4
    files = same_body(sandbox, "ListModelInstanceVersionFiles",
                      lambda: rows(ok(run_kaggle("models", "instances", "files", f"{SOLVER}/transformers/7b-instruct",
                                                 "-v"))),
                      lambda kc: kc.models.list_model_instance_version_files("carol", "olympiad-solver", "transformers",
                                                                             "7b-instruct"))
    assert "model-00001-of-00002.safetensors" in {r["name"] for r in files}


def test_model_versions_list_files_and_download(run_kaggle, sandbox, tmp_path: Path):
    versions = same_body(sandbox, "ListModelInstanceVersions",
                         lambda: rows(ok(run_kaggle("models", "instances", "versions", "list", f"{SOLVER}/pyTorch/1.5b",
                                                    "-v"))),
                         lambda kc: kc.models.list_model_instance_versions("carol", "olympiad-solver", "pyTorch", "1.5b"))
    assert [r["version"] for r in versions] == ["3", "2", "1"]
    files = same_body(sandbox, "ListModelInstanceVersionFiles",
                      lambda: rows(ok(run_kaggle("models", "instances", "versions", "files", f"{SOLVER}/pyTorch/1.5b/3",
                                                 "-v"))),
                      lambda kc: kc.models.list_model_instance_version_files("carol", "olympiad-solver", "pyTorch",
                                                                             "1.5b", 3))
    assert {r["name"] for r in files} == {"model.pt", "README.md"}
    cli_dir, our_dir = tmp_path / "cli", tmp_path / "ours"
    same_body(sandbox, "DownloadModelInstanceVersion",
              lambda: ok(run_kaggle("models", "instances", "versions", "download", f"{SOLVER}/pyTorch/1.5b/3",
                                    "-p", str(cli_dir), "--untar")),
              lambda kc: kc.models.download_model_instance_version("carol", "olympiad-solver", "pyTorch", "1.5b", 3,
                                                                   our_dir))
    for name in ("model.pt", "README.md"):
        ours(sandbox, lambda kc, name=name: kc.models.download_model_instance_version(
            "carol", "olympiad-solver", "pyTorch", "1.5b", 3, our_dir / "files", path=name))
        assert (cli_dir / name).read_bytes() == (our_dir / "files" / name).read_bytes()


def test_search(run_kaggle, sandbox):
    found = same_body(sandbox, "ListEntities", lambda: rows(ok(run_kaggle("search", "titanic", "-v"))),
                      lambda kc: kc.search.list_entities("titanic"))
    kinds = {r["type"] for r in found}
    assert {"competition", "dataset", "notebook", "model", "discussion"} <= kinds
    assert {"ref": "titanic", "type": "competition"}.items() <= next(r for r in found if r["type"] == "competition").items()
    users = rows(ok(run_kaggle("search", "carol", "-t", "user", "-v")))
    assert [(r["type"], r["ref"]) for r in users] == [("user", "carol")]
    assert sandbox.bodies("ListEntities")[-1]["filters"]["documentTypes"] == ["USER"]

"""list_discussions and read_discussion against the sandbox: every forum kind, write-ups, cursors, and a
340-comment thread read in parts that each fit the budget and together hold every comment exactly once."""

from __future__ import annotations

import re

import pytest

from kaggle_mcp.kaggle.errors import InvalidReference
from kaggle_mcp.workflows.discussions import list_discussions, read_discussion
from kaggle_mcp.workflows.errors import WorkflowError

pytestmark = pytest.mark.anyio
PATH = re.compile(r"^#(\d+(?:\.\d+)*) ", re.M)


def tree_paths(comments, prefix: str = "") -> list[str]:
    paths = []
    for n, comment in enumerate(comments, start=1):
        path = f"{prefix}.{n}" if prefix else str(n)
        paths += [path, *tree_paths(comment.replies, path)]
    return paths


async def test_topics_of_each_forum_kind_and_cursor_paging(account):
    async with account() as a:
        first = await list_discussions(a, competition="https://www.kaggle.com/competitions/titanic/discussion",
                                       sort_by="active", page_size=5)
        assert first.source == "competition titanic" and len(first.topics) == 5 and first.next_cursor
        comments = [t.comments for t in first.topics]
        assert comments == sorted(comments, reverse=True) and comments[0] == 340
        second = await list_discussions(a, competition="titanic", sort_by="active", page_size=5,
                                        cursor=first.next_cursor)
        assert second.topics and not {t.id for t in first.topics} & {t.id for t in second.topics}
        dataset = await list_discussions(a, dataset="alice/titanic-extra-features")
        assert dataset.source == "dataset alice/titanic-extra-features" and dataset.topics
        model = await list_discussions(a, model="https://www.kaggle.com/models/carol/olympiad-solver")
        assert model.topics and all("/models/carol/olympiad-solver/" in t.url for t in model.topics)
        everywhere = await list_discussions(a, search="lightgbm", sort_by="relevance")
        assert everywhere.topics and all(t.url for t in everywhere.topics)
        notebook_forum = next(t for t in everywhere.topics + (await list_discussions(a, search="cabin")).topics
                              if "/code/" in t.url)
        owner, slug = notebook_forum.url.split("/code/")[1].split("/")[:2]
        kernel = await list_discussions(a, notebook=f"{owner}/{slug}")
        assert notebook_forum.id in {t.id for t in kernel.topics}


async def test_solutions_only_lists_write_ups_by_place_and_forum_solutions_once(account):
    async with account() as a:
        found = await list_discussions(a, competition="house-prices-2019", solutions_only=True)
        places = [t.place for t in found.topics if t.place is not None]
        assert places == [1, 2, 4, 37] and found.topics[0].team == "Erin Ensembles"
        assert len({t.id for t in found.topics}) == len(found.topics)   # the forum's own copy is not repeated
        assert all(t.url and "house-prices-2019" in t.url for t in found.topics)
        everywhere = await list_discussions(a, solutions_only=True)
        assert {t.place for t in everywhere.topics} >= {1, 2, 4, 37}
        running = await list_discussions(a, competition="titanic", solutions_only=True)
        assert all(t.place is None for t in running.topics)   # no write-ups before a competition ends


@pytest.mark.parametrize("kwargs, problem", [
    ({"competition": "titanic", "dataset": "alice/x"}, "not competition and dataset"),
    ({"sort_by": "relevance"}, "ranks by search words"),
    ({"dataset": "alice/titanic-extra-features", "solutions_only": True}, "belong to competitions"),
    ({"cursor": "not-a-cursor"}, "was not issued by this server"),
])
async def test_requests_the_agent_must_fix_say_how(account, kwargs, problem):
    async with account() as a:
        with pytest.raises(WorkflowError, match=problem) as caught:
            await list_discussions(a, **kwargs)
        assert caught.value.next_step


async def test_a_340_comment_thread_read_in_parts_covers_every_comment_once(account, o200k):
    async with account() as a:
        busiest = (await list_discussions(a, competition="titanic", sort_by="active", page_size=1)).topics[0]
        expected = tree_paths([c async for c in a.client.discussions.iter_comments(busiest.id)])
        assert len(expected) == 340
        budget = 3000
        first = await read_discussion(a, f"https://www.kaggle.com/competitions/titanic/discussion/{busiest.id}",
                                      max_tokens=budget)
        assert first.parts > 3 and first.comments_total == 340
        seen: list[str] = []
        for part in range(1, first.parts + 1):
            piece = first if part == 1 else await read_discussion(a, busiest.id, max_tokens=budget, part=part)
            assert piece.tokens <= budget and o200k(piece.text) <= budget * 1.05
            assert f"Part {part} of {first.parts}." in piece.text
            paths = PATH.findall(piece.text)
            assert len(paths) == piece.comments_in_part
            seen += paths
        assert sorted(seen) == sorted(expected) and len(seen) == len(set(seen))   # each comment exactly once
        with pytest.raises(WorkflowError, match=f"has {first.parts} part") as caught:
            await read_discussion(a, busiest.id, max_tokens=budget, part=first.parts + 1)
        assert caught.value.next_step == f"Ask for part 1 to {first.parts}."


async def test_a_thread_reads_as_clean_markdown_with_nesting_and_code(account):
    async with account() as a:
        topic = (await list_discussions(a, competition="titanic", sort_by="active", page_size=3)).topics[1]
        whole = await read_discussion(a, topic.id, max_tokens=100_000)
        assert whole.parts == 1 and whole.comments_in_part == whole.comments_total == topic.comments
        assert whole.text.startswith(topic.title) and topic.url in whole.text
        assert "<p>" not in whole.text and "&lt;" not in whole.text        # HTML cleaned
        assert re.search(r"^#\d+\.\d+\.\d+ ", whole.text, re.M)              # replies to replies
        assert "```\n" in whole.text and "(https://www.kaggle.com/" in whole.text   # code and link targets kept
        with pytest.raises(InvalidReference):
            await read_discussion(a, "not a topic")
        with pytest.raises(WorkflowError, match="max_tokens"):
            await read_discussion(a, topic.id, max_tokens=10)


async def test_an_ended_competitions_context_holds_its_top_write_ups(account):
    async with account() as a:
        contexts = await a.contexts()
        ended = await contexts.get("house-prices-2019", top_notebooks=1, max_tokens=12000, refresh=True)
        running = await contexts.get("titanic", top_notebooks=1, max_tokens=12000, refresh=True)
    writeups = ended.data["writeups"]
    assert [w["place"] for w in writeups] == [1, 2, 4, 37]
    assert all(w["url"].startswith("https://www.kaggle.com/competitions/house-prices-2019/discussion/")
               and 0 < len(w["summary"]) < 800 for w in writeups)
    assert "stack" in writeups[0]["summary"] and ended.stats["tokens_estimated"] <= 12000
    assert "writeups" not in running.data

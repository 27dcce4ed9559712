"""list_discussions and read_discussion through the MCP tools: tables, write-ups, paging under the answer cap,
and a 340-comment thread read in parts that each fit max_tokens and together hold every comment once."""

from __future__ import annotations

import re

import pytest
from mcp import Client
from mcp_helpers import assert_actionable, fences, text_of

from kaggle_mcp.server import build_server

pytestmark = pytest.mark.anyio
PATH = re.compile(r"^#(\d+(?:\.\d+)*) ", re.M)


async def expected_paths(sandbox, topic: int) -> list[str]:
    """Every comment's place in the tree, read straight from the sandbox with the client (the oracle)."""
    from kaggle_mcp.kaggle import ClientSettings, Credentials, KaggleClient
    from kaggle_mcp.sandbox import SANDBOX_TOKEN

    def walk(comments, prefix=""):
        for n, comment in enumerate(comments, start=1):
            path = f"{prefix}.{n}" if prefix else str(n)
            yield path
            yield from walk(comment.replies, path)

    async with KaggleClient(ClientSettings(endpoint=sandbox.url), Credentials.token(SANDBOX_TOKEN, "test")) as kc:
        return list(walk([c async for c in kc.discussions.iter_comments(topic)]))


async def test_forum_topics_and_write_ups_as_tables(server):
    async with Client(server) as c:
        forum = await c.call_tool("list_discussions", {"competition": "https://www.kaggle.com/c/titanic",
                                                       "sort_by": "active"})
        solutions = await c.call_tool("list_discussions", {"competition": "house-prices-2019", "solutions_only": True})
        dataset = await c.call_tool("list_discussions", {"dataset": "alice/titanic-extra-features"})
    text = text_of(forum)
    assert not forum.is_error, text
    assert text.startswith("Topics of competition titanic:\ntopics[")
    assert "{id,title,author,votes,comments,date,url}:" in text and "place" not in text  # no column of nulls
    topics = forum.structured_content["topics"]
    assert topics[0]["comments"] == 340 and "read_discussion(topic=id)" in text
    places = [t["place"] for t in solutions.structured_content["topics"]]
    assert places == [1, 2, 4, 37] and ",place,team}:" in text_of(solutions)
    assert dataset.structured_content["source"] == "dataset alice/titanic-extra-features"
    assert dataset.structured_content["topics"]


async def test_topics_beyond_the_answer_cap_continue_by_cursor(sandbox, settings_for, server):
    async with Client(server) as c:
        whole = await c.call_tool("list_discussions", {"competition": "titanic"})
    expected = [t["id"] for t in whole.structured_content["topics"]]
    async with Client(build_server(settings_for(sandbox, max_tokens=250))) as c:
        seen, cursor, calls = [], None, 0
        while calls < 30:
            answer = await c.call_tool("list_discussions", {"competition": "titanic"} | ({"cursor": cursor} if cursor else {}))
            assert not answer.is_error, text_of(answer)
            seen += [t["id"] for t in answer.structured_content["topics"]]
            cursor, calls = answer.structured_content["next_cursor"], calls + 1
            if not cursor:
                break
            assert f'cursor="{cursor}"' in text_of(answer)
    assert calls > 1 and seen == expected


async def test_a_340_comment_thread_in_parts_covers_every_comment_once(sandbox, server, o200k):
    budget = 3000
    async with Client(server) as c:
        listed = await c.call_tool("list_discussions", {"competition": "titanic", "sort_by": "active"})
        topic = listed.structured_content["topics"][0]["id"]
        first = await c.call_tool("read_discussion", {"topic": topic, "max_tokens": budget})
        assert not first.is_error, text_of(first)
        parts = first.structured_content["parts"]
        answers = [first] + [await c.call_tool("read_discussion", {"topic": topic, "max_tokens": budget, "part": n})
                             for n in range(2, parts + 1)]
        beyond = await c.call_tool("read_discussion", {"topic": topic, "max_tokens": budget, "part": parts + 1})
    expected = await expected_paths(sandbox, topic)
    assert len(expected) == 340 and parts > 3
    seen: list[str] = []
    for n, answer in enumerate(answers, start=1):
        text = text_of(answer)
        assert o200k(text) <= budget, (n, o200k(text))               # the whole answer, fence and all
        assert list(fences(text)) == [f"discussion {topic}"]
        assert f"Part {n} of {parts}." in text
        assert (f"read_discussion(topic={topic}, max_tokens={budget}, part={n + 1})" in text) == (n < parts)
        paths = PATH.findall(text)
        assert len(paths) == answer.structured_content["comments_in_part"]
        seen += paths
    assert sorted(seen) == sorted(expected) and len(seen) == len(set(seen))
    assert_actionable(beyond, f"has {parts} part(s)", f"part 1 to {parts}")


async def test_a_topic_by_url_reads_as_fenced_markdown(server):
    async with Client(server) as c:
        read = await c.call_tool("read_discussion", {
            "topic": "https://www.kaggle.com/competitions/house-prices-2019/discussion/960691"})
    text = text_of(read)
    assert not read.is_error, text
    assert read.structured_content["title"] == "1st place solution write-up" and read.structured_content["parts"] == 1
    inside = fences(text)["discussion 960691"]
    assert inside.startswith("1st place solution write-up\n") and "```\n" in inside and "<p>" not in inside
    assert re.search(r"^#\d+\.\d+\.\d+ ", inside, re.M)  # a reply to a reply

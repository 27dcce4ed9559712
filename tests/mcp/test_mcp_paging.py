"""Answers are capped; a cursor or part always continues where the previous answer stopped."""

from __future__ import annotations

import pytest
from mcp import Client
from mcp_helpers import text_of

from kaggle_mcp.server import build_server

pytestmark = pytest.mark.anyio


async def test_cursor_walks_kaggle_pages(server):
    async with Client(server) as c:
        first = await c.call_tool("list_notebooks", {"competition": "titanic", "page_size": 2})
        cursor = first.structured_content["next_cursor"]
        second = await c.call_tool("list_notebooks", {"competition": "titanic", "page_size": 2, "cursor": cursor})
    assert f'cursor="{cursor}"' in text_of(first)
    refs = [n["ref"] for n in first.structured_content["notebooks"] + second.structured_content["notebooks"]]
    assert len(refs) == len(set(refs)) == 4


async def test_size_cap_truncates_rows_and_continues_inside_the_page(sandbox, settings_for, server):
    async with Client(server) as c:
        everything = await c.call_tool("list_notebooks", {"competition": "titanic", "page_size": 100})
    expected = [n["ref"] for n in everything.structured_content["notebooks"]]
    async with Client(build_server(settings_for(sandbox, max_tokens=250))) as c:
        pages, cursor, seen = 0, None, []
        while pages < 40:
            args = {"competition": "titanic", "page_size": 12} | ({"cursor": cursor} if cursor else {})
            result = await c.call_tool("list_notebooks", args)
            assert not result.is_error, text_of(result)
            seen += [n["ref"] for n in result.structured_content["notebooks"]]
            cursor, pages = result.structured_content["next_cursor"], pages + 1
            if pages == 1:
                assert len(result.structured_content["notebooks"]) < len(expected)
                assert "call again with cursor=" in text_of(result)
            if not cursor:
                break
    assert seen == expected and pages > 1


async def test_read_notebook_in_parts(server):
    async with Client(server) as c:
        first = await c.call_tool("read_notebook", {"notebook": "alice/titanic-ensembling-stacking",
                                                    "max_tokens": 500})
        parts = first.structured_content["parts"]
        assert parts > 1 and "part=2" in text_of(first)
        last = await c.call_tool("read_notebook", {"notebook": "alice/titanic-ensembling-stacking",
                                                   "max_tokens": 500, "part": parts})
        beyond = await c.call_tool("read_notebook", {"notebook": "alice/titanic-ensembling-stacking",
                                                     "max_tokens": 500, "part": parts + 1})
    assert not last.is_error and "Continue with" not in text_of(last)
    assert beyond.is_error and f"1..{parts}" in text_of(beyond)


async def test_numbered_pages_say_how_many_rows_were_cut(sandbox, settings_for):
    async with Client(build_server(settings_for(sandbox, max_tokens=250))) as c:
        board = await c.call_tool("get_leaderboard", {"competition": "titanic", "top": 100})
    assert not board.is_error and "cursor=" not in text_of(board)
    assert 0 < len(board.structured_content["rows"]) < 100
    assert "were cut to fit the answer size cap" in text_of(board)

"""Resources (the context and a notebook's compact source) and the kickoff prompt."""

from __future__ import annotations

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError

from kaggle_mcp.server.render import FENCE_NOTE, fence

KICKOFF = """Work the Kaggle competition '{competition}' end to end with the kaggle tools:
1. get_competition_context(competition="{competition}"): metric, data, rules, what the best notebooks do.
2. list_notebooks(competition="{competition}") and read_notebook on the one or two most useful.
3. Write a simple, correct baseline that reads /kaggle/input/{competition}/ and writes submission.csv.
4. push_notebook(title=..., source=..., competition_sources=["{competition}"]) to run it on Kaggle.
5. get_notebook_status(notebook=<ref>, wait_seconds=300) until COMPLETE (on ERROR read the log and fix).
6. get_notebook_output(notebook=<ref>) to fetch submission.csv and the log.
7. Ask me before submit_to_competition(..., confirm=true); then list_submissions for the score.
Then improve one idea at a time, keeping a short log of what each change scored."""


def register(mcp: MCPServer) -> None:
    @mcp.resource("kaggle://competitions/{competition}/context", name="competition_context",
                  title="Competition context", mime_type="text/plain",
                  description="The budgeted TOON context of a competition (same as get_competition_context).")
    async def competition_context_resource(competition: str, ctx: Context) -> str:
        from kaggle_mcp.server.contextual import competition_context

        state = ctx.request_context.lifespan_context
        from kaggle_mcp.server.refs import competition_slug

        text, _ = await _guard(competition_context(state, competition_slug(competition), 5, 12000, False),
                               "competition", {"competition": competition})
        return f"{FENCE_NOTE}\n{fence(text, f'competition {competition}')}"

    @mcp.resource("kaggle://notebooks/{owner}/{slug}", name="notebook", title="Notebook source",
                  mime_type="text/plain", description="A notebook or script as compact cells (outputs trimmed).")
    async def notebook_resource(owner: str, slug: str, ctx: Context) -> str:
        from kaggle_mcp.server.notebook_text import fetch_parts

        state = ctx.request_context.lifespan_context
        _, parts = await _guard(fetch_parts(await state.client(), owner, slug, None, state.max_tokens), "notebook",
                                {"notebook": f"{owner}/{slug}"})
        more = (f"\nThis is part 1 of {len(parts)}: read the rest with read_notebook(notebook=\"{owner}/{slug}\", "
                "part=2)." if len(parts) > 1 else "")
        return f"{FENCE_NOTE}\n{fence(parts[0][0], f'notebook {owner}/{slug}')}{more}"

    @mcp.prompt(name="competition_kickoff", title="Kick off a competition",
                description="A step-by-step plan: context, read notebooks, push a baseline, follow it, submit.")
    def competition_kickoff(competition: str) -> str:
        return KICKOFF.format(competition=competition)


async def _guard(awaitable, kind: str, subject: dict):
    """Resource failures become ResourceError with the same explanations tools give."""
    from mcp.server.mcpserver.exceptions import ToolError

    from kaggle_mcp.server.errors import _is_kaggle_error, explain

    try:
        return await awaitable
    except ToolError as exc:
        raise ResourceError(str(exc)) from exc
    except Exception as exc:
        if _is_kaggle_error(exc):
            raise ResourceError(explain(exc, "this resource", kind, subject)) from exc
        raise

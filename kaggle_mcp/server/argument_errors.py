"""Arguments a tool refuses, said in one line per argument.

The SDK validates a call's arguments with pydantic before any tool code runs and answers with
pydantic's own report: several lines per argument, the rejected value echoed back, and a link to
pydantic's documentation. An agent needs less and better: which argument, what it must be, and to call
again. This middleware rewrites exactly that answer (recognised by its header) and leaves every other
answer alone.
"""

from __future__ import annotations

import re
from typing import Any

from mcp.server.context import CallNext, HandlerResult, ServerRequestContext

_HEADER = re.compile(r"^Error executing tool (?P<tool>[\w.-]+): \d+ validation errors? for \w+$")
_PROBLEM = re.compile(r"^  (?P<message>.*?)(?: \[type=[^\]]*\])?$")


def concise(text: str) -> str | None:
    """The one-line form of pydantic's report in `text`, or None if `text` is not such a report."""
    lines = text.splitlines()
    header = _HEADER.match(lines[0]) if lines else None
    if header is None:
        return None
    problems: list[str] = []
    field = None
    for line in lines[1:]:
        if not line.startswith(" "):
            field = line.strip() or None
        elif field and not line.startswith("    ") and (problem := _PROBLEM.match(line)):
            problems.append(f"{field}: {problem['message'].rstrip('.')}")
            field = None
    if not problems:
        return None
    tool = header["tool"]
    return f"{tool} was called with invalid arguments: {'; '.join(problems)}. Call {tool} again with valid values."


async def concise_argument_errors(ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
    answer = await call_next(ctx)
    if ctx.method == "tools/call" and isinstance(answer, dict) and answer.get("isError"):
        content = answer.get("content") or []
        if len(content) == 1 and content[0].get("type") == "text":
            shorter = concise(str(content[0].get("text", "")))
            if shorter is not None:
                return {**answer, "content": [{**content[0], "text": shorter}]}
    return answer

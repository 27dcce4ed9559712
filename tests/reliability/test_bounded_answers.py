"""The two guards behind "memory stays bounded": the client's answer limit and trimming while parsing."""

from __future__ import annotations

import json

import pytest
from hostile_world import hostile_sandbox

from kaggle_mcp.context.notebooks import clean_notebook
from kaggle_mcp.kaggle import ClientSettings, Credentials, KaggleClient
from kaggle_mcp.kaggle.errors import AnswerTooLarge
from kaggle_mcp.sandbox import SANDBOX_TOKEN

pytestmark = pytest.mark.anyio


async def test_client_stops_reading_at_its_answer_limit():
    with hostile_sandbox() as sb:
        settings = ClientSettings(endpoint=sb.url, max_answer_bytes=2 << 20)
        async with KaggleClient(settings, credentials=Credentials.token(SANDBOX_TOKEN)) as kc:
            small = await kc.kernels.get_kernel("alice", "titanic-eda-and-first-baseline")
            assert small.blob.source
            with pytest.raises(AnswerTooLarge, match="over the 2 MB limit"):
                await kc.kernels.get_kernel("mallory", "huge-outputs")
        before = sb.call_counts["kernels.KernelsApiService/GetKernel"]
    assert before == 2, "an answer that is too large is not retried"


def test_the_limit_comes_from_the_environment():
    assert ClientSettings.from_env({"KAGGLE_MCP_MAX_ANSWER_MB": "8"}).max_answer_bytes == 8 << 20
    assert ClientSettings.from_env({}).max_answer_bytes == 64 << 20


def test_long_outputs_are_cut_while_parsing_and_counted_exactly():
    lines = 300_000
    outputs = [{"output_type": "stream", "name": "stdout", "text": "".join(f"row {i}\n" for i in range(lines))},
               {"output_type": "display_data", "data": {"image/png": "iVBOR" * 200_000, "text/plain": ["<Figure>"]},
                "metadata": {}}]
    notebook = {"cells": [{"cell_type": "code", "source": "print(rows)", "outputs": outputs, "metadata": {}}],
                "nbformat": 4, "nbformat_minor": 5, "metadata": {}}
    cells = clean_notebook(json.dumps(notebook))
    output = [c for c in cells if c.kind == "output"][0]
    assert output.trimmed and output.text.startswith("row 0\nrow 1\n")
    shown = output.text.count("\n")  # lines shown, then the marker line
    assert output.text.endswith(f"[trimmed {lines - shown} more lines]"), output.text[-80:]


def test_json_nested_deeper_than_python_can_parse_is_salvaged():
    deep = "[" * 100_000 + "]" * 100_000
    source = ('{"cells": [{"cell_type": "markdown", "source": ["# Title"]}, {"cell_type": "code", "source": ["x = 1"], '
              '"outputs": [{"output_type": "execute_result", "data": {"application/json": ' + deep + '}}]}]}')
    cells = clean_notebook(source)
    assert [c.kind for c in cells][:2] == ["markdown", "code"] and cells[1].text == "x = 1"

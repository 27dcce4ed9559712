"""preview_file: the first rows (or the schema) of a competition or dataset file, read by Range."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult
from pydantic import Field

from kaggle_mcp.server.registration import ToolSpec
from kaggle_mcp.server.render import Fence, fit_rows, neutralise, result, toon
from kaggle_mcp.server.request import account, deployment
from kaggle_mcp.workflows.display import human_bytes
from kaggle_mcp.workflows.preview import MAX_ROWS, FilePreview, preview_file as preview


async def preview_file(
    ctx: Context,
    file: Annotated[str, Field(description="The file as list_competition_files or list_dataset_files names it.")],
    competition: Annotated[str | None, Field(description="The competition it belongs to (or give dataset).")] = None,
    dataset: Annotated[str | None, Field(description="The dataset (owner/slug) it belongs to.")] = None,
    rows: Annotated[int, Field(ge=1, le=MAX_ROWS, description="How many first records to show.")] = 20,
) -> Annotated[CallToolResult, FilePreview]:
    """Look inside a data file without downloading it: the columns and first rows of a CSV/TSV (zipped
    too), the keys and first records of JSON/JSONL, the schema and row count of a Parquet file."""
    got = await preview(await account(ctx), file, competition, dataset, rows)
    budget = deployment(ctx).settings.max_tokens // 2
    count = [f"{got.rows} rows" if got.rows is not None else
             f"about {got.rows_estimated} rows" if got.rows_estimated is not None else None]
    facts = ", ".join(filter(None, [got.format, human_bytes(got.bytes) if got.bytes else None, *count]))
    columns = got.columns[:fit_rows(got.columns, budget // 2, lambda cs: toon({"columns": cs}))]
    records = got.records[:fit_rows(got.records, budget // 2, lambda rs: toon({"records": rs}))] if got.records else []
    lines = [f"{neutralise(got.file)} of {got.source} ({facts}); read {human_bytes(got.read_bytes)}, nothing saved.",
             toon({"columns": columns})]
    if len(columns) < len(got.columns):
        lines.append(f"{len(got.columns) - len(columns)} more columns were cut to fit the answer size cap.")
    if records:
        cut = f" ({len(got.records) - len(records)} more cut to fit)" if len(records) < len(got.records) else ""
        fence = Fence()
        lines += [f"First {len(records)} records{cut}. {fence.note()}",
                  fence.wrap(toon({"records": records}), f"{got.source} {got.file}")]
    if got.note:  # a Parquet footer's note names the writer the file claims
        lines.append(f"Note: {neutralise(got.note)}.")
    return result("\n".join(lines), got.model_copy(update={"columns": columns, "records": records}))


TOOLS = (ToolSpec(preview_file, "Preview a data file", "file", read_only=True, idempotent=True),)

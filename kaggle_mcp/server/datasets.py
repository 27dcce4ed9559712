"""Dataset tools: search, read a dataset's context, list files, download, and publish workspace files as a
dataset."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult
from pydantic import BaseModel, Field

from kaggle_mcp.server.arguments import CursorArg
from kaggle_mcp.server.registration import ToolSpec
from kaggle_mcp.server.render import (Fence, neutralise, next_cursor, page_token, result, saved_files,
                                      table_answer)
from kaggle_mcp.server.request import account, deployment, progress
from kaggle_mcp.workflows import datasets as flow
from kaggle_mcp.workflows.dataset_info import get_dataset_info as dataset_info
from kaggle_mcp.workflows.downloads import download_dataset as download
from kaggle_mcp.workflows.workspace import SavedFile

DatasetArg = Annotated[str, Field(description="Dataset ref owner/slug (optionally owner/slug/version) or its kaggle.com/datasets URL.")]


class DatasetList(BaseModel):
    datasets: list[flow.DatasetRow]
    page: int
    next_page: int | None = None


class DatasetFiles(BaseModel):
    dataset: str
    files: list[flow.DatasetFileRow]
    next_cursor: str | None = None


class DatasetInfo(BaseModel):
    dataset: str
    status: str | None = None
    tokens: int | None = None
    truncated: list[str] = []
    failed: list[str] = []


class DatasetDownload(BaseModel):
    dataset: str
    directory: str
    files: list[SavedFile]
    skipped_unsafe: list[str] = []


async def search_datasets(
    ctx: Context,
    query: Annotated[str, Field(description="Words to search for, e.g. 'titanic features'.")] = "",
    sort_by: Annotated[flow.SortBy, Field(description="Ordering of the results.")] = "hottest",
    file_type: Annotated[flow.FileType, Field(description="Only datasets with this file type.")] = "all",
    license: Annotated[flow.LicenseFamily, Field(description="License family filter.")] = "all",
    user: Annotated[str | None, Field(description="Only datasets owned by this Kaggle user.")] = None,
    page: Annotated[int, Field(ge=1, le=500, description="Result page, starting at 1.")] = 1,
) -> Annotated[CallToolResult, DatasetList]:
    """Find public datasets (extra training data, external features, pretrained weights). The `ref`
    column is what list_dataset_files, download_dataset and push_notebook(dataset_sources=) take."""
    found = await flow.search_datasets(await account(ctx), query, sort_by, file_type, license, user, page)
    more = page + 1 if found.more else None
    text, shown, _ = table_answer("datasets", [r.model_dump() for r in found.datasets],
                                  deployment(ctx).settings.max_tokens, pageable=False)
    if more:
        text += f"\nMore results may exist: call again with page={more}."
    return result(text, DatasetList(datasets=[flow.DatasetRow(**r) for r in shown], page=page, next_page=more))


async def get_dataset_info(
    ctx: Context,
    dataset: DatasetArg,
    max_tokens: Annotated[int, Field(ge=1000, le=100_000, description="Token budget of the answer.")] = 8000,
) -> Annotated[CallToolResult, DatasetInfo]:
    """What to know before using a dataset, in one budgeted answer: license, size, usability, description,
    versions, files with column schemas, the notebooks that use it, its discussions, and its processing
    status (READY once a publish is usable)."""
    budget = max(min(max_tokens, deployment(ctx).settings.max_tokens), 1000)  # the dataset's own facts need room
    info = await dataset_info(await account(ctx), dataset, budget, progress=progress(ctx))
    stats, fence = info.data.get("stats", {}), Fence()
    return result(f"Context of dataset {info.ref}. {fence.note()}\n{fence.wrap(info.toon, f'dataset {info.ref}')}\n"
                  f'Attach it with push_notebook(dataset_sources=["{info.ref}"]), or download_dataset.',
                  DatasetInfo(dataset=info.ref, status=info.data["dataset"].get("status"),
                              tokens=stats.get("tokens_estimated"), truncated=stats.get("truncated", []),
                              failed=[f"{f['section']}: {f['error']}" for f in stats.get("failed", [])]))


async def list_dataset_files(ctx: Context, dataset: DatasetArg,
                             cursor: CursorArg = None) -> Annotated[CallToolResult, DatasetFiles]:
    """List a dataset's files with sizes, to pick what to download or attach to a notebook."""
    page = await flow.list_dataset_files(await account(ctx), dataset, page_token(cursor))
    text, shown, nxt = table_answer("files", [f.model_dump() for f in page.files], deployment(ctx).settings.max_tokens,
                                    cursor=cursor, next_cursor=next_cursor(page.next_page_token),
                                    header=f"Files of {page.dataset}:")
    return result(text, DatasetFiles(dataset=page.dataset, files=[flow.DatasetFileRow(**r) for r in shown],
                                     next_cursor=nxt))


async def download_dataset(
    ctx: Context,
    dataset: DatasetArg,
    file: Annotated[str | None, Field(description="One file as listed by list_dataset_files; omit for the whole dataset.")] = None,
    unzip: Annotated[bool, Field(description="Extract the whole-dataset archive (and a file Kaggle serves compressed).")] = True,
) -> Annotated[CallToolResult, DatasetDownload]:
    """Download a dataset (or one of its files) into the workspace under datasets/<owner>/<slug>/,
    streamed with progress."""
    got = await download(await account(ctx), dataset, file, unzip, progress(ctx))
    text, rows = saved_files(got.files, "Saved in the workspace:", deployment(ctx).settings.max_tokens // 2,
                             got.skipped_unsafe)
    return result(text, DatasetDownload(dataset=got.source, directory=got.directory,
                                        files=[SavedFile(**r) for r in rows], skipped_unsafe=got.skipped_unsafe))


async def publish_dataset(
    ctx: Context,
    dataset: Annotated[str, Field(description="owner/slug (or a slug for your own account); a new slug creates the dataset.")],
    paths: Annotated[list[str], Field(min_length=1, description="Workspace files or directories to upload.")],
    title: Annotated[str | None, Field(description="Title for a new dataset (6-50 characters); defaults from the slug.")] = None,
    private: Annotated[bool, Field(description="Keep it private. A public dataset also needs confirm=true.")] = True,
    version_notes: Annotated[str | None, Field(description="What changed, when adding a version to an existing dataset.")] = None,
    license: Annotated[str, Field(description="License for a new dataset, e.g. CC0-1.0, CC-BY-SA-4.0, MIT.")] = "CC0-1.0",
    confirm: Annotated[bool, Field(description="Required when the result is public: a new public dataset, or a new version of a public one.")] = False,
) -> Annotated[CallToolResult, flow.Published]:
    """Publish workspace files as a Kaggle dataset: creates it, or adds a new version if it exists. Use it
    to feed your own files (features, weights) to a notebook via push_notebook(dataset_sources=[ref])."""
    done = await flow.publish_dataset(await account(ctx), dataset, paths, title, private, version_notes, license,
                                      confirm, progress(ctx))
    verb = "Created" if done.created else "Added a new version to"
    visibility = "private" if done.private else "public"
    return result(f"{verb} {done.dataset} ({neutralise(done.url or '')}; {visibility}); Kaggle processes it for a minute before it is "
                  f'usable (get_dataset_info(dataset="{done.dataset}") shows its status). Attach it with '
                  f'push_notebook(dataset_sources=["{done.dataset}"]).', done)


TOOLS = (
    ToolSpec(search_datasets, "Search datasets", "dataset", read_only=True, idempotent=True),
    ToolSpec(get_dataset_info, "Get dataset info", "dataset", read_only=True, idempotent=True),
    ToolSpec(list_dataset_files, "List dataset files", "dataset", read_only=True, idempotent=True),
    ToolSpec(download_dataset, "Download dataset", "dataset", idempotent=True),
    ToolSpec(publish_dataset, "Publish dataset", "dataset", writes=True),
)

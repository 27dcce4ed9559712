"""Dataset tools: search, list files, download, and publish workspace files as a dataset."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult
from pydantic import BaseModel, Field

from kaggle_mcp.server import refs
from kaggle_mcp.server.render import decode_cursor, result, table_answer
from kaggle_mcp.server.tooling import add_tool, byte_progress, client, day, get, human_bytes, saved_files, state

DatasetArg = Annotated[str, Field(description="Dataset ref owner/slug (optionally owner/slug/version) or its kaggle.com/datasets URL.")]
SORTS = {"hottest": "HOTTEST", "votes": "VOTES", "updated": "UPDATED", "active": "ACTIVE", "published": "PUBLISHED",
         "relevance": "RELEVANCE", "usability": "USABILITY", "downloads": "DOWNLOAD_COUNT"}
FILE_TYPES = {"all": "ALL", "csv": "CSV", "sqlite": "SQLITE", "json": "JSON", "bigQuery": "BIG_QUERY", "parquet": "PARQUET"}


class DatasetRow(BaseModel):
    ref: str
    title: str | None = None
    size: str | None = None
    updated: str | None = None
    downloads: int | None = None
    votes: int | None = None


class DatasetList(BaseModel):
    datasets: list[DatasetRow]
    page: int
    next_page: int | None = None


class DatasetFiles(BaseModel):
    dataset: str
    files: list[dict]
    next_cursor: str | None = None


class DatasetDownload(BaseModel):
    dataset: str
    directory: str
    files: list[dict]
    skipped_unsafe: list[str] = []


class Published(BaseModel):
    dataset: str
    url: str | None = None
    created: bool
    private: bool
    files: list[str]


async def search_datasets(
    ctx: Context,
    query: Annotated[str, Field(description="Words to search for, e.g. 'titanic features'.")] = "",
    sort_by: Annotated[Literal["hottest", "votes", "updated", "active", "published", "relevance", "usability", "downloads"],
                       Field(description="Ordering of the results.")] = "hottest",
    file_type: Annotated[Literal["all", "csv", "sqlite", "json", "bigQuery", "parquet"], Field(description="Only datasets with this file type.")] = "all",
    license: Annotated[Literal["all", "cc", "gpl", "odb", "other"], Field(description="License family filter.")] = "all",
    user: Annotated[str | None, Field(description="Only datasets owned by this Kaggle user.")] = None,
    page: Annotated[int, Field(ge=1, le=500, description="Result page, starting at 1.")] = 1,
) -> Annotated[CallToolResult, DatasetList]:
    """Find public datasets (extra training data, external features, pretrained weights). The `ref`
    column is what list_dataset_files, download_dataset and push_notebook(dataset_sources=) take."""
    resp = await (await client(ctx)).datasets.list_datasets(
        search=query, sort_by="DATASET_SORT_BY_" + SORTS[sort_by], file_type="DATASET_FILE_TYPE_GROUP_" + FILE_TYPES[file_type],
        license="DATASET_LICENSE_GROUP_" + license.upper(), user=user or "",
        group="DATASET_SELECTION_GROUP_USER" if user else "DATASET_SELECTION_GROUP_PUBLIC", page=page)
    rows = [DatasetRow(ref=str(get(d, "ref", default="")), title=get(d, "title"), size=human_bytes(get(d, "total_bytes")),
                       updated=day(get(d, "last_updated")), downloads=get(d, "download_count"),
                       votes=get(d, "vote_count")).model_dump() for d in resp.datasets]
    more = page + 1 if (get(resp, "next_page_token") or len(rows) >= 20) else None
    text, shown, _ = table_answer("datasets", rows, state(ctx).max_tokens, pageable=False)
    if more:
        text += f"\nMore results may exist: call again with page={more}."
    return result(text, DatasetList(datasets=[DatasetRow(**r) for r in shown], page=page, next_page=more))


async def list_dataset_files(
    ctx: Context,
    dataset: DatasetArg,
    cursor: Annotated[str | None, Field(description="next_cursor from the previous answer, to continue.")] = None,
) -> Annotated[CallToolResult, DatasetFiles]:
    """List a dataset's files with sizes, to pick what to download or attach to a notebook."""
    ref = refs.dataset_ref(dataset)
    owner, slug = refs.require_owner(ref, "dataset")
    token, offset = decode_cursor(cursor)
    kwargs = {"page_token": token} | ({"dataset_version_number": ref.version} if ref.version else {})
    resp = await (await client(ctx)).datasets.list_dataset_files(owner, slug, **kwargs)
    rows = [{"name": str(get(f, "name", "ref", default="")), "size": human_bytes(get(f, "total_bytes")),
             "created": day(get(f, "creation_date"))} for f in (get(resp, "dataset_files", "files", default=[]))]
    text, shown, nxt = table_answer("files", rows, state(ctx).max_tokens, current_token=token,
                                    next_token=get(resp, "next_page_token"), offset=offset,
                                    header=f"Files of {owner}/{slug}:")
    return result(text, DatasetFiles(dataset=f"{owner}/{slug}", files=shown, next_cursor=nxt))


async def download_dataset(
    ctx: Context,
    dataset: DatasetArg,
    file: Annotated[str | None, Field(description="One file as listed by list_dataset_files; omit for the whole dataset.")] = None,
    unzip: Annotated[bool, Field(description="Extract zip archives.")] = True,
) -> Annotated[CallToolResult, DatasetDownload]:
    """Download a dataset (or one of its files) into the workspace under datasets/<owner>/<slug>/,
    streamed with progress."""
    from kaggle_mcp.server.transfers import download_dataset as fetch

    st = state(ctx)
    ref = refs.dataset_ref(dataset)
    owner, slug = refs.require_owner(ref, "dataset")
    dest = st.workspace.dir("datasets", owner, slug)
    paths, unsafe = await fetch(await client(ctx), owner, slug, ref.version, file, dest, unzip,
                                byte_progress(ctx, f"Downloading {file or slug}"))
    text, rows = saved_files(st, paths, "Saved in the workspace:", unsafe)
    return result(text, DatasetDownload(dataset=f"{owner}/{slug}", directory=st.workspace.relative(dest), files=rows,
                                        skipped_unsafe=unsafe))


def _files(ctx: Context, paths: list[str]) -> list[Path]:
    """Workspace files to upload; a directory contributes its top-level files."""
    out: list[Path] = []
    for p in paths:
        path = state(ctx).workspace.resolve(p, must_exist=True)
        out.extend(sorted(c for c in path.iterdir() if c.is_file()) if path.is_dir() else [path])
    for f in out:  # a symlink inside a listed directory must not lead outside either
        state(ctx).workspace.resolve(f)
    if not out:
        raise ToolError("No files to publish: pass workspace files or directories that contain files.")
    return out


async def publish_dataset(
    ctx: Context,
    dataset: Annotated[str, Field(description="owner/slug (or a slug for your own account); a new slug creates the dataset.")],
    paths: Annotated[list[str], Field(min_length=1, description="Workspace files or directories to upload.")],
    title: Annotated[str | None, Field(description="Title for a new dataset (6-50 characters); defaults from the slug.")] = None,
    private: Annotated[bool, Field(description="Keep it private. A public dataset also needs confirm=true.")] = True,
    version_notes: Annotated[str | None, Field(description="What changed, when adding a version to an existing dataset.")] = None,
    license: Annotated[str, Field(description="License for a new dataset, e.g. CC0-1.0, CC-BY-SA-4.0, MIT.")] = "CC0-1.0",
    confirm: Annotated[bool, Field(description="Required with private=false: a public dataset is visible to everyone.")] = False,
) -> Annotated[CallToolResult, Published]:
    """Publish workspace files as a Kaggle dataset: creates it, or adds a new version if it exists. Use it
    to feed your own files (features, weights) to a notebook via push_notebook(dataset_sources=[ref])."""
    from kaggle_mcp.server.publish import publish

    if not private and not confirm:
        raise ToolError("A public dataset is visible to everyone on Kaggle: ask the user, then call again with "
                        "confirm=true (or keep private=true).")
    files = _files(ctx, paths)
    done = await publish(ctx, refs.dataset_ref(dataset), files, title, private, version_notes, license,
                         byte_progress(ctx, "Uploading"))
    verb = "Created" if done.created else "Added a new version to"
    return result(f"{verb} {done.dataset} ({done.url}); Kaggle processes it for a minute before it is usable. "
                  f"Attach it with push_notebook(dataset_sources=[\"{done.dataset}\"]).", done)


def register(mcp: MCPServer, read_only: bool) -> None:
    add_tool(mcp, search_datasets, title="Search datasets", kind="dataset", read_only=True, idempotent=True)
    add_tool(mcp, list_dataset_files, title="List dataset files", kind="dataset", read_only=True, idempotent=True)
    add_tool(mcp, download_dataset, title="Download dataset", kind="dataset", read_only=False, idempotent=True)
    if not read_only:
        add_tool(mcp, publish_dataset, title="Publish dataset", kind="dataset", read_only=False)

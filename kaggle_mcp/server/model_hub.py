"""Kaggle Models tools: find a model, read its card and instances, list and download a version's files."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult
from pydantic import Field

from kaggle_mcp.server.arguments import CursorArg
from kaggle_mcp.server.registration import ToolSpec
from kaggle_mcp.server.render import Fence, fit_rows, neutralise, result, saved_files, table_answer, toon
from kaggle_mcp.server.request import account, deployment, progress
from kaggle_mcp.workflows import model_hub as flow
from kaggle_mcp.workflows.display import human_bytes
from kaggle_mcp.workflows.workspace import SavedFile

InstanceArg = Annotated[str, Field(description="owner/model/framework/variation[/version] (latest if omitted), or "
                                               "owner/model if it has one instance, or its URL.")]


class ModelFiles(flow.ModelFiles):
    next_cursor: str | None = None


async def search_models(
    ctx: Context,
    query: Annotated[str | None, Field(description="Words to search for, e.g. 'gemma'.")] = None,
    owner: Annotated[str | None, Field(description="Only this user's or organization's models.")] = None,
    framework: Annotated[str | None, Field(description="e.g. pyTorch, transformers, keras, jax, gguf.")] = None,
    sort_by: Annotated[flow.ModelSort, Field(description="Ordering of the results.")] = "hotness",
    cursor: CursorArg = None,
) -> Annotated[CallToolResult, flow.ModelList]:
    """Find pretrained Kaggle Models to attach to a notebook. Next: get_model(model=ref)."""
    found = await flow.search_models(await account(ctx), query, owner, framework, sort_by, cursor)
    rows = [{**m.model_dump(), "frameworks": " ".join(m.frameworks)} for m in found.models]
    text, shown, nxt = table_answer("models", rows, deployment(ctx).settings.max_tokens, cursor=cursor,
                                    next_cursor=found.next_cursor)
    refs = {r["ref"] for r in shown}
    return result(text, flow.ModelList(models=[m for m in found.models if m.ref in refs], next_cursor=nxt))


async def get_model(
    ctx: Context,
    model: Annotated[str, Field(description="owner/model, owner/model/framework/variation[/version], or its URL.")],
) -> Annotated[CallToolResult, flow.ModelCard]:
    """A model's card (trimmed), license, and its instances (framework, variation, versions, size) with the
    handle that attaches each to a notebook: push_notebook(model_sources=[handle])."""
    card = await flow.get_model(await account(ctx), model)
    budget = deployment(ctx).settings.max_tokens // 2
    rows = [{"framework": i.framework, "variation": i.variation, "versions": ",".join(map(str, i.versions)),
             "license": i.license, "size": human_bytes(i.bytes), "handle": i.handle} for i in card.instances]
    shown = rows[:fit_rows(rows, budget, lambda rs: toon({"instances": rs}))]
    about = ", ".join(filter(None, [f"{card.votes} votes" if card.votes is not None else None,
                                    f"updated {card.updated}" if card.updated else None,
                                    f"tags: {', '.join(card.tags)}" if card.tags else None]))
    subtitle = f" - {card.subtitle}" if card.subtitle else ""
    fence = Fence()  # the title, subtitle and tags are the owner's words too, shown outside the fence
    lines = [neutralise(f"{card.ref}: {card.title}{subtitle} ({about}) {card.url or ''}"), toon({"instances": shown})]
    if len(shown) < len(rows):
        lines.append(f"{len(rows) - len(shown)} more instances: ask for one with "
                     "get_model(model=owner/model/framework/variation).")
    lines += ["Attach with push_notebook(model_sources=[handle]); files: list_model_files(model=handle).",
              f"Model card. {fence.note()}", fence.wrap(card.card, f"model card of {card.ref}")]
    return result("\n".join(lines), card.model_copy(update={"instances": card.instances[:len(shown)],
                                                            "model_sources": card.model_sources[:len(shown)]}))


async def list_model_files(ctx: Context, model: InstanceArg,
                           cursor: CursorArg = None) -> Annotated[CallToolResult, ModelFiles]:
    """The files of one model instance version, with sizes, to download only what you need."""
    listing = await flow.list_model_files(await account(ctx), model)
    text, shown, nxt = table_answer("files", [f.model_dump() for f in listing.files],
                                    deployment(ctx).settings.max_tokens, cursor=cursor,
                                    header=f"{listing.handle}: {len(listing.files)} files, "
                                           f"{human_bytes(listing.total_bytes)}")
    return result(text, ModelFiles(handle=listing.handle, files=[flow.ModelFile(**r) for r in shown],
                                   total_bytes=listing.total_bytes, next_cursor=nxt))


async def download_model(
    ctx: Context,
    model: InstanceArg,
    file: Annotated[str | None, Field(description="One file as list_model_files names it; omit for all.")] = None,
) -> Annotated[CallToolResult, flow.ModelDownload]:
    """Download a model instance version (or one file) into the workspace under
    models/<owner>/<model>/<framework>/<variation>/<version>/, streamed with progress and resumable. To use
    a model in a Kaggle run, attach it with push_notebook(model_sources=...) instead."""
    got = await flow.download_model(await account(ctx), model, file, progress(ctx))
    files = [SavedFile(file=f.name, size=human_bytes(f.bytes)) for f in got.files]
    fresh = f" ({len(got.up_to_date)} already up to date)" if got.up_to_date else ""
    text, rows = saved_files(files, f"{got.handle} saved in the workspace{fresh}:",
                             deployment(ctx).settings.max_tokens // 2, got.skipped_unsafe)
    return result(text, got.model_copy(update={"files": got.files[:len(rows)]}))


TOOLS = (
    ToolSpec(search_models, "Search models", "model", read_only=True, idempotent=True),
    ToolSpec(get_model, "Get model", "model", read_only=True, idempotent=True),
    ToolSpec(list_model_files, "List model files", "model", read_only=True, idempotent=True),
    ToolSpec(download_model, "Download model", "model", idempotent=True),
)

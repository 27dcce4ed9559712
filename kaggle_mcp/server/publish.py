"""Create a dataset or add a version, depending on whether it already exists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError

from kaggle_mcp.server import refs
from kaggle_mcp.server.tooling import client, get


async def _exists(kc: Any, owner: str, slug: str) -> bool:
    from kaggle_mcp.kaggle.errors import NotFound

    try:
        await kc.datasets.get_dataset(owner, slug)
    except NotFound:
        return False
    return True


async def publish(ctx: Context, ref: refs.Ref, files: list[Path], title: str | None, private: bool,
                  version_notes: str | None, license: str, progress: Any):
    from kaggle_mcp.server.datasets import Published

    kc = await client(ctx)
    me = await kc.username()
    owner = ref.owner or me
    if not owner:
        raise ToolError("Publishing needs a signed-in Kaggle user; configure credentials (see `kaggle-agent-mcp doctor`).")
    if await _exists(kc, owner, ref.slug):
        resp = await kc.datasets.create_version_from_files(owner, ref.slug, files, version_notes or "New version",
                                                           progress=progress)
        created = False
    else:
        name = title or ref.slug.replace("-", " ").title()
        if not 6 <= len(name) <= 50:
            raise ToolError(f"Dataset title '{name}' must be 6-50 characters: pass title=...")
        resp = await kc.datasets.create_dataset_from_files(owner, ref.slug, name, files, license_name=license,
                                                           is_private=private, progress=progress)
        created = True
    error = get(resp, "error")
    if error:
        raise ToolError(f"Kaggle refused the dataset: {error}")
    return Published(dataset=f"{owner}/{ref.slug}", url=get(resp, "url"), created=created, private=private,
                     files=[f.name for f in files])

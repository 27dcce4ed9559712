"""Kaggle Models for an agent: find one, read its card's essentials, list a version's files, download them.

A model is attached to a notebook by ``model_sources`` handles (``owner/model/framework/variation/
version``), so every instance is reported with its handle. Downloads go to
``models/<owner>/<model>/<framework>/<variation>/<version>/`` in the workspace one file at a time
(streamed, resumable, renamed into place when complete); a file name that would leave that folder is
skipped and named, never written.
"""

from __future__ import annotations

from typing import Literal

import anyio
from pydantic import BaseModel

from ..context.htmltext import trim_text
from ..kaggle.errors import UnsafePath
from ..kaggle.models.model_hub import ApiModel, ApiModelInstance
from ..kaggle.models.enums import ListModelsOrderBy
from ..kaggle.paths import safe_relative
from ..kaggle.refs import ModelRef, framework_enum, framework_name, model_ref
from .account import Account
from .display import day
from .errors import WorkflowError
from .progress import Progress, no_progress
from .shaping import next_cursor, page_token

ModelSort = Literal["hotness", "downloads", "votes", "notebooks", "published", "updated"]
SORT_WIRE: dict[str, ListModelsOrderBy] = {
    "hotness": "LIST_MODELS_ORDER_BY_HOTNESS", "downloads": "LIST_MODELS_ORDER_BY_DOWNLOAD_COUNT",
    "votes": "LIST_MODELS_ORDER_BY_VOTE_COUNT", "notebooks": "LIST_MODELS_ORDER_BY_NOTEBOOK_COUNT",
    "published": "LIST_MODELS_ORDER_BY_PUBLISH_TIME", "updated": "LIST_MODELS_ORDER_BY_UPDATE_TIME"}
CARD_TOKENS = 600


class ModelRow(BaseModel):
    ref: str
    title: str
    subtitle: str | None = None
    votes: int | None = None
    frameworks: list[str] = []
    url: str | None = None


class ModelList(BaseModel):
    models: list[ModelRow]
    next_cursor: str | None = None


class InstanceInfo(BaseModel):
    framework: str
    variation: str
    latest_version: int
    versions: list[int]
    license: str | None = None
    bytes: int | None = None
    fine_tunable: bool = False
    handle: str                       #: the ``model_sources`` entry that attaches the latest version


class ModelCard(BaseModel):
    ref: str
    title: str
    subtitle: str | None = None
    url: str | None = None
    votes: int | None = None
    published: str | None = None
    updated: str | None = None
    tags: list[str] = []
    card: str                         #: the description, trimmed (written by the model's owner: untrusted)
    instances: list[InstanceInfo]
    model_sources: list[str]          #: handles to pass to push_notebook's model_sources


class ModelFile(BaseModel):
    name: str
    bytes: int


class ModelFiles(BaseModel):
    handle: str
    files: list[ModelFile]
    total_bytes: int


class ModelDownload(BaseModel):
    handle: str
    directory: str                    #: workspace-relative
    files: list[ModelFile]
    up_to_date: list[str] = []        #: already present and unchanged, not downloaded again
    skipped_unsafe: list[str] = []


def _row(model: ApiModel) -> ModelRow:
    frameworks = sorted({framework_name(i.framework) for i in model.instances})
    return ModelRow(ref=model.ref, title=model.title, subtitle=model.subtitle or None, votes=model.vote_count,
                    frameworks=frameworks, url=model.url or None)


async def search_models(
    account: Account,
    query: str | None = None,
    owner: str | None = None,
    framework: str | None = None,
    sort_by: ModelSort = "hotness",
    cursor: str | None = None,
    page_size: int = 20,
) -> ModelList:
    """Models matching ``query``, by ``owner``; ``framework`` keeps those with an instance in it (Kaggle's
    list has no such filter, so a page may hold fewer rows); an unknown framework is refused with the known ones."""
    wanted = framework_name(framework_enum(framework)) if framework else None
    answer = await account.client.models.list_models(search=query or "", owner=owner or "", sort_by=SORT_WIRE[sort_by],
                                                     page_size=page_size, page_token=page_token(cursor))
    rows = [_row(m) for m in answer.models]
    if wanted:
        rows = [r for r in rows if wanted in r.frameworks]
    return ModelList(models=rows, next_cursor=next_cursor(answer.next_page_token))


def _handle(ref: ModelRef, instance: ApiModelInstance, version: int) -> str:
    return f"{ref.owner}/{ref.model}/{framework_name(instance.framework)}/{instance.slug}/{version}"


async def get_model(account: Account, model: str) -> ModelCard:
    """The card's essentials, every instance (or the one named) with its versions, license and size, and the
    ``model_sources`` handles that attach it to a notebook."""
    ref = model_ref(model)
    kc = account.client
    found = await kc.models.get_model(ref.owner, ref.model)
    instances = [i for i in found.instances
                 if not ref.framework or (framework_name(i.framework) == ref.framework and i.slug == ref.variation)]
    if ref.framework and not instances:
        raise WorkflowError(f"{ref.owner}/{ref.model} has no {ref.framework}/{ref.variation} instance.",
                            f"Call get_model(model=\"{ref.owner}/{ref.model}\") to see its instances.")
    versions: dict[int, list[int]] = {}

    async def fetch(instance: ApiModelInstance) -> None:
        answer = await kc.models.list_model_instance_versions(ref.owner, ref.model, instance.framework, instance.slug,
                                                              page_size=100)
        versions[instance.id] = sorted((v.version_number for v in answer.version_list.versions), reverse=True)

    try:
        async with anyio.create_task_group() as tg:
            for instance in instances:
                tg.start_soon(fetch, instance)
    except ExceptionGroup as group:  # Kaggle's own error, which the caller knows how to explain
        raise group.exceptions[0] from None
    infos = []
    for i in instances:
        latest = ref.version if ref.version and ref.framework else i.version_number
        infos.append(InstanceInfo(framework=framework_name(i.framework), variation=i.slug, latest_version=i.version_number,
                                  versions=versions.get(i.id) or [i.version_number], license=i.license_name or None,
                                  bytes=i.total_uncompressed_bytes or None, fine_tunable=i.fine_tunable,
                                  handle=_handle(ref, i, latest)))
    return ModelCard(ref=f"{ref.owner}/{ref.model}", title=found.title, subtitle=found.subtitle or None,
                     url=found.url or None, votes=found.vote_count,
                     published=day(found.publish_time), updated=day(found.update_time),
                     tags=[t.name or t.ref for t in found.tags], card=trim_text(found.description, CARD_TOKENS)[0],
                     instances=infos, model_sources=[i.handle for i in infos])


async def _version(account: Account, model: str) -> tuple[ModelRef, int]:
    """The instance a reference names, with its version (the latest when none is given); a bare
    owner/model is accepted when the model has exactly one instance."""
    ref = model_ref(model)
    if not ref.framework:
        found = await account.client.models.get_model(ref.owner, ref.model)
        if len(found.instances) != 1:
            handles = ", ".join(f"{ref.owner}/{ref.model}/{framework_name(i.framework)}/{i.slug}" for i in found.instances)
            raise WorkflowError(f"{ref.owner}/{ref.model} has {len(found.instances)} instances: {handles or 'none'}.",
                                "Pass one of them as model=owner/model/framework/variation[/version].")
        only = found.instances[0]
        ref = ModelRef(ref.owner, ref.model, framework_name(only.framework), only.slug)
    assert ref.framework is not None and ref.variation is not None
    if ref.version is None:
        instance = await account.client.models.get_model_instance(ref.owner, ref.model, ref.framework, ref.variation)
        return ref, instance.version_number
    return ref, ref.version


async def list_model_files(account: Account, model: str) -> ModelFiles:
    """The files of one instance version (``owner/model/framework/variation[/version]``)."""
    ref, version = await _version(account, model)
    assert ref.framework is not None and ref.variation is not None
    files = [ModelFile(name=f.name, bytes=f.size) async for f in account.client.models.iter_model_instance_version_files(
        ref.owner, ref.model, ref.framework, ref.variation, version)]
    return ModelFiles(handle=f"{ref.owner}/{ref.model}/{ref.framework}/{ref.variation}/{version}", files=files,
                      total_bytes=sum(f.bytes for f in files))


async def download_model(account: Account, model: str, file: str | None = None, progress: Progress = no_progress,
                         force: bool = False) -> ModelDownload:
    """One file, or every file, of an instance version into ``models/<owner>/<model>/<framework>/<variation>/
    <version>/``; progress counts bytes over all files."""
    listing = await list_model_files(account, model)
    owner, slug, framework, variation, version = listing.handle.split("/")
    wanted = listing.files
    if file is not None:
        wanted = [f for f in listing.files if f.name == file]
        if not wanted:
            names = ", ".join(f.name for f in listing.files[:20])
            raise WorkflowError(f"{listing.handle} has no file '{file}'.", f"Pass one of: {names}.")
    safe, refused = [], []
    for f in wanted:
        try:
            safe_relative(f.name)
            safe.append(f)
        except UnsafePath as exc:
            refused.append(str(exc).removeprefix("refusing file name "))
    if file is not None and refused:
        raise WorkflowError(f"Refused the file name {file!r}: {refused[0]}.", "Nothing was written; pass another file.")
    dest = account.workspace.dir("models", owner, slug, framework, variation, version)
    total, base = sum(f.bytes for f in safe), 0
    written, fresh = [], []
    for f in safe:
        async def report(done: int, _size: int | None, base: int = base, name: str = f.name) -> None:
            await progress(base + done, total, f"{listing.handle}: {name}")

        result = await account.client.models.download_model_instance_version(
            owner, slug, framework, variation, int(version), dest, path=f.name, progress=report, force=force)
        written.append(ModelFile(name=account.workspace.relative(result.path), bytes=result.bytes))
        if result.skipped_up_to_date:
            fresh.append(f.name)
        base += f.bytes
    return ModelDownload(handle=listing.handle, directory=account.workspace.relative(dest), files=written,
                         up_to_date=fresh, skipped_unsafe=refused)

"""``datasets.DatasetApiService``: search, files, metadata, download, status, create, new version.

Creation and versioning consume tokens of finished blob uploads (``StartBlobUpload`` + PUT), as on
Kaggle. Application errors of CreateDataset come back inside a 200 (``error``, ``status``), because
that is where the official CLI and our client look for them; ``GetDatasetStatus`` is a 404 for an
absent dataset because ``kaggle datasets create`` uses it as an existence probe.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from starlette.responses import RedirectResponse, Response

from kaggle_mcp.sandbox.blobs import BytesBlob, zip_blob
from kaggle_mcp.sandbox.rpc import Ctx, Req, bad_request, clean, forbidden, not_found, paginate, rpc
from kaggle_mcp.sandbox.world import DataFile, Dataset, DatasetVersion, ts

D = "datasets.DatasetApiService"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$")


def visible(ctx: Ctx, ds: Dataset) -> bool:
    return not ds.is_private or ds.owner == ctx.user


def dataset(ctx: Ctx, owner: str, slug: str) -> Dataset:
    if not owner or not slug:
        raise bad_request("ownerSlug and datasetSlug are required")
    ds = ctx.world.datasets.get(f"{owner}/{slug}")
    if ds is None or not visible(ctx, ds):
        raise not_found(f"Dataset '{owner}/{slug}' not found")
    return ds


def from_req(ctx: Ctx, req: Req) -> Dataset:
    return dataset(ctx, req.str("ownerSlug"), req.str("datasetSlug"))


def version_of(ds: Dataset, number: int | None) -> DatasetVersion:
    if not number:
        return ds.current
    for version in ds.versions:
        if version.number == number:
            return version
    raise not_found(f"Version {number} of dataset '{ds.ref}' not found")


def api_file(ds: Dataset, f: DataFile) -> dict:
    ext = f.name.rsplit(".", 1)[-1].lower() if "." in f.name else ""
    return clean({"ref": f"{ds.ref}/{f.name}", "datasetRef": ds.ref, "ownerRef": ds.owner, "name": f.name,
                  "creationDate": ts(f.created), "description": f.description, "fileType": f".{ext}" if ext else "",
                  "url": f"https://www.kaggle.com/datasets/{ds.ref}?select={f.name}", "totalBytes": f.blob.size,
                  "columns": f.columns or None})


def api_dataset(ctx: Ctx, ds: Dataset) -> dict:
    files = ds.current.files.values()
    return clean({
        "id": ds.id, "ref": ds.ref, "subtitle": ds.subtitle, "creatorName": ctx.world.users.get(ds.owner, ds.owner),
        "creatorUrl": ds.owner, "totalBytes": sum(f.blob.size for f in files),
        "url": f"https://www.kaggle.com/datasets/{ds.ref}", "lastUpdated": ts(ds.current.created),
        "downloadCount": ds.downloads, "isPrivate": ds.is_private or None, "licenseName": ds.license_name,
        "description": ds.description, "ownerName": ctx.world.users.get(ds.owner, ds.owner), "ownerRef": ds.owner,
        "kernelCount": ds.kernel_count, "title": ds.title, "viewCount": ds.views, "voteCount": ds.votes,
        "currentVersionNumber": ds.current.number, "usabilityRating": ds.usability,
        "tags": [{"ref": k.replace(" ", "-"), "name": k} for k in ds.keywords],
        "files": [api_file(ds, f) for f in files],
        "versions": [{"versionNumber": v.number, "creationDate": ts(v.created), "creatorName": v.creator,
                      "creatorRef": v.creator, "versionNotes": v.notes, "status": "ready"} for v in ds.versions],
    })


_SORTS = ["DATASET_SORT_BY_HOTTEST", "DATASET_SORT_BY_VOTES", "DATASET_SORT_BY_UPDATED", "DATASET_SORT_BY_ACTIVE",
          "DATASET_SORT_BY_PUBLISHED", "DATASET_SORT_BY_RELEVANCE", "DATASET_SORT_BY_LAST_VIEWED",
          "DATASET_SORT_BY_USABILITY", "DATASET_SORT_BY_DOWNLOAD_COUNT", "DATASET_SORT_BY_NOTEBOOK_COUNT"]
_FILE_TYPES = {"DATASET_FILE_TYPE_GROUP_ALL": (), "DATASET_FILE_TYPE_GROUP_CSV": (".csv",),
               "DATASET_FILE_TYPE_GROUP_SQLITE": (".sqlite", ".db"), "DATASET_FILE_TYPE_GROUP_JSON": (".json", ".jsonl"),
               "DATASET_FILE_TYPE_GROUP_BIG_QUERY": (".bq",), "DATASET_FILE_TYPE_GROUP_PARQUET": (".parquet",)}
_LICENSES = {"DATASET_LICENSE_GROUP_ALL": None, "DATASET_LICENSE_GROUP_CC": "CC", "DATASET_LICENSE_GROUP_GPL": "GPL",
             "DATASET_LICENSE_GROUP_ODB": "ODB", "DATASET_LICENSE_GROUP_OTHER": "other"}
_GROUPS = ["DATASET_SELECTION_GROUP_PUBLIC", "DATASET_SELECTION_GROUP_MY", "DATASET_SELECTION_GROUP_USER",
           "DATASET_SELECTION_GROUP_USER_SHARED_WITH_ME", "DATASET_SELECTION_GROUP_UPVOTED",
           "DATASET_SELECTION_GROUP_MY_PRIVATE", "DATASET_SELECTION_GROUP_MY_PUBLIC",
           "DATASET_SELECTION_GROUP_ORGANIZATION", "DATASET_SELECTION_GROUP_BOOKMARKED",
           "DATASET_SELECTION_GROUP_COLLABORATION", "DATASET_SELECTION_GROUP_SHARED_WITH_USER",
           "DATASET_SELECTION_GROUP_FEATURED", "DATASET_SELECTION_GROUP_ALL", "DATASET_SELECTION_GROUP_UNFEATURED"]


@rpc(D, "ListDatasets", anonymous=True)
def list_datasets(ctx: Ctx, req: Req) -> dict:
    group = req.enum("group", _GROUPS, "DATASET_SELECTION_GROUP_PUBLIC")
    sort = req.enum("sortBy", _SORTS, "DATASET_SORT_BY_HOTTEST")
    file_types = _FILE_TYPES[req.enum("fileType", list(_FILE_TYPES), "DATASET_FILE_TYPE_GROUP_ALL")]
    license_group = _LICENSES[req.enum("license", list(_LICENSES), "DATASET_LICENSE_GROUP_ALL")]
    req.str("size")
    req.str("viewed")
    tags = [t.strip().lower() for t in req.str("tagIds").split(",") if t.strip()]
    search, user = req.str("search").lower().strip(), req.str("user")
    min_size, max_size = req.int("minSize", None), req.int("maxSize", None)
    items = [d for d in ctx.world.datasets.values() if visible(ctx, d)]
    mine = group in ("DATASET_SELECTION_GROUP_MY", "DATASET_SELECTION_GROUP_MY_PRIVATE", "DATASET_SELECTION_GROUP_MY_PUBLIC")
    if mine:
        items = [d for d in items if d.owner == ctx.user]
        if group.endswith("_PRIVATE") or group.endswith("_PUBLIC"):
            items = [d for d in items if d.is_private == group.endswith("_PRIVATE")]
    elif group in ("DATASET_SELECTION_GROUP_PUBLIC", "DATASET_SELECTION_GROUP_ALL", "DATASET_SELECTION_GROUP_USER",
                   "DATASET_SELECTION_GROUP_FEATURED", "DATASET_SELECTION_GROUP_UNFEATURED"):
        items = [d for d in items if not d.is_private or group == "DATASET_SELECTION_GROUP_ALL"]
    else:
        items = []
    if user:
        items = [d for d in items if d.owner == user]
    if search:
        items = [d for d in items if any(search in s.lower() for s in (d.slug, d.title, d.subtitle, *d.keywords))]
    if tags:
        items = [d for d in items if {k.lower() for k in d.keywords} & set(tags)]
    if file_types:
        items = [d for d in items if any(n.lower().endswith(file_types) for n in d.current.files)]
    if license_group == "other":
        items = [d for d in items if not d.license_name.upper().startswith(("CC", "GPL", "ODB"))]
    elif license_group:
        items = [d for d in items if d.license_name.upper().startswith(license_group)]
    size = lambda d: sum(f.blob.size for f in d.current.files.values())  # noqa: E731
    if min_size is not None:
        items = [d for d in items if size(d) >= min_size]
    if max_size:
        items = [d for d in items if size(d) <= max_size]
    keys = {"DATASET_SORT_BY_VOTES": lambda d: -d.votes, "DATASET_SORT_BY_UPDATED": lambda d: -d.current.created.timestamp(),
            "DATASET_SORT_BY_PUBLISHED": lambda d: -d.versions[0].created.timestamp(),
            "DATASET_SORT_BY_USABILITY": lambda d: -d.usability, "DATASET_SORT_BY_DOWNLOAD_COUNT": lambda d: -d.downloads,
            "DATASET_SORT_BY_NOTEBOOK_COUNT": lambda d: -d.kernel_count}
    items.sort(key=keys.get(sort, lambda d: -(d.votes + d.downloads / 10)))
    page, token = paginate(items, req, legacy_page=True)
    return clean({"datasets": [api_dataset(ctx, d) for d in page], "nextPageToken": token or None})


@rpc(D, "GetDataset", anonymous=True)
def get_dataset(ctx: Ctx, req: Req) -> dict:
    return api_dataset(ctx, from_req(ctx, req))


@rpc(D, "ListDatasetFiles", anonymous=True)
def list_dataset_files(ctx: Ctx, req: Req) -> dict:
    ds = from_req(ctx, req)
    version = version_of(ds, req.int("datasetVersionNumber", None))
    files = sorted(version.files.values(), key=lambda f: f.name)
    page, token = paginate(files, req)
    return clean({"datasetFiles": [api_file(ds, f) for f in page], "nextPageToken": token})


@rpc(D, "GetDatasetMetadata", anonymous=True)
def get_dataset_metadata(ctx: Ctx, req: Req) -> dict:
    ds = from_req(ctx, req)
    return {"info": clean({
        "datasetId": ds.id, "datasetSlug": ds.slug, "ownerUser": ds.owner, "usabilityRating": ds.usability,
        "totalViews": ds.views, "totalVotes": ds.votes, "totalDownloads": ds.downloads, "title": ds.title,
        "subtitle": ds.subtitle, "description": ds.description, "isPrivate": ds.is_private or None,
        "keywords": ds.keywords or None, "licenses": [{"name": ds.license_name}],
        "collaborators": None,
        "data": [clean({"name": f.name, "description": f.description, "totalBytes": f.blob.size,
                        "columns": [{"name": c.get("name", ""), "description": c.get("description", ""),
                                     "type": c.get("type", "")} for c in f.columns] or None})
                 for f in ds.current.files.values()]})}


@rpc(D, "UpdateDatasetMetadata")
def update_dataset_metadata(ctx: Ctx, req: Req) -> dict:
    ds = from_req(ctx, req)
    if ds.owner != ctx.require_user():
        raise forbidden(f"Permission 'datasets.update' was denied on '{ds.ref}'")
    settings = req.obj("settings")
    with ctx.world.lock:
        ds.title = settings.str("title", ds.title) or ds.title
        ds.subtitle = settings.str("subtitle", ds.subtitle)
        ds.description = settings.str("description", ds.description)
        ds.is_private = bool(settings.bool("isPrivate", ds.is_private))
        ds.keywords = settings.strs("keywords") or ds.keywords
        licenses = settings.objs("licenses")
        if licenses:
            ds.license_name = licenses[0].str("name", ds.license_name)
    ctx.persist()
    return {}


def _download(ctx: Ctx, req: Req) -> Response:
    ds = from_req(ctx, req)
    version = version_of(ds, req.int("datasetVersionNumber", None))
    name = req.str("fileName")
    req.bool("raw", False)
    req.str("hashLink")
    if name:
        data_file = version.files.get(name)
        if data_file is None:
            raise not_found(f"File '{name}' not found in dataset '{ds.ref}'")
        key = f"ds-{ds.owner}-{ds.slug}-v{version.number}-{name.replace('/', '-')}"
        ctx.world.register_blob(data_file.blob, key)
        return RedirectResponse(ctx.blob_url(key, name), status_code=302)
    key = f"dszip-{ds.owner}-{ds.slug}-v{version.number}"
    with ctx.world.lock:
        if key not in ctx.world.blobs:
            members = [(f.name, f.blob) for f in sorted(version.files.values(), key=lambda f: f.name)]
            ctx.world.register_blob(zip_blob(key, members, version.created), key)
        ds.downloads += 1
    return RedirectResponse(ctx.blob_url(key, f"{ds.slug}.zip"), status_code=302)


@rpc(D, "DownloadDataset", anonymous=True)
def download_dataset(ctx: Ctx, req: Req) -> Response:
    return _download(ctx, req)


@rpc(D, "DownloadDatasetRaw", anonymous=True)
def download_dataset_raw(ctx: Ctx, req: Req) -> Response:
    return _download(ctx, req)


@rpc(D, "GetDatasetStatus", anonymous=True)
def get_dataset_status(ctx: Ctx, req: Req) -> dict:
    ds = from_req(ctx, req)
    return clean({"status": None if ds.status == "NOT_YET_PERSISTED" else ds.status})


@rpc(D, "UploadDatasetFile")
def upload_dataset_file(ctx: Ctx, req: Req) -> dict:
    """An upload slot for one dataset file (the older sibling of StartBlobUpload); its token names the
    file in CreateDataset / CreateDatasetVersion like a blob token does."""
    user = ctx.require_user()
    name, size = req.str("fileName"), req.int("contentLength")
    req.int("lastModifiedEpochSeconds")
    if not name:
        raise bad_request("fileName is required")
    if size is None or size < 0:
        raise bad_request("contentLength must be >= 0")
    upload = ctx.world.new_upload(name=name, size=size, kind="blob", blob_type="DATASET", owner=user)
    return {"token": upload.token, "createUrl": f"{ctx.base_url}/uploads/{upload.token}"}


def _new_files(ctx: Ctx, user: str, files: list[Req]) -> tuple[dict[str, DataFile], str]:
    """Resolve upload tokens to files; an unknown or unfinished token is an application error."""
    out: dict[str, DataFile] = {}
    now = datetime.now(timezone.utc)
    with ctx.world.lock:
        for spec in files:
            token = spec.str("token")
            upload = ctx.world.uploads.get(token)
            if upload is None or upload.kind != "blob" or upload.owner != user:
                return {}, f"Invalid upload token: {token!r}"
            if not upload.complete:
                return {}, f"Upload of '{upload.name}' is incomplete ({len(upload.data)} of {upload.size} bytes)"
            columns = [{"order": c.int("order"), "name": c.str("name"), "type": c.str("type"),
                        "originalType": c.str("originalType"), "description": c.str("description")}
                       for c in spec.objs("columns")]
            ctype = "text/csv" if upload.name.endswith(".csv") else "application/octet-stream"
            out[upload.name] = DataFile(upload.name, BytesBlob(bytes(upload.data), ctype, now.replace(microsecond=0)),
                                        spec.str("description"), now, columns)
    return out, ""


def _ok(ds: Dataset) -> dict:
    return {"ref": ds.ref, "url": f"https://www.kaggle.com/datasets/{ds.ref}", "status": "ok"}


@rpc(D, "CreateDataset")
def create_dataset(ctx: Ctx, req: Req) -> dict:
    user = ctx.require_user()
    owner, slug, title = req.str("ownerSlug") or user, req.str("slug"), req.str("title")
    license_name = req.str("licenseName") or "CC0-1.0"
    is_private = bool(req.bool("isPrivate", False))
    req.int("id", None)
    if owner != user:
        raise forbidden(f"Permission 'datasets.create' was denied for owner '{owner}'")
    if not _SLUG.match(slug or ""):
        return {"status": "error", "error": f"The dataset slug {slug!r} must be 3-50 characters of a-z, 0-9 and '-'"}
    if not 6 <= len(title) <= 50:
        return {"status": "error", "error": "The dataset title must be between 6 and 50 characters"}
    if f"{owner}/{slug}" in ctx.world.datasets:
        return {"status": "error", "error": f"The requested dataset slug '{slug}' is already in use"}
    files, problem = _new_files(ctx, user, req.objs("files"))
    if problem:
        return {"status": "error", "error": problem}
    if not files:
        return {"status": "error", "error": "A dataset needs at least one file"}
    now = datetime.now(timezone.utc)
    ds = Dataset(owner, slug, ctx.world.next_id(), title, req.str("subtitle"), req.str("description"), license_name,
                 is_private, req.strs("categoryIds"), [DatasetVersion(1, now, user, "Initial release", files, user_made=True)])
    with ctx.world.lock:
        ctx.world.datasets[ds.ref] = ds
        for spec in req.objs("files"):
            ctx.world.uploads.pop(spec.str("token"), None)
    ctx.persist()
    return _ok(ds)


def _new_version(ctx: Ctx, ds: Dataset, body: Req) -> dict:
    user = ctx.require_user()
    if ds.owner != user:
        raise forbidden(f"Permission 'datasets.update' was denied on '{ds.ref}'")
    files, problem = _new_files(ctx, user, body.objs("files"))
    if problem:
        return {"status": "error", "error": problem}
    if not files:
        return {"status": "error", "error": "A new version needs at least one file"}
    with ctx.world.lock:
        version = DatasetVersion(ds.current.number + 1, datetime.now(timezone.utc), user,
                                 body.str("versionNotes"), files, user_made=True)
        if body.bool("deleteOldVersions", False):
            ds.versions = [version]
        else:
            ds.versions.append(version)
        ds.subtitle = body.str("subtitle", ds.subtitle) or ds.subtitle
        ds.description = body.str("description", ds.description) or ds.description
        ds.keywords = body.strs("categoryIds") or ds.keywords
        for spec in body.objs("files"):
            ctx.world.uploads.pop(spec.str("token"), None)
    ctx.persist()
    return _ok(ds)


@rpc(D, "CreateDatasetVersion")
def create_dataset_version(ctx: Ctx, req: Req) -> dict:
    return _new_version(ctx, from_req(ctx, req), req.obj("body"))


@rpc(D, "CreateDatasetVersionById")
def create_dataset_version_by_id(ctx: Ctx, req: Req) -> dict:
    wanted = req.int("id")
    ds = next((d for d in ctx.world.datasets.values() if d.id == wanted and visible(ctx, d)), None)
    if ds is None:
        raise not_found(f"Dataset with id {wanted} not found")
    return _new_version(ctx, ds, req.obj("body"))


@rpc(D, "DeleteDataset")
def delete_dataset(ctx: Ctx, req: Req) -> dict:
    ds = from_req(ctx, req)
    if ds.owner != ctx.require_user():
        raise forbidden(f"Permission 'datasets.delete' was denied on '{ds.ref}'")
    with ctx.world.lock:
        del ctx.world.datasets[ds.ref]
    ctx.persist()
    return {}

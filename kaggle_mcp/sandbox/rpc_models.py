"""``models.ModelApiService``: list, get, instances, versions, files and downloads of Kaggle Models.

A download with ``path`` redirects to that one file; without it, to the whole version as a ``.tar.gz``
streamed from the files' blobs (``blobs.tar_gz_blob``), as Kaggle hands out a version.
"""

from __future__ import annotations

from starlette.responses import RedirectResponse, Response

from kaggle_mcp.sandbox.blobs import tar_gz_blob
from kaggle_mcp.sandbox.model_world import Model, ModelInstance, ModelVersion, framework_url_name
from kaggle_mcp.sandbox.rpc import Ctx, Req, bad_request, clean, not_found, paginate, rpc
from kaggle_mcp.sandbox.world import ts

M = "models.ModelApiService"
FRAMEWORKS = ["MODEL_FRAMEWORK_UNSPECIFIED", "MODEL_FRAMEWORK_TENSOR_FLOW_1", "MODEL_FRAMEWORK_TENSOR_FLOW_2",
              "MODEL_FRAMEWORK_TF_LITE", "MODEL_FRAMEWORK_TF_JS", "MODEL_FRAMEWORK_PY_TORCH", "MODEL_FRAMEWORK_JAX",
              "MODEL_FRAMEWORK_FLAX", "MODEL_FRAMEWORK_PAX", "MODEL_FRAMEWORK_MAX_TEXT", "MODEL_FRAMEWORK_GEMMA_CPP",
              "MODEL_FRAMEWORK_GGML", "MODEL_FRAMEWORK_GGUF", "MODEL_FRAMEWORK_CORAL", "MODEL_FRAMEWORK_SCIKIT_LEARN",
              "MODEL_FRAMEWORK_MXNET", "MODEL_FRAMEWORK_ONNX", "MODEL_FRAMEWORK_KERAS", "MODEL_FRAMEWORK_TRANSFORMERS",
              "MODEL_FRAMEWORK_API", "MODEL_FRAMEWORK_OTHER", "MODEL_FRAMEWORK_TENSOR_RT_LLM", "MODEL_FRAMEWORK_TRITON",
              "MODEL_FRAMEWORK_VLLM"]
_SORTS = {"LIST_MODELS_ORDER_BY_UNSPECIFIED": None, "LIST_MODELS_ORDER_BY_HOTNESS": None,
          "LIST_MODELS_ORDER_BY_DOWNLOAD_COUNT": lambda m: -m.downloads, "LIST_MODELS_ORDER_BY_VOTE_COUNT": lambda m: -m.votes,
          "LIST_MODELS_ORDER_BY_NOTEBOOK_COUNT": lambda m: -m.notebooks,
          "LIST_MODELS_ORDER_BY_PUBLISH_TIME": lambda m: -m.created.timestamp(),
          "LIST_MODELS_ORDER_BY_CREATE_TIME": lambda m: -m.created.timestamp(),
          "LIST_MODELS_ORDER_BY_UPDATE_TIME": lambda m: -m.updated.timestamp(),
          "LIST_MODELS_ORDER_BY_VIEW_TIME_DESC": lambda m: -m.updated.timestamp()}


def _size(version: ModelVersion) -> int:
    return sum(f.blob.size for f in version.files.values())


def instance_url(model: Model, instance: ModelInstance) -> str:
    return f"{model.url}/{framework_url_name(instance.framework)}/{instance.slug}"


def api_instance(model: Model, i: ModelInstance) -> dict:
    return clean({
        "id": i.id, "slug": i.slug, "framework": i.framework, "fineTunable": i.fine_tunable or None,
        "overview": i.overview, "usage": i.usage, "downloadUrl": f"{instance_url(model, i)}/{i.current.number}",
        "versionId": i.id * 100 + i.current.number, "versionNumber": i.current.number,
        "trainingData": i.training_data or None, "url": instance_url(model, i), "licenseName": i.license_name,
        "modelInstanceType": i.instance_type, "totalUncompressedBytes": _size(i.current)})


def api_model(model: Model) -> dict:
    return clean({
        "id": model.id, "ref": model.ref, "title": model.title, "subtitle": model.subtitle, "author": model.owner,
        "slug": model.slug, "isPrivate": model.is_private or None, "description": model.description,
        "instances": [api_instance(model, i) for i in model.instances],
        "tags": [{"ref": t.replace(" ", "-"), "name": t} for t in model.tags], "publishTime": ts(model.created),
        "provenanceSources": model.provenance or None, "url": model.url, "voteCount": model.votes,
        "updateTime": ts(model.updated)})


def model_of(ctx: Ctx, req: Req) -> Model:
    owner, slug = req.str("ownerSlug"), req.str("modelSlug")
    if not owner or not slug:
        raise bad_request("ownerSlug and modelSlug are required")
    model = ctx.world.models.get(f"{owner}/{slug}")
    if model is None or (model.is_private and model.owner != ctx.user):
        raise not_found(f"Model '{owner}/{slug}' not found")
    return model


def instance_of(ctx: Ctx, req: Req) -> tuple[Model, ModelInstance]:
    model = model_of(ctx, req)
    framework = req.enum("framework", FRAMEWORKS, "MODEL_FRAMEWORK_UNSPECIFIED")
    if framework == "MODEL_FRAMEWORK_UNSPECIFIED":
        raise bad_request("framework is required")
    instance = model.instance(framework, req.str("instanceSlug"))
    if instance is None:
        raise not_found(f"Model instance '{model.ref}/{framework_url_name(framework)}/{req.str('instanceSlug')}' "
                        "not found")
    return model, instance


def version_of(model: Model, instance: ModelInstance, number: int | None) -> ModelVersion:
    version = instance.version(number)
    if version is None:
        raise not_found(f"Version {number} of '{instance_url(model, instance)}' not found")
    return version


@rpc(M, "ListModels", anonymous=True)
def list_models(ctx: Ctx, req: Req) -> dict:
    sort = _SORTS[req.enum("sortBy", list(_SORTS), "LIST_MODELS_ORDER_BY_UNSPECIFIED")]
    words, owner = req.str("search").lower().split(), req.str("owner")
    req.bool("onlyVertexModels", None)
    items = [m for m in ctx.world.models.values() if not m.is_private or m.owner == ctx.user]
    if owner:
        items = [m for m in items if m.owner == owner]
    if words:
        items = [m for m in items if all(w in " ".join([m.slug, m.title, m.subtitle, *m.tags]).lower() for w in words)]
    items.sort(key=sort or (lambda m: -(m.votes + m.downloads / 50)))
    page, token = paginate(items, req, max_size=100)
    return clean({"models": [api_model(m) for m in page], "nextPageToken": token or None,
                  "totalResults": len(items)})


@rpc(M, "GetModel", anonymous=True)
def get_model(ctx: Ctx, req: Req) -> dict:
    return api_model(model_of(ctx, req))


@rpc(M, "GetModelInstance", anonymous=True)
def get_model_instance(ctx: Ctx, req: Req) -> dict:
    return api_instance(*instance_of(ctx, req))


@rpc(M, "ListModelInstances", anonymous=True)
def list_model_instances(ctx: Ctx, req: Req) -> dict:
    model = model_of(ctx, req)
    page, token = paginate(model.instances, req, max_size=100)
    return clean({"instances": [clean({
        "id": i.id, "ownerSlug": model.owner, "modelSlug": model.slug, "slug": i.slug,
        "versionId": i.id * 100 + i.current.number, "fineTunable": i.fine_tunable, "overview": i.overview,
        "usage": i.usage, "versionNumber": i.current.number, "framework": i.framework,
        "versionNotes": i.current.notes, "license": {"id": 1, "name": i.license_name}, "status": "READY",
        "modelInstanceType": i.instance_type, "totalUncompressedBytes": _size(i.current), "modelId": model.id})
        for i in page], "nextPageToken": token or None})


@rpc(M, "ListModelInstanceVersions", anonymous=True)
def list_model_instance_versions(ctx: Ctx, req: Req) -> dict:
    model, instance = instance_of(ctx, req)
    page, token = paginate(list(reversed(instance.versions)), req, max_size=100)
    return clean({"versionList": {"versions": [clean({
        "id": instance.id * 100 + v.number, "framework": instance.framework,
        "url": f"{instance_url(model, instance)}/{v.number}", "variationSlug": instance.slug, "versionNumber": v.number,
        "modelTitle": model.title, "isPrivate": model.is_private or None, "modelId": model.id,
        "ownerSlug": model.owner, "modelSlug": model.slug, "modelInstanceId": instance.id}) for v in page]},
        "nextPageToken": token or None})


@rpc(M, "ListModelInstanceVersionFiles", anonymous=True)
def list_model_instance_version_files(ctx: Ctx, req: Req) -> dict:
    model, instance = instance_of(ctx, req)
    version = version_of(model, instance, req.int("versionNumber", None))
    files = sorted(version.files.values(), key=lambda f: f.name)
    page, token = paginate(files, req, max_size=200)
    return clean({"files": [{"name": f.name, "size": f.blob.size, "creationDate": ts(f.created)} for f in page],
                  "nextPageToken": token or None})


@rpc(M, "DownloadModelInstanceVersion", anonymous=True)
def download_model_instance_version(ctx: Ctx, req: Req) -> Response:
    model, instance = instance_of(ctx, req)
    version = version_of(model, instance, req.int("versionNumber") or None)
    key = f"model-{model.owner}-{model.slug}-{framework_url_name(instance.framework)}-{instance.slug}-v{version.number}"
    path = req.str("path")
    if path:
        data_file = version.files.get(path)
        if data_file is None:
            raise not_found(f"File '{path}' not found in '{instance_url(model, instance)}/{version.number}'")
        ctx.world.register_blob(data_file.blob, f"{key}-{path.replace('/', '-')}")
        return RedirectResponse(ctx.blob_url(f"{key}-{path.replace('/', '-')}", path), status_code=302)
    with ctx.world.lock:
        if key not in ctx.world.blobs:
            members = [(f.name, f.blob) for f in sorted(version.files.values(), key=lambda f: f.name)]
            ctx.world.register_blob(tar_gz_blob(key, members, version.created), key)
        model.downloads += 1
    return RedirectResponse(ctx.blob_url(key, f"{model.slug}.tar.gz"), status_code=302)

"""Identity and blob-upload RPCs: ``security.OAuthService``, ``blobs.BlobApiService``, diagnostics.

IntrospectToken must never answer 401 — the official CLI calls it at import time and crashes on a
401 — so unknown tokens get ``{"active": false}`` (reference §2.3, §3.3). Each seeded user's token
answers that user (``users.py``).
"""

from __future__ import annotations

from kaggle_mcp.sandbox.rpc import Ctx, Req, bad_request, rpc
from kaggle_mcp.sandbox.users import token_user, user_id

SANDBOX_TOKEN = "KGAT_" + "5a4db0c5" * 4  # well-shaped, so `sandbox-user` (see users.py)


@rpc("security.OAuthService", "IntrospectToken", anonymous=True)
def introspect_token(ctx: Ctx, req: Req) -> dict:
    user = token_user(ctx.world, req.str("token"))
    if user is not None:
        return {"active": True, "username": user, "clientId": "kaggle-sandbox", "userId": user_id(ctx.world, user),
                "scope": "resources.admin:*"}
    return {"active": False}


@rpc("api.v1.DiagnosticsService", "Hello")
def hello(ctx: Ctx, req: Req) -> dict:
    user = ctx.require_user()
    return {"message": f"Hello, {user}! This is the kaggle-agent-mcp sandbox.", "userName": user}


_BLOB_TYPES = ["API_BLOB_TYPE_UNSPECIFIED", "DATASET", "MODEL", "INBOX", "COMPETITION_SOLUTION"]


@rpc("blobs.BlobApiService", "StartBlobUpload")
def start_blob_upload(ctx: Ctx, req: Req) -> dict:
    user = ctx.require_user()
    blob_type = req.enum("type", _BLOB_TYPES, "API_BLOB_TYPE_UNSPECIFIED")
    name = req.str("name")
    size = req.int("contentLength")
    req.str("contentType")
    req.int("lastModifiedEpochSeconds", None)
    if not name:
        raise bad_request("name is required")
    if size is None or size < 0:
        raise bad_request("contentLength must be >= 0")
    upload = ctx.world.new_upload(name=name, size=size, kind="blob", blob_type=blob_type, owner=user)
    return {"token": upload.token, "createUrl": f"{ctx.base_url}/uploads/{upload.token}"}

"""The ``kaggle auth`` RPCs: signing in, renewing an access token, revoking a sign-in (reference §2.4).

What ``kaggle auth login --no-launch-browser``, ``kaggle auth print-access-token`` and ``kaggle auth
revoke`` call, and what a client renews a sign-in's access token with, so all of it runs offline:

- ``security.OAuthService/ExchangeOAuthToken``: any non-empty authorization code is accepted (the
  browser step happens on www.kaggle.com, which the sandbox is not); answers a new refresh token
  (``KGRT_`` + 32 hex) and access token (``KGAT_`` + 32 hex, like every token the sandbox accepts);
- ``users.AccountService/GenerateAccessToken``: any refresh token of the ``KGRT_`` shape that was not
  revoked gets a new access token; anything else is a 401, Kaggle's answer to a refused renewal;
- ``users.AccountService/ExpireApiToken``: revokes a refresh token for this sandbox process.

All three are called without Authorization by the official clients (the code or the refresh token in
the body is the credential), so they accept anonymous calls.
"""

from __future__ import annotations

import re
import secrets

from kaggle_mcp.sandbox.rpc import Ctx, Req, RpcError, bad_request, rpc
from kaggle_mcp.sandbox.users import user_id
from kaggle_mcp.sandbox.world import SANDBOX_USER

REFRESH_TOKEN_RE = re.compile(r"KGRT_[0-9a-fA-F]{32}")
_DURATION_RE = re.compile(r"(\d+)(?:\.\d+)?s")
DEFAULT_LIFETIME_SECONDS = 3600
MAX_LIFETIME_SECONDS = 30 * 24 * 3600
_API_VERSIONS = ["API_VERSION_UNSPECIFIED", "API_VERSION_V1", "API_VERSION_V2"]


def _access_token() -> str:
    return "KGAT_" + secrets.token_hex(16)


def _lifetime(req: Req) -> int:
    text = req.str("expirationDuration")
    if not text:
        return DEFAULT_LIFETIME_SECONDS
    match = _DURATION_RE.fullmatch(text)
    if match is None:
        raise bad_request(f"Invalid value at 'expiration_duration' (type.googleapis.com/google.protobuf.Duration), \"{text[:40]}\"")
    seconds = int(match.group(1))
    if not 0 < seconds <= MAX_LIFETIME_SECONDS:
        raise bad_request(f"expirationDuration must be between 1s and {MAX_LIFETIME_SECONDS}s")
    return seconds


@rpc("users.AccountService", "GenerateAccessToken", anonymous=True)
def generate_access_token(ctx: Ctx, req: Req) -> dict:
    refresh = req.str("refreshToken")
    version = req.enum("apiVersion", _API_VERSIONS, "API_VERSION_UNSPECIFIED")
    lifetime = _lifetime(req)
    if not refresh:
        raise bad_request("refreshToken is required")
    if version != "API_VERSION_V1":
        raise bad_request("apiVersion must be API_VERSION_V1")
    if not REFRESH_TOKEN_RE.fullmatch(refresh) or refresh in ctx.world.revoked_refresh_tokens:
        raise RpcError(401, "The refresh token is invalid or has been revoked.")
    return {"token": _access_token(), "expiresIn": lifetime, "userName": SANDBOX_USER,
            "userId": user_id(ctx.world, SANDBOX_USER)}


@rpc("security.OAuthService", "ExchangeOAuthToken", anonymous=True)
def exchange_oauth_token(ctx: Ctx, req: Req) -> dict:
    code, grant = req.str("code"), req.str("grantType")
    req.str("codeVerifier")
    if grant != "authorization_code":
        raise bad_request("grantType must be authorization_code")
    if not code.strip():
        raise bad_request("code is required")
    return {"accessToken": _access_token(), "refreshToken": "KGRT_" + secrets.token_hex(16), "tokenType": "Bearer",
            "expiresIn": 12 * 3600, "username": SANDBOX_USER, "userId": user_id(ctx.world, SANDBOX_USER),
            "scope": "resources.admin:*"}


@rpc("users.AccountService", "ExpireApiToken", anonymous=True)
def expire_api_token(ctx: Ctx, req: Req) -> dict:
    token = req.str("token")
    req.str("reason")
    req.int("tokenId", None)
    if not token:
        raise bad_request("token is required")
    ctx.world.revoked_refresh_tokens.add(token)
    return {}

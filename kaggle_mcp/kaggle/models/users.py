"""Wire messages of ``users.AccountService`` (reference §2.4): renewing a sign-in's access token."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from ..wire import Int64, WireModel, WireRequest

ApiVersion = Literal["API_VERSION_UNSPECIFIED", "API_VERSION_V1", "API_VERSION_V2"]


class GenerateAccessTokenRequest(WireRequest):
    refresh_token: str | None = None
    api_version: ApiVersion = "API_VERSION_UNSPECIFIED"
    expiration_duration: timedelta | None = None

    def __repr__(self) -> str:  # the refresh token is a secret
        return f"GenerateAccessTokenRequest(api_version={self.api_version!r}, refresh_token=<hidden>)"

    __str__ = __repr__


class GenerateAccessTokenResponse(WireModel):
    token: str = ""
    expires_in: Int64 = 0
    user_name: str = ""
    user_id: Int64 = 0

    def __repr__(self) -> str:  # the token is a secret
        return f"GenerateAccessTokenResponse(user_name={self.user_name!r}, expires_in={self.expires_in}, token=<hidden>)"

    __str__ = __repr__

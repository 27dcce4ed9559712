"""``users.AccountService``: a new access token for a ``kaggle auth login`` sign-in."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from .models.users import GenerateAccessTokenRequest, GenerateAccessTokenResponse

if TYPE_CHECKING:
    from .client import KaggleClient

SERVICE = "users.AccountService"


class AccountService:
    def __init__(self, kc: KaggleClient) -> None:
        self.kc = kc

    async def generate_access_token(self, refresh_token: str, lifetime: timedelta) -> GenerateAccessTokenResponse:
        """Exchange the refresh token for an access token valid ``lifetime``. Sent without Authorization:
        the refresh token in the body is the credential (and the expiring access token may be why we ask)."""
        request = GenerateAccessTokenRequest(
            refresh_token=refresh_token, api_version="API_VERSION_V1", expiration_duration=lifetime
        )
        return await self.kc.call(SERVICE, "GenerateAccessToken", request, GenerateAccessTokenResponse, authorize=False)

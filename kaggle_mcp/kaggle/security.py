"""``security.OAuthService``: who a bearer token belongs to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models.security import IntrospectTokenRequest, IntrospectTokenResponse

if TYPE_CHECKING:
    from .client import KaggleClient

SERVICE = "security.OAuthService"


class SecurityService:
    def __init__(self, kc: KaggleClient) -> None:
        self.kc = kc

    async def introspect_token(self, token: str) -> IntrospectTokenResponse:
        """``active`` and ``username`` of a token; the CLI's only way to name a token's account."""
        return await self.kc.call(
            SERVICE, "IntrospectToken", IntrospectTokenRequest(token=token), IntrospectTokenResponse
        )

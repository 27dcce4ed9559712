"""Wire messages of ``security.OAuthService`` (reference §2.3, §4.5)."""


from ..wire import Int64, WireModel, WireRequest


class IntrospectTokenRequest(WireRequest):
    token: str = ""

    def __repr__(self) -> str:  # the token is a secret
        return "IntrospectTokenRequest(token=<hidden>)"

    __str__ = __repr__


class IntrospectTokenResponse(WireModel):
    active: bool = False
    client_id: str = ""
    username: str = ""
    user_id: Int64 | None = None
    scope: str = ""
    exp: Int64 | None = None

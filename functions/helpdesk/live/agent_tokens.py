"""The agent behind a Cognito ID token, for the WebSocket API's ``$connect``.

The same checks as the agent API's (``agent_api.auth``): signature (RS256, the
pool's JWKS), expiry, audience (the console's app client), issuer (the pool),
``token_use == "id"`` and an agent role. Handlers may not import one another,
so the socket's check lives here, in the domain package both may use.
"""

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from helpdesk.settings import auth_settings

if TYPE_CHECKING:
    import jwt

ROLES = ("admin", "supervisor", "agent")  # strongest first


class TokenRefused(Exception):
    """No token, or one we cannot trust (the reason is for logs, never the token)."""


@dataclass(frozen=True)
class TokenHolder:
    agent_id: str
    name: str
    role: str


@lru_cache(maxsize=1)
def _signing_keys() -> "jwt.PyJWKClient":
    import jwt

    return jwt.PyJWKClient(auth_settings().jwks_url, cache_keys=True, lifespan=3600, timeout=5)


def holder_of(token: str) -> TokenHolder:
    """The agent an ID token names, once every check holds."""
    if not token:
        raise TokenRefused("missing token")
    import jwt

    settings = auth_settings()
    try:
        key = _signing_keys().get_signing_key_from_jwt(token)
        claims = jwt.decode(
            token,
            key.key,
            algorithms=["RS256"],
            audience=settings.user_pool_client_id,
            issuer=settings.issuer,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            leeway=30,
        )
    except jwt.PyJWTError as exc:
        raise TokenRefused(type(exc).__name__) from exc
    if claims.get("token_use") != "id":
        raise TokenRefused("not an ID token")
    groups = claims.get("cognito:groups") or []
    roles = [role for role in ROLES if role in groups]
    if not roles:
        raise TokenRefused("no agent role")
    return TokenHolder(agent_id=str(claims["sub"]), name=str(claims.get("name", "")), role=roles[0])


def forget_signing_keys() -> None:
    _signing_keys.cache_clear()

"""The agent behind a Cognito ID token: the agent API's ``Authorization:
Bearer`` and the live-updates socket's ``$connect`` both check them here.

Signature (RS256, key from the pool's JWKS), expiry, audience (the console's app
client), issuer (the pool) and ``token_use == "id"`` must all hold. The agent's
roles are the Cognito groups they belong to, strongest first.
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


class NoAgentRole(TokenRefused):
    """A trusted token of someone in no agent group."""


@dataclass(frozen=True)
class TokenHolder:
    agent_id: str
    email: str
    name: str
    roles: tuple[str, ...]  # strongest first, never empty

    @property
    def role(self) -> str:
        return self.roles[0]


@lru_cache(maxsize=1)
def _signing_keys() -> "jwt.PyJWKClient":
    import jwt  # PyJWT and cryptography load on the first signed-in request, not on /health

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
    roles = tuple(role for role in ROLES if role in groups)
    if not roles:
        raise NoAgentRole("no agent role")
    return TokenHolder(
        agent_id=str(claims["sub"]), email=str(claims.get("email", "")), name=str(claims.get("name", "")), roles=roles
    )


def forget_signing_keys() -> None:
    _signing_keys.cache_clear()

"""Who is calling: Cognito ID tokens checked against the user pool's JWKS.

Signature (RS256, key from the pool's JWKS), expiry, audience (the console's app
client), issuer (the pool) and ``token_use == "id"`` must all hold. The agent's
role is the highest Cognito group they belong to.
"""

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from helpdesk.settings import auth_settings

if TYPE_CHECKING:
    import jwt

ROLES = ("admin", "supervisor", "agent")  # strongest first


class Unauthenticated(Exception):
    """No token, or one we cannot trust."""


class Forbidden(Exception):
    """A trusted caller without the role this needs."""


@dataclass(frozen=True)
class Principal:
    agent_id: str
    email: str
    name: str
    role: str
    roles: tuple[str, ...]

    def require(self, role: str) -> None:
        if ROLES.index(self.role) > ROLES.index(role):
            raise Forbidden(f"needs role {role}")


@lru_cache(maxsize=1)
def _signing_keys() -> "jwt.PyJWKClient":
    import jwt  # PyJWT and cryptography load on the first signed-in request, not on /health

    return jwt.PyJWKClient(auth_settings().jwks_url, cache_keys=True, lifespan=3600, timeout=5)


def authenticate(authorization: str | None) -> Principal:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated("missing bearer token")
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
        raise Unauthenticated(type(exc).__name__) from exc
    if claims.get("token_use") != "id":
        raise Unauthenticated("not an ID token")
    groups = claims.get("cognito:groups") or []
    roles = tuple(role for role in ROLES if role in groups)
    if not roles:
        raise Forbidden("no agent role")
    return Principal(
        agent_id=str(claims["sub"]),
        email=str(claims.get("email", "")),
        name=str(claims.get("name", "")),
        role=roles[0],
        roles=roles,
    )


def forget_signing_keys() -> None:
    _signing_keys.cache_clear()

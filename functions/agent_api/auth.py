"""Who is calling: Cognito ID tokens checked against the user pool's JWKS, or
API keys (``helpdesk.api_keys``), told apart by the key's ``atk_`` prefix.

Signature (RS256, key from the pool's JWKS), expiry, audience (the console's app
client), issuer (the pool) and ``token_use == "id"`` must all hold. The agent's
role is the highest Cognito group they belong to, and an agent has every scope.
A key's caller has the agent role and exactly the key's scopes.
"""

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from helpdesk import api_keys, connections
from helpdesk.api_keys import ALL_SCOPES, Scope
from helpdesk.settings import auth_settings

if TYPE_CHECKING:
    import jwt

ROLES = ("admin", "supervisor", "agent")  # strongest first


class Unauthenticated(Exception):
    """No token, or one we cannot trust."""


class Forbidden(Exception):
    """A trusted caller without the role this needs."""


class KeyRefused(Forbidden):
    """An API key on a route only agents may use (settings, the agent's own things)."""


class MissingScope(Forbidden):
    """An API key without the scope a route needs."""

    def __init__(self, scope: Scope) -> None:
        super().__init__(f"needs scope {scope.value}")
        self.scope = scope


@dataclass(frozen=True)
class Principal:
    agent_id: str
    email: str
    name: str
    role: str
    roles: tuple[str, ...]
    scopes: frozenset[Scope] = ALL_SCOPES  # an agent's token: every scope
    api_key_id: str | None = None  # set for an API key's caller

    def require_scope(self, scope: Scope | None, role: str) -> None:
        """An API key may use a route that names a scope it holds, and only an
        agent-level one; an agent's token reaches every scope."""
        if self.api_key_id is None:
            return
        if scope is None or role != "agent":
            raise KeyRefused("agents only")
        if scope not in self.scopes:
            raise MissingScope(scope)

    def require(self, role: str) -> None:
        if ROLES.index(self.role) > ROLES.index(role):
            raise Forbidden(f"needs role {role}")


@lru_cache(maxsize=1)
def _signing_keys() -> "jwt.PyJWKClient":
    import jwt  # PyJWT and cryptography load on the first signed-in request, not on /health

    return jwt.PyJWKClient(auth_settings().jwks_url, cache_keys=True, lifespan=3600, timeout=5)


def authenticate(authorization: str | None, route: str = "") -> Principal:
    """The caller behind ``Authorization: Bearer …``: an agent's ID token or an
    API key (``route``, e.g. ``GET /api/tickets``, goes into the key's use record)."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated("missing bearer token")
    if api_keys.looks_like_key(token):
        return _key_holder(token.strip(), route)
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


def _key_holder(key: str, route: str) -> Principal:
    try:
        found = api_keys.check_key(connections.store(), key, route)
    except api_keys.InvalidApiKey as exc:
        raise Unauthenticated(f"API key not accepted: {api_keys.masked(key)}") from exc
    return Principal(
        agent_id=f"apikey:{found.id}",
        email="",
        name=found.name,
        role="agent",
        roles=("agent",),
        scopes=frozenset(found.scopes),
        api_key_id=found.id,
    )


def forget_signing_keys() -> None:
    _signing_keys.cache_clear()

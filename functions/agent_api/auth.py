"""Who is calling: Cognito ID tokens checked against the user pool's JWKS
(``helpdesk.team.id_tokens``, shared with the live-updates socket), or API keys
(``helpdesk.api_keys``), told apart by the key's ``atk_`` prefix.

The agent's role is the highest Cognito group they belong to, and an agent has every scope.
A key's caller has the agent role and exactly the key's scopes.
"""

from dataclasses import dataclass

from helpdesk import api_keys, connections
from helpdesk.api_keys import ALL_SCOPES, Scope
from helpdesk.team import id_tokens
from helpdesk.team.id_tokens import ROLES


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


def authenticate(authorization: str | None, route: str = "") -> Principal:
    """The caller behind ``Authorization: Bearer …``: an agent's ID token or an
    API key (``route``, e.g. ``GET /api/tickets``, goes into the key's use record)."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated("missing bearer token")
    if api_keys.looks_like_key(token):
        return _key_holder(token.strip(), route)
    try:
        holder = id_tokens.holder_of(token)
    except id_tokens.NoAgentRole as exc:
        raise Forbidden("no agent role") from exc
    except id_tokens.TokenRefused as exc:
        raise Unauthenticated(str(exc)) from exc
    return Principal(
        agent_id=holder.agent_id, email=holder.email, name=holder.name, role=holder.role, roles=holder.roles
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
    id_tokens.forget_signing_keys()

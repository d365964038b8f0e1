"""API keys for CRMs and scripts (administrators): create one (shown once),
list them, revoke one. Keys themselves are refused here (agents only)."""

from chalice import Response
from pydantic import ConfigDict

from agent_api.routing import Area, Caller, json_answer
from helpdesk import connections
from helpdesk.access import Role
from helpdesk.api_keys import ApiKey, ApiKeyRequest, IssuedKey, issue_key, list_keys, revoke_key
from helpdesk.validated import Validated

area = Area("api_keys")


class ApiKeys(Validated):
    model_config = ConfigDict(frozen=True)

    api_keys: list[ApiKey]


@area.route("/api/api-keys", role=Role.ADMIN, answer=ApiKeys)
def api_keys(caller: Caller) -> Response:
    """Every API key, newest first: name, scopes, prefix, who created it and when,
    when it was last used, and whether it expired or was revoked (never the key)."""
    return json_answer(ApiKeys(api_keys=list_keys(connections.store())))


@area.route("/api/api-keys", methods=("POST",), role=Role.ADMIN, answer=IssuedKey, status=201, body=ApiKeyRequest)
def create_api_key(caller: Caller, body: ApiKeyRequest) -> Response:
    """Create a named key with scopes (administrators; audited). ``key`` is in this
    answer only: it is not kept, only a hash of it."""
    return json_answer(issue_key(connections.store(), body, caller.actor), status=201)


@area.route("/api/api-keys/{key_id}/revoke", methods=("POST",), role=Role.ADMIN, answer=ApiKey)
def revoke_api_key(caller: Caller, key_id: str) -> Response:
    """Revoke a key (administrators; audited): its next request gets 401."""
    return json_answer(revoke_key(connections.store(), key_id, caller.actor))

"""API keys without a table: the key's format, its hash, telling it from a JWT,
what a key's caller may reach (scopes, never an administrator's routes), its
own rate limit, and what the OpenAPI document says of both ways in."""

from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from pydantic import ValidationError

from agent_api import routing
from agent_api.auth import KeyRefused, MissingScope, Principal
from agent_api.errors import response_for
from helpdesk import limits
from helpdesk.access import NotAllowed, Role
from helpdesk.api_keys import (
    ALL_SCOPES,
    PREFIX,
    ApiKey,
    ApiKeyRequest,
    InvalidApiKey,
    KeyThrottled,
    Scope,
    check_key,
    looks_like_key,
    masked,
    secret_hash,
    split_key,
)
from helpdesk.models import Actor, ActorKind, AuditEntry
from helpdesk.store import HelpdeskStore

KEY_ID = "01JE5S0Q9Y8W2X3V4T5R6P7N8M"
SECRET = "Zx3-_q" * 8


def key_principal(*scopes: Scope) -> Principal:
    return Principal(
        agent_id=f"apikey:{KEY_ID}",
        email="",
        name="CRM",
        role="agent",
        roles=("agent",),
        scopes=frozenset(scopes),
        api_key_id=KEY_ID,
    )


def test_a_key_splits_into_its_id_and_secret_even_when_the_secret_holds_underscores() -> None:
    parts = split_key(f"{PREFIX}{KEY_ID}_{SECRET}")
    assert parts.key_id == KEY_ID and parts.secret == SECRET


@pytest.mark.parametrize(
    "text",
    ["", "atk_", f"atk_{KEY_ID}", f"atk_{KEY_ID}_short", f"xyz_{KEY_ID}_{SECRET}", f"atk_bad-id!_{SECRET}"],
)
def test_a_malformed_key_is_invalid(text: str) -> None:
    with pytest.raises(InvalidApiKey):
        split_key(text)


def test_a_key_is_told_from_a_cognito_jwt_by_its_prefix() -> None:
    assert looks_like_key(f"atk_{KEY_ID}_{SECRET}")
    assert not looks_like_key("eyJraWQiOiJhYmMiLCJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln")


def test_the_hash_is_sha256_of_the_secret_and_never_the_secret() -> None:
    digest = secret_hash(SECRET)
    assert len(digest) == 64 and SECRET not in digest
    assert digest == secret_hash(SECRET) and digest != secret_hash(SECRET + "x")


def test_logs_see_a_key_masked() -> None:
    key = f"atk_{KEY_ID}_{SECRET}"
    assert masked(key) == f"atk_{KEY_ID}_…" and SECRET not in masked(key)
    assert masked("atk_garbage") == "atk_…"


def test_a_request_takes_known_scopes_once_each_and_refuses_others() -> None:
    request = ApiKeyRequest(name="  CRM  ", scopes=("tickets:write", "tickets:read", "tickets:read"))
    assert request.name == "CRM" and request.scopes == (Scope.TICKETS_READ, Scope.TICKETS_WRITE)
    assert {s.value for s in ALL_SCOPES} == {
        "tickets:read",
        "tickets:write",
        "contacts:read",
        "contacts:write",
        "kb:read",
    }
    with pytest.raises(ValidationError):
        ApiKeyRequest(name="CRM", scopes=("tickets:delete",))
    with pytest.raises(ValidationError):
        ApiKeyRequest(name="CRM", scopes=())
    with pytest.raises(ValidationError):
        ApiKeyRequest(name="   ", scopes=(Scope.KB_READ,))


def test_a_key_is_usable_until_it_expires_or_is_revoked() -> None:
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    key = ApiKey(
        id=KEY_ID,
        name="CRM",
        scopes=(Scope.TICKETS_READ,),
        prefix=f"atk_{KEY_ID}",
        created_by=Actor(kind=ActorKind.AGENT, id="a-1", name="Adriana"),
        created_at=now,
        expires_at=now + timedelta(days=1),
    )
    assert key.usable_at(now) and not key.usable_at(now + timedelta(days=1))
    assert not key.model_copy(update={"revoked_at": now}).usable_at(now)
    assert key.actor == Actor(kind=ActorKind.API_KEY, id=KEY_ID, name="CRM")


def test_an_agent_token_holds_every_scope() -> None:
    agent = Principal(agent_id="a-1", email="a@example.com", name="Ana", role="agent", roles=("agent",))
    for scope in Scope:
        agent.require_scope(scope, "agent")
    agent.require_scope(None, "admin")  # roles decide for agents, as before


def test_a_key_reaches_only_its_scopes_and_says_which_one_it_lacks() -> None:
    reader = key_principal(Scope.TICKETS_READ)
    reader.require_scope(Scope.TICKETS_READ, "agent")
    with pytest.raises(MissingScope) as missing:
        reader.require_scope(Scope.TICKETS_WRITE, "agent")
    response = response_for(missing.value)
    assert response is not None and response.status_code == 403
    error = response.body["error"]
    assert error["message_key"] == "error.missing_scope" and error["detail"] == {"scope": "tickets:write"}
    assert "«tickets:write»" in error["message"]["es"] and "“tickets:write”" in error["message"]["en"]


@pytest.mark.parametrize(("scope", "role"), [(None, "agent"), (None, "admin"), (Scope.TICKETS_WRITE, "supervisor")])
def test_a_key_never_reaches_agents_only_supervisor_or_admin_routes(scope: Scope | None, role: str) -> None:
    with pytest.raises(KeyRefused) as refused:
        key_principal(*Scope).require_scope(scope, role)
    response = response_for(refused.value)
    assert response is not None and response.status_code == 403
    assert response.body["error"]["message_key"] == "error.api_key_refused"


def test_a_key_caller_sees_every_group_with_an_agents_rights_and_its_own_name() -> None:
    caller = routing.caller_of(key_principal(Scope.TICKETS_READ))
    assert caller.viewer.sees_everything and caller.viewer.role.value == "agent"
    assert caller.actor == Actor(kind=ActorKind.API_KEY, id=KEY_ID, name="CRM")


def test_each_key_has_its_own_token_bucket(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(routing, "_key_buckets", {})
    monkeypatch.setattr(limits, "API_KEY", limits.RateLimit(rate_per_second=0, burst=2))
    routing.take_key_turn("key-a")
    routing.take_key_turn("key-a")
    with pytest.raises(KeyThrottled) as throttled:
        routing.take_key_turn("key-a")
    routing.take_key_turn("key-b")  # another key is not held back
    response = response_for(throttled.value)
    assert response is not None and response.status_code == 429 and response.headers["Retry-After"] == "3600"


def test_the_document_describes_both_ways_in_and_each_routes_scope() -> None:
    from agent_api.app import ROUTE_ROLES, ROUTE_SCOPES, openapi_document

    document = openapi_document()
    schemes = document["components"]["securitySchemes"]
    assert schemes["cognito"]["scheme"] == schemes["apiKey"]["scheme"] == "bearer"
    assert "atk_" in schemes["apiKey"]["bearerFormat"]
    for (path, method), scope in ROUTE_SCOPES.items():
        operation = document["paths"][path][method.lower()]
        if scope is None or ROUTE_ROLES[(path, method)] is not Role.AGENT:  # what a key is refused
            assert operation["security"] == [{"cognito": []}] and "x-atiende-scope" not in operation
        else:
            assert operation["security"] == [{"cognito": []}, {"apiKey": [scope.value]}]
            assert operation["x-atiende-scope"] == scope.value
    assert set(ROUTE_SCOPES) == set(ROUTE_ROLES)


def test_every_ticket_and_contact_route_names_its_scope_reads_apart_from_writes() -> None:
    from agent_api.app import ROUTE_SCOPES

    for (path, method), scope in ROUTE_SCOPES.items():
        area = (
            "contacts" if path.startswith("/api/contacts") else "tickets" if path.startswith("/api/tickets") else None
        )
        if area is None or path.endswith("/presence"):
            continue  # settings, the agent's own things and presence: agents only
        if path.endswith(("/export", "/erase")):
            assert scope is None, path  # personal data requests: administrators only
            continue
        assert scope is not None, (path, method)
        assert scope.value == f"{area}:{'read' if method == 'GET' else 'write'}", (path, method)
    assert ROUTE_SCOPES[("/api/search", "GET")] is Scope.TICKETS_READ
    assert ROUTE_SCOPES[("/api/api-keys", "POST")] is None


def test_a_key_may_release_a_ticket_but_never_hold_one_or_hand_it_on() -> None:
    from tests.unit.test_access import ticket

    viewer = routing.caller_of(key_principal(Scope.TICKETS_WRITE)).viewer
    held = ticket(group_id="billing", assignee_id="ana")
    viewer.require_assignable(held, None)
    viewer.require_assignable(held, "ana")  # unchanged
    for assignee in (viewer.agent_id, "luis"):
        with pytest.raises(NotAllowed):
            viewer.require_assignable(ticket(group_id="billing"), assignee)


class RecordingStore:
    """Just the two calls ``check_key`` makes: a key's record, and its use noted."""

    def __init__(self, record: dict[str, Any], stored_hash: str) -> None:
        self.record, self.stored_hash = record, stored_hash
        self.noted: list[tuple[datetime, AuditEntry | None]] = []

    def get_api_key(self, key_id: str) -> tuple[dict[str, Any], str] | None:
        return (self.record, self.stored_hash) if key_id == self.record["id"] else None

    def mark_api_key_used(self, key_id: str, at: datetime, unless_after: datetime, audit: AuditEntry | None) -> bool:
        self.noted.append((at, audit))
        self.record = {**self.record, "last_used_at": at.isoformat()}
        return True


def test_use_is_noted_a_minute_apart_and_audited_once_a_day() -> None:
    start = datetime(2026, 12, 1, 23, 58, tzinfo=UTC)
    key = ApiKey(
        id=KEY_ID,
        name="CRM",
        scopes=(Scope.TICKETS_READ,),
        prefix=f"atk_{KEY_ID}",
        created_by=Actor(kind=ActorKind.AGENT, id="a-1", name="Adriana"),
        created_at=start,
    )
    store = RecordingStore(key.model_dump(mode="json"), secret_hash(SECRET))
    checked = cast(HelpdeskStore, store)
    full = f"atk_{KEY_ID}_{SECRET}"

    for seconds in (0, 30, 90, 150):  # 23:58:00 … 00:00:30 the next day
        assert check_key(checked, full, "GET /api/tickets", start + timedelta(seconds=seconds)).id == KEY_ID

    assert [(at - start).seconds for at, _ in store.noted] == [0, 90, 150]
    audited = [(at - start).seconds for at, audit in store.noted if audit is not None]
    assert audited == [0, 150]  # the first use, then the first of the next day
    assert store.noted[0][1] is not None and store.noted[0][1].actor.kind is ActorKind.API_KEY
    with pytest.raises(InvalidApiKey):
        check_key(checked, f"atk_{KEY_ID}_{'y' * 43}", "GET /api/tickets", start)
    with pytest.raises(InvalidApiKey):
        check_key(checked, f"atk_01JZZZZZZZZZZZZZZZZZZZZZZZ_{SECRET}", "GET /api/tickets", start)

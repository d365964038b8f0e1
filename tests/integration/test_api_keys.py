"""API keys over HTTP on the local stack's bootstrap: an administrator creates
scoped keys; a key reaches only its scopes, never an administrator's routes;
revoked and expired keys get 401; what a key changes is signed with its name;
the table never holds a key in clear."""

from datetime import UTC, datetime, timedelta
from typing import Any

from helpdesk.api_keys import ApiKeyRequest, Scope, issue_key, split_key
from helpdesk.models import Actor, ActorKind
from helpdesk.settings import store_settings
from helpdesk.store import HelpdeskStore
from tests.integration.conftest import ADMIN_LOGIN as ADMIN
from tests.integration.conftest import CANCELLATION, Api, ticket_with_subject

INVOICE = "No puedo descargar mi factura de octubre"


def _create(api: Api, name: str, scopes: list[str], **extra: Any) -> dict[str, Any]:
    response = api.send("POST", "/api/api-keys", api.token(ADMIN), {"name": name, "scopes": scopes, **extra})
    assert response.status_code == 201, response.text
    return response.json()


def test_a_read_key_reads_tickets_and_is_refused_a_reply_naming_the_scope(api: Api) -> None:
    # Given a key with tickets:read only
    key = _create(api, "CRM lectura", ["tickets:read"])["key"]
    assert key.startswith("atk_")

    # When it lists tickets and opens one
    listed = api.get("/api/tickets", key)
    assert listed.status_code == 200
    tickets = listed.json()["tickets"]
    # Then it sees every group's tickets (billing's unassigned one too), with an agent's rights
    assert CANCELLATION in {t["subject"] for t in tickets}
    invoice = next(t for t in tickets if t["subject"] == INVOICE)
    assert api.get(f"/api/tickets/{invoice['id']}", key).status_code == 200

    # But a reply is refused before its body is read, naming the scope in both languages
    refused = api.send("POST", f"/api/tickets/{invoice['id']}/replies", key, {"body": "hola"})
    assert refused.status_code == 403
    error = refused.json()["error"]
    assert error["message_key"] == "error.missing_scope" and error["detail"] == {"scope": "tickets:write"}
    assert "tickets:write" in error["message"]["es"] and "tickets:write" in error["message"]["en"]
    # And contacts are out of its reach
    assert api.get("/api/contacts", key, email="carlos.mendez@example.com").status_code == 403


def test_a_write_key_changes_a_ticket_under_its_own_name(api: Api) -> None:
    key = _create(api, "Integración ERP", ["tickets:read", "tickets:write"])["key"]
    ticket = ticket_with_subject(api, key, INVOICE)

    changed = api.patch(f"/api/tickets/{ticket['id']}", key, {"version": ticket["version"], "tags": ["erp"]})
    assert changed.status_code == 200, changed.text
    note = api.send("POST", f"/api/tickets/{ticket['id']}/notes", key, {"body": "Sincronizado con el ERP"})
    assert note.status_code == 201, note.text

    thread = api.get(f"/api/tickets/{ticket['id']}", api.token(ADMIN)).json()
    last = thread["events"][-1]
    assert last["actor"] == {"kind": "api_key", "id": changed_key_id(api, "Integración ERP"), "name": "Integración ERP"}
    assert thread["messages"][-1]["author"]["name"] == "Integración ERP"


def changed_key_id(api: Api, name: str) -> str:
    keys = api.get("/api/api-keys", api.token(ADMIN)).json()["api_keys"]
    return next(k["id"] for k in keys if k["name"] == name)


def test_a_supervisor_route_refuses_even_a_key_with_its_scope(api: Api) -> None:
    key = _create(api, "Todo", [scope.value for scope in Scope])["key"]
    ticket = ticket_with_subject(api, key, INVOICE)
    refused = api.send("POST", f"/api/tickets/{ticket['id']}/breaches/b-1/acknowledge", key)
    assert refused.status_code == 403
    assert refused.json()["error"]["message_key"] == "error.api_key_refused"


def test_admin_routes_refuse_keys_with_a_reason_in_both_languages(api: Api) -> None:
    key = _create(api, "Todo", [scope.value for scope in Scope])["key"]
    for method, path, body in (
        ("GET", "/api/api-keys", None),
        ("POST", "/api/api-keys", {"name": "otra", "scopes": ["tickets:read"]}),
        ("GET", "/api/audit", None),
        ("GET", "/api/groups", None),
        ("GET", "/api/me", None),
    ):
        refused = api.send(method, path, key, body)
        assert refused.status_code == 403, (method, path)
        error = refused.json()["error"]
        assert error["message_key"] == "error.api_key_refused"
        assert error["message"]["es"].startswith("Las claves de API") and error["message"]["en"].startswith("API keys")


def test_only_administrators_manage_keys(api: Api) -> None:
    agent = api.token()
    assert api.get("/api/api-keys", agent).status_code == 403
    assert api.send("POST", "/api/api-keys", agent, {"name": "x", "scopes": ["tickets:read"]}).status_code == 403


def test_a_revoked_key_gets_401_at_once(api: Api) -> None:
    created = _create(api, "Script temporal", ["tickets:read"])
    key, key_id = created["key"], created["api_key"]["id"]
    assert api.get("/api/tickets", key).status_code == 200

    revoked = api.send("POST", f"/api/api-keys/{key_id}/revoke", api.token(ADMIN))
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]

    refused = api.get("/api/tickets", key)
    assert refused.status_code == 401
    assert refused.json()["error"]["message_key"] == "error.unauthenticated"


def test_an_expired_key_gets_401(api: Api) -> None:
    # Given a key that expired a minute ago (issued in the past, straight into the table)
    issued_at = datetime.now(UTC) - timedelta(hours=1)
    request = ApiKeyRequest(name="Vencida", scopes=(Scope.TICKETS_READ,), expires_at=issued_at + timedelta(minutes=59))
    expired = issue_key(HelpdeskStore(store_settings()), request, Actor(kind=ActorKind.SYSTEM), issued_at)

    assert api.get("/api/tickets", expired.key).status_code == 401


def test_an_expiry_in_the_past_is_refused(api: Api) -> None:
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    body = {"name": "x", "scopes": ["tickets:read"], "expires_at": past}
    refused = api.send("POST", "/api/api-keys", api.token(ADMIN), body)
    assert refused.status_code == 422 and refused.json()["error"]["message_key"] == "error.api_key_expiry_past"


def test_a_wrong_secret_or_an_unknown_key_gets_401(api: Api) -> None:
    key = _create(api, "CRM", ["tickets:read"])["key"]
    assert api.get("/api/tickets", key[:-4] + "AAAA").status_code == 401
    assert api.get("/api/tickets", "atk_01JZZZZZZZZZZZZZZZZZZZZZZZ_" + "x" * 43).status_code == 401
    assert api.get("/api/tickets", "atk_nonsense").status_code == 401


def test_keys_are_listed_without_their_secret_and_their_use_is_noted(api: Api) -> None:
    created = _create(api, "Listada", ["contacts:read", "kb:read"])
    key = created["key"]
    assert api.get("/api/contacts", key, email="carlos.mendez@example.com").status_code == 200

    listed = api.get("/api/api-keys", api.token(ADMIN)).json()["api_keys"]
    mine = next(k for k in listed if k["id"] == created["api_key"]["id"])
    assert mine["name"] == "Listada" and mine["scopes"] == ["contacts:read", "kb:read"]
    assert key.startswith(mine["prefix"]) and mine["prefix"] != key
    assert mine["created_by"]["name"] == "Adriana Morales" and mine["created_at"] and mine["last_used_at"]
    assert key not in str(listed)


def test_creation_revocation_and_use_are_audited(api: Api) -> None:
    created = _create(api, "Auditada", ["tickets:read"])
    key_id = created["api_key"]["id"]
    api.get("/api/tickets", created["key"])
    api.send("POST", f"/api/api-keys/{key_id}/revoke", api.token(ADMIN))

    entries = api.get("/api/audit", api.token(ADMIN)).json()["entries"]
    actions = {e["action"] for e in entries if e["target"] == key_id}
    assert actions == {"api_key.created", "api_key.used", "api_key.revoked"}
    used = next(e for e in entries if e["target"] == key_id and e["action"] == "api_key.used")
    assert used["actor"]["name"] == "Auditada" and used["changes"][0]["new"] == "GET /api/tickets"
    assert created["key"] not in str(entries)


def test_a_contact_is_found_by_email_or_phone(api: Api) -> None:
    key = _create(api, "CRM contactos", ["contacts:read"])["key"]

    by_email = api.get("/api/contacts", key, email="Carlos.Mendez@example.com")
    assert by_email.status_code == 200
    assert by_email.json()["contact"]["name"] == "Carlos Méndez" and by_email.json()["tickets"]
    by_phone = api.get("/api/contacts", key, phone="+502 5550 1234")  # María writes on WhatsApp
    assert by_phone.status_code == 200 and by_phone.json()["contact"]["name"] == "María López"

    assert api.get("/api/contacts", key, email="nadie@example.com").status_code == 404
    assert api.get("/api/contacts", key, phone="123").status_code in (400, 422)
    assert api.get("/api/contacts", key).status_code == 422


def test_no_key_is_kept_in_clear_anywhere_in_the_table(api: Api) -> None:
    created = _create(api, "Secreta", ["tickets:read", "contacts:read"])
    key = created["key"]
    api.get("/api/tickets", key)
    secret = split_key(key).secret

    dynamodb = api.session.client("dynamodb")
    pages = dynamodb.get_paginator("scan").paginate(TableName=store_settings().table_name)
    everything = str([item for page in pages for item in page["Items"]])
    assert created["api_key"]["id"] in everything  # the record is there…
    assert key not in everything and secret not in everything  # …but never the key or its secret


def test_a_contacts_key_corrects_a_contact_and_a_tickets_key_searches(api: Api) -> None:
    contacts_key = _create(api, "CRM escritura", ["contacts:read", "contacts:write"])["key"]
    found = api.get("/api/contacts", contacts_key, email="lucia.ramirez@example.com").json()["contact"]

    changed = api.patch(f"/api/contacts/{found['id']}", contacts_key, {"tier": "vip"})
    assert changed.status_code == 200 and changed.json()["tier"] == "vip"
    assert api.get("/api/tickets", contacts_key).status_code == 403  # no tickets:read

    tickets_key = _create(api, "Buscador", ["tickets:read"])["key"]
    assert api.get("/api/search", tickets_key, q="factura").status_code == 200
    refused = api.patch(f"/api/contacts/{found['id']}", tickets_key, {"tier": "gold"})
    assert refused.status_code == 403 and refused.json()["error"]["detail"] == {"scope": "contacts:write"}


def test_a_key_whose_use_cannot_be_noted_still_gets_its_answer(api: Api, monkeypatch: Any) -> None:
    key = _create(api, "Sin registro de uso", ["tickets:read"])["key"]

    def unavailable(*args: Any, **kwargs: Any) -> bool:
        raise ConnectionError("table unavailable")

    monkeypatch.setattr(HelpdeskStore, "mark_api_key_used", unavailable)

    assert api.get("/api/tickets", key).status_code == 200

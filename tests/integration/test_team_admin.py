"""Administration through the agent API: inviting and changing agents (in
moto's Cognito and the agents table), groups, ticket field definitions, and the
audit log that records each change."""

from typing import Any

from local.seed import DEMO_PASSWORD
from local.stack import sign_in
from tests.integration.conftest import ADMIN_LOGIN, AGENT_LOGIN, SUPERVISOR_LOGIN, Api, ticket_with_subject

NEW_AGENT = "nueva.agente@atiende.localhost"


def _audit(api: Api) -> list[dict[str, Any]]:
    response = api.get("/api/audit", api.token(ADMIN_LOGIN))
    assert response.status_code == 200, response.text
    return list(response.json()["entries"])


def test_an_admin_invites_an_agent_who_then_works_with_their_role_and_groups(api: Api) -> None:
    admin = api.token(ADMIN_LOGIN)
    invite = {"email": NEW_AGENT, "name": "Valeria Solís", "role": "agent", "group_ids": ["facturacion"]}
    invited = api.send("POST", "/api/agents", admin, invite)
    assert invited.status_code == 201, invited.text
    agent = invited.json()
    assert (agent["email"], agent["role"], agent["group_ids"], agent["active"]) == (
        NEW_AGENT, "agent", ["facturacion"], True,
    )  # fmt: skip
    idp = api.session.client("cognito-idp")
    user = idp.admin_get_user(UserPoolId=api.pool_id, Username=NEW_AGENT)
    assert next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub") == agent["id"]
    groups = idp.admin_list_groups_for_user(UserPoolId=api.pool_id, Username=NEW_AGENT)["Groups"]
    assert [g["GroupName"] for g in groups] == ["agent"]
    assert api.send("POST", "/api/agents", admin, invite).status_code == 409  # once per e-mail

    # She sets her password (Cognito's invitation flow) and signs in
    idp.admin_set_user_password(UserPoolId=api.pool_id, Username=NEW_AGENT, Password=DEMO_PASSWORD, Permanent=True)
    token = sign_in(api.session, api.client_id, NEW_AGENT, DEMO_PASSWORD)
    me = api.get("/api/me", token).json()
    assert (me["name"], me["role"], me["group_ids"]) == ("Valeria Solís", "agent", ["facturacion"])
    assert api.get("/api/sla-setup", token).status_code == 403

    # A role change applies at once, on the token she already has
    promoted = api.patch(f"/api/agents/{agent['id']}", admin, {"role": "supervisor", "group_ids": []})
    assert promoted.status_code == 200, promoted.text
    assert api.get("/api/me", token).json()["role"] == "supervisor"
    assert api.get("/api/sla-setup", token).status_code == 200
    groups = idp.admin_list_groups_for_user(UserPoolId=api.pool_id, Username=NEW_AGENT)["Groups"]
    assert [g["GroupName"] for g in groups] == ["supervisor"]

    # Deactivated: her token stops working now, and Cognito refuses her
    deactivated = api.patch(f"/api/agents/{agent['id']}", admin, {"active": False})
    assert deactivated.status_code == 200 and deactivated.json()["active"] is False
    assert api.get("/api/me", token).status_code == 401
    assert idp.admin_get_user(UserPoolId=api.pool_id, Username=NEW_AGENT)["Enabled"] is False

    entries = [e for e in _audit(api) if e["target"] == NEW_AGENT]
    assert [e["action"] for e in entries] == ["agent.deactivated", "agent.changed", "agent.invited"]
    role_change = {c["field"]: (c["old"], c["new"]) for c in entries[1]["changes"]}
    assert role_change == {"role": ("agent", "supervisor"), "group_ids": (["facturacion"], [])}
    admin_id = api.get("/api/me", admin).json()["agent_id"]
    assert {e["actor"]["id"] for e in entries} == {admin_id}


def test_invites_are_checked_before_anyone_is_created(api: Api) -> None:
    admin = api.token(ADMIN_LOGIN)
    unknown_group = {"email": "otra@atiende.localhost", "name": "Otra", "group_ids": ["ventas"]}
    assert api.send("POST", "/api/agents", admin, unknown_group).status_code == 404
    bad_email = {"email": "no-es-correo", "name": "X"}
    assert api.send("POST", "/api/agents", admin, bad_email).status_code == 400
    idp = api.session.client("cognito-idp")
    users = idp.list_users(UserPoolId=api.pool_id)["Users"]
    assert "otra@atiende.localhost" not in {u["Username"] for u in users}
    assert api.patch("/api/agents/nadie", admin, {"name": "X"}).status_code == 404


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(api: Api) -> None:
    admin = api.token(ADMIN_LOGIN)
    admin_id = api.get("/api/me", admin).json()["agent_id"]
    for change in ({"role": "agent"}, {"active": False}):
        refused = api.patch(f"/api/agents/{admin_id}", admin, change)
        assert refused.status_code == 409 and refused.json()["error"]["message_key"] == "error.last_admin"
    assert api.get("/api/me", admin).json()["role"] == "admin"


def test_groups_are_saved_with_their_supervisor_and_assignment(api: Api) -> None:
    admin = api.token(ADMIN_LOGIN)
    supervisor_id = api.get("/api/me", api.token(SUPERVISOR_LOGIN)).json()["agent_id"]
    group = {
        "id": "ventas", "name": "Ventas", "supervisor_id": supervisor_id,
        "assignment": {"round_robin": True, "max_open_per_agent": 5},
    }  # fmt: skip
    saved = api.send("PUT", "/api/groups/ventas", admin, group)
    assert saved.status_code == 200, saved.text
    listed = api.get("/api/groups", api.token(AGENT_LOGIN)).json()["groups"]
    assert [g["name"] for g in listed] == ["Facturación", "Soporte general", "Ventas"]
    assert next(g for g in listed if g["id"] == "ventas")["assignment"] == group["assignment"]
    assert api.send("PUT", "/api/groups/ventas", admin, group | {"supervisor_id": "nadie"}).status_code == 404
    assert api.send("PUT", "/api/groups/otro", admin, group).status_code == 404  # the path names the group
    assert [e["action"] for e in _audit(api) if e["target"] == "ventas"] == ["group.saved"]


def test_custom_fields_follow_their_definitions(api: Api) -> None:
    admin, agent = api.token(ADMIN_LOGIN), api.token(AGENT_LOGIN)
    setup = {
        "tags": ["envios", "facturacion", "urgente"],
        "custom_fields": [
            {"key": "pedido", "label_es": "Número de pedido", "label_en": "Order number", "kind": "number"},
            {"key": "motivo", "label_es": "Motivo", "label_en": "Reason", "kind": "dropdown",
             "options": ["entrega", "cobro", "otro"]},
        ],
    }  # fmt: skip
    assert api.send("PUT", "/api/ticket-fields", admin, setup).status_code == 200
    assert api.get("/api/ticket-fields", agent).json()["tags"] == setup["tags"]
    bad = {"custom_fields": [{"key": "x", "label_es": "X", "label_en": "X", "kind": "dropdown"}]}
    assert api.send("PUT", "/api/ticket-fields", admin, bad).status_code == 400  # a dropdown needs options

    ticket = ticket_with_subject(api, agent, "Cambio de dirección de entrega")
    path = f"/api/tickets/{ticket['id']}"
    saved = api.patch(path, agent, {"version": ticket["version"], "custom_fields": {"pedido": 5120}})
    assert saved.status_code == 200, saved.text
    both = api.patch(path, agent, {"version": saved.json()["version"], "custom_fields": {"motivo": "entrega"}})
    assert both.json()["custom_fields"] == {"pedido": 5120, "motivo": "entrega"}  # a partial change
    for wrong in ({"motivo": "capricho"}, {"pedido": "cinco"}, {"color": "rojo"}):
        refused = api.patch(path, agent, {"version": both.json()["version"], "custom_fields": wrong})
        assert refused.status_code == 422, (wrong, refused.text)
    cleared = api.patch(path, agent, {"version": both.json()["version"], "custom_fields": {"pedido": None}})
    assert cleared.json()["custom_fields"] == {"motivo": "entrega"}
    entry = next(e for e in _audit(api) if e["action"] == "ticket_fields.saved")
    assert {c["field"] for c in entry["changes"]} == {"tags", "custom_fields"}

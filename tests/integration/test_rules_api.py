"""The rules through the agent API on the local stack's bootstrap: the demo's
rules are seeded, supervisors read them, only administrators replace them (a
nonsensical rule is refused with its reason), the change is audited, and
"test this rule" answers what it would do."""

from local.seed import DEMO_RULES
from tests.integration.conftest import Api

ADMIN = "admin@atiende.localhost"
SUPERVISOR = "supervisora@atiende.localhost"


def test_rules_are_read_replaced_by_admins_and_tested(api: Api) -> None:
    admin, supervisor = api.token(ADMIN), api.token(SUPERVISOR)

    # The demo seeded its rules; supervisors read them, agents may not
    seeded = api.get("/api/rules", supervisor)
    assert seeded.status_code == 200, seeded.text
    assert [r["id"] for r in seeded.json()["rules"]] == [r.id for r in DEMO_RULES.rules]
    assert api.get("/api/rules", api.token()).status_code == 403

    # Only administrators replace them, and a rule that makes no sense is refused
    vip = {"id": "vip", "name": "VIP", "event": "ticket_created",
           "conditions": [{"field": "contact.tier", "operator": "is", "values": ["vip"]}],
           "actions": [{"kind": "set_priority", "values": ["urgent"]}]}  # fmt: skip
    assert api.send("PUT", "/api/rules", supervisor, {"rules": [vip]}).status_code == 403
    closing = {**vip, "actions": [{"kind": "set_status", "values": ["closed"]}]}
    refused = api.send("PUT", "/api/rules", admin, {"rules": [closing]})
    assert refused.status_code == 400 and refused.json()["error"]["message_key"] == "error.invalid_request"
    saved = api.send("PUT", "/api/rules", admin, {"rules": [*seeded.json()["rules"], vip]})
    assert saved.status_code == 200, saved.text
    assert [r["id"] for r in api.get("/api/rules", admin).json()["rules"]][-1] == "vip"
    audit = api.get("/api/audit", admin).json()["entries"]
    assert any(e["action"] == "rules.saved" for e in audit)

    # Testing the billing rule lists the demo's invoice tickets and changes nothing
    before = api.get("/api/tickets", admin, status="open,new,pending,solved", limit="100").json()["tickets"]
    billing = seeded.json()["rules"][0]
    trial = api.send("POST", "/api/rules/test", supervisor, {"rule": billing})
    assert trial.status_code == 200, trial.text
    assert trial.json()["tried"] >= len(before)
    matched = {m["subject"] for m in trial.json()["matches"]}
    assert "No puedo descargar mi factura de octubre" in matched
    after = api.get("/api/tickets", admin, status="open,new,pending,solved", limit="100").json()["tickets"]
    assert after == before

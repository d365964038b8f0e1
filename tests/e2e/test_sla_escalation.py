"""SLAs on the local stack: an administrator sets a one-minute first-response
policy; two customers write; both tickets breach; the escalation executions
run in the embedded Step Functions. The unanswered one is reassigned to the
supervisor, whose notice appears in /dev/outbox and who acknowledges it; the
answered one stops without reassignment."""

from typing import Any

import boto3
import pytest
import requests

from tests.e2e.conftest import RunningStack, eventually

pytestmark = pytest.mark.e2e
ADMIN = "admin@atiende.localhost"
SUPERVISOR = "supervisora@atiende.localhost"
PANAMA_POLICY = {
    "id": "e2e-panama",
    "name": "Panamá: un minuto",
    "conditions": {"channels": ["whatsapp"], "countries": ["PA"]},
    "targets": [{"metric": "first_response", "minutes": 1, "business_hours": False}],
}


def ticket_from(stack: RunningStack, text: str) -> dict[str, Any]:
    def find() -> dict[str, Any] | None:
        tickets = stack.api("GET", "/api/tickets", params={"channel": "whatsapp", "limit": 100}).json()["tickets"]
        return next((t for t in tickets if t["subject"] == text), None)

    return eventually(find)


def thread(stack: RunningStack, ticket_id: str) -> dict[str, Any]:
    return dict(stack.api("GET", f"/api/tickets/{ticket_id}").json())


def first_response(ticket: dict[str, Any]) -> dict[str, Any]:
    return next(t for t in ticket["sla"]["timers"] if t["metric"] == "first_response")


def assign(stack: RunningStack, ticket: dict[str, Any], agent_id: str) -> None:
    # on its current version: the seeded rules may have just moved it to its group
    changed = stack.change_ticket(ticket["id"], group_id="soporte-general", assignee_id=agent_id, status="open")
    assert changed.status_code == 200, changed.text


def executions(stack: RunningStack) -> list[dict[str, Any]]:
    sfn = boto3.client(
        "stepfunctions", endpoint_url=f"http://127.0.0.1:{stack.env['ATIENDE_AWS_PORT']}", region_name="us-east-1",
        aws_access_key_id="local", aws_secret_access_key="local",
    )  # fmt: skip
    machine = next(m for m in sfn.list_state_machines()["stateMachines"] if m["name"].endswith("breach-escalation"))
    return list(sfn.list_executions(stateMachineArn=machine["stateMachineArn"])["executions"])


def test_breach_escalates_to_the_supervisor_and_an_answer_stops_it(stack: RunningStack) -> None:
    # An administrator puts a one-minute policy for Panamá first
    setup = stack.api("GET", "/api/sla-setup", as_agent=ADMIN).json()
    refused = stack.api("PUT", "/api/sla-setup", json=setup)  # an agent may not
    assert refused.status_code == 403
    setup["policies"] = [PANAMA_POLICY, *[p for p in setup["policies"] if p["id"] != PANAMA_POLICY["id"]]]
    assert stack.api("PUT", "/api/sla-setup", as_agent=ADMIN, json=setup).status_code == 200

    # Two customers in Panamá write; an agent takes both
    agent_id = stack.api("GET", "/api/me").json()["agent_id"]
    supervisor_id = stack.api("GET", "/api/me", as_agent=SUPERVISOR).json()["agent_id"]
    for number, text in (("+50761110001", "Mi cuenta fue bloqueada"), ("+50761110002", "No me llega el código")):
        assert stack.cli("wa", "send", "--from", number, "--name", "Cliente Panamá", text).returncode == 0
    unanswered, answered = ticket_from(stack, "Mi cuenta fue bloqueada"), ticket_from(stack, "No me llega el código")
    assert unanswered["sla"]["policy_id"] == "e2e-panama"
    for ticket in (unanswered, answered):
        assign(stack, ticket, agent_id)

    # Both breach a minute later (the stack's clock jumps there; the checker runs every 2 s here)
    moved = requests.post(stack.base + "/dev/clock", json={"forward_seconds": 61}, timeout=10)
    assert moved.status_code == 200

    def breached(ticket_id: str) -> bool:
        return bool(first_response(thread(stack, ticket_id)["ticket"])["state"] == "breached")

    for ticket in (unanswered, answered):
        eventually(lambda: breached(ticket["id"]), 30)  # noqa: B023 - called before the loop moves on
    # The agent answers one of them at once
    reply = stack.api("POST", f"/api/tickets/{answered['id']}/replies", json={"body": "Ya lo revisamos, un momento."})
    assert reply.status_code == 202

    # The other goes to the supervisor with a higher priority…
    def reassigned() -> dict[str, Any] | None:
        current = thread(stack, unanswered["id"])
        return current if current["ticket"]["assignee_id"] == supervisor_id else None

    escalated = eventually(reassigned, 120)
    assert escalated["ticket"]["priority"] == "high"
    number = escalated["ticket"]["number"]

    # …who is told so by e-mail, and acknowledges
    def supervisor_notice() -> dict[str, Any] | None:
        outbox = requests.get(stack.base + "/dev/outbox", timeout=5).json()["messages"]
        return next((m for m in outbox if m["subject"] == f"Escalado a ti: ticket #{number}"), None)

    notice = eventually(supervisor_notice, 30)
    assert notice["to"] == [SUPERVISOR]
    breach = eventually(lambda: next((b for b in thread(stack, unanswered["id"])["breaches"]
                                      if b["awaiting_acknowledgment"]), None), 30)  # fmt: skip
    path = f"/api/tickets/{unanswered['id']}/breaches/{breach['id']}/acknowledge"
    assert stack.api("POST", path).status_code == 403  # agents may not
    assert stack.api("POST", path, as_agent=SUPERVISOR).status_code == 200
    assert stack.api("POST", path, as_agent=SUPERVISOR).status_code == 409  # nothing waits any more

    # Both executions end: acknowledged, and answered without reassignment
    def finished() -> list[dict[str, Any]] | None:
        ours = [e for e in executions(stack) if e["name"].startswith((unanswered["id"], answered["id"]))]
        return ours if len(ours) == 2 and all(e["status"] == "SUCCEEDED" for e in ours) else None

    eventually(finished, 60)
    calm = thread(stack, answered["id"])
    assert calm["ticket"]["assignee_id"] == agent_id and calm["ticket"]["priority"] == "normal"
    assert "escalated" not in [e["kind"] for e in calm["events"]]
    assert [b["state"] for b in calm["breaches"]] == ["answered"]

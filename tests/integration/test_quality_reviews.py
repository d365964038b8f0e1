"""A quality review's round trip on the local stack's bootstrap: an agent solves
a ticket → the table's stream samples it once, even when the record comes twice
→ the quality coordinator scores it → the agent reads it and replies once → the
coordinator reads the reply; an agent without the quality right gets 403 on the
queue, and the scores over time add up."""

from datetime import UTC, datetime
from typing import Any

import boto3
from quality_sampler.app import handler

from helpdesk.models import Channel, Ticket, TicketStatus
from helpdesk.quality.sampling import sample_poor_score
from helpdesk.settings import store_settings
from helpdesk.store import HelpdeskStore
from local.lambda_runtime import LocalContext
from local.seed import DEMO_SCORECARD
from tests.integration.conftest import ADMIN_LOGIN, AGENT_LOGIN, SUPERVISOR_LOGIN, Api, ticket_with_subject

INVOICE = "No puedo descargar mi factura de octubre"  # the demo's: assigned to the agent, open
SCORES = {"saludo": 4, "comprension": 3, "solucion": 4, "tono": 2, "cierre": None}


def _ticket_image(ticket_id: str) -> dict[str, Any]:
    """The ticket's item as DynamoDB JSON: what a stream record's image holds."""
    table = boto3.client("dynamodb", endpoint_url=store_settings().endpoint_url, region_name=store_settings().region)
    key = {"PK": {"S": f"TICKET#{ticket_id}"}, "SK": {"S": "META"}}
    return table.get_item(TableName=store_settings().table_name, Key=key)["Item"]


def _solved_record(ticket_id: str, n: int) -> dict[str, Any]:
    after = _ticket_image(ticket_id)
    before = {**after, "status": {"S": "open"}}
    return {
        "eventID": f"dup-{n}",
        "eventName": "MODIFY",
        "eventSource": "aws:dynamodb",
        "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/1",
        "dynamodb": {
            "Keys": {"PK": after["PK"], "SK": after["SK"]},
            "NewImage": after,
            "OldImage": before,
            "SequenceNumber": str(n),
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
    }


def test_a_solved_ticket_is_sampled_once_scored_read_and_answered(api: Api) -> None:
    admin, coordinator, agent = api.token(ADMIN_LOGIN), api.token(SUPERVISOR_LOGIN), api.token(AGENT_LOGIN)
    assert api.sampler is not None

    # Given the demo's scorecard, sampling every solved ticket
    card = api.get("/api/quality/scorecard", admin).json()
    assert [c["id"] for c in card["criteria"]] == [c.id for c in DEMO_SCORECARD.criteria]
    saved = api.send("PUT", "/api/quality/scorecard", admin, {**card, "sample_percent": 100})
    assert saved.status_code == 200, saved.text
    assert saved.json()["version"] == card["version"] + 1
    stale = api.send("PUT", "/api/quality/scorecard", coordinator, {**card, "sample_percent": 50})
    assert stale.status_code == 409 and stale.json()["error"]["message_key"] == "error.stale_setting"
    assert api.send("PUT", "/api/quality/scorecard", agent, saved.json()).status_code == 403

    # When the agent solves their ticket and the stream is read (and the record delivered twice more)
    ticket = ticket_with_subject(api, agent, INVOICE)
    solved = api.patch(f"/api/tickets/{ticket['id']}", agent, {"status": "solved", "version": ticket["version"]})
    assert solved.status_code == 200, solved.text
    api.sampler.drain()
    again = [_solved_record(ticket["id"], 1), _solved_record(ticket["id"], 2)]
    assert handler({"Records": again}, LocalContext("QualitySamplerFunction")) == {"batchItemFailures": []}

    # Then it waits in the coordinator's queue once; an agent without the right is refused
    queue = api.get("/api/quality/queue", coordinator)
    assert queue.status_code == 200, queue.text
    mine = [r for r in queue.json()["reviews"] if r["ticket_id"] == ticket["id"]]
    assert len(mine) == 1 and mine[0]["reason"] == "sampled" and mine[0]["scorecard"]["sample_percent"] == 100
    refused = api.get("/api/quality/queue", agent)
    assert refused.status_code == 403
    assert set(refused.json()["error"]["message"]) == {"es", "en"}
    picked_again = api.send("POST", "/api/quality/reviews", coordinator, {"ticket_id": ticket["id"]})
    assert picked_again.status_code == 409 and picked_again.json()["error"]["message_key"] == "error.review_exists"
    assert api.send("POST", "/api/quality/reviews", coordinator, {"ticket_id": "nope"}).status_code == 404

    _score_and_reply(api, ticket["id"], coordinator, agent)


def _score_and_reply(api: Api, ticket_id: str, coordinator: str, agent: str) -> None:
    ticket = {"id": ticket_id}
    # The agent sees nothing before it is scored, and cannot score their own work
    assert api.get("/api/me/reviews", agent).json()["reviews"] == []
    assert api.get(f"/api/quality/reviews/{ticket['id']}", agent).status_code == 403
    scoring = {"scores": SCORES, "comments": {"tono": "Más cálido con clientes de Guatemala"}, "comment": "Bien"}
    assert api.send("PUT", f"/api/quality/reviews/{ticket['id']}/score", agent, scoring).status_code == 403

    # When the coordinator scores it (every criterion, 0–4 or N/A)
    partial = api.send("PUT", f"/api/quality/reviews/{ticket['id']}/score", coordinator, {"scores": {"saludo": 4}})
    assert partial.status_code == 400 and partial.json()["error"]["message_key"] == "error.review_scores_invalid"
    scored = api.send("PUT", f"/api/quality/reviews/{ticket['id']}/score", coordinator, scoring)
    assert scored.status_code == 200, scored.text
    # (1·4 + 2·3 + 3·4 + 2·2) / (4 · (1+2+3+2)) — "cierre" is N/A
    assert scored.json()["total"] == 81.2
    twice = api.send("PUT", f"/api/quality/reviews/{ticket['id']}/score", coordinator, scoring)
    assert twice.status_code == 409 and twice.json()["error"]["message_key"] == "error.review_state"
    assert all(r["ticket_id"] != ticket["id"] for r in api.get("/api/quality/queue", coordinator).json()["reviews"])

    # Then the agent reads it with its comments and replies once; the coordinator sees the reply
    (own,) = [r for r in api.get("/api/me/reviews", agent).json()["reviews"] if r["ticket_id"] == ticket["id"]]
    assert own["comments"] == {"tono": "Más cálido con clientes de Guatemala"}
    reply = api.send(
        "POST", f"/api/quality/reviews/{ticket['id']}/reply", agent, {"text": "Gracias, lo tomo en cuenta"}
    )
    assert reply.status_code == 200, reply.text
    second = api.send("POST", f"/api/quality/reviews/{ticket['id']}/reply", agent, {"text": "Otra vez"})
    assert second.status_code == 409 and second.json()["error"]["message_key"] == "error.review_reply_exists"
    seen = api.get(f"/api/quality/reviews/{ticket['id']}", coordinator).json()
    assert seen["reply"]["text"] == "Gracias, lo tomo en cuenta"
    assert api.send("POST", f"/api/quality/reviews/{ticket['id']}/reply", coordinator, {"text": "x"}).status_code == 403

    _scores_add_up(api, ticket_id, own["agent_id"], coordinator, agent)


def _scores_add_up(api: Api, ticket_id: str, agent_id: str, coordinator: str, agent: str) -> None:
    ticket = {"id": ticket_id}
    # And the scores over time add up, per agent and per criterion
    today = datetime.now(UTC).date().isoformat()
    rows = api.get("/api/quality/scores", coordinator, since=today, until=today, period="week").json()["rows"]
    (row,) = [r for r in rows if r["agent_id"] == agent_id]
    assert (row["reviews"], row["average"]) == (1, 81.2)
    assert row["criteria"] == {"comprension": 3.0, "saludo": 4.0, "solucion": 4.0, "tono": 2.0}
    assert api.get("/api/quality/scores", agent, since=today, until=today).json()["rows"] == [
        {**row, "period": today[:7]}
    ]
    wide = api.get("/api/quality/scores", coordinator, since="2020-01-01", until=today)
    assert wide.status_code == 400

    # A coordinator may reopen it to score again
    reopened = api.send("POST", f"/api/quality/reviews/{ticket['id']}/reopen", coordinator)
    assert reopened.status_code == 200 and reopened.json()["state"] == "pending"
    assert api.send("POST", f"/api/quality/reviews/{ticket['id']}/reopen", coordinator).status_code == 409


def test_an_admin_grants_the_quality_right_and_the_demo_queue_has_a_picked_ticket(api: Api) -> None:
    admin, agent = api.token(ADMIN_LOGIN), api.token(AGENT_LOGIN)
    me = api.get("/api/me", agent).json()
    assert me["quality"] is False
    assert api.get("/api/quality/queue", agent).status_code == 403

    granted = api.patch(f"/api/agents/{me['agent_id']}", admin, {"quality": True})
    assert granted.status_code == 200 and granted.json()["quality"] is True
    try:
        queue = api.get("/api/quality/queue", agent)
        assert queue.status_code == 200
        assert "¿Tienen envíos a San Miguel?" in {
            r["subject"] for r in queue.json()["reviews"] if r["reason"] == "picked"
        }
    finally:
        api.patch(f"/api/agents/{me['agent_id']}", admin, {"quality": False})
    assert api.get("/api/quality/queue", agent).status_code == 403


def test_api_keys_reach_no_quality_route(api: Api) -> None:
    admin = api.token(ADMIN_LOGIN)
    body = {"name": "CRM calidad", "scopes": ["tickets:read", "tickets:write"]}
    created = api.send("POST", "/api/api-keys", admin, body)
    assert created.status_code == 201, created.text
    key = created.json()["key"]
    for method, path in (("GET", "/api/quality/queue"), ("GET", "/api/me/reviews"), ("PUT", "/api/quality/scorecard")):
        refused = api.send(method, path, key, {})
        assert refused.status_code == 403, path
        assert refused.json()["error"]["message_key"] == "error.api_key_refused"


def test_the_csat_hook_opens_one_review_for_a_poor_score(store: HelpdeskStore) -> None:
    """Surveys do not exist yet; when they do, a CSAT answer ≤ 2 calls this hook."""
    now = datetime.now(UTC)
    ticket = Ticket(
        id="01CSAT", number=1, status=TicketStatus.SOLVED, channel=Channel.EMAIL, contact_id="c",
        assignee_id="agent-1", created_at=now, updated_at=now,
    )  # fmt: skip
    assert not sample_poor_score(store, ticket, 3, now)
    assert sample_poor_score(store, ticket, 2, now)
    assert not sample_poor_score(store, ticket, 1, now)  # one review per ticket
    (review,) = store.reviews_in_state("pending", 10)
    assert (review["reason"], review["agent_id"]) == ("poor_csat", "agent-1")
    unassigned = ticket.model_copy(update={"id": "01NOBODY", "assignee_id": None})
    assert not sample_poor_score(store, unassigned, 1, now)  # nobody's work to review

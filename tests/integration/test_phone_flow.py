"""The contact flow's Lambda against moto's table: the recorded
``ContactFlowEvent`` answered with the caller's name, open ticket, tier and
language as Connect's flat map of strings; unknown callers; the reads it costs."""

from typing import Any

import pytest

from helpdesk.conversations.ingest import ingest
from helpdesk.models import Channel, IdentityKind, Language
from helpdesk.people.changes import ContactChanges, change_contact
from helpdesk.store import HelpdeskStore
from local.lambda_runtime import LocalContext
from tests.conftest import inbound
from tests.events import load_event

CONTEXT: Any = LocalContext("PhoneFlowFunction")


def ask(number: str | None = None) -> dict[str, str]:
    from phone_flow import app

    event = load_event("connect_contact_flow_event")
    if number is not None:
        event["Details"]["ContactData"]["CustomerEndpoint"]["Address"] = number
    answer: dict[str, str] = app.handler(event, CONTEXT)
    return answer


def test_an_unknown_caller_is_answered_as_not_found(store: HelpdeskStore) -> None:
    assert ask() == {"found": "false", "name": "", "ticket_number": "", "tier": "", "language": "es"}


def test_a_known_caller_gets_name_open_ticket_tier_and_language(store: HelpdeskStore) -> None:
    result = ingest(inbound(sender="50255551234"), store)  # María wrote on WhatsApp
    contact = store.get_contact(result.ticket.contact_id)
    assert contact is not None
    change_contact(store, contact.id, ContactChanges(tier="vip", language=Language.ENGLISH), _agent())
    answer = ask()
    assert answer == {
        "found": "true",
        "name": "María López",
        "ticket_number": str(result.ticket.number),
        "tier": "vip",
        "language": "en",
    }
    assert all(isinstance(v, str) for v in answer.values())


def test_the_open_phone_ticket_comes_first(store: HelpdeskStore) -> None:
    ingest(inbound(sender="50255551234"), store)
    phone = ingest(
        inbound(channel=Channel.PHONE, kind=IdentityKind.PHONE, sender="+50255551234", message_id="call-1"), store
    )
    assert ask()["ticket_number"] == str(phone.ticket.number)


def test_a_number_written_another_way_finds_the_same_caller(store: HelpdeskStore) -> None:
    ingest(inbound(sender="50255551234"), store)
    assert ask("+502 5555-1234")["found"] == "true"


@pytest.mark.parametrize("number", ["", "anonymous", "+0"])
def test_no_usable_number_is_not_found(store: HelpdeskStore, number: str) -> None:
    assert ask(number)["found"] == "false"


def test_the_answer_costs_a_few_key_reads(store: HelpdeskStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Connect waits 8 s at most: the answer is a few GetItems and one Query, never a Scan."""
    from botocore.client import BaseClient

    ingest(inbound(sender="50255551234"), store)
    operations: list[str] = []
    original = BaseClient._make_api_call  # type: ignore[attr-defined]

    def counting(self: Any, name: str, params: Any) -> Any:
        operations.append(name)
        return original(self, name, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", counting)
    assert ask()["found"] == "true"
    assert len(operations) <= 6 and set(operations) <= {"GetItem", "Query"}, operations


def _agent() -> Any:
    from helpdesk.models import Actor, ActorKind

    return Actor(kind=ActorKind.AGENT, id="agent-1", name="Andrés")


def test_a_merged_caller_is_answered_as_the_contact_they_became(store: HelpdeskStore) -> None:
    from helpdesk.people.changes import merge_contacts

    phone = ingest(
        inbound(channel=Channel.PHONE, kind=IdentityKind.PHONE, sender="+50255550001", message_id="c-1"), store
    )
    mail = ingest(inbound(channel=Channel.EMAIL, sender="rosa@example.com", message_id="<m-1@example.com>"), store)
    target = mail.ticket.contact_id
    change_contact(store, target, ContactChanges(name="Rosa Pérez", tier="gold"), _agent())
    merge_contacts(store, target, phone.ticket.contact_id, _agent())
    answer = ask("+50255550001")
    assert (answer["found"], answer["name"], answer["tier"]) == ("true", "Rosa Pérez", "gold")

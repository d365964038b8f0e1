"""Identity checks round trip (``helpdesk.verification``) with moto's table, SQS
and SES and the recorded Graph API: an agent sends a code to the contact's
known WhatsApp number or e-mail address, the customer types it in the
conversation, and the ticket shows who verified how; the code never reaches
the table."""

import json
import re
from datetime import UTC, datetime
from email import message_from_bytes, policy
from typing import Any

import boto3
import pytest

from helpdesk.channels.delivery import Senders, send_reply
from helpdesk.channels.outbound import CODE_MASK
from helpdesk.conversations.ingest import ingest
from helpdesk.errors import HelpdeskError
from helpdesk.models import Actor, ActorKind, Channel, EventKind, Identity, IdentityKind
from helpdesk.people.changes import ContactChanges, change_contact
from helpdesk.providers.ses import SesMailer
from helpdesk.providers.whatsapp_graph import GraphWhatsApp
from helpdesk.store import HelpdeskStore
from helpdesk.tickets.changes import TicketChanges, update_ticket
from helpdesk.tickets.fields import CustomFieldDefinition, TicketFieldSetup, save_ticket_field_setup
from helpdesk.tickets.macros import Macro, apply_macro
from helpdesk.verification import (
    ATTEMPTS,
    CODE_TEMPLATE,
    CODES_PER_HOUR,
    CheckRequest,
    CheckStatus,
    IdentityNotVerified,
    TooManyCodes,
    current_check,
    send_code,
)
from tests.conftest import REGION, TABLE, inbound
from tests.integration.conftest import FakeGraph, MailDesk, mail

AGENT = Actor(kind=ActorKind.AGENT, id="agent-1", name="Andrés Pérez")
NUMBER = "50255598765"


def _whatsapp_ticket(desk: MailDesk, text: str = "Quiero cambiar el correo de mi cuenta") -> str:
    return ingest(inbound(sender=NUMBER, text=text), desk.store).ticket.id


def _code_of(desk: MailDesk) -> tuple[Any, str]:
    (request,) = desk.queued()
    assert request.code is not None and re.fullmatch(r"\d{6}", request.code)
    return request, request.code


def _customer_writes(desk: MailDesk, text: str) -> None:
    ingest(inbound(sender=NUMBER, text=text), desk.store)


def _table_text() -> str:
    items = boto3.client("dynamodb", region_name=REGION).scan(TableName=TABLE)["Items"]
    return json.dumps(items, ensure_ascii=False)


def test_a_code_on_whatsapp_typed_back_verifies_the_customer(desk: MailDesk, graph: GraphWhatsApp) -> None:
    ticket_id = _whatsapp_ticket(desk)

    check = send_code(desk.store, desk.queue, ticket_id, CheckRequest(via="whatsapp"), AGENT, desk.settings)
    request, code = _code_of(desk)

    assert check.status is CheckStatus.PENDING and check.to == "•••8765"
    # The code goes out to the customer's number as text (they wrote minutes ago)...
    FakeGraph.answers = [(200, {"success": True}), (200, {"messages": [{"id": "wamid.code"}]})]  # read mark, text
    senders = Senders(mailer=lambda: SesMailer(desk.ses), whatsapp=lambda: graph, files=lambda: desk.files)
    send_reply(request, 1, 5, desk.store, senders, desk.settings)
    (sent,) = [body for _, _, body in FakeGraph.requests if body.get("type") == "text"]
    assert code in sent["text"]["body"] and sent["to"] == NUMBER
    # ...but the thread, and the whole table, only ever hold the mask
    thread = desk.store.get_thread(ticket_id)
    assert thread is not None and CODE_MASK in thread.messages[-1].text
    assert code not in _table_text()

    _customer_writes(desk, f"Listo, el código es {code[:3]} {code[3:]}")

    verified = current_check(desk.store, ticket_id)
    assert verified is not None and verified.status is CheckStatus.VERIFIED and verified.verified_at is not None
    events = desk.store.get_thread(ticket_id).events  # type: ignore[union-attr]
    kinds = [e.kind for e in events]
    assert EventKind.IDENTITY_CHECK_SENT in kinds and kinds[-1] is EventKind.IDENTITY_VERIFIED
    assert events[-1].actor.kind is ActorKind.CONTACT


def test_wrong_answers_use_up_the_code_and_a_sprayed_message_counts_as_one(desk: MailDesk) -> None:
    ticket_id = _whatsapp_ticket(desk)
    send_code(desk.store, desk.queue, ticket_id, CheckRequest(via="whatsapp"), AGENT, desk.settings)
    _, code = _code_of(desk)
    wrong = f"{(int(code) + 1) % 10**6:06d}"

    _customer_writes(desk, f"¿es {wrong}?")  # a wrong code
    _customer_writes(desk, "mi pedido 12345678 llegó")  # no six-digit number alone: not an answer
    _customer_writes(desk, " ".join(f"{n:06d}" for n in range(100000, 100010)) + f" {code}")  # sprayed
    left = current_check(desk.store, ticket_id)
    assert left is not None and left.attempts_left == ATTEMPTS - 2 and left.status is CheckStatus.PENDING

    for _ in range(ATTEMPTS - 2):
        _customer_writes(desk, f"creo que es {wrong}")
    failed = current_check(desk.store, ticket_id)
    assert failed is not None and failed.status is CheckStatus.FAILED
    _customer_writes(desk, code)  # too late: the code is spent
    assert current_check(desk.store, ticket_id).status is CheckStatus.FAILED  # type: ignore[union-attr]


def test_a_code_by_email_reaches_the_known_address_and_the_reply_verifies(desk: MailDesk) -> None:
    ticket_id = desk.receive(mail(body="Necesito cambiar el titular de la cuenta.")).ticket_id
    assert ticket_id is not None
    desk.send_all()  # the acknowledgment

    send_code(desk.store, desk.queue, ticket_id, CheckRequest(via="email"), AGENT, desk.settings)
    (raw,) = desk.send_all()

    sent = message_from_bytes(raw, policy=policy.default)
    assert sent["To"].addresses[0].addr_spec == "carlos@cliente.example"
    code = re.search(r"\b(\d{6})\b", sent.get_body(("plain",)).get_content()).group(1)  # type: ignore[union-attr]
    assert code not in _table_text()

    answer = mail(
        body=f"Mi código es {code}", subject=f"Re: {sent['Subject']}", headers={"In-Reply-To": sent["Message-ID"]}
    )
    assert desk.receive(answer).ticket_id == ticket_id

    assert current_check(desk.store, ticket_id).status is CheckStatus.VERIFIED  # type: ignore[union-attr]


def test_whatsapp_outside_the_window_sends_the_approved_template(desk: MailDesk) -> None:
    ticket_id = desk.receive(mail(body="Cambio de número de la cuenta")).ticket_id
    assert ticket_id is not None
    desk.queued()  # the acknowledgment
    contact_id = desk.store.get_ticket(ticket_id).contact_id  # type: ignore[union-attr]
    known = ContactChanges(add_identities=(Identity(kind=IdentityKind.WHATSAPP, value=NUMBER),))
    change_contact(desk.store, contact_id, known, AGENT)  # an agent noted their number

    send_code(desk.store, desk.queue, ticket_id, CheckRequest(via="whatsapp"), AGENT, desk.settings)

    (request,) = desk.queued()
    message = desk.store.get_thread(ticket_id).messages[-1]  # type: ignore[union-attr]
    assert request.channel is Channel.WHATSAPP and message.channel is Channel.WHATSAPP
    template = next(n for n in message.notices if n.key == "template")
    assert template.params["name"] == CODE_TEMPLATE and CODE_MASK in template.params["parameters"]


def test_codes_are_limited_per_hour_and_a_new_code_replaces_the_last(desk: MailDesk) -> None:
    ticket_id = _whatsapp_ticket(desk)
    for _ in range(CODES_PER_HOUR):
        send_code(desk.store, desk.queue, ticket_id, CheckRequest(via="whatsapp"), AGENT, desk.settings)
    codes = [r.code for r in desk.queued()]

    with pytest.raises(TooManyCodes):
        send_code(desk.store, desk.queue, ticket_id, CheckRequest(via="whatsapp"), AGENT, desk.settings)

    _customer_writes(desk, str(codes[0]))  # an earlier code no longer works
    assert current_check(desk.store, ticket_id).status is CheckStatus.PENDING  # type: ignore[union-attr]
    _customer_writes(desk, str(codes[-1]))
    assert current_check(desk.store, ticket_id).status is CheckStatus.VERIFIED  # type: ignore[union-attr]


def test_a_macro_for_account_questions_waits_for_a_verified_customer(desk: MailDesk) -> None:
    ticket_id = _whatsapp_ticket(desk)
    macro = Macro(id="cambio-titular", name="Cambio de titular", add_tags=("titular",), requires_identity=True)

    with pytest.raises(IdentityNotVerified) as refused:
        apply_macro(desk.store, desk.queue, ticket_id, macro, AGENT, desk.settings)
    assert isinstance(refused.value, HelpdeskError)

    send_code(desk.store, desk.queue, ticket_id, CheckRequest(via="whatsapp"), AGENT, desk.settings)
    _, code = _code_of(desk)
    _customer_writes(desk, code)
    ticket, _ = apply_macro(desk.store, desk.queue, ticket_id, macro, AGENT, desk.settings)
    assert "titular" in ticket.tags


def test_a_contact_without_that_kind_of_address_gets_no_code(desk: MailDesk, store: HelpdeskStore) -> None:
    ticket_id = _whatsapp_ticket(desk)
    with pytest.raises(HelpdeskError) as refused:
        send_code(desk.store, desk.queue, ticket_id, CheckRequest(via="email"), AGENT, desk.settings)
    assert refused.value.message_key == "error.identity_no_address"
    assert desk.queued() == [] and current_check(store, ticket_id) is None


def test_a_sensitive_field_waits_for_a_verified_customer_when_an_agent_sets_it(desk: MailDesk) -> None:
    now = datetime.now(UTC)
    card = CustomFieldDefinition(
        key="ultimos_digitos", label_es="Últimos dígitos", label_en="Last digits", sensitive=True
    )
    note = CustomFieldDefinition(key="pedido", label_es="Pedido", label_en="Order")
    save_ticket_field_setup(desk.store, TicketFieldSetup(custom_fields=(card, note)), AGENT, now)
    ticket_id = _whatsapp_ticket(desk)

    update_ticket(desk.store, ticket_id, TicketChanges(custom_fields={"pedido": "4412"}), None, AGENT)  # not sensitive
    with pytest.raises(IdentityNotVerified):
        update_ticket(desk.store, ticket_id, TicketChanges(custom_fields={"ultimos_digitos": "4242"}), None, AGENT)
    rule = Actor(kind=ActorKind.RULE, id="r", name="Regla")
    update_ticket(desk.store, ticket_id, TicketChanges(custom_fields={"ultimos_digitos": "0000"}), None, rule)

    send_code(desk.store, desk.queue, ticket_id, CheckRequest(via="whatsapp"), AGENT, desk.settings)
    _, code = _code_of(desk)
    _customer_writes(desk, code)
    after = update_ticket(desk.store, ticket_id, TicketChanges(custom_fields={"ultimos_digitos": "4242"}), None, AGENT)
    assert after.custom_fields == {"pedido": "4412", "ultimos_digitos": "4242"}

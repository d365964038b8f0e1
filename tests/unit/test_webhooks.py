"""Outgoing webhooks without a network: signatures, which URLs and addresses
deliveries may reach (no SSRF), what a ticket's or message's change becomes,
retries' delays, and what an endpoint's registration accepts."""

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from helpdesk.models import Actor, ActorKind, Channel, Message, MessageKind, Ticket, TicketStatus
from helpdesk.webhooks.addresses import HostNotFound, PrivateAddress, UrlNotAllowed, check_url, refused, vet
from helpdesk.webhooks.delivery import Delivery, backoff, headers_for
from helpdesk.webhooks.endpoints import EndpointChanges, EndpointDraft
from helpdesk.webhooks.events import EventName, message_events, ping_event, ticket_events
from helpdesk.webhooks.signing import hint, new_secret, signature, signed_by

T0 = datetime(2026, 12, 5, 15, 0, tzinfo=UTC)
SECRET = "check-hook-secret"


def ticket(**fields: object) -> Ticket:
    base: dict[str, object] = {
        "id": "T1", "number": 7, "channel": Channel.WHATSAPP, "contact_id": "c1", "created_at": T0, "updated_at": T0,
    }  # fmt: skip
    return Ticket.model_validate(base | fields)


def message(kind: MessageKind = MessageKind.INBOUND, text: str = "me cobraron doble la factura") -> Message:
    return Message(
        id="M1", ticket_id="T1", kind=kind, channel=Channel.WHATSAPP, text=text,
        author=Actor(kind=ActorKind.CONTACT, id="c1", name="Rosa"), delivery_status="received",
        sent_at=T0, created_at=T0,
    )  # fmt: skip


def resolver(*addresses: str):  # type: ignore[no-untyped-def]
    return lambda host, port: addresses


# --- signing -----------------------------------------------------------------------------


def test_the_signature_is_the_hex_hmac_sha256_of_the_raw_body_with_the_secret() -> None:
    body = b'{"event":"ticket.created"}'
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert signature(body, SECRET) == expected
    assert signed_by(body, SECRET, expected)
    assert not signed_by(body + b" ", SECRET, expected)
    assert not signed_by(body, "another-secret-value", expected)


def test_a_delivery_carries_event_id_and_signature_headers_over_its_exact_body() -> None:
    event = ticket_events(None, ticket())[0]
    delivery = Delivery(endpoint_id="W1", event_id=event.id, event=event.event, body=event.body().decode())
    headers = headers_for(delivery, SECRET)
    assert headers["X-Atiende-Event"] == "ticket.created"
    assert headers["X-Atiende-Delivery"] == event.id
    assert signed_by(delivery.body.encode(), SECRET, headers["X-Atiende-Signature"])


def test_generated_secrets_are_long_and_unique_and_only_their_end_is_shown() -> None:
    first, second = new_secret(), new_secret()
    assert first != second and len(first) >= 40
    assert hint(first) == "…" + first[-4:] and first[:-4] not in hint(first)


# --- which URLs and addresses (SSRF) ---------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.5", "172.16.3.4", "192.168.1.10", "127.0.0.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",  # noqa: S104
        "224.0.0.1", "240.0.0.1", "::1", "fe80::1", "fd00::1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",
    ],
)  # fmt: skip
def test_private_loopback_link_local_multicast_and_reserved_addresses_are_refused_in_aws(address: str) -> None:
    assert refused(address, allow_loopback=False)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "8.8.8.8"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert not refused(address, allow_loopback=False)


def test_a_host_resolving_to_any_private_address_is_refused_at_registration_and_delivery() -> None:
    with pytest.raises(PrivateAddress):
        vet("https://hooks.example.com/in", False, resolver("93.184.216.34", "10.1.2.3"))
    with pytest.raises(PrivateAddress):
        vet("https://169.254.169.254/latest/meta-data/", False, resolver())
    with pytest.raises(PrivateAddress):
        vet("https://[::ffff:127.0.0.1]/", False, resolver())


def test_a_public_https_endpoint_is_vetted_with_the_addresses_to_connect_to() -> None:
    target = vet("https://hooks.example.com:8443/in?team=7", False, resolver("93.184.216.34"))
    assert (target.scheme, target.host, target.port, target.path) == ("https", "hooks.example.com", 8443, "/in?team=7")
    assert target.addresses == ("93.184.216.34",)


def test_a_host_that_does_not_resolve_is_refused() -> None:
    with pytest.raises(HostNotFound):
        vet("https://nowhere.example/", False, resolver())


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/in",  # not https
        "ftp://hooks.example.com/",
        "https://user:pass@hooks.example.com/",  # credentials
        "https:///no-host",
        "https://hooks.example.com/in#part",
        "https://hooks.example.com/in put",
        "http://127.0.0.1:9000/hook",  # loopback over http: the local stack only
        "https://hooks.example.com:99999/",
    ],
)
def test_urls_other_than_plain_https_are_refused_in_aws(url: str) -> None:
    with pytest.raises(UrlNotAllowed):
        check_url(url, allow_loopback=False)


def test_the_local_stack_allows_loopback_only() -> None:
    target = vet("http://127.0.0.1:9000/hook", True, resolver())
    assert (target.host, target.port, target.addresses) == ("127.0.0.1", 9000, ("127.0.0.1",))
    assert vet("http://localhost:9000/hook", True, resolver("127.0.0.1")).addresses == ("127.0.0.1",)
    with pytest.raises(PrivateAddress):
        vet("https://192.168.0.10/hook", True, resolver())
    with pytest.raises(UrlNotAllowed):
        check_url("http://192.168.0.10/hook", allow_loopback=True)
    with pytest.raises(PrivateAddress):  # a name re-pointed at loopback is no loopback name
        vet("https://rebind.example/hook", True, resolver("127.0.0.1"))


# --- what a change becomes -----------------------------------------------------------------


def test_a_new_ticket_is_ticket_created_with_what_a_receiver_needs_and_no_internal_keys() -> None:
    (event,) = ticket_events(None, ticket(subject="Factura duplicada", tags=("factura",)))
    assert event.event == EventName.TICKET_CREATED
    body = json.loads(event.body())
    assert body["id"] == event.id and body["event"] == "ticket.created" and body["occurred_at"]
    assert body["data"]["ticket"]["number"] == 7 and body["data"]["ticket"]["subject"] == "Factura duplicada"
    text = event.body().decode()
    for internal in ('"PK"', '"SK"', '"GSI1PK"', '"version"', '"sla"', "TICKET#"):
        assert internal not in text


def test_the_same_change_handed_over_twice_is_the_same_event() -> None:
    before, after = ticket(), ticket(status=TicketStatus.OPEN, version=2)
    assert ticket_events(before, after) == ticket_events(before, after)
    assert ticket_events(None, after)[0].id == ticket_events(None, after)[0].id
    assert message_events(message(), None)[0].id == message_events(message(), after)[0].id
    assert (
        ticket_events(before, after)[0].id != ticket_events(after, ticket(status=TicketStatus.PENDING, version=3))[0].id
    )


def test_a_visible_change_is_ticket_updated_with_what_changed_and_solving_also_ticket_solved() -> None:
    before = ticket(status=TicketStatus.OPEN, version=3)
    after = ticket(status=TicketStatus.SOLVED, solved_at=T0 + timedelta(hours=1), version=4)
    updated, solved = ticket_events(before, after)
    assert updated.event == "ticket.updated"
    assert updated.data["changes"] == {"status": {"from": "open", "to": "solved"}}
    assert solved.event == "ticket.solved" and solved.occurred_at == T0 + timedelta(hours=1)
    assert [e.event for e in ticket_events(after, ticket(status=TicketStatus.SOLVED, tags=("x",), version=5))] == [
        "ticket.updated"
    ]


def test_bookkeeping_writes_and_deletions_are_no_events() -> None:
    before = ticket(version=3)
    assert ticket_events(before, ticket(version=4, updated_at=T0 + timedelta(minutes=1))) == []
    assert ticket_events(before, None) == []


def test_customer_messages_and_public_replies_are_message_created_but_notes_are_not_sent_out() -> None:
    (event,) = message_events(message(), ticket())
    assert event.event == "message.created"
    assert event.data["message"]["text"] == "me cobraron doble la factura"
    assert event.data["ticket"]["id"] == "T1"
    assert [e.event for e in message_events(message(MessageKind.OUTBOUND), None)] == ["message.created"]
    assert message_events(message(MessageKind.NOTE), ticket()) == []
    assert message_events(message(MessageKind.SYSTEM), ticket()) == []


def test_long_texts_are_cut_and_say_so() -> None:
    (event,) = message_events(message(text="a" * 20_000), None)
    assert len(event.data["message"]["text"]) == 8000 and event.data["message"]["truncated"] is True


def test_each_ping_is_its_own_event() -> None:
    assert ping_event("W1", T0).id != ping_event("W1", T0 + timedelta(seconds=1)).id
    assert ping_event("W1", T0).event == "ping"


# --- retries ---------------------------------------------------------------------------------


def test_retries_wait_longer_each_time_within_a_bound() -> None:
    assert [backoff(n, 30) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(30, 30) == 3600
    assert backoff(3, 0) == 0


# --- registration ------------------------------------------------------------------------------


def test_a_registration_takes_known_events_once_and_a_long_enough_secret() -> None:
    draft = EndpointDraft(url="https://hooks.example.com/in", events=("ticket.created", "ticket.created"))
    assert draft.events == (EventName.TICKET_CREATED,) and draft.secret is None
    assert EndpointDraft(url="https://h.example/x", events=("survey.answered",), secret=SECRET).secret == SECRET
    for bad in (
        {"url": "https://h.example/x", "events": ()},
        {"url": "https://h.example/x", "events": ("ticket.deleted",)},
        {"url": "https://h.example/x", "events": ("ticket.created",), "secret": "short"},
        {"url": "https://h.example/x", "events": ("ticket.created",), "secret": "has spaces in it, see"},
        {"url": "https://h.example/x", "events": ("ticket.created",), "PK": "WEBHOOK#x"},
    ):
        with pytest.raises(ValidationError):
            EndpointDraft.model_validate(bad)
    assert EndpointChanges(active=False).model_dump(exclude_none=True) == {"active": False}


def test_secrets_never_show_in_a_model_repr() -> None:
    assert SECRET not in repr(EndpointDraft(url="https://h.example/x", events=("ticket.created",), secret=SECRET))

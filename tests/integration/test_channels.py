"""The channel setup against the table in moto: a mail to a listed address
lands in its default group before the demo's rules run (the catch-all leaves
it, the billing rule still moves billing mail), a new contact speaks the
address's language and replies carry its display name; a WhatsApp number does
the same by its phone_number_id; mail to an unlisted address is filed as
before. A save names the version it read: a stale one is refused, and saves
racing from one version keep exactly one, so nobody's entry is lost. Through
the API: who may read and save, 409 in Spanish and English, 422, 400 with the
problem's code, and the audit; a channel group with round robin hands its new
ticket out at once."""

import email
import threading
from datetime import UTC, datetime
from email import policy

import pytest

from helpdesk.channels.setup import ChannelSetup, SupportAddress, WhatsAppNumber, current_channels, save_channels
from helpdesk.channels.whatsapp.inbound import QueuedUpdate, handle_update
from helpdesk.conversations.ingest import IngestResult, ingest
from helpdesk.errors import ConcurrentWrite, StaleSetting
from helpdesk.models import Actor, ActorKind, Agent, Group, GroupAssignment, Language
from helpdesk.rules.ruleset import save_rules
from helpdesk.store import HelpdeskStore
from local.seed import DEMO_RULES, GROUPS
from tests.conftest import inbound
from tests.integration.conftest import ADMIN_LOGIN, AGENT_LOGIN, SUPERVISOR_LOGIN, SUPPORT, Api, MailDesk, mail

ADMIN = Actor(kind=ActorKind.AGENT, id="admin-1", name="Adriana")
SALES = "ventas@atiende.example"
NUMBER_ID = "100200300"


def sales_desk(store: HelpdeskStore) -> ChannelSetup:
    """The demo's groups and rules, and a sales address (English, its own group) and number."""
    for group in (*GROUPS, Group(id="ventas", name="Ventas")):
        store.put_group(group)
    save_rules(store, DEMO_RULES, ADMIN, datetime.now(UTC))
    setup = ChannelSetup(
        email=(
            SupportAddress(
                address=SALES, display_name="Ventas Acme", default_group_id="ventas", language=Language.ENGLISH
            ),
        ),
        whatsapp=(
            WhatsAppNumber(
                display_number="+50255550000", phone_number_id=NUMBER_ID, display_name="Acme", default_group_id="ventas"
            ),
        ),
    )
    return save_channels(store, setup, ADMIN, datetime.now(UTC))


def rule_names(store: HelpdeskStore, ticket_id: str) -> list[str]:
    thread = store.get_thread(ticket_id)
    assert thread is not None
    return [event.actor.name for event in thread.events if event.actor.kind is ActorKind.RULE]


def test_mail_to_a_listed_address_starts_in_its_group_and_language_before_the_rules(desk: MailDesk) -> None:
    sales_desk(desk.store)

    # When a new customer writes to the sales address (SES names it, as well as the To line)
    asked = desk.receive(
        mail("Hello, do you ship to Panama?", sender="Ann <ann@client.example>", subject="Shipping", to=SALES),
        recipients=(SALES,),
    )

    # Then the ticket is Ventas's from the start, and the catch-all rule left it there
    ticket = desk.store.get_ticket(asked.ticket_id or "")
    assert ticket is not None and (ticket.group_id, ticket.recipient) == ("ventas", SALES)
    assert rule_names(desk.store, ticket.id) == []
    contact = desk.store.get_contact(ticket.contact_id)
    assert contact is not None and contact.language is Language.ENGLISH
    # and the acknowledgment leaves with the address's name, from the support address SES verified
    (acknowledgment,) = desk.send_all()
    sent = email.message_from_bytes(acknowledgment, policy=policy.default)
    assert (sent["From"].addresses[0].display_name, sent["From"].addresses[0].addr_spec) == ("Ventas Acme", SUPPORT)

    # When a billing mail reaches the same address (only in its To line: S3 names no recipient)
    billed = desk.receive(mail("Me cobraron dos veces la factura.", subject="Cobro doble", to=SALES))

    # Then the rules still move it to Facturación, by name
    moved = desk.store.get_ticket(billed.ticket_id or "")
    assert moved is not None and (moved.group_id, moved.recipient) == ("facturacion", SALES)
    assert rule_names(desk.store, moved.id) == ["Facturación por palabras"]


def test_mail_to_an_unlisted_or_inactive_address_is_filed_as_before(desk: MailDesk) -> None:
    setup = sales_desk(desk.store)
    inactive = setup.email[0].model_copy(update={"active": False})
    save_channels(desk.store, setup.model_copy(update={"email": (inactive,)}), ADMIN, datetime.now(UTC))

    for n, to in enumerate((SUPPORT, SALES)):
        filed = desk.receive(mail("¿Abren el sábado?", sender=f"cliente{n}@cliente.example", subject="Horario", to=to))
        ticket = desk.store.get_ticket(filed.ticket_id or "")
        assert ticket is not None and (ticket.group_id, ticket.recipient) == ("soporte-general", None)
        assert rule_names(desk.store, ticket.id) == ["Todo lo demás a Soporte general"]
        contact = desk.store.get_contact(ticket.contact_id)
        assert contact is not None and contact.language is Language.SPANISH
    assert all("Soporte <" in raw.decode() for raw in desk.send_all())


def test_a_whatsapp_message_to_a_listed_number_starts_in_its_group(store: HelpdeskStore) -> None:
    sales_desk(store)
    message = {"id": "wamid.CH1", "from": "50255512345", "timestamp": "1796220000", "type": "text",
               "text": {"body": "Hola, ¿tienen la talla M?"}}  # fmt: skip
    update = QueuedUpdate(kind="message", group="50255512345", dedup_id="wamid.CH1", phone_number_id=NUMBER_ID,
                          item=message, contact={"profile": {"name": "Rosa"}})  # fmt: skip

    result = handle_update(update, store)

    assert isinstance(result, IngestResult)
    ticket = store.get_ticket(result.ticket.id)
    assert ticket is not None and (ticket.group_id, ticket.recipient) == ("ventas", NUMBER_ID)
    assert rule_names(store, ticket.id) == []


def test_the_channels_group_hands_its_new_ticket_out_by_round_robin(store: HelpdeskStore) -> None:
    # Given the sales number's group hands out its tickets, and Sofía is online
    sales_desk(store)
    store.put_group(Group(id="ventas", name="Ventas", assignment=GroupAssignment(round_robin=True)))
    store.put_agent(Agent(id="sofia", email="sofia@example.com", name="Sofía", role="agent", group_ids=("ventas",)))
    store.mark_seen("sofia", datetime.now(UTC))

    # When a customer writes to that number (nothing for the billing rule)
    result = ingest(inbound(text="¿Tienen la talla M?", addressed_to=(NUMBER_ID,)), store)

    # Then the ticket is Sofía's at once, in Ventas
    saved = store.get_ticket(result.ticket.id)
    assert saved is not None and (saved.group_id, saved.assignee_id) == ("ventas", "sofia")
    assert (result.ticket.group_id, result.ticket.assignee_id) == ("ventas", "sofia")


def test_a_stale_save_is_refused_and_racing_saves_keep_every_entry(store: HelpdeskStore) -> None:
    # Given two administrators who read the (empty) setup
    read = current_channels(store)
    assert read.version == 0
    first = read.model_copy(update={"email": (SupportAddress(address="uno@atiende.example", display_name="Uno"),)})
    second = read.model_copy(update={"email": (SupportAddress(address="dos@atiende.example", display_name="Dos"),)})

    # When both save what they read: the second is refused, nothing of it written
    assert save_channels(store, first, ADMIN, datetime.now(UTC)).version == 1
    with pytest.raises(StaleSetting):
        save_channels(store, second, ADMIN, datetime.now(UTC))
    assert [e.address for e in current_channels(store).email] == ["uno@atiende.example"]

    # When eight administrators add an address at once, each read → add → save, again when refused
    def add(n: int) -> None:
        while True:
            now = current_channels(store)
            entry = SupportAddress(address=f"equipo{n}@atiende.example", display_name=f"Equipo {n}")
            try:
                save_channels(store, now.model_copy(update={"email": (*now.email, entry)}), ADMIN, datetime.now(UTC))
                return
            except (StaleSetting, ConcurrentWrite):
                continue

    threads = [threading.Thread(target=add, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    # Then every address is kept, and the version counts each save once
    final = current_channels(store)
    assert sorted(e.address for e in final.email) == sorted(
        ["uno@atiende.example", *(f"equipo{n}@atiende.example" for n in range(8))]
    )
    assert final.version == 9
    saves = [e for e in store.audit_log(datetime.now(UTC)) if e.action == "channels.saved"]
    assert len(saves) == 9


def test_the_api_reads_saves_and_refuses_channels(api: Api) -> None:
    admin, supervisor, agent = api.token(ADMIN_LOGIN), api.token(SUPERVISOR_LOGIN), api.token(AGENT_LOGIN)

    # The demo lists the local address and sandbox number; supervisors read them, agents may not
    seeded = api.get("/api/channels", supervisor)
    assert seeded.status_code == 200, seeded.text
    setup = seeded.json()
    assert [e["address"] for e in setup["email"]] == ["soporte@atiende.localhost"]
    assert [(w["display_number"], w["default_group_id"]) for w in setup["whatsapp"]] == [
        ("+50255550000", "soporte-general")
    ]
    assert api.get("/api/channels", agent).status_code == 403

    # Only administrators save; a wrong address is refused with its problem, an unknown group with 422
    sales = {"address": "ventas@atiende.localhost", "display_name": "Ventas", "default_group_id": "facturacion",
             "language": "en", "active": True}  # fmt: skip
    added = {**setup, "email": [*setup["email"], sales]}
    assert api.send("PUT", "/api/channels", supervisor, added).status_code == 403
    wrong = api.send("PUT", "/api/channels", admin, {**setup, "email": [{**sales, "address": "ventas"}]})
    assert wrong.status_code == 400 and wrong.json()["error"]["detail"][0]["problem"] == "support_address"
    unknown = api.send("PUT", "/api/channels", admin, {**setup, "email": [{**sales, "default_group_id": "nadie"}]})
    assert unknown.status_code == 422
    assert unknown.json()["error"]["message_key"] == "error.channel_group_not_found"

    saved = api.send("PUT", "/api/channels", admin, added)
    assert saved.status_code == 200, saved.text
    assert saved.json()["version"] == setup["version"] + 1

    # Saving again what was read before that save: 409, in both languages, nothing changed
    stale = api.send("PUT", "/api/channels", admin, {**setup, "email": []})
    assert stale.status_code == 409
    message = stale.json()["error"]["message"]
    assert message["es"].startswith("Alguien más guardó esta configuración") and message["en"].startswith("Someone")
    assert api.get("/api/channels", admin).json() == saved.json()
    audit = api.get("/api/audit", admin).json()["entries"]
    assert any(e["action"] == "channels.saved" and e["actor"]["name"] for e in audit)

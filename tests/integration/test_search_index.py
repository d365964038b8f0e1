"""The search index on the help desk table (moto, in process): what of a
ticket is indexed, every filter, who finds what (roles and groups), erasure,
the backfill (resumable) and the stream handler."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from helpdesk.access import Role, Viewer
from helpdesk.clock import new_id
from helpdesk.conversations.ingest import IngestResult, ingest
from helpdesk.errors import InvalidSearch
from helpdesk.models import (
    Actor,
    ActorKind,
    Attachment,
    Channel,
    DeliveryStatus,
    IdentityKind,
    Message,
    MessageKind,
    Priority,
    TicketStatus,
)
from helpdesk.people.personal_data import erase_contact
from helpdesk.search.finding import SearchResults, Sort, find_tickets
from helpdesk.search.indexing import backfill, index_ticket
from helpdesk.store import HelpdeskStore
from helpdesk.tickets.changes import TicketChanges, update_ticket
from helpdesk.tickets.fields import CustomFieldDefinition, TicketFieldSetup, save_ticket_field_setup
from helpdesk.tickets.replies import NoteDraft, add_note
from local.lambda_runtime import LocalContext
from tests.conftest import inbound

AGENT = Actor(kind=ActorKind.AGENT, id="agent-1", name="Andrés Pérez")
ADMIN = Viewer("admin-1", Role.ADMIN)
SUPPORT_AGENT = Viewer("agent-1", Role.AGENT, ("soporte",))
BILLING_AGENT = Viewer("agent-2", Role.AGENT, ("facturacion",))
SUPERVISOR = Viewer("super-1", Role.SUPERVISOR, ("soporte",))


def _numbers(results: SearchResults) -> list[int]:
    return [hit.ticket.number for hit in results.hits]


def _find(store: HelpdeskStore, query: str, viewer: Viewer = ADMIN, **options: object) -> list[int]:
    return _numbers(find_tickets(store, viewer, query, **options))  # type: ignore[arg-type]


def _change(store: HelpdeskStore, result: IngestResult, **changes: object) -> None:
    ticket = store.get_ticket(result.ticket.id)
    assert ticket is not None
    update_ticket(store, ticket.id, TicketChanges.model_validate(changes), ticket.version, AGENT)


def _reply(store: HelpdeskStore, ticket_id: str, text: str, files: tuple[str, ...] = (), author: Actor = AGENT) -> None:
    before = store.get_ticket(ticket_id)
    assert before is not None
    now = datetime.now(UTC)
    attachments = tuple(
        Attachment(bucket="attachments", key=f"k/{name}", filename=name, size=1, sha256="0" * 64) for name in files
    )
    message = Message(
        id=new_id(), ticket_id=ticket_id, kind=MessageKind.OUTBOUND, channel=before.channel, author=author,
        text=text, attachments=attachments, delivery_status=DeliveryStatus.SENT, sent_at=now, created_at=now,
    )  # fmt: skip
    store.append_message(before, before.model_copy(update={"updated_at": now}), message, ())


@pytest.fixture
def desk(store: HelpdeskStore) -> Iterator[HelpdeskStore]:
    """Three conversations in two groups, indexed."""
    invoice = ingest(inbound(sender="50499991234", text="Hola, no me llegaron las facturas de octubre"), store)
    laptop = ingest(
        inbound(channel=Channel.EMAIL, sender="carlos@cliente.example", subject="Mi compu no prende",
                text="Buenas, la computadora portátil no enciende desde ayer. Mi teléfono es (504) 3333 2222"),
        store,
    )  # fmt: skip
    refund = ingest(inbound(sender="50255500000", text="Quiero que me devuelvan el pisto, xq no sirvió"), store)
    model = CustomFieldDefinition(key="modelo", label_es="Modelo", label_en="Model")
    save_ticket_field_setup(store, TicketFieldSetup(custom_fields=(model,)), AGENT, datetime.now(UTC))
    _change(store, invoice, group_id="facturacion", status=TicketStatus.OPEN, tags=("vip",))
    _change(store, laptop, group_id="soporte", priority=Priority.HIGH, custom_fields={"modelo": "ThinkPad T14"})
    _change(store, refund, group_id="facturacion", assignee_id="agent-1", status=TicketStatus.PENDING)
    add_note(store, laptop.ticket.id, NoteDraft(body="Revisar garantía extendida con el proveedor"), AGENT)
    _reply(store, laptop.ticket.id, "Le enviamos la guía de diagnóstico adjunta", ("diagnostico_bateria.pdf",))
    backfill(store)
    yield store


def test_every_kind_of_message_and_field_finds_the_ticket(desk: HelpdeskStore) -> None:
    for query in (
        "facturación",  # the customer's message, another form of the word
        "computadora",  # the subject's regionalism ("compu") and the body
        "garantía extendida",  # an internal note
        "guía diagnóstico",  # an agent's reply
        "diagnostico bateria",  # an attachment's file name
        "thinkpad",  # a custom field's value
        "carlos@cliente.example",  # the contact's address
        "dinero",  # "pisto", a regionalism
        "porque",  # "xq" is a stop word once read: nothing to find by
    ):
        expected = {"facturación": [1], "dinero": [3], "porque": []}.get(query, [2])
        assert _find(desk, query) == expected, query


def test_what_the_help_desk_wrote_by_itself_finds_nothing(store: HelpdeskStore) -> None:
    mail = ingest(inbound(channel=Channel.EMAIL, sender="ana@cliente.example", subject="Pedido", text="Hola"), store)
    system = Actor(kind=ActorKind.SYSTEM, name="Soporte")
    _reply(store, mail.ticket.id, "Recibimos su mensaje, le responderemos pronto", author=system)
    _reply(store, mail.ticket.id, "Su pedido sale mañana")
    backfill(store)
    assert _find(store, "recibimos") == []
    assert _find(store, "pedido mañana") == [mail.ticket.number]


def test_a_number_is_found_however_it_is_written(desk: HelpdeskStore) -> None:
    for query in ("+504 9999-1234", "99991234", "(504) 9999 1234", "504-9999-1234"):
        assert _find(desk, query) == [1], query
    assert _find(desk, "3333 2222") == [2]  # a number in the body
    assert _find(desk, "#2") == [2]  # the ticket number


def test_typos_are_read_as_the_words_the_index_knows(desk: HelpdeskStore) -> None:
    assert _find(desk, "fatura") == [1]
    assert _find(desk, "computadroa") == [2]  # two letters swapped
    assert _find(desk, "garantia extendidda") == [2]
    assert _find(desk, "xyzzy") == []


def test_phrases_and_excluded_words(desk: HelpdeskStore) -> None:
    assert _find(desk, '"no enciende"') == [2]
    assert _find(desk, '"enciende no"') == []
    assert _find(desk, "octubre -facturas") == []
    assert _find(desk, "computadora -garantía") == []


def test_each_filter(desk: HelpdeskStore) -> None:
    assert sorted(_find(desk, "status:open,pending")) == [1, 3]
    assert _find(desk, "priority:high") == [2]
    assert sorted(_find(desk, "group:facturacion")) == [1, 3]
    assert _find(desk, "assignee:me", SUPPORT_AGENT) == [3]
    assert _find(desk, "assignee:none group:soporte") == [2]
    assert _find(desk, "tag:VIP") == [1]
    assert _find(desk, "channel:email") == [2]
    assert _find(desk, "from:+504 9999-1234") == [1]
    assert _find(desk, 'from:"(504) 9999 1234"') == [1]
    assert _find(desk, "from:carlos@cliente.example computadora") == [2]
    assert _find(desk, "from:nadie@ninguna.example") == []
    today = datetime.now(UTC).date()
    assert len(_find(desk, f"created>={today:%Y-%m-%d}")) == 3
    assert _find(desk, f"created<{today:%Y-%m-%d}") == []
    assert _find(desk, f"updated>{today + timedelta(days=1):%Y-%m-%d}") == []
    with pytest.raises(InvalidSearch):
        find_tickets(desk, ADMIN, "created>ayer")


def test_a_search_never_returns_a_ticket_the_agent_may_not_open(desk: HelpdeskStore) -> None:
    everything = "status:new,open,pending"
    assert sorted(_find(desk, everything, ADMIN)) == [1, 2, 3]
    assert sorted(_find(desk, everything, BILLING_AGENT)) == [1, 3]  # their group's
    assert sorted(_find(desk, everything, SUPPORT_AGENT)) == [2, 3]  # their group's, and the one assigned to them
    assert sorted(_find(desk, everything, SUPERVISOR)) == [2]
    for viewer in (ADMIN, BILLING_AGENT, SUPPORT_AGENT, SUPERVISOR):
        for query in ("facturas", "computadora", "dinero", "99991234", "garantía", "status:open", "#1", "#2"):
            for hit in find_tickets(desk, viewer, query).hits:
                assert viewer.can_see(hit.ticket), (viewer, query)


def test_snippets_escape_html_and_mark_the_words(store: HelpdeskStore) -> None:
    ingest(inbound(text="<script>alert(1)</script> la factura <b>vencida</b>"), store)
    backfill(store)
    (hit,) = find_tickets(store, ADMIN, "facturas vencidas").hits
    assert "<script>" not in hit.snippet and "&lt;script&gt;" in hit.snippet
    assert "<mark>factura</mark>" in hit.snippet and "<mark>vencida</mark>" in hit.snippet


def test_results_sort_by_relevance_or_date_and_come_in_pages(store: HelpdeskStore) -> None:
    for n in range(5):
        ingest(inbound(sender=f"5025550000{n}", text=f"Problema {n} con la impresora"), store)
    ingest(inbound(sender="50255500009", subject="Impresora", text="La impresora de la oficina"), store)
    backfill(store)
    assert _find(store, "impresora", sort=Sort.NEWEST) == [6, 5, 4, 3, 2, 1]
    assert _find(store, "impresora")[0] == 6  # WhatsApp has no subject: "impresora" weighs the same…
    first = find_tickets(store, ADMIN, "impresora", sort=Sort.NEWEST, budget=_small_pages())
    second = find_tickets(store, ADMIN, "impresora", sort=Sort.NEWEST, page=2, budget=_small_pages())
    assert _numbers(first) == [6, 5, 4, 3] and first.has_more
    assert _numbers(second) == [2, 1] and not second.has_more


def _small_pages():  # type: ignore[no-untyped-def]
    from helpdesk.limits import SearchBudget

    return SearchBudget(page_size=4)


def test_a_search_stops_at_its_budget_and_says_so(store: HelpdeskStore) -> None:
    from helpdesk.limits import SearchBudget

    for n in range(6):
        ingest(inbound(sender=f"5025551000{n}", text="Necesito una factura"), store)
    backfill(store)
    results = find_tickets(store, ADMIN, "factura", budget=SearchBudget(postings=3))
    assert len(results.hits) == 3 and results.partial
    assert not find_tickets(store, ADMIN, "factura").partial


def test_erasure_takes_the_contacts_words_out_of_the_index(desk: HelpdeskStore) -> None:
    class NoFiles:
        def erase(self, bucket: str, key: str) -> int:
            return 0

    (laptop,) = find_tickets(desk, ADMIN, "carlos@cliente.example").hits
    erase_contact(desk, NoFiles(), laptop.ticket.contact_id, AGENT, datetime.now(UTC))  # type: ignore[arg-type]
    for query in ("carlos@cliente.example", "carlos", "computadora", "3333 2222"):
        assert _find(desk, query) == [], query
    assert "carlos@cliente.example" not in desk.vocabulary("c", [len("carlos@cliente.example")])


def test_the_backfill_resumes_from_its_checkpoint_and_writes_nothing_twice(store: HelpdeskStore) -> None:
    for n in range(5):
        ingest(inbound(sender=f"5025552000{n}", text=f"Consulta número {n} sobre envíos"), store)
    first = backfill(store, batch=2, most=3)
    assert (first.indexed, first.done_through) == (3, 3)
    assert store.backfill_checkpoint() == 3
    assert sorted(_find(store, "envíos")) == [1, 2, 3]
    rest = backfill(store, batch=2)
    assert (rest.indexed, rest.done_through, rest.last_number) == (2, 5, 5)
    assert sorted(_find(store, "envíos")) == [1, 2, 3, 4, 5]
    store.save_backfill_checkpoint(0)
    again = backfill(store)
    assert again.indexed == 5 and again.writes == 0  # idempotent: nothing changed


def test_the_stream_handler_reindexes_each_changed_ticket_once(store: HelpdeskStore) -> None:
    from search_indexer.app import handler

    result = ingest(inbound(sender="50255530000", text="Mi celular no carga"), store)
    ticket_pk = f"TICKET#{result.ticket.id}"
    keys = [
        (ticket_pk, "META"),
        (ticket_pk, f"MSG#{result.message.id}"),
        ("IX#cargar#2026-12", "x"),
        (ticket_pk, "EVT#1"),
    ]
    records = [
        {
            "eventID": str(n),
            "eventName": "INSERT",
            "eventSource": "aws:dynamodb",
            "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/1",
            "dynamodb": {
                "Keys": {"PK": {"S": pk}, "SK": {"S": sk}},
                "SequenceNumber": str(n),
                "StreamViewType": "KEYS_ONLY",
            },
        }
        for n, (pk, sk) in enumerate(keys, 1)
    ]
    answer = handler({"Records": records}, LocalContext("SearchIndexerFunction"))
    assert answer == {"batchItemFailures": []}
    assert _find(store, "celular") == [1]
    assert index_ticket(store, result.ticket.id) == 0  # already up to date


def test_identity_kinds_index_as_their_numbers(store: HelpdeskStore) -> None:
    ingest(inbound(sender="50688887777", kind=IdentityKind.WHATSAPP, text="Hola"), store)
    backfill(store)
    assert _find(store, "8888 7777") == [1]

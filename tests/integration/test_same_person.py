"""Merge suggestions across channels: the contacts the name finds (the agents'
search, within the viewer's reach) with the same name and another way to reach
them; namesakes on the same channel, other names and one-word names are not
suggested, and nothing is merged by itself."""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from helpdesk.access import Role, Viewer
from helpdesk.conversations.ingest import ingest
from helpdesk.errors import ContactNotFound
from helpdesk.models import Channel, IdentityKind
from helpdesk.people.same_person import same_person
from helpdesk.search.indexing import backfill
from helpdesk.store import HelpdeskStore
from tests.conftest import inbound

SUPERVISOR = Viewer("super-1", Role.ADMIN)


def _contact(store: HelpdeskStore, channel: Channel, sender: str, name: str, text: str) -> str:
    kind = {Channel.MESSENGER: IdentityKind.MESSENGER, Channel.INSTAGRAM: IdentityKind.INSTAGRAM,
            Channel.WHATSAPP: IdentityKind.WHATSAPP, Channel.EMAIL: IdentityKind.EMAIL}[channel]  # fmt: skip
    message = inbound(channel=channel, sender=sender, kind=kind, text=text)
    message = message.model_copy(
        update={"sender_name": name, **({"subject": text} if channel is Channel.EMAIL else {})}
    )
    return ingest(message, store).ticket.contact_id


@pytest.fixture
def people(store: HelpdeskStore) -> Iterator[dict[str, str]]:
    ids = {
        "messenger": _contact(store, Channel.MESSENGER, "7100000000000001", "Marta Gómez", "¿Hacen envíos a Cobán?"),
        "whatsapp": _contact(store, Channel.WHATSAPP, "50255501111", "marta gomez", "Mi pedido a Cobán no llega"),
        "instagram": _contact(store, Channel.INSTAGRAM, "9200000000000001", "Marta  Gómez", "Vi su historia"),
        "namesake": _contact(store, Channel.MESSENGER, "7100000000000002", "Marta Gómez", "Otra consulta"),
        "other": _contact(store, Channel.WHATSAPP, "50255502222", "Marta Gómez López", "Hola"),
        "single": _contact(store, Channel.WHATSAPP, "50255503333", "Marta", "Hola de nuevo"),
    }
    backfill(store)
    yield ids


def test_the_same_name_on_other_channels_is_suggested(store: HelpdeskStore, people: dict[str, str]) -> None:
    found = same_person(store, SUPERVISOR, people["messenger"], store_now())
    assert {c.id for c in found} == {people["whatsapp"], people["instagram"]}
    # nothing merged: each is still its own contact
    assert all(getattr(store.get_contact(c.id), "merged_into", "gone") is None for c in found)


def test_from_whatsapp_the_messenger_contacts_are_suggested(store: HelpdeskStore, people: dict[str, str]) -> None:
    found = same_person(store, SUPERVISOR, people["whatsapp"], store_now())
    # Both Messenger contacts carry the name: a supervisor tells them apart
    assert {c.id for c in found} == {people["messenger"], people["instagram"], people["namesake"]}


def test_a_single_word_name_suggests_nobody(store: HelpdeskStore, people: dict[str, str]) -> None:
    assert same_person(store, SUPERVISOR, people["single"], store_now()) == ()


def test_an_unknown_contact_is_not_found(store: HelpdeskStore, people: dict[str, str]) -> None:
    with pytest.raises(ContactNotFound):
        same_person(store, SUPERVISOR, "01NOTACONTACT", store_now())


def store_now() -> datetime:
    return datetime.now(UTC)

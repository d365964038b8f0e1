"""A message's file opens as bytes only while small enough for a preview;
otherwise the agent asks for its address, which works for a few minutes.
Either way the ticket must be in the agent's reach."""

from datetime import UTC, datetime, timedelta
from typing import cast

import pytest

from helpdesk.access import NotAllowed, Role, Viewer
from helpdesk.files import FileStore
from helpdesk.models import (
    Actor,
    ActorKind,
    Attachment,
    Channel,
    DeliveryStatus,
    Message,
    MessageKind,
    Ticket,
    TicketThread,
)
from helpdesk.store import HelpdeskStore
from helpdesk.tickets.attachments import LINK_SECONDS, PREVIEW_LIMIT, AttachmentTooLarge
from helpdesk.tickets.downloads import download_link, preview

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
AGENT = Viewer(agent_id="agent-1", role=Role.AGENT, group_ids=("billing",))
OUTSIDER = Viewer(agent_id="agent-2", role=Role.AGENT, group_ids=("sales",))
CUSTOMER = Actor(kind=ActorKind.CONTACT, id="C1", name="Marta")


def attachment(key: str, size: int) -> Attachment:
    return Attachment(bucket="files", key=key, filename=f"{key}.pdf", size=size, sha256="0" * 64)


SMALL = attachment("small", 1024)
LARGE = attachment("large", PREVIEW_LIMIT + 1)


class FakeStore:
    def get_thread(self, ticket_id: str) -> TicketThread | None:
        ticket = Ticket(
            id="T1",
            number=1,
            channel=Channel.EMAIL,
            contact_id="C1",
            group_id="billing",
            created_at=NOW,
            updated_at=NOW,
        )
        message = Message(
            id="M1",
            ticket_id="T1",
            kind=MessageKind.INBOUND,
            channel=Channel.EMAIL,
            author=CUSTOMER,
            attachments=(SMALL, LARGE),
            delivery_status=DeliveryStatus.RECEIVED,
            sent_at=NOW,
            created_at=NOW,
        )
        return TicketThread(ticket=ticket, contact=None, messages=(message,), events=()) if ticket_id == "T1" else None


class FakeFiles:
    def __init__(self) -> None:
        self.read: list[str] = []

    def get(self, bucket: str, key: str) -> bytes:
        self.read.append(key)
        return b"%PDF"

    def link(self, bucket: str, key: str, filename: str, seconds: int) -> str:
        return f"https://{bucket}.example/{key}?filename={filename}&seconds={seconds}"


STORE = cast(HelpdeskStore, FakeStore())


def test_a_small_file_previews_as_its_bytes() -> None:
    files = FakeFiles()

    assert preview(STORE, cast(FileStore, files), AGENT, "T1", "M1", "0") == b"%PDF"
    assert files.read == ["small"]


def test_a_large_file_is_not_read_for_a_preview() -> None:
    files = FakeFiles()

    with pytest.raises(AttachmentTooLarge):
        preview(STORE, cast(FileStore, files), AGENT, "T1", "M1", "1")
    assert files.read == []


def test_any_file_has_a_download_address_for_a_few_minutes() -> None:
    link = download_link(STORE, cast(FileStore, FakeFiles()), AGENT, "T1", "M1", "1", NOW)

    assert link.url == f"https://files.example/large?filename=large.pdf&seconds={LINK_SECONDS}"
    assert link.filename == "large.pdf"
    assert link.expires_at == NOW + timedelta(seconds=LINK_SECONDS)


def test_a_file_on_a_ticket_out_of_reach_is_refused() -> None:
    with pytest.raises(NotAllowed):
        preview(STORE, cast(FileStore, FakeFiles()), OUTSIDER, "T1", "M1", "0")
    with pytest.raises(NotAllowed):
        download_link(STORE, cast(FileStore, FakeFiles()), OUTSIDER, "T1", "M1", "0", NOW)

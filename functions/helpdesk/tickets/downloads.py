"""A message's file as an agent opens it: its bytes for a preview (small files
only), or a download address that works for a few minutes. Either way the
agent must be able to see the ticket (``attachments.on_message``).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from helpdesk.access import Viewer
from helpdesk.files import FileStore
from helpdesk.store import HelpdeskStore
from helpdesk.tickets.attachments import LINK_SECONDS, PREVIEW_LIMIT, AttachmentTooLarge, on_message


@dataclass(frozen=True)
class DownloadLink:
    url: str
    filename: str
    expires_at: datetime


def preview(
    store: HelpdeskStore, files: FileStore, viewer: Viewer, ticket_id: str, message_id: str, index: str
) -> bytes:
    """The file's bytes; over ``PREVIEW_LIMIT`` it is refused (ask for its link)."""
    file = on_message(store, viewer, ticket_id, message_id, index)
    if file.size > PREVIEW_LIMIT:
        raise AttachmentTooLarge(file.key)
    return files.get(file.bucket, file.key)


def download_link(
    store: HelpdeskStore,
    files: FileStore,
    viewer: Viewer,
    ticket_id: str,
    message_id: str,
    index: str,
    now: datetime,
) -> DownloadLink:
    """An address for the file, valid ``LINK_SECONDS`` from ``now``."""
    file = on_message(store, viewer, ticket_id, message_id, index)
    url = files.link(file.bucket, file.key, file.filename, LINK_SECONDS)
    return DownloadLink(url=url, filename=file.filename, expires_at=now + timedelta(seconds=LINK_SECONDS))

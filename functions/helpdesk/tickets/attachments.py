"""Files on tickets as agents meet them: previews and downloads of what
customers sent, and files agents attach to their replies.

An agent's upload is stored under ``outbound/<ticket id>/`` in the attachments
bucket, so a reply can only carry files uploaded for its own ticket; what a
reply records about each file (size, type, checksum) comes from S3, never from
the client.
"""

from typing import Annotated

from pydantic import ConfigDict, Field

from helpdesk import limits
from helpdesk.access import Viewer
from helpdesk.errors import HelpdeskError, TicketNotFound
from helpdesk.files import FileStore, file_label, keep_file, uploaded_bytes
from helpdesk.models import Attachment, Channel, Message, Ticket
from helpdesk.store import HelpdeskStore
from helpdesk.validated import Validated

# The API answers at most 6 MB and JSON carries files as base64 (4/3 larger):
# what the API itself sends or takes stays under these (``limits.API_FILE_BYTES``).
PREVIEW_LIMIT = limits.API_FILE_BYTES
UPLOAD_LIMIT = limits.API_FILE_BYTES
LINK_SECONDS = 300  # how long a download address works
REPLY_ATTACHMENTS = 10
# WhatsApp media replies are not built yet; Messenger and Instagram upload with the Send API
CHANNELS_WITH_ATTACHMENTS = (Channel.EMAIL, Channel.MESSENGER, Channel.INSTAGRAM)


class AttachmentNotFound(HelpdeskError):
    message_key = "error.attachment_not_found"


class AttachmentTooLarge(HelpdeskError):
    message_key = "error.attachment_too_large"


class AttachmentsNotSupported(HelpdeskError):
    message_key = "error.attachments_not_supported"


class Upload(Validated):
    """Body of ``POST /api/tickets/{id}/attachments``: one file, base64."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    filename: Annotated[str, Field(min_length=1, max_length=200)]
    content_type: Annotated[str, Field(max_length=200)] = "application/octet-stream"
    data: Annotated[str, Field(min_length=1, max_length=(UPLOAD_LIMIT * 4) // 3 + 8)]


class ReplyAttachment(Validated):
    """A file uploaded for the ticket, named in a reply."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: Annotated[str, Field(min_length=1, max_length=300)]
    filename: Annotated[str, Field(min_length=1, max_length=200)]


def upload_prefix(ticket_id: str) -> str:
    return f"outbound/{ticket_id}"


def upload(files: FileStore, bucket: str, ticket: Ticket, file: Upload) -> Attachment:
    if ticket.channel not in CHANNELS_WITH_ATTACHMENTS:
        raise AttachmentsNotSupported(ticket.channel.value)
    content = uploaded_bytes(file.data, file.filename)
    if len(content) > UPLOAD_LIMIT:
        raise AttachmentTooLarge(file.filename)
    return keep_file(files, bucket, upload_prefix(ticket.id), content, file_label(file.filename), file.content_type)


def for_reply(
    files: FileStore, bucket: str, ticket: Ticket, chosen: tuple[ReplyAttachment, ...]
) -> tuple[Attachment, ...]:
    """The files a reply carries, as S3 describes them; only this ticket's uploads."""
    if chosen and ticket.channel not in CHANNELS_WITH_ATTACHMENTS:
        raise AttachmentsNotSupported(ticket.channel.value)
    found = []
    for choice in chosen:
        stored = None
        if choice.key.startswith(upload_prefix(ticket.id) + "/"):
            stored = files.describe(bucket, choice.key)
        if stored is None:
            raise AttachmentNotFound(choice.key)
        found.append(
            Attachment(
                bucket=bucket,
                key=choice.key,
                filename=choice.filename,
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256 or "0" * 64,
            )
        )
    return tuple(found)


def on_message(store: HelpdeskStore, viewer: Viewer, ticket_id: str, message_id: str, index: str) -> Attachment:
    """One file of a message on a ticket the viewer may see: its ``index``-th
    attachment, or ``original`` (the message as the provider delivered it,
    e.g. the raw e-mail)."""
    thread = store.get_thread(ticket_id)
    if thread is None:
        raise TicketNotFound(ticket_id)
    viewer.require_visible(thread.ticket)
    message: Message | None = next((m for m in thread.messages if m.id == message_id), None)
    if message is None:
        raise AttachmentNotFound(message_id)
    if index == "original":
        if message.original is None:
            raise AttachmentNotFound(index)
        return message.original
    if not index.isdigit() or int(index) >= len(message.attachments):
        raise AttachmentNotFound(index)
    return message.attachments[int(index)]

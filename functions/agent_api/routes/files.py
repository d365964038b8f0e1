"""Files on tickets: an agent's upload for an e-mail reply, and a message's
file as bytes (a preview) or as a download address."""

from chalice import Response

from agent_api import answers
from agent_api.routing import Area, Caller, json_answer
from helpdesk import connections
from helpdesk.api_keys import Scope
from helpdesk.clock import utc_now
from helpdesk.models import Attachment
from helpdesk.settings import mail_settings
from helpdesk.tickets import attachments
from helpdesk.tickets.downloads import download_link, preview
from helpdesk.tickets.lookup import visible_ticket

area = Area("files")

BYTES = "application/octet-stream"  # file answers are bytes (the app declares it binary); everything else is JSON


@area.route(
    "/api/tickets/{ticket_id}/attachments",
    methods=("POST",),
    answer=Attachment,
    status=201,
    body=attachments.Upload,
    scope=Scope.TICKETS_WRITE,
)
def upload_attachment(caller: Caller, ticket_id: str, body: attachments.Upload) -> Response:
    """Upload a file (base64, up to 4 MB) to attach to an e-mail reply on this
    ticket; the reply names it by the ``key`` answered."""
    ticket = visible_ticket(connections.store(), caller.viewer, ticket_id)
    return json_answer(
        attachments.upload(connections.files(), mail_settings().attachments_bucket, ticket, body), status=201
    )


@area.route(
    "/api/tickets/{ticket_id}/messages/{message_id}/attachments/{index}",
    answer=answers.FileBytes,
    scope=Scope.TICKETS_READ,
)
def attachment_bytes(caller: Caller, ticket_id: str, message_id: str, index: str) -> Response:
    """A message's file as bytes for a preview (``index``: 0, 1… or ``original``;
    send ``Accept: application/octet-stream``); 413 beyond 4 MB: ask for its link."""
    content = preview(connections.store(), connections.files(), caller.viewer, ticket_id, message_id, index)
    headers: dict[str, str | list[str]] = {
        "Content-Type": BYTES,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, max-age=300",
    }
    return Response(body=content, status_code=200, headers=headers)


@area.route(
    "/api/tickets/{ticket_id}/messages/{message_id}/attachments/{index}/link",
    answer=answers.FileLink,
    scope=Scope.TICKETS_READ,
)
def attachment_link(caller: Caller, ticket_id: str, message_id: str, index: str) -> Response:
    """A download address for a message's file, valid for 5 minutes."""
    link = download_link(
        connections.store(), connections.files(), caller.viewer, ticket_id, message_id, index, utc_now()
    )
    return json_answer(answers.FileLink(url=link.url, filename=link.filename, expires_at=link.expires_at))

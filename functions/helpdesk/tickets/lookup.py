"""What an agent finds, within their reach: one ticket or its thread, a queue
view, a contact's history (search: ``helpdesk.search.finding``). Each answers only tickets the viewer may
see (``helpdesk.access``); a ticket out of reach is refused, not hidden.
"""

from helpdesk.access import Viewer
from helpdesk.errors import TicketNotFound
from helpdesk.files import FileStore
from helpdesk.models import Channel, Contact, Ticket, TicketStatus, TicketThread
from helpdesk.people.changes import live_contact
from helpdesk.store import UNASSIGNED, HelpdeskStore, TicketPage, TicketQuery
from helpdesk.tickets.attachments import AttachmentNotFound
from helpdesk.tickets.changes import get_thread, list_tickets

ME = "me"  # a queue view's assignee: the viewer
NOBODY = "none"  # a queue view's assignee: unassigned tickets
HISTORY_LENGTH = 50  # a contact's latest tickets shown with them


def visible_ticket(store: HelpdeskStore, viewer: Viewer, ticket_id: str) -> Ticket:
    """The ticket, if it exists and the viewer may see it."""
    found = store.get_ticket(ticket_id)
    if found is None:
        raise TicketNotFound(ticket_id)
    viewer.require_visible(found)
    return found


def visible_thread(store: HelpdeskStore, viewer: Viewer, ticket_id: str) -> TicketThread:
    """The ticket with its contact, messages and history, if the viewer may see it."""
    thread = get_thread(store, ticket_id)
    viewer.require_visible(thread.ticket)
    return thread


def queue_page(
    store: HelpdeskStore,
    viewer: Viewer,
    statuses: tuple[TicketStatus, ...],
    *,
    channel: Channel | None = None,
    assignee: str | None = None,
    group_id: str | None = None,
    limit: int = 25,
    cursor: str | None = None,
    oldest_first: bool = False,
) -> TicketPage:
    """One page of a queue view, limited to the viewer's reach. ``assignee`` is
    an agent's id, ``"me"`` (the viewer) or ``"none"`` (nobody)."""
    return list_tickets(store, queue_query(viewer, statuses, channel, assignee, group_id, limit, cursor, oldest_first))


def queue_query(
    viewer: Viewer,
    statuses: tuple[TicketStatus, ...],
    channel: Channel | None = None,
    assignee: str | None = None,
    group_id: str | None = None,
    limit: int = 25,
    cursor: str | None = None,
    oldest_first: bool = False,
) -> TicketQuery:
    """The store's query for a queue view as ``viewer`` asks for it."""
    return TicketQuery(
        statuses=statuses,
        channel=channel,
        assignee_id={ME: viewer.agent_id, NOBODY: UNASSIGNED}.get(assignee or "", assignee),
        group_id=group_id,
        limit=limit,
        cursor=cursor,
        visible_groups=None if viewer.sees_everything else viewer.group_ids,
        visible_assignee=None if viewer.sees_everything else viewer.agent_id,
        oldest_first=oldest_first,
    )


def contact_picture(store: HelpdeskStore, files: FileStore, contact_id: str) -> tuple[bytes, str]:
    """A contact's profile picture (following merges) and its type;
    ``AttachmentNotFound`` when no channel shared one."""
    found = live_contact(store, contact_id)
    if found.picture is None:
        raise AttachmentNotFound(found.id)
    return files.get(found.picture.bucket, found.picture.key), found.picture.content_type


def contact_history(store: HelpdeskStore, viewer: Viewer, contact_id: str) -> tuple[Contact, list[Ticket]]:
    """A contact (following merges) and their latest tickets across channels,
    newest first, those the viewer may see."""
    found = live_contact(store, contact_id)
    history = [t for t in store.tickets_of_contact(found.id, limit=HISTORY_LENGTH) if viewer.can_see(t)]
    return found, history

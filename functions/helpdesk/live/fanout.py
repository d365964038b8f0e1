"""Posting events to the connections whose view they touch: one Query per room
the event names, one post per connection (each once, however many of its rooms
the event reaches). A connection the WebSocket API says is gone is forgotten."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from helpdesk.live.events import TableChange, addressed, conversation_news
from helpdesk.live.model import LiveEvent
from helpdesk.live.sockets import Poster
from helpdesk.observability import logger
from helpdesk.store import HelpdeskStore


@dataclass
class Delivery:
    """What one batch of changes did (for metrics and tests)."""

    events: int = 0
    posted: int = 0
    gone: list[str] = field(default_factory=list)


def deliver(store: HelpdeskStore, poster: Poster, changes: Iterable[TableChange]) -> Delivery:
    """Each change's event to its audience, in the order the changes came."""
    delivery = Delivery()
    for found in (a for change in changes for a in (addressed(change), conversation_news(change)) if a is not None):
        delivery.events += 1
        for connection_id in store.connections_in(found.rooms):
            if connection_id in delivery.gone:
                continue
            if post_or_forget(store, poster, connection_id, found.event):
                delivery.posted += 1
            else:
                delivery.gone.append(connection_id)
    return delivery


def post_or_forget(store: HelpdeskStore, poster: Poster, connection_id: str, event: LiveEvent) -> bool:
    """Post one event; a gone connection (410) is removed. Whether it was posted."""
    if poster.post(connection_id, event.body()):
        return True
    logger.info("live connection gone", extra={"connection_id": connection_id})
    store.forget_connection(connection_id)
    return False

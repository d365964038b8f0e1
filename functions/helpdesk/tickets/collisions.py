"""Collision detection: who else is looking at or answering a ticket right now.

The console reports its agent's presence on an open ticket every few seconds
(``viewing``, or ``replying`` while a draft is being written) and gets back the
other agents there. An entry older than ``PRESENCE_SECONDS`` no longer counts;
DynamoDB's TTL removes it later.
"""

from datetime import timedelta

from helpdesk.clock import utc_now
from helpdesk.models import Presence, PresenceActivity
from helpdesk.store import HelpdeskStore

PRESENCE_SECONDS = 20  # the console repeats its report every 5 s; three lost reports and it is gone
PRESENCE_KEPT = timedelta(minutes=10)  # TTL: stale entries disappear eventually


def be_present(
    store: HelpdeskStore, ticket_id: str, agent_id: str, name: str, activity: PresenceActivity
) -> list[Presence]:
    """Record that the agent is on the ticket; the other agents there now."""
    now = utc_now()
    store.put_presence(ticket_id, Presence(agent_id=agent_id, name=name, activity=activity, at=now), PRESENCE_KEPT)
    return others_on(store, ticket_id, agent_id)


def leave(store: HelpdeskStore, ticket_id: str, agent_id: str) -> None:
    store.remove_presence(ticket_id, agent_id)


def others_on(store: HelpdeskStore, ticket_id: str, agent_id: str) -> list[Presence]:
    fresh_since = utc_now() - timedelta(seconds=PRESENCE_SECONDS)
    present = [p for p in store.presence_on(ticket_id) if p.agent_id != agent_id and p.at >= fresh_since]
    # Whoever is replying first: that is the collision that matters
    return sorted(present, key=lambda p: (p.activity is not PresenceActivity.REPLYING, p.name))

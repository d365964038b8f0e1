"""Automatic assignment: a group with round robin hands each new or reopened
ticket nobody holds to the next of its members who is online (the console open
within ``ONLINE_WINDOW`` and not set away) and under the group's cap of tickets
in their hands (new and open ones count).

Safety under concurrency comes from the ticket save itself: it is conditional on
the ticket's version, so two assigners never both assign one ticket, and on the
agent's load counter staying under the cap, so two tickets never push one agent
past it. Tickets that find nobody wait; the assigner's schedule (and the next
change to the ticket) tries again.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from helpdesk import notifications
from helpdesk.clock import new_id
from helpdesk.errors import AgentAtCapacity, ConcurrentWrite, StaleTicket
from helpdesk.models import Actor, ActorKind, Agent, EventKind, FieldChange, Group, Ticket, TicketEvent
from helpdesk.store import LOAD_STATUSES, Assignment, HelpdeskStore

ONLINE_WINDOW = timedelta(minutes=2)  # the console asks for changes every 2 s while open
SEEN_EVERY = timedelta(seconds=60)  # how often an agent's "seen" is written, at most
ROUND_ROBIN = Actor(kind=ActorKind.SYSTEM, id="round-robin", name="Asignación automática")
WAITING_PER_RUN = 25  # tickets per group one scheduled run assigns, at most


def assignable(ticket: Ticket) -> bool:
    return ticket.group_id is not None and ticket.assignee_id is None and ticket.status in LOAD_STATUSES


def assign_next(store: HelpdeskStore, ticket_id: str, now: datetime) -> Ticket | None:
    """Assign the ticket to its group's next available agent; the ticket as
    assigned, or None when it is not for round robin or nobody can take it."""
    ticket = store.get_ticket(ticket_id)
    if ticket is None or not assignable(ticket) or ticket.group_id is None:
        return None
    group = store.get_group(ticket.group_id)
    if group is None or not group.assignment.round_robin:
        return None
    return _assign(store, ticket, group, _in_turn(store, group, now), now)


@dataclass(frozen=True)
class AssignmentRun:
    groups: int
    assigned: int
    waiting: int


def assign_waiting(store: HelpdeskStore, now: datetime) -> AssignmentRun:
    """The scheduled pass: in each round-robin group, hand out the tickets that
    are still waiting (nobody was online, or everyone was at their cap)."""
    groups = [g for g in store.list_groups() if g.assignment.round_robin]
    assigned = waiting = 0
    for group in groups:
        queue = store.unassigned_in_group(group.id, limit=WAITING_PER_RUN)
        for ticket in queue:
            if _assign(store, ticket, group, _in_turn(store, group, now), now) is None:
                waiting += 1
            else:
                assigned += 1
    return AssignmentRun(groups=len(groups), assigned=assigned, waiting=waiting)


def _in_turn(store: HelpdeskStore, group: Group, now: datetime) -> list[Agent]:
    """The group's online members under the cap, the next after the last one
    assigned first."""
    members = sorted((a for a in store.list_agents() if a.active and group.id in a.group_ids), key=lambda a: a.id)
    online = store.online_agents([a.id for a in members], seen_since=now - ONLINE_WINDOW)
    loads = store.agent_loads([a.id for a in members if a.id in online])
    ready = [a for a in members if a.id in online and loads.get(a.id, 0) < group.assignment.max_open_per_agent]
    last = store.round_robin_last(group.id)
    after_last = [a for a in ready if last is not None and a.id > last]
    return after_last + [a for a in ready if a not in after_last]


def _assign(
    store: HelpdeskStore, ticket: Ticket, group: Group, candidates: list[Agent], now: datetime
) -> Ticket | None:
    for agent in candidates:
        after = ticket.model_copy(update={"assignee_id": agent.id, "updated_at": now, "version": ticket.version + 1})
        event = TicketEvent(
            id=new_id(),
            ticket_id=ticket.id,
            kind=EventKind.UPDATED,
            actor=ROUND_ROBIN,
            at=now,
            changes=(FieldChange(field="assignee_id", old=None, new=agent.id),),
        )
        try:
            store.save_ticket(
                ticket,
                after,
                [event],
                notifications.for_assignment(ticket, after, ROUND_ROBIN, now),
                Assignment(group_id=group.id, agent_id=agent.id, cap=group.assignment.max_open_per_agent),
            )
        except AgentAtCapacity:
            continue  # took another ticket meanwhile: the next one in turn
        except (StaleTicket, ConcurrentWrite):
            return None  # changed meanwhile (maybe assigned by someone): its next change tries again
        return after
    return None


def mark_seen(store: HelpdeskStore, agent_id: str, now: datetime, last_written: dict[str, datetime]) -> None:
    """Record that the agent's console is open, at most once per ``SEEN_EVERY``
    per process (``last_written`` is the process's memory of its writes)."""
    written = last_written.get(agent_id)
    if written is not None and now - written < SEEN_EVERY:
        return
    store.mark_seen(agent_id, now)
    last_written[agent_id] = now


def set_availability(store: HelpdeskStore, agent_id: str, available: bool, now: datetime) -> None:
    store.mark_seen(agent_id, now, available=available)

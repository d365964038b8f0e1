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

from helpdesk.clock import new_id
from helpdesk.errors import AgentAtCapacity, ConcurrentWrite, StaleTicket
from helpdesk.models import LOAD_STATUSES, Actor, ActorKind, Agent, EventKind, FieldChange, Group, Ticket, TicketEvent
from helpdesk.store import Assignment, HelpdeskStore
from helpdesk.tickets import notifications

ONLINE_WINDOW = timedelta(minutes=2)  # the console asks for changes every 2 s while open
SEEN_EVERY = timedelta(seconds=60)  # how often an agent's "seen" is written, at most
ROUND_ROBIN = Actor(kind=ActorKind.SYSTEM, id="round-robin", name="Asignación automática")
WAITING_PER_RUN = 25  # tickets per group one scheduled run assigns, at most


def assignable(ticket: Ticket) -> bool:
    """A ticket for its group's round robin: in a group, held by nobody, and in
    a status that would count toward its assignee's load."""
    return ticket.group_id is not None and ticket.assignee_id is None and ticket.status in LOAD_STATUSES


def assign_next(store: HelpdeskStore, ticket: Ticket, now: datetime) -> Ticket | None:
    """Assign the ticket (as just read or saved) to its group's next available
    agent; the ticket as assigned, or None when it is not for round robin or
    nobody can take it."""
    if not assignable(ticket) or ticket.group_id is None:
        return None
    group = store.get_group(ticket.group_id)
    if group is None or not group.assignment.round_robin:
        return None
    return _Turn.of(store, group, now).assign(store, ticket, now)


@dataclass(frozen=True)
class AssignmentRun:
    groups: int
    assigned: int
    waiting: int


def assign_waiting(store: HelpdeskStore, now: datetime) -> AssignmentRun:
    """The scheduled pass: in each round-robin group, hand out the tickets that
    are still waiting (nobody was online, or everyone was at their cap). The
    group's members, loads and turn are read once per group."""
    groups = [g for g in store.list_groups() if g.assignment.round_robin]
    assigned = waiting = 0
    for group in groups:
        turn = _Turn.of(store, group, now)
        for ticket in store.unassigned_in_group(group.id, LOAD_STATUSES, limit=WAITING_PER_RUN):
            if turn.assign(store, ticket, now) is None:
                waiting += 1
            else:
                assigned += 1
    return AssignmentRun(groups=len(groups), assigned=assigned, waiting=waiting)


@dataclass
class _Turn:
    """A group's round robin as last read: its online members, their loads and
    who was assigned last, kept up to date by the assignments made with it (the
    save's own conditions stay the guard against what others do meanwhile)."""

    group: Group
    members: list[Agent]  # online, by id
    loads: dict[str, int]
    last: str | None

    @classmethod
    def of(cls, store: HelpdeskStore, group: Group, now: datetime) -> "_Turn":
        members = sorted((a for a in store.list_agents() if a.active and group.id in a.group_ids), key=lambda a: a.id)
        online = store.online_agents([a.id for a in members], seen_since=now - ONLINE_WINDOW)
        present = [a for a in members if a.id in online]
        return cls(group, present, store.agent_loads([a.id for a in present]), store.round_robin_last(group.id))

    def in_turn(self) -> list[Agent]:
        """Members under the cap, the next after the last one assigned first."""
        cap = self.group.assignment.max_open_per_agent
        ready = [a for a in self.members if self.loads.get(a.id, 0) < cap]
        after_last = [a for a in ready if self.last is not None and a.id > self.last]
        return after_last + [a for a in ready if a not in after_last]

    def assign(self, store: HelpdeskStore, ticket: Ticket, now: datetime) -> Ticket | None:
        cap = self.group.assignment.max_open_per_agent
        for agent in self.in_turn():
            after = ticket.model_copy(
                update={"assignee_id": agent.id, "updated_at": now, "version": ticket.version + 1}
            )
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
                    Assignment(group_id=self.group.id, agent_id=agent.id, cap=cap),
                )
            except AgentAtCapacity:
                self.loads[agent.id] = cap  # took others meanwhile
                continue
            except (StaleTicket, ConcurrentWrite):
                return None  # changed meanwhile (maybe assigned by someone): its next change tries again
            self.loads[agent.id] = self.loads.get(agent.id, 0) + 1
            self.last = agent.id
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

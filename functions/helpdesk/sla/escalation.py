"""Escalations (ARCHITECTURE §3, flow 5): what happens after an SLA breach, and
after the bot hands a conversation to people (flow 4).

The flows themselves are Step Functions state machines in
``infra/statemachines/``: they wait, read the breach item straight from the
table and decide. Each step that needs the domain (notify someone, reassign)
is a message on the escalation queue, carried out here by ``carry_out``; the
supervisor step waits for its task token to come back (``acknowledge``) or
times out into the next tier.
"""

from enum import StrEnum
from typing import Any, Protocol

from pydantic import ConfigDict

from helpdesk.errors import HelpdeskError, TicketNotFound
from helpdesk.models import (
    Actor,
    ActorKind,
    EventKind,
    FieldChange,
    Priority,
    SlaMetric,
    SlaTimer,
    Ticket,
    TicketStatus,
)
from helpdesk.observability import logger
from helpdesk.settings import EscalationSettings, HandoffSettings
from helpdesk.sla.setup import current_setup
from helpdesk.store import HelpdeskStore, breach_key, flow_key, ticket_key
from helpdesk.team.notices import AgentNotices, NoticeKind
from helpdesk.tickets.changes import change_until_saved
from helpdesk.validated import Validated

ESCALATION = Actor(kind=ActorKind.SYSTEM, id="escalation", name="Escalamiento SLA")
HANDOFF = Actor(kind=ActorKind.SYSTEM, id="handoff", name="Traspaso del asistente")
PRIORITY_ORDER = (Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT)


class Flows(Protocol):
    def start(self, state_machine_arn: str, name: str, execution_input: dict[str, Any]) -> bool: ...

    def resume(self, task_token: str, output: dict[str, Any]) -> None: ...


class Step(StrEnum):
    NOTIFY_ASSIGNEE = "notify_assignee"
    REASSIGN_TO_SUPERVISOR = "reassign_to_supervisor"
    NOTIFY_SUPERVISOR = "notify_supervisor"  # waits for an acknowledgment (task token)
    NOTIFY_NEXT_TIER = "notify_next_tier"
    HAND_OVER = "hand_over"
    HANDOFF_UNCLAIMED = "handoff_unclaimed"


class EscalationStep(Validated):
    """One message on the escalation queue, as the state machines write it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    action: Step
    ticket_id: str
    breach_id: str | None = None
    metric: SlaMetric | None = None
    group_id: str | None = None
    task_token: str | None = None


class NotAcknowledgeable(HelpdeskError):
    """No escalation of this breach is waiting for an acknowledgment."""

    message_key = "error.nothing_to_acknowledge"


def start_breach_escalation(flows: Flows, settings: EscalationSettings, ticket_id: str, timer: SlaTimer) -> bool:
    """Start the breach's escalation; its name is the breach's, so a breach that
    two checker runs both see escalates once. False when it had started."""
    name = timer.breach_id(ticket_id)
    return flows.start(
        settings.breach_flow_arn,
        name,
        {
            "ticket_id": ticket_id,
            "breach_id": name,
            "metric": timer.metric.value,
            "breach_key": flow_key(breach_key(ticket_id, name)),
            **_resources(settings),
        },
    )


def start_handoff(flows: Flows, settings: HandoffSettings, ticket: Ticket, group_id: str | None) -> bool:
    """The assistant gives the conversation to people: route it to ``group_id``'s
    queue, tell the group, and escalate if nobody takes it within the wait.
    Once per ticket (the assistant never speaks on it again): the execution is
    named after the ticket, so starting it again starts nothing new."""
    name = f"{ticket.id}-handoff"
    return flows.start(
        settings.handoff_flow_arn,
        name,
        {
            "ticket_id": ticket.id,
            "group_id": group_id,
            "ticket_key": flow_key(ticket_key(ticket.id)),
            **_resources(settings),
        },
    )


def _resources(settings: HandoffSettings) -> dict[str, Any]:
    # The flows take their table and queue from the input: the same ASL file
    # runs in every stage (and in moto) without definition substitutions.
    return {
        "table": settings.table_name,
        "queue_url": settings.steps_queue_url,
        "waits": {
            "assignee_seconds": settings.assignee_wait_seconds,
            "acknowledgment_seconds": settings.acknowledgment_wait_seconds,
        },
    }


def carry_out(step: EscalationStep, store: HelpdeskStore, notices: AgentNotices) -> None:
    """Do one step a flow asked for."""
    ticket = store.get_ticket(step.ticket_id)
    if ticket is None:
        raise TicketNotFound(step.ticket_id)
    if step.action is Step.NOTIFY_ASSIGNEE:
        _notify(notices, NoticeKind.BREACH_ASSIGNEE, ticket, _assignee_or_supervisor(store, ticket), step.metric)
    elif step.action is Step.REASSIGN_TO_SUPERVISOR:
        _reassign_to_supervisor(store, ticket.id, step)
    elif step.action is Step.NOTIFY_SUPERVISOR:
        if step.breach_id and step.task_token:
            store.await_acknowledgment(ticket.id, step.breach_id, step.task_token)
        _notify(notices, NoticeKind.BREACH_SUPERVISOR, ticket, _supervisor(store, ticket), step.metric)
    elif step.action is Step.NOTIFY_NEXT_TIER:
        _notify(notices, NoticeKind.BREACH_NEXT_TIER, ticket, _next_tier(store), step.metric)
    elif step.action is Step.HAND_OVER:
        ticket = _route_to_group(store, ticket.id, step.group_id)
        _notify(notices, NoticeKind.HANDOFF, ticket, _supervisor(store, ticket), None)
    elif step.action is Step.HANDOFF_UNCLAIMED:
        _notify(notices, NoticeKind.HANDOFF_UNCLAIMED, ticket, _supervisor(store, ticket), None)


def acknowledge(store: HelpdeskStore, flows: Flows, ticket_id: str, breach: str, agent: Actor) -> None:
    """A supervisor confirms they are on an escalated ticket: the waiting flow
    ends, and the history says who acknowledged."""
    token = store.acknowledge_breach(ticket_id, breach, agent.id or agent.name)
    if token is None:
        raise NotAcknowledgeable(breach)
    flows.resume(token, {"acknowledged_by": agent.id})
    _change(store, ticket_id, agent, lambda t: {}, note=FieldChange(field="escalation", new=f"acknowledged:{breach}"))


def _notify(
    notices: AgentNotices, kind: NoticeKind, ticket: Ticket, recipients: tuple[str, ...], metric: SlaMetric | None
) -> None:
    if not recipients:
        logger.warning("nobody to notify", extra={"ticket_id": ticket.id, "notice": kind.value})
        return
    notices.send(kind, ticket, recipients, metric)
    logger.info("agents notified", extra={"ticket_id": ticket.id, "notice": kind.value, "recipients": len(recipients)})


def _emails(store: HelpdeskStore, agent_ids: tuple[str | None, ...]) -> tuple[str, ...]:
    found = []
    for agent_id in dict.fromkeys(a for a in agent_ids if a):
        agent = store.get_agent(agent_id)
        if agent is not None:
            found.append(agent.email)
    return tuple(found)


def _supervisor_id(store: HelpdeskStore, ticket: Ticket) -> str | None:
    group = store.get_group(ticket.group_id) if ticket.group_id else None
    return group.supervisor_id if group else None


def _assignee_or_supervisor(store: HelpdeskStore, ticket: Ticket) -> tuple[str, ...]:
    return _emails(store, (ticket.assignee_id,)) or _supervisor(store, ticket)


def _supervisor(store: HelpdeskStore, ticket: Ticket) -> tuple[str, ...]:
    return _emails(store, (_supervisor_id(store, ticket),)) or _next_tier(store)


def _next_tier(store: HelpdeskStore) -> tuple[str, ...]:
    return current_setup(store).escalation_contacts


def _reassign_to_supervisor(store: HelpdeskStore, ticket_id: str, step: EscalationStep) -> None:
    """Raise the priority one step and hand the ticket to the group's supervisor,
    once per breach: a step delivered again (or retried after its write went
    through unanswered) finds its own history event and changes nothing."""
    mark = FieldChange(field="escalation", new=step.breach_id)
    if step.breach_id and any(mark in event.changes for event in store.escalation_events(ticket_id)):
        logger.info("escalation step done already", extra={"ticket_id": ticket_id, "action": step.action.value})
        return

    def changes(ticket: Ticket) -> dict[str, object]:
        update: dict[str, object] = {"priority": _raised(ticket.priority)}
        supervisor = _supervisor_id(store, ticket)
        if supervisor:
            update["assignee_id"] = supervisor
        return update

    _change(store, ticket_id, ESCALATION, changes, note=mark)


def _route_to_group(store: HelpdeskStore, ticket_id: str, group_id: str | None) -> Ticket:
    def changes(ticket: Ticket) -> dict[str, object]:
        update: dict[str, object] = {"assignee_id": None}
        if group_id:
            update["group_id"] = group_id
        if ticket.status is TicketStatus.NEW:
            update["status"] = TicketStatus.OPEN
        return update

    return _change(store, ticket_id, HANDOFF, changes, note=FieldChange(field="handoff", new=group_id))


def _raised(priority: Priority) -> Priority:
    return PRIORITY_ORDER[min(PRIORITY_ORDER.index(priority) + 1, len(PRIORITY_ORDER) - 1)]


def _change(store: HelpdeskStore, ticket_id: str, actor: Actor, changes: Any, note: FieldChange) -> Ticket:
    """Apply ``changes(ticket)``; the history records it as an escalation step."""
    return change_until_saved(store, ticket_id, actor, changes, kind=EventKind.ESCALATED, note=note)

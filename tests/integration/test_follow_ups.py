"""The follow-up queue against the table in moto: a poor survey answer opens
one entry (however often the customer answers poorly), agents who may see the
ticket find it with its reason, take it, and close it only with the outcome,
each save on the version read."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from helpdesk.access import Role, Viewer
from helpdesk.errors import OutcomeMissing, StaleFollowUp
from helpdesk.follow_ups.entries import (
    FollowUpChange,
    FollowUpReason,
    FollowUpState,
    change_follow_up,
    follow_up_queue,
)
from helpdesk.models import Group
from helpdesk.store import HelpdeskStore
from helpdesk.surveys.answering import record_answer
from helpdesk.surveys.scale import SurveyKind
from helpdesk.tickets.changes import TicketChanges, update_ticket
from tests.integration.test_surveys import ADMIN, MONDAY, Queue, queue, run, solved_ticket

__all__ = ["queue"]
ADMINS = Viewer(agent_id="admin-1", role=Role.ADMIN)
BILLING_AGENT = Viewer(agent_id="agent-2", role=Role.AGENT, group_ids=("facturacion",))
SALES_AGENT = Viewer(agent_id="agent-3", role=Role.AGENT, group_ids=("ventas",))


def test_a_poor_answer_is_followed_up_until_an_outcome_is_recorded(store: HelpdeskStore, queue: Queue) -> None:
    # Given a billing ticket whose survey went out
    store.put_group(Group(id="facturacion", name="Facturación"))
    ticket_id = solved_ticket(store, queue, MONDAY)
    update_ticket(store, ticket_id, TicketChanges(group_id="facturacion"), None, ADMIN)
    run(store, MONDAY + timedelta(minutes=1), queue)
    run(store, MONDAY + timedelta(hours=24, minutes=1), queue)

    # When the customer answers 1, then 2 (both poor) with a comment
    with time_machine.travel(MONDAY + timedelta(hours=25), tick=False):
        now = datetime.now(UTC)
        record_answer(store, ticket_id, now, "email_link", (SurveyKind.CSAT, 1))
        record_answer(store, ticket_id, now, "email_link", (SurveyKind.CSAT, 2), comment="Nadie me llamó")

    # Then one entry waits, with its reason and its own due time; billing sees it, sales does not
    (entry,) = follow_up_queue(store, BILLING_AGENT, FollowUpState.OPEN)
    assert (entry.reason, entry.detail) == (FollowUpReason.POOR_SURVEY, "CSAT 1")
    assert entry.due_at == MONDAY + timedelta(hours=49)
    assert follow_up_queue(store, SALES_AGENT, FollowUpState.OPEN) == []

    # When an agent takes it: it is in progress, theirs
    taken = change_follow_up(store, BILLING_AGENT, ticket_id, entry.reason,
                             FollowUpChange(version=entry.version, assignee_id="agent-2"), now)  # fmt: skip
    assert (taken.state, taken.assignee_id) == (FollowUpState.WORKING, "agent-2")
    assert [(e.ticket_id, e.version) for e in follow_up_queue(store, ADMINS, FollowUpState.WORKING)] == [
        (ticket_id, taken.version)
    ]

    # Then closing needs the outcome, and a stale version is refused
    with pytest.raises(OutcomeMissing):
        change_follow_up(store, BILLING_AGENT, ticket_id, entry.reason,
                         FollowUpChange(version=taken.version, state=FollowUpState.DONE), now)  # fmt: skip
    with pytest.raises(StaleFollowUp):
        change_follow_up(store, BILLING_AGENT, ticket_id, entry.reason,
                         FollowUpChange(version=entry.version, outcome="Llamé"), now)  # fmt: skip
    done = change_follow_up(store, BILLING_AGENT, ticket_id, entry.reason,
                            FollowUpChange(version=taken.version, state=FollowUpState.DONE,
                                           outcome="La llamé: reembolso hecho, quedó conforme"), now)  # fmt: skip
    assert done.state is FollowUpState.DONE and done.closed_at == now
    assert follow_up_queue(store, ADMINS, FollowUpState.OPEN) == []
    assert [e.outcome for e in follow_up_queue(store, ADMINS, FollowUpState.DONE)] == [done.outcome]

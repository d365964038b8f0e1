"""Who may see and change which tickets: agents work their groups, the shared
inbox and what is assigned to them; supervisors reassign; admins see all."""

from datetime import UTC, datetime

import pytest

from helpdesk.access import NotAllowed, Role, Viewer
from helpdesk.models import Agent, Channel, Ticket

NOW = datetime(2026, 12, 7, 15, tzinfo=UTC)


def ticket(group_id: str | None = None, assignee_id: str | None = None) -> Ticket:
    return Ticket(id="t1", number=1, channel=Channel.EMAIL, contact_id="c1", group_id=group_id,
                  assignee_id=assignee_id, created_at=NOW, updated_at=NOW)  # fmt: skip


AGENT = Viewer(agent_id="ana", role=Role.AGENT, group_ids=("billing",))
SUPERVISOR = Viewer(agent_id="sofia", role=Role.SUPERVISOR, group_ids=("billing",))
ADMIN = Viewer(agent_id="root", role=Role.ADMIN)


@pytest.mark.parametrize(
    ("seen", "expected"),
    [
        (ticket(group_id="billing"), True),  # their group
        (ticket(), True),  # the shared inbox: no group yet
        (ticket(group_id="shipping", assignee_id="ana"), True),  # assigned to them elsewhere
        (ticket(group_id="shipping"), False),  # another group's
    ],
)
def test_an_agent_sees_their_groups_the_shared_inbox_and_their_own(seen: Ticket, expected: bool) -> None:
    assert AGENT.can_see(seen) is expected


def test_an_admin_sees_every_group_and_a_supervisor_only_theirs() -> None:
    elsewhere = ticket(group_id="shipping")
    assert ADMIN.can_see(elsewhere)
    assert not SUPERVISOR.can_see(elsewhere)
    with pytest.raises(NotAllowed):
        SUPERVISOR.require_visible(elsewhere)


def test_an_agent_takes_or_releases_a_ticket_but_does_not_hand_it_to_someone_else() -> None:
    held_by_ana = ticket(group_id="billing", assignee_id="ana")
    AGENT.require_assignable(ticket(group_id="billing"), "ana")  # take
    AGENT.require_assignable(held_by_ana, None)  # release
    AGENT.require_assignable(held_by_ana, "ana")  # no change
    with pytest.raises(NotAllowed):
        AGENT.require_assignable(held_by_ana, "luis")
    SUPERVISOR.require_assignable(held_by_ana, "luis")  # supervisors reassign freely


def test_roles_are_ordered_and_a_missing_role_is_refused() -> None:
    assert Role.ADMIN.at_least(Role.SUPERVISOR) and Role.SUPERVISOR.at_least(Role.AGENT)
    assert not Role.AGENT.at_least(Role.SUPERVISOR)
    with pytest.raises(NotAllowed):
        AGENT.require(Role.SUPERVISOR)
    ADMIN.require(Role.ADMIN)


def test_a_viewer_is_the_agent_as_recorded() -> None:
    viewer = Viewer.of(Agent(id="ana", email="ana@example.com", name="Ana", role="supervisor", group_ids=("vip",)))
    assert viewer == Viewer(agent_id="ana", role=Role.SUPERVISOR, group_ids=("vip",))

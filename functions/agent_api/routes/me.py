"""The caller themself: who they are, whether round robin may assign to them,
their notifications, what changed since they last asked (live updates), and
their presence on a ticket (collision detection)."""

from datetime import datetime

from chalice import Response
from pydantic import AwareDatetime, ConfigDict

from agent_api import answers
from agent_api.routing import Area, Caller, json_answer
from helpdesk import connections
from helpdesk.clock import utc_now
from helpdesk.models import PresenceActivity
from helpdesk.team import assignment
from helpdesk.team.sign_in import mfa_required, sign_in_policy
from helpdesk.tickets import collisions, notifications
from helpdesk.tickets.changes import Changes, changes_since
from helpdesk.tickets.lookup import visible_ticket
from helpdesk.validated import Validated

area = Area("me")


@area.route("/api/me", answer=answers.Me, without_mfa=True)
def me(caller: Caller) -> Response:
    """Who the caller is; ``mfa_missing`` when the sign-in policy requires MFA of
    them and they have not turned it on (then every other route answers 403
    until they do)."""
    principal = caller.principal
    available, _ = connections.store().availability(principal.agent_id)
    return json_answer(
        {
            "agent_id": principal.agent_id,
            "email": principal.email,
            "name": caller.actor.name,
            "role": caller.viewer.role.value,
            "group_ids": list(caller.viewer.group_ids),
            "quality": caller.viewer.reviews_quality,
            "editor": caller.viewer.edits_knowledge,
            "available": available,
            "mfa_required": mfa_required(sign_in_policy(connections.store()), caller.viewer.role),
            "mfa_missing": connections.mfa_gate().missing(caller.viewer.role, principal.email, utc_now()),
        }
    )


class Availability(Validated):
    model_config = ConfigDict(extra="forbid", frozen=True)

    available: bool


@area.route("/api/me/availability", methods=("PUT",), answer=Availability, body=Availability)
def availability(caller: Caller, body: Availability) -> Response:
    """Available (round robin may assign to me while my console is open) or away."""
    assignment.set_availability(connections.store(), caller.viewer.agent_id, body.available, utc_now())
    return json_answer(body)


@area.route("/api/notifications", answer=answers.Notifications)
def my_notifications(caller: Caller) -> Response:
    """The caller's latest notifications (assignments, mentions), newest first."""
    found, read_through = notifications.recent(connections.store(), caller.viewer.agent_id)
    return json_answer(answers.Notifications(notifications=found, read_through=read_through))


class ReadThrough(Validated):
    model_config = ConfigDict(extra="forbid", frozen=True)

    through: AwareDatetime


@area.route("/api/notifications/read", methods=("POST",), answer=answers.ReadMark, body=ReadThrough)
def read_notifications(caller: Caller, body: ReadThrough) -> Response:
    """Mark the caller's notifications read up to a moment (the mark never moves back)."""
    marked = notifications.mark_read(connections.store(), caller.viewer.agent_id, body.through)
    return json_answer(answers.ReadMark(read_through=marked))


class ChangesParams(Validated):
    model_config = ConfigDict(extra="forbid", frozen=True)

    since: AwareDatetime | None = None  # the ``until`` of the previous answer


_SEEN_WRITTEN: dict[str, datetime] = {}  # this process's last "seen" write per agent


@area.route("/api/changes", answer=Changes, query=ChangesParams)
def changes(caller: Caller, query: ChangesParams) -> Response:
    """What changed since ``since`` (tickets the caller may see, and their new
    notifications): the console asks once after its live socket (re)connects,
    and every 30 s at most while it is down; it reloads only what moved."""
    now = utc_now()
    assignment.mark_seen(connections.store(), caller.viewer.agent_id, now, _SEEN_WRITTEN)  # online for round robin
    return json_answer(changes_since(connections.store(), caller.viewer, query.since, now))


class PresenceReport(Validated):
    model_config = ConfigDict(extra="forbid", frozen=True)

    activity: PresenceActivity


@area.route("/api/tickets/{ticket_id}/presence", methods=("PUT",), answer=answers.PresentAgents, body=PresenceReport)
def presence(caller: Caller, ticket_id: str, body: PresenceReport) -> Response:
    """The caller is viewing or replying to a ticket (repeat every few seconds);
    the answer is who else is on it now."""
    visible_ticket(connections.store(), caller.viewer, ticket_id)
    others = collisions.be_present(
        connections.store(), ticket_id, caller.viewer.agent_id, caller.actor.name, body.activity
    )
    return json_answer(answers.PresentAgents(present=others))


@area.route("/api/tickets/{ticket_id}/presence", methods=("DELETE",), answer=answers.PresentAgents)
def leave_ticket(caller: Caller, ticket_id: str) -> Response:
    """The caller left the ticket's page."""
    visible_ticket(connections.store(), caller.viewer, ticket_id)
    collisions.leave(connections.store(), ticket_id, caller.viewer.agent_id)
    return json_answer(
        answers.PresentAgents(present=collisions.others_on(connections.store(), ticket_id, caller.viewer.agent_id))
    )

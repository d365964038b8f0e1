"""The follow-up queue ("seguimiento"): cases a person must reach out about,
with the reason; agents work the entries of tickets they may see (assign,
move along, close with the outcome)."""

from chalice import Response
from pydantic import ConfigDict

from agent_api.routing import Area, Caller, json_answer
from helpdesk import connections
from helpdesk.clock import utc_now
from helpdesk.errors import FollowUpNotFound
from helpdesk.follow_ups.entries import (
    FollowUp,
    FollowUpChange,
    FollowUpReason,
    FollowUpState,
    change_follow_up,
    follow_up_queue,
)
from helpdesk.validated import Validated

area = Area("follow_ups")
_EVERY = ("error.invalid_request", "error.forbidden", "error.api_key_refused")


class QueueParams(Validated):
    model_config = ConfigDict(extra="forbid", frozen=True)

    state: FollowUpState = FollowUpState.OPEN


class FollowUpQueue(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")

    follow_ups: list[FollowUp]


@area.route("/api/follow-ups", answer=FollowUpQueue, query=QueueParams, errors=_EVERY)
def follow_ups(caller: Caller, query: QueueParams) -> Response:
    """The follow-up queue in a state (open by default), oldest first, with each entry's reason."""
    return json_answer(FollowUpQueue(follow_ups=follow_up_queue(connections.store(), caller.viewer, query.state)))


@area.route(
    "/api/follow-ups/{ticket_id}/{reason}",
    methods=("PATCH",),
    answer=FollowUp,
    body=FollowUpChange,
    errors=(*_EVERY, "error.follow_up_not_found", "error.stale_follow_up", "error.follow_up_outcome_missing"),
)
def change(caller: Caller, ticket_id: str, reason: str, body: FollowUpChange) -> Response:
    """Assign an entry, move it along or close it with the outcome, on the version read (409 otherwise)."""
    if reason not in {r.value for r in FollowUpReason}:
        raise FollowUpNotFound(ticket_id)
    entry = change_follow_up(connections.store(), caller.viewer, ticket_id, FollowUpReason(reason), body, utc_now())
    return json_answer(entry)

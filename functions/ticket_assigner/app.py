"""Ticket assigner: every minute (EventBridge schedule), hand the tickets still
waiting in round-robin groups to agents who came online or freed capacity
(``helpdesk.team.assignment``). Tickets moved into such a group are assigned at
once by the change itself; this pass catches the ones that had to wait."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from helpdesk import connections
from helpdesk.clock import utc_now
from helpdesk.observability import logger, traced
from helpdesk.scheduled import scheduled_event
from helpdesk.team.assignment import assign_waiting


@traced
@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    scheduled = scheduled_event(event)  # a malformed event fails loudly
    logger.append_keys(scheduled_for=scheduled.time.isoformat())
    run = assign_waiting(connections.store(), utc_now())
    if run.assigned:
        logger.info("tickets assigned", extra={"assigned": run.assigned, "waiting": run.waiting})
    return {"groups": run.groups, "assigned": run.assigned, "waiting": run.waiting}

"""Ticket assigner: every minute (EventBridge schedule), hand the tickets still
waiting in round-robin groups to agents who came online or freed capacity
(``helpdesk.team.assignment``). Tickets moved into such a group are assigned at
once by the change itself; this pass catches the ones that had to wait."""

from functools import lru_cache
from typing import Any

from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from aws_lambda_powertools.utilities.typing import LambdaContext

from helpdesk.clock import utc_now
from helpdesk.observability import logger
from helpdesk.settings import store_settings
from helpdesk.store import HelpdeskStore
from helpdesk.team.assignment import assign_waiting


@lru_cache(maxsize=1)
def _store() -> HelpdeskStore:
    return HelpdeskStore(store_settings())


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    scheduled = parse(event=event, model=EventBridgeModel)  # a malformed event fails loudly
    logger.append_keys(scheduled_for=scheduled.time.isoformat())
    run = assign_waiting(_store(), utc_now())
    return {"groups": run.groups, "assigned": run.assigned, "waiting": run.waiting}

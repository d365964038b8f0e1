"""The event an EventBridge schedule invokes a function with (the SLA checker,
the ticket assigner, the survey sender: every minute).

Its own model, not Powertools' parser: importing the parser's models builds all
of them (every AWS event shape it knows), about 100 ms of each scheduled
function's cold start for the one shape they read. The fields are the ones
EventBridge always sends, so a malformed event still fails loudly.
"""

from datetime import datetime
from typing import Any

from pydantic import ConfigDict, Field

from helpdesk.validated import Validated


class ScheduledEvent(Validated):
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    id: str
    source: str
    account: str
    time: datetime
    region: str
    resources: list[str]
    detail_type: str = Field(alias="detail-type")
    detail: dict[str, Any]


def scheduled_event(event: dict[str, Any]) -> ScheduledEvent:
    """The schedule's event, validated (``pydantic.ValidationError`` if it is not one)."""
    return ScheduledEvent.model_validate(event)

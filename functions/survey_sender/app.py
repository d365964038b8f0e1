"""Survey sender: every minute (EventBridge schedule), plan the surveys of the
tickets solved since its checkpoint and send the ones that came due, each once
(``helpdesk.surveys.scheduling``: two time-bucketed reads, never the tickets)."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from helpdesk import connections
from helpdesk.clock import utc_now
from helpdesk.observability import logger, metrics
from helpdesk.rules.sending import Outbox
from helpdesk.scheduled import scheduled_event
from helpdesk.settings import mail_settings
from helpdesk.surveys.scheduling import SurveyPassIncomplete, run_survey_sender


@logger.inject_lambda_context(clear_state=True)
@metrics().log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    scheduled = scheduled_event(event)  # a malformed event fails loudly
    logger.append_keys(scheduled_for=scheduled.time.isoformat())
    report = run_survey_sender(connections.store(), utc_now(), Outbox(connections.outbound_queue(), mail_settings()))
    if report.failed:  # an error Lambda retries, counted by the account's errors alarm
        raise SurveyPassIncomplete(f"{report.failed} survey steps failed; tried again next pass")
    return dict(report.__dict__)

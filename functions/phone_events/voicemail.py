"""Voicemail: the voicemail bucket announces each transcript through SQS (the
template's wiring); each becomes the call's phone message with the recording
attached and the transcript as its text
(``helpdesk.channels.phone.voicemail.record_voicemail``). Failures are reported
per record, so only they are retried; one that keeps failing (a caller whose
call is not recorded yet) lands in the queue's dead-letter queue.
"""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from helpdesk import connections
from helpdesk.channels.phone.voicemail import ObjectsCreated, record_voicemail
from helpdesk.clock import utc_now
from helpdesk.observability import logger, metrics
from helpdesk.rules.sending import Outbox
from helpdesk.settings import mail_settings

processor = BatchProcessor(event_type=EventType.SQS)


def _rules_outbox() -> Outbox:
    return Outbox(connections.outbound_queue(), mail_settings())


def _from_sqs(record: SQSRecord) -> None:
    if '"s3:TestEvent"' in record.body:  # S3 checks a new notification with one: nothing stored
        logger.info("S3 test event ignored")
        return
    for bucket, key in ObjectsCreated.model_validate_json(record.body).created():
        record_voicemail(
            connections.store(),
            connections.files(),
            bucket,
            key,
            mail_settings().attachments_bucket,
            utc_now(),
            _rules_outbox,
        )


@logger.inject_lambda_context(clear_state=True)
@metrics().log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=_from_sqs, processor=processor, context=context)

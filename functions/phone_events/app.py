"""Amazon Connect contact events, delivered by an EventBridge rule (source
``aws.connect``, detail-type ``Amazon Connect Contact Event``): each call
becomes one ``phone`` message on the caller's ticket, updated as the call's
later events arrive, whatever their order
(``helpdesk.channels.phone.calls.record_contact_event``).

EventBridge invokes asynchronously: an event that fails (a caller not known
yet, a race lost too often, a malformed event) raises, Lambda retries it, and
then keeps it in the function's dead-letter queue. Not traced: the X-Ray SDK
would add a third of a second to each cold start.
"""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from helpdesk import connections
from helpdesk.channels.phone.calls import record_contact_event
from helpdesk.channels.phone.events import ContactEvent
from helpdesk.observability import logger, metrics
from helpdesk.rules.sending import Outbox
from helpdesk.settings import mail_settings


def _rules_outbox() -> Outbox:
    """Where a rule's reply to a new call's ticket is queued (built when one replies)."""
    return Outbox(connections.outbound_queue(), mail_settings())


@logger.inject_lambda_context(clear_state=True)
@metrics().log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    contact_event = ContactEvent.model_validate(event)
    message = record_contact_event(contact_event, connections.store(), _rules_outbox)
    return {"message_id": message.id if message else None, "ticket_id": message.ticket_id if message else None}

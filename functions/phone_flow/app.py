"""Amazon Connect's contact flows ask who is calling (``ContactFlowEvent``):
the answer is a flat map of strings (found, name, ticket_number, tier,
language) the flow reads to greet the caller and route VIPs
(``helpdesk.channels.phone.flow``). Connect gives up after 8 seconds, so the
function does a few key reads and nothing else; not traced (the X-Ray SDK
would add a third of a second to each cold start).
"""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from helpdesk import connections
from helpdesk.channels.phone.flow import answer_flow
from helpdesk.observability import logger, metrics


@logger.inject_lambda_context(clear_state=True)
@metrics().log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, str]:
    return answer_flow(event, connections.store())

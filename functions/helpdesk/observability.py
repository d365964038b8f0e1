"""The one observability module: the Logger, the business metrics and the
X-Ray tracer every function shares.

Log with structured keys (``logger.info("message ingested", extra={...})``), never
with whole events or message bodies: they hold personal data. ``mask`` shortens an
e-mail address or phone number to what an operator needs to correlate. The AWS
and DynamoDB libraries, which log whole payloads at DEBUG, never log below INFO.

Business events are counted with ``count`` (messages in and out by channel, SLA
warnings, breaches and escalations, sends that failed, malformed webhooks) and
flushed once per invocation by each handler's ``@metrics().log_metrics``. Each
name is a custom metric CloudWatch bills for every hour it receives data: only
what the dashboard charts or an alarm watches is counted (tickets created and
assigned are in the product's own reports, ``helpdesk.reports``). Handlers that trace wear ``@traced``:
the Tracer is built at the first traced invocation, never at import.
"""

import functools
import logging
import os
import re
import threading
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from aws_lambda_powertools.logging import Logger

if TYPE_CHECKING:
    from aws_lambda_powertools import Metrics, Tracer

SERVICE = "atiende"
NAMESPACE = "Atiende"  # the template sets the same in POWERTOOLS_METRICS_NAMESPACE

logger = Logger(service=SERVICE)

# Libraries that log whole requests and answers at DEBUG (DynamoDB items, SES
# messages: customers' addresses, phone numbers and words). Turning our own
# logger up to DEBUG to follow a flow must never turn these on: they log from INFO.
PAYLOAD_LOGGERS = ("botocore", "boto3", "pynamodb", "urllib3", "s3transfer")
for _name in PAYLOAD_LOGGERS:
    logging.getLogger(_name).setLevel(logging.INFO)


class BusinessMetric(StrEnum):
    """What the help desk counts. Those counted per channel get the channel in
    their name (``MessagesIn.whatsapp``): Powertools keeps one dimension set per
    flush, and one batch of replies leaves on several channels."""

    MESSAGES_IN = "MessagesIn"
    MESSAGES_OUT = "MessagesOut"
    SENDS_FAILED = "SendsFailed"
    SLA_WARNINGS = "SlaWarnings"
    SLA_BREACHES = "SlaBreaches"
    ESCALATIONS_STARTED = "EscalationsStarted"
    MALFORMED_WEBHOOKS = "WhatsAppMalformedWebhook"
    META_MALFORMED_WEBHOOKS = "MetaMalformedWebhook"  # Messenger and Instagram: refused with 400


# In Lambda one invocation runs at a time; the local stack runs every function's
# handler in one process, on several threads, around one shared metric set.
_METRICS_LOCK = threading.Lock()


@functools.lru_cache(maxsize=1)
def metrics() -> "Metrics":
    """Built on first use (the handlers' ``@metrics().log_metrics``): the
    agent API, which counts nothing, never builds it."""
    from aws_lambda_powertools import Metrics
    from aws_lambda_powertools.metrics.functions import is_metrics_disabled
    from aws_lambda_powertools.metrics.provider.cloudwatch_emf.cloudwatch import AmazonCloudWatchEMFProvider

    class SerializedEMF(AmazonCloudWatchEMFProvider):
        """CloudWatch's embedded metric format, one thread at a time. An invocation
        that counted nothing (a batch of duplicates, a run with nothing due) flushes
        nothing, without Powertools' warning; with ``POWERTOOLS_METRICS_DISABLED``
        (the local stack) what was counted is dropped at each flush instead of
        piling up until Powertools prints it."""

        def add_metric(self, *args: Any, **kwargs: Any) -> None:
            with _METRICS_LOCK:
                super().add_metric(*args, **kwargs)

        def flush_metrics(self, raise_on_empty_metrics: bool = False) -> None:
            with _METRICS_LOCK:
                if not self.metric_set or is_metrics_disabled():
                    self.clear_metrics()
                    return
                super().flush_metrics(raise_on_empty_metrics=raise_on_empty_metrics)

    return Metrics(provider=SerializedEMF(namespace=NAMESPACE, service=SERVICE))


def count(metric: BusinessMetric, channel: str | None = None, value: int = 1) -> None:
    """Count a business event (flushed by the running handler's ``log_metrics``).
    Nothing is sent for a count of zero: CloudWatch bills a metric for each hour
    it receives data, so a scheduled run with nothing to report costs nothing."""
    if value <= 0:
        return
    name = f"{metric.value}.{channel}" if channel else metric.value
    metrics().add_metric(name=name, unit="Count", value=value)


@functools.lru_cache(maxsize=1)
def tracer() -> "Tracer":
    """Creating a Tracer loads the X-Ray SDK (about 300-430 ms here), even where it
    then disables itself: built only by ``traced``, and only where tracing is on."""
    from aws_lambda_powertools import Tracer

    return Tracer(service=SERVICE)


def tracing_on() -> bool:
    """Powertools' own rule for when its Tracer works: in Lambda, not in SAM's or
    Chalice's local emulators, and not switched off with POWERTOOLS_TRACE_DISABLED.
    Checked before building one, which costs the X-Ray SDK's import even when off."""
    from aws_lambda_powertools.shared import constants
    from aws_lambda_powertools.shared.functions import resolve_truthy_env_var_choice

    if resolve_truthy_env_var_choice(env=os.getenv(constants.TRACER_DISABLED_ENV, "false")):
        return False
    emulated = os.getenv(constants.SAM_LOCAL_ENV) or os.getenv(constants.CHALICE_LOCAL_ENV)
    return bool(os.getenv(constants.LAMBDA_TASK_ROOT_ENV)) and not emulated


Handler = TypeVar("Handler", bound=Callable[..., Any])


def traced(handler: Handler) -> Handler:
    """X-Ray around a handler (cold start, errors, and, once the SDK patches
    botocore, each AWS call), where tracing is on; elsewhere the handler as it is,
    and the X-Ray SDK never imported. Responses are not recorded: they can name
    customers."""

    @functools.lru_cache(maxsize=1)
    def captured() -> Callable[..., Any]:
        wrapped: Callable[..., Any] = tracer().capture_lambda_handler(handler, capture_response=False)
        return wrapped

    @functools.wraps(handler)
    def run(event: Any, context: Any) -> Any:
        if not tracing_on():
            return handler(event, context)
        return captured()(event, context)

    return run  # type: ignore[return-value]


_EMAIL = re.compile(r"^([^@]{1,2})[^@]*(@.+)$")


def mask(value: str) -> str:
    """``maria.lopez@example.com`` → ``ma***@example.com``; ``+50255512345`` → ``+502***45``."""
    if match := _EMAIL.match(value):
        return f"{match.group(1)}***{match.group(2)}"
    if len(value) > 6:
        return f"{value[:4]}***{value[-2:]}"
    return "***"

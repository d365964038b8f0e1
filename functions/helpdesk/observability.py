"""One Logger and one Metrics for every function; the tracer is built on first use.

Log with structured keys (``logger.info("message ingested", extra={...})``), never
with whole events or message bodies: they hold personal data. ``mask`` shortens an
e-mail address or phone number to what an operator needs to correlate.
"""

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from aws_lambda_powertools.logging import Logger

if TYPE_CHECKING:
    from aws_lambda_powertools import Metrics, Tracer

SERVICE = "atiende"

logger = Logger(service=SERVICE)


@lru_cache(maxsize=1)
def metrics() -> "Metrics":
    """Built on first use: functions that emit no metrics don't import them."""
    from aws_lambda_powertools import Metrics

    return Metrics(namespace="Atiende", service=SERVICE)


@lru_cache(maxsize=1)
def tracer() -> "Tracer":
    """Creating a Tracer loads the X-Ray SDK (about 400 ms): only handlers that
    trace pay for it, and only when first called."""
    from aws_lambda_powertools import Tracer

    return Tracer(service=SERVICE)


_EMAIL = re.compile(r"^([^@]{1,2})[^@]*(@.+)$")


def mask(value: str) -> str:
    """``maria.lopez@example.com`` → ``ma***@example.com``; ``+50255512345`` → ``+502***45``."""
    if match := _EMAIL.match(value):
        return f"{match.group(1)}***{match.group(2)}"
    if len(value) > 6:
        return f"{value[:4]}***{value[-2:]}"
    return "***"

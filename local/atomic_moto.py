"""Make moto apply one request at a time, as AWS applies each request atomically.

moto's backends are plain Python objects without locks: two threads running
TransactWriteItems on one table can interleave inside moto and corrupt it, which
DynamoDB never does. Callers still race freely; only moto's handling of a single
request is made indivisible. Used by the local stack's embedded server and by the
tests that race deliveries against each other.
"""

import threading
from collections.abc import Callable, Iterable
from typing import Any

from moto.core.botocore_stubber import BotocoreStubber

_REQUEST_LOCK = threading.RLock()
_installed = False


def serialize_in_process_requests() -> None:
    """For ``mock_aws``: wrap moto's botocore stub in the request lock (idempotent)."""
    global _installed  # noqa: PLW0603 - a one-time patch of a third-party class
    if _installed:
        return
    original = BotocoreStubber.__call__

    def atomic_call(self: BotocoreStubber, *args: Any, **kwargs: Any) -> Any:
        with _REQUEST_LOCK:
            return original(self, *args, **kwargs)

    BotocoreStubber.__call__ = atomic_call  # type: ignore[method-assign]
    _installed = True


class AtomicRequests:
    """WSGI middleware: the wrapped app handles one request at a time."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with _REQUEST_LOCK:
            return list(self.app(environ, start_response))

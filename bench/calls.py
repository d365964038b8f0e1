"""Count AWS API calls with botocore's event hooks: every client created after
``install`` reports each call it makes, by service and operation. Other
benches add their own hooks with ``on_every_client``."""

from collections import Counter
from collections.abc import Callable
from typing import Any

import botocore.session

calls: Counter[str] = Counter()
_installed = False
_hooks: list[tuple[str, Callable[..., Any]]] = []


def _count(model: Any, **_: Any) -> None:
    calls[f"{model.service_model.service_name}.{model.name}"] += 1


def on_every_client(event: str, handler: Callable[..., Any]) -> None:
    """Register ``handler`` for ``event`` on every client created from now on."""
    install()
    if (event, handler) not in _hooks:
        _hooks.append((event, handler))


def install() -> None:
    global _installed  # noqa: PLW0603 - one-time hook on botocore's client factory
    if _installed:
        return
    _hooks.append(("before-call", _count))
    original = botocore.session.Session.create_client

    def create_client(self: botocore.session.Session, *args: Any, **kwargs: Any) -> Any:
        client = original(self, *args, **kwargs)
        for event, handler in _hooks:
            client.meta.events.register(event, handler)
        return client

    botocore.session.Session.create_client = create_client  # type: ignore[method-assign]
    _installed = True


def dynamodb_calls() -> int:
    return sum(n for name, n in calls.items() if name.startswith("dynamodb."))

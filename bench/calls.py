"""Count AWS API calls with botocore's event hooks: every client created after
``install`` reports each call it makes, by service and operation."""

from collections import Counter
from typing import Any

import botocore.session

calls: Counter[str] = Counter()
_installed = False


def _count(model: Any, **_: Any) -> None:
    calls[f"{model.service_model.service_name}.{model.name}"] += 1


def install() -> None:
    global _installed  # noqa: PLW0603 - one-time hook on botocore's client factory
    if _installed:
        return
    original = botocore.session.Session.create_client

    def create_client(self: botocore.session.Session, *args: Any, **kwargs: Any) -> Any:
        client = original(self, *args, **kwargs)
        client.meta.events.register("before-call", _count)
        return client

    botocore.session.Session.create_client = create_client  # type: ignore[method-assign]
    _installed = True


def dynamodb_calls() -> int:
    return sum(n for name, n in calls.items() if name.startswith("dynamodb."))

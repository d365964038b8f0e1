"""The audit log: every change to the help desk's settings (agents, groups,
macros, ticket fields, SLA setup) with who made it and what changed. Entries
are written in the same transaction as the change they describe."""

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from helpdesk.clock import new_id, utc_now
from helpdesk.models import Actor, AuditEntry, FieldChange, Scalar

LONGEST_VALUE = 500  # characters of a nested value the log keeps


def audit_entry(
    actor: Actor,
    action: str,
    target: str,
    before: BaseModel | None,
    after: BaseModel | None,
    at: datetime | None = None,
) -> AuditEntry:
    """An entry for a change from ``before`` to ``after`` (either may be None:
    created or deleted), listing each top-level field that differs."""
    old = before.model_dump(mode="json") if before is not None else {}
    new = after.model_dump(mode="json") if after is not None else {}
    changes = tuple(
        FieldChange(field=name, old=_plain(old.get(name)), new=_plain(new.get(name)))
        for name in sorted(set(old) | set(new))
        if old.get(name) != new.get(name)
    )
    return AuditEntry(id=new_id(), at=at or utc_now(), actor=actor, action=action, target=target, changes=changes)


def _plain(value: Any) -> Scalar | list[str]:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        return text if len(text) <= LONGEST_VALUE else text[: LONGEST_VALUE - 1] + "…"
    return value

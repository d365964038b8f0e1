"""Administrators replace the SLA setup (calendars, policies, escalation
contacts) as a whole: the setup checks itself when parsed (``SlaSetup``), the
audit log records what changed, and the new setup is saved with its entry.

Tickets pick up a changed policy the next time they change; running timers
keep their due times.
"""

from datetime import datetime
from typing import Protocol

from helpdesk.admin.audit import audit_entry
from helpdesk.models import Actor, AuditEntry
from helpdesk.sla.policies import SlaSetup

ACTION = "sla_setup.saved"  # the audit log's name for this change
TARGET = "sla"


class SlaSetupRecords(Protocol):
    """Where the setup is kept (the store)."""

    def sla_setup(self) -> SlaSetup: ...

    def put_sla_setup(self, setup: SlaSetup, at: datetime, audit: AuditEntry | None = None) -> None: ...


def save_sla_setup(records: SlaSetupRecords, setup: SlaSetup, actor: Actor, at: datetime) -> SlaSetup:
    """Replace the SLA setup with ``setup``, auditing each part that changed."""
    audit = audit_entry(actor, ACTION, TARGET, records.sla_setup(), setup, at)
    records.put_sla_setup(setup, at, audit)
    return setup

"""Administrators replace the SLA setup (calendars, policies, escalation
contacts) as a whole: the setup checks itself when parsed (``SlaSetup``), the
audit log records what changed, and the new setup is saved with its entry.

Tickets pick up a changed policy the next time they change; running timers
keep their due times.
"""

from datetime import datetime
from typing import Any, Protocol

from helpdesk.admin.audit import audit_entry
from helpdesk.models import Actor, AuditEntry, Ticket
from helpdesk.sla.policies import SlaSetup

ACTION = "sla_setup.saved"  # the audit log's name for this change
TARGET = "sla"


class SlaSetupRecords(Protocol):
    """Where the setup is kept (the store keeps it as a document and caches it)."""

    def sla_setup_document(self) -> dict[str, Any]: ...

    def put_sla_setup_document(
        self, document: dict[str, Any], at: datetime, audit: AuditEntry | None = None
    ) -> None: ...


# The setup parsed from the last document the store answered: parsing again
# only when the store read a new one (at most once a minute per function).
_parsed: tuple[dict[str, Any], SlaSetup] | None = None


def current_setup(records: SlaSetupRecords) -> SlaSetup:
    """The SLA setup in force (an empty one before an administrator saves any)."""
    global _parsed  # noqa: PLW0603 - a per-process cache, like the store's
    document = records.sla_setup_document()
    if _parsed is None or _parsed[0] is not document:
        _parsed = (document, SlaSetup.model_validate(document))
    return _parsed[1]


def calendar_zone(records: SlaSetupRecords, ticket: Ticket) -> str | None:
    """The time zone of the business calendar the ticket's SLA counts on (None: around the clock)."""
    if ticket.sla is None or not ticket.sla.calendar_id:
        return None
    return current_setup(records).calendar(ticket.sla.calendar_id).time_zone


def save_sla_setup(records: SlaSetupRecords, setup: SlaSetup, actor: Actor, at: datetime) -> SlaSetup:
    """Replace the SLA setup with ``setup``, auditing each part that changed."""
    audit = audit_entry(actor, ACTION, TARGET, current_setup(records), setup, at)
    records.put_sla_setup_document(setup.model_dump(mode="json"), at, audit)
    return setup

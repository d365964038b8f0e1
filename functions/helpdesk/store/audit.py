"""The audit log: who changed which setting, by month. Entries for a change
to a setting are written with it (``TableAccess._save_setting``)."""

from datetime import datetime

from helpdesk.models import AuditEntry
from helpdesk.store import keys
from helpdesk.store.conversions import audit_from, audit_item
from helpdesk.store.items import AuditItem, HelpdeskItem
from helpdesk.store.table import TableAccess


class AuditLog(TableAccess):
    def record_audit(self, entry: AuditEntry) -> None:
        """An audit entry for something that changed nothing else (an export)."""
        audit_item(entry).save()

    def audit_log(self, month: datetime, limit: int = 200) -> list[AuditEntry]:
        """A month of the audit log, newest first."""
        items = HelpdeskItem.query(keys.audit_pk(month), scan_index_forward=False, limit=limit)
        return [audit_from(item) for item in items if isinstance(item, AuditItem)]

"""The table a store works on: what every aggregate's part of the store shares."""

from typing import ClassVar

from pynamodb.connection import Connection

from helpdesk.errors import ConcurrentWrite
from helpdesk.models import AuditEntry
from helpdesk.settings import StoreSettings
from helpdesk.store.conditions import Transaction
from helpdesk.store.conversions import audit_item
from helpdesk.store.items import ITEM_CLASSES, HelpdeskItem


class TableAccess:
    """Binds the item classes to the table named by ``StoreSettings`` (once per
    process and table) and opens transactions on it."""

    _bound_to: ClassVar[tuple[str, str, str | None] | None] = None

    def __init__(self, settings: StoreSettings) -> None:
        self.settings = settings
        binding = (settings.table_name, settings.region, settings.endpoint_url)
        if TableAccess._bound_to != binding:
            for cls in ITEM_CLASSES:
                cls.Meta.table_name = settings.table_name
                cls.Meta.region = settings.region
                cls.Meta.host = settings.endpoint_url
                cls._connection = None
            TableAccess._bound_to = binding
        self._connection = Connection(region=settings.region, host=settings.endpoint_url)

    def _transaction(self) -> Transaction:
        return Transaction(self._connection)

    def _save_setting(self, item: HelpdeskItem, audit: AuditEntry | None, delete: bool = False) -> None:
        """Save (or delete) an administrator's setting, with its audit entry in
        the same transaction."""
        if audit is None and delete:
            item.delete()
            return
        if audit is None:
            item.save()
            return
        transaction = self._transaction()
        if delete:
            transaction.delete("setting", item)
        else:
            transaction.put("setting", item)
        transaction.put("audit", audit_item(audit))
        # No conditions: nothing can fail one.
        transaction.commit_or_raise({}, otherwise=lambda: ConcurrentWrite("audit"))

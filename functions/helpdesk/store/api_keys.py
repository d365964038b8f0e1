"""API keys (``helpdesk.api_keys``): each key's record and the hash of its
secret, under ``APIKEY#<id>``; listed through the ``by_status`` index's key
directory. The key itself is never written."""

from datetime import datetime
from typing import Any

from helpdesk.errors import ConcurrentWrite
from helpdesk.models import AuditEntry
from helpdesk.store import keys
from helpdesk.store.conditions import conditionally, get_or_none
from helpdesk.store.conversions import audit_item
from helpdesk.store.items import ApiKeyItem, HelpdeskItem
from helpdesk.store.table import TableAccess

MOST_KEYS = 500  # a help desk's integrations: far fewer in practice


class ApiKeys(TableAccess):
    def put_api_key(self, record: dict[str, Any], secret_hash: str, audit: AuditEntry) -> None:
        """A new key's record and secret hash, with its audit entry."""
        item = ApiKeyItem(
            *keys.api_key_key(record["id"]),
            value=record,
            secret_hash=secret_hash,
            GSI1PK=keys.API_KEY_DIRECTORY,
            GSI1SK=record["id"],
        )
        transaction = self._transaction()
        transaction.put("api_key", item, condition=ApiKeyItem.PK.does_not_exist())
        transaction.put("audit", audit_item(audit))
        transaction.commit_or_raise({}, otherwise=lambda: ConcurrentWrite("api key"))

    def put_api_key_record(self, record: dict[str, Any], audit: AuditEntry) -> None:
        """Replace a key's record (a revocation), keeping its secret hash, with its audit entry."""
        transaction = self._transaction()
        item = ApiKeyItem(*keys.api_key_key(record["id"]))
        transaction.update("api_key", item, [ApiKeyItem.value.set(record)], condition=ApiKeyItem.PK.exists())
        transaction.put("audit", audit_item(audit))
        transaction.commit_or_raise({}, otherwise=lambda: ConcurrentWrite("api key"))

    def get_api_key(self, key_id: str) -> tuple[dict[str, Any], str] | None:
        """A key's record (with when it was last used) and its secret hash; read
        consistently, so a revocation applies to the very next request."""
        item = get_or_none(ApiKeyItem, *keys.api_key_key(key_id), consistent_read=True)
        if item is None:
            return None
        return _record(item), item.secret_hash

    def list_api_keys(self) -> list[dict[str, Any]]:
        """Every key's record, newest first."""
        items = HelpdeskItem.by_status.query(keys.API_KEY_DIRECTORY, scan_index_forward=False, limit=MOST_KEYS)
        return [_record(item) for item in items if isinstance(item, ApiKeyItem)]

    def mark_api_key_used(
        self, key_id: str, at: datetime, unless_after: datetime, audit: AuditEntry | None = None
    ) -> bool:
        """Note that a key was used at ``at``, unless a use after ``unless_after``
        is noted already (another request got there first); the audit entry, if
        any, goes with the note. False when nothing was written."""
        item = ApiKeyItem(*keys.api_key_key(key_id))
        first = ApiKeyItem.last_used_at.does_not_exist() | (ApiKeyItem.last_used_at < unless_after)
        noted = conditionally(
            lambda: item.update(actions=[ApiKeyItem.last_used_at.set(at)], condition=ApiKeyItem.PK.exists() & first)
        )
        if noted and audit is not None:
            audit_item(audit).save()
        return noted


def _record(item: ApiKeyItem) -> dict[str, Any]:
    record = dict(item.value)
    record["last_used_at"] = item.last_used_at.isoformat() if item.last_used_at else None
    return record

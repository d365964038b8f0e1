"""What administrators configure, each saved with its audit entry: the SLA
setup, named settings (ticket fields, WhatsApp templates), versioned settings
(the channels: a save names the version it read, so two administrators never
overwrite each other) and macros. Settings and macros are kept as the domain's
own JSON: the store does not read them."""

import time
from datetime import datetime
from typing import Any, ClassVar

from helpdesk.errors import ConcurrentWrite, StaleSetting
from helpdesk.models import AuditEntry
from helpdesk.store import keys
from helpdesk.store.conditions import get_or_none
from helpdesk.store.conversions import audit_item
from helpdesk.store.items import ConfigItem, HelpdeskItem, MacroItem
from helpdesk.store.table import TableAccess

SLA_SETUP_MAX_AGE = 60.0  # seconds a function keeps the setup it read


class Configuration(TableAccess):
    # the SLA setup

    _sla_setup: ClassVar[tuple[float, dict[str, Any]] | None] = None

    def sla_setup_document(self) -> dict[str, Any]:
        """The SLA calendars and policies as saved (``helpdesk.sla.setup`` reads
        them); a function keeps what it read for a minute, so ingesting a
        message costs no extra read. Empty when nothing was saved yet."""
        cached = Configuration._sla_setup
        if cached is not None and time.monotonic() - cached[0] < SLA_SETUP_MAX_AGE:
            return cached[1]
        item = get_or_none(ConfigItem, *keys.SLA_SETUP_KEY)
        document = dict(item.value) if item else {}
        Configuration._sla_setup = (time.monotonic(), document)
        return document

    def put_sla_setup_document(self, document: dict[str, Any], at: datetime, audit: AuditEntry | None = None) -> None:
        self._save_setting(ConfigItem(*keys.SLA_SETUP_KEY, value=document, updated_at=at), audit)
        Configuration._sla_setup = (time.monotonic(), document)

    @staticmethod
    def forget_sla_setup() -> None:
        Configuration._sla_setup = None

    # named settings

    def setting(self, name: str) -> dict[str, Any]:
        """A named setting, read each time (they change rarely and are read only
        where needed; an admin's change must apply at once)."""
        item = get_or_none(ConfigItem, *keys.config_key(name), consistent_read=True)
        return dict(item.value) if item else {}

    def put_setting(self, name: str, value: dict[str, Any], at: datetime, audit: AuditEntry | None = None) -> None:
        self._save_setting(ConfigItem(*keys.config_key(name), value=value, updated_at=at), audit)

    # versioned settings

    def versioned_setting(self, name: str) -> tuple[dict[str, Any], int]:
        """A setting saved with versions and its version: how many times it was
        saved (0, and an empty document, before the first save). Read each time,
        consistently: a save must start from the latest."""
        item = get_or_none(ConfigItem, *keys.config_key(name), consistent_read=True)
        if item is None:
            return {}, 0
        return dict(item.value), int(item.version or 0)

    def put_versioned_setting(
        self, name: str, value: dict[str, Any], read_version: int, at: datetime, audit: AuditEntry
    ) -> int:
        """Save ``value`` only if the setting is still at ``read_version`` (the
        one its editor read), with its audit entry; the new version. Raises
        ``StaleSetting`` when someone saved in between: nothing is written."""
        item = ConfigItem(*keys.config_key(name), value=value, updated_at=at, version=read_version + 1)
        unchanged = ConfigItem.version.does_not_exist() if read_version == 0 else ConfigItem.version == read_version
        transaction = self._transaction()
        transaction.put("setting", item, condition=unchanged)
        transaction.put("audit", audit_item(audit))
        transaction.commit_or_raise({"setting": StaleSetting}, otherwise=lambda: ConcurrentWrite("audit"))
        return read_version + 1

    # macros

    def put_macro(self, macro_id: str, name: str, value: dict[str, Any], audit: AuditEntry | None = None) -> None:
        item = MacroItem(
            *keys.macro_key(macro_id),
            value=value,
            GSI1PK=keys.MACRO_DIRECTORY,
            GSI1SK=keys.directory_sk(name, macro_id),
        )
        self._save_setting(item, audit)

    def get_macro(self, macro_id: str) -> dict[str, Any] | None:
        item = get_or_none(MacroItem, *keys.macro_key(macro_id))
        return dict(item.value) if item else None

    def list_macros(self) -> list[dict[str, Any]]:
        items = HelpdeskItem.by_status.query(keys.MACRO_DIRECTORY)
        return [dict(item.value) for item in items if isinstance(item, MacroItem)]

    def delete_macro(self, macro_id: str, audit: AuditEntry | None = None) -> None:
        self._save_setting(MacroItem(*keys.macro_key(macro_id)), audit, delete=True)

"""KPI rollups (``helpdesk.reports.rollups``): one contribution item per ticket
and one rollup item per day and filter, each the domain's JSON with a version.
A filter's days share a partition, so a date range is one Query.
A change writes the contribution and every rollup it touches in one transaction,
each on the version read: two stream batches touching the same day never lose
one another's counts (the loser reads again)."""

from dataclasses import dataclass, field
from typing import Any

from helpdesk.errors import ConcurrentWrite
from helpdesk.store import keys
from helpdesk.store.conditions import get_or_none
from helpdesk.store.items import KpiContributionItem, KpiRollupItem
from helpdesk.store.table import TableAccess

RollupKey = tuple[str, str]  # (day, filter)


@dataclass(frozen=True)
class Versioned:
    value: dict[str, Any]
    version: int  # 0: not written yet


@dataclass
class RollupChange:
    """A ticket's new contribution and the rollups it changes, on the versions read."""

    ticket_id: str
    contribution: dict[str, Any]
    read_version: int
    rollups: dict[RollupKey, Versioned] = field(default_factory=dict)  # the new values, on the read versions


class KpiRollups(TableAccess):
    def kpi_contribution(self, ticket_id: str) -> Versioned:
        item = get_or_none(KpiContributionItem, *keys.kpi_contribution_key(ticket_id), consistent_read=True)
        return Versioned(dict(item.value), int(item.version)) if item else Versioned({}, 0)

    def kpi_rollups(self, wanted: list[RollupKey]) -> dict[RollupKey, Versioned]:
        """The rollups under these keys (absent: empty at version 0), read
        consistently: what a write starts from."""
        found = {key: Versioned({}, 0) for key in wanted}
        for day, filter_key in wanted:
            item = get_or_none(KpiRollupItem, *keys.kpi_rollup_key(day, filter_key), consistent_read=True)
            if item is not None:
                found[(day, filter_key)] = Versioned(dict(item.value), int(item.version))
        return found

    def kpi_days(self, filter_key: str, since: str, until: str) -> dict[str, dict[str, Any]]:
        """Day → counters of one filter from ``since`` to ``until`` (ISO days, both
        included), days with no rollup left out: one Query, pages followed."""
        items = KpiRollupItem.query(keys.kpi_rollup_pk(filter_key), KpiRollupItem.SK.between(since, until))
        return {item.SK: dict(item.value) for item in items}

    def save_kpi_change(self, change: RollupChange) -> None:
        """Write it all or nothing; ``ConcurrentWrite`` when any version moved (read again)."""
        transaction = self._transaction()
        contribution = KpiContributionItem(
            *keys.kpi_contribution_key(change.ticket_id), value=change.contribution, version=change.read_version + 1
        )
        transaction.put("contribution", contribution, _on_version(KpiContributionItem, change.read_version))
        for (day, filter_key), rollup in change.rollups.items():
            item = KpiRollupItem(*keys.kpi_rollup_key(day, filter_key), value=rollup.value, version=rollup.version + 1)
            transaction.put("rollup", item, _on_version(KpiRollupItem, rollup.version))
        transaction.commit_or_raise({}, otherwise=lambda: ConcurrentWrite("kpi rollups"))


def _on_version(item_class: type[KpiContributionItem] | type[KpiRollupItem], version: int) -> Any:
    return item_class.PK.does_not_exist() if version == 0 else item_class.version == version

"""(r) The dashboard's KPI query for a 90-day range: how many items it reads
(one per day of the filter asked, in one Query for the range and one for the
period before it, never a ticket) and its time, with the rollups of ``BENCH_REPORT_TICKETS``
tickets (100,000 by default) over 180 days in moto.

The rollups are what the stream would have written: every ticket's cells
(``rollups.ticket_cells``) summed in memory into the 8 filter rollups each cell
feeds, then written with BatchWriteItem (folding 100k tickets one transaction
at a time through moto would only measure moto)."""

import os
import time as clock
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import boto3
from moto import mock_aws

from bench import calls
from helpdesk.models import Channel, Ticket, TicketStatus
from helpdesk.reports.kpis import KpiQuery, kpi_report
from helpdesk.reports.rollups import rollup_delta, ticket_cells
from helpdesk.settings import StoreSettings
from helpdesk.store import HelpdeskStore, keys
from helpdesk.store.items import KpiRollupItem
from local.provision import table_definition

TABLE = "atiende-bench-reports"
REGION = "us-east-1"
DAYS = 90
UNTIL = date(2026, 12, 6)
GROUPS = ("ventas", "soporte", "facturacion")
AGENTS = tuple(f"agente{n}" for n in range(10))


@dataclass(frozen=True)
class ReportRun:
    tickets: int
    filter: str
    days: int
    items_read: int  # rollup items the Queries read: range + previous period
    calls: int
    seconds: float


_items_read = 0


def _count_items(parsed: dict[str, Any], **_: Any) -> None:
    global _items_read  # noqa: PLW0603 - a bench's tally
    _items_read += int(parsed.get("ScannedCount", 0))


def _tickets(count: int) -> list[Ticket]:
    start = datetime.combine(UNTIL - timedelta(days=2 * DAYS - 1), datetime.min.time(), tzinfo=UTC)
    made = []
    for n in range(count):
        created = start + timedelta(minutes=(n * 7919) % (2 * DAYS * 24 * 60))
        solved = n % 4 != 0
        made.append(
            Ticket(
                id=f"T{n:08d}",
                number=n + 1,
                channel=Channel.WHATSAPP if n % 3 else Channel.EMAIL,
                contact_id=f"C{n:08d}",
                group_id=GROUPS[(n // 3) % len(GROUPS)],
                assignee_id=AGENTS[n % len(AGENTS)],
                status=TicketStatus.SOLVED if solved else TicketStatus.OPEN,
                created_at=created,
                updated_at=created + timedelta(hours=5),
                first_response_at=created + timedelta(minutes=5 + n % 90),
                solved_at=created + timedelta(hours=1 + n % 40) if solved else None,
            )
        )
    return made


def _write_rollups(tickets: list[Ticket]) -> int:
    zone = ZoneInfo("UTC")
    totals: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for ticket in tickets:
        for target, change in rollup_delta({}, ticket_cells(ticket, zone)).items():
            for counter, by in change.items():
                totals[target][counter] = totals[target].get(counter, 0) + by
    with KpiRollupItem.batch_write() as batch:
        for (day, filter_key), counters in totals.items():
            batch.save(KpiRollupItem(*keys.kpi_rollup_key(day, filter_key), value=counters, version=1))
    return len(totals)


def run() -> list[ReportRun]:
    count = int(os.environ.get("BENCH_REPORT_TICKETS", "100000"))
    calls.on_every_client("after-call.dynamodb.Query", _count_items)
    runs = []
    with mock_aws():
        boto3.client("dynamodb", region_name=REGION).create_table(TableName=TABLE, **table_definition())
        store = HelpdeskStore(StoreSettings.model_validate({"TABLE_NAME": TABLE, "AWS_REGION": REGION}))
        _write_rollups(_tickets(count))
        since = UNTIL - timedelta(days=DAYS - 1)
        for name, filters in (
            ("everything", {}),
            ("channel", {"channel": "email"}),
            ("channel+group", {"channel": "whatsapp", "group": "ventas"}),
            ("group+agent", {"group": "soporte", "agent": "agente4"}),
        ):
            global _items_read  # noqa: PLW0603 - a bench's tally
            _items_read = 0
            calls.calls.clear()
            query = KpiQuery.model_validate({"from": since.isoformat(), "to": UNTIL.isoformat(), **filters})
            started = clock.perf_counter()
            report = kpi_report(store, query)
            seconds = clock.perf_counter() - started
            assert len(report.days) == DAYS and report.totals.created > 0
            runs.append(ReportRun(count, name, DAYS, _items_read, calls.dynamodb_calls(), seconds))
    return runs

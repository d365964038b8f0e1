"""(g) The SLA checker's reads per run as open tickets grow (1,000 → 100,000)
while the timers due stay fixed: DynamoDB calls and the read capacity they
consume (as moto reports it), per run.

Every open ticket has a running timer whose next check is days away (in some
other minute's bucket); a fixed number are due now. moto runs in-process; the
tickets are written with BatchWriteItem (the items the store itself writes),
because 100,000 ingests through transactions would take hours in moto.
"""

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from moto import mock_aws
from moto.dynamodb import models as dynamodb_models

from bench import calls
from helpdesk.models import Channel, SlaMetric, SlaTimer, Ticket, TicketSla
from helpdesk.settings import StoreSettings
from helpdesk.sla.checker import CHECKPOINT, check_slas
from helpdesk.store import HelpdeskItem, HelpdeskStore, _ticket_item  # the store's own item layout
from local.provision import table_definition

DUE_NOW = 20
TABLE = "atiende-bench-sla"
REGION = "us-east-1"


@dataclass(frozen=True)
class CheckerRun:
    open_tickets: int
    due: int
    reads: int  # GetItem + Query calls
    read_units: float
    writes: int
    breaches: int
    seconds: float


def sizes() -> list[int]:
    return [int(n) for n in os.environ.get("BENCH_SLA_SIZES", "1000,10000,100000").split(",")]


class _ReadUnits:
    """Read capacity consumed, as DynamoDB (here moto) reports it: reads ask for
    ReturnConsumedCapacity through a hook on every client (``bench.calls``)."""

    def __init__(self) -> None:
        self.total = 0.0

    def install(self) -> None:
        calls.on_every_client("before-parameter-build.dynamodb.*", self._ask)
        calls.on_every_client("after-call.dynamodb.*", self._record)

    @staticmethod
    def _ask(params: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name in ("GetItem", "Query"):
            params["ReturnConsumedCapacity"] = "TOTAL"

    def _record(self, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name in ("GetItem", "Query"):
            self.total += float((parsed.get("ConsumedCapacity") or {}).get("CapacityUnits", 0))


def _ticket(n: int, check_at: datetime, created: datetime) -> Ticket:
    timer = SlaTimer(
        metric=SlaMetric.FIRST_RESPONSE,
        target=check_at - created,
        business_hours=False,
        running_since=created,
        due_at=check_at,
        warn_at=check_at,
        warned_at=None,
    )
    return Ticket(
        id=f"BENCH{n:08d}",
        number=n + 1,
        channel=Channel.WHATSAPP,
        contact_id=f"C{n:08d}",
        created_at=created,
        updated_at=created,
        sla=TicketSla(policy_id="bench", timers=(timer,)),
    )


def _item(ticket: Ticket) -> Any:
    item = _ticket_item(ticket)
    item.version = ticket.version  # a batch write does not number versions as save() does
    return item


def _load(count: int, now: datetime) -> None:
    created = now - timedelta(minutes=30)
    with HelpdeskItem.batch_write() as batch:
        for n in range(count):
            # Spread over the next 30 days, never in the minutes being checked
            check_at = now + timedelta(minutes=10 + (n * 7919) % (30 * 24 * 60))
            batch.save(_item(_ticket(n, check_at, created)))
        for n in range(count, count + DUE_NOW):
            batch.save(_item(_ticket(n, now - timedelta(seconds=30), created)))


_read_units = _ReadUnits()


def measure(count: int) -> CheckerRun:
    _read_units.install()
    with mock_aws():
        boto3.client("dynamodb", region_name=REGION).create_table(TableName=TABLE, **table_definition())
        store = HelpdeskStore(StoreSettings.model_validate({"TABLE_NAME": TABLE, "AWS_REGION": REGION}))
        now = datetime.now(UTC).replace(second=40, microsecond=0)
        _load(count, now)
        store.advance_checkpoint(CHECKPOINT, now.replace(second=0) - timedelta(minutes=2))
        calls.calls.clear()
        _read_units.total = 0.0
        started = time.perf_counter()
        with _without_moto_rollback_copies():
            report = check_slas(store, now, _NoEvents(), lambda _ticket_id, _timer: False)
        seconds = time.perf_counter() - started
    dynamodb = {name.removeprefix("dynamodb."): n for name, n in calls.calls.items() if name.startswith("dynamodb.")}
    reads = dynamodb.get("GetItem", 0) + dynamodb.get("Query", 0)
    return CheckerRun(
        open_tickets=count + DUE_NOW,
        due=DUE_NOW,
        reads=reads,
        read_units=_read_units.total,
        writes=sum(dynamodb.values()) - reads,
        breaches=report.breaches,
        seconds=seconds,
    )


@contextmanager
def _without_moto_rollback_copies() -> Iterator[None]:
    """moto deep-copies a whole table before every TransactWriteItems so it can
    roll back; at 100,000 tickets each copy costs gigabytes (DynamoDB does
    nothing of the kind). The measured run's transactions all succeed, so the
    bench lets moto keep the table itself as its "backup"."""

    class _NoCopy:
        @staticmethod
        def deepcopy(obj: Any, memo: Any = None) -> Any:
            return obj

    saved = dynamodb_models.copy
    dynamodb_models.copy = _NoCopy  # type: ignore[assignment]
    try:
        yield
    finally:
        dynamodb_models.copy = saved


class _NoEvents:
    def publish(self, detail_type: str, detail: dict[str, Any]) -> None:
        pass


def run() -> list[CheckerRun]:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    return [measure(count) for count in sizes()]

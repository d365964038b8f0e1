"""(i) What the console's live updates cost: one "changes since" poll (every
2 s per open console) as open tickets grow while the changes stay few, one
presence beat (every 5 s per open ticket page), and one automatic assignment.
DynamoDB calls and read units as moto reports them (moto in-process; tickets
written with BatchWriteItem, as in (g))."""

import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import boto3
from moto import mock_aws

from bench import calls
from bench.sla_checker_bench import REGION, _item, _ReadUnits
from helpdesk.access import Role, Viewer
from helpdesk.models import Agent, Channel, Group, GroupAssignment, PresenceActivity, Ticket
from helpdesk.settings import StoreSettings
from helpdesk.store import HelpdeskItem, HelpdeskStore
from helpdesk.team.assignment import assign_next
from helpdesk.tickets.changes import changes_since
from helpdesk.tickets.collisions import be_present
from local.provision import table_definition

TABLE = "atiende-bench-live"
CHANGED = 5


@dataclass(frozen=True)
class LiveCosts:
    open_tickets: int
    poll_reads: int
    poll_read_units: float
    poll_seconds: float
    poll_found: int
    presence_calls: int
    assignment_calls: int


def sizes() -> list[int]:
    return [int(n) for n in os.environ.get("BENCH_LIVE_SIZES", "1000,10000").split(",")]


def _ticket(n: int, updated: datetime, group_id: str | None = None) -> Ticket:
    return Ticket(
        id=f"LIVE{n:08d}", number=n + 1, channel=Channel.WHATSAPP, contact_id=f"C{n:08d}",
        group_id=group_id, created_at=updated, updated_at=updated,
    )  # fmt: skip


_read_units = _ReadUnits()


def _dynamodb_calls() -> int:
    return calls.dynamodb_calls()


def measure(count: int) -> LiveCosts:
    _read_units.install()
    with mock_aws():
        boto3.client("dynamodb", region_name=REGION).create_table(TableName=TABLE, **table_definition())
        store = HelpdeskStore(StoreSettings.model_validate({"TABLE_NAME": TABLE, "AWS_REGION": REGION}))
        now = datetime.now(UTC)
        with HelpdeskItem.batch_write() as batch:
            for n in range(count):
                batch.save(_item(_ticket(n, now - timedelta(hours=1 + n % 500))))
            for n in range(count, count + CHANGED):
                batch.save(_item(_ticket(n, now - timedelta(seconds=1))))
        store.put_group(Group(id="ventas", name="Ventas", assignment=GroupAssignment(round_robin=True)))
        for n in range(5):
            store.put_agent(Agent(id=f"A{n}", email=f"a{n}@example.com", name=f"A{n}", role="agent",
                                  group_ids=("ventas",)))  # fmt: skip
            store.mark_seen(f"A{n}", now)
        waiting = _ticket(count + CHANGED, now, "ventas")
        with HelpdeskItem.batch_write() as batch:
            batch.save(_item(waiting))
        viewer = Viewer(agent_id="A0", role=Role.ADMIN)

        calls.calls.clear()
        _read_units.total = 0.0
        started = time.perf_counter()
        answer = changes_since(store, viewer, now - timedelta(seconds=2), now)
        poll_seconds = time.perf_counter() - started
        poll_reads, poll_units = _dynamodb_calls(), _read_units.total

        calls.calls.clear()
        be_present(store, waiting.id, "A0", "A0", PresenceActivity.VIEWING)
        presence_calls = _dynamodb_calls()

        calls.calls.clear()
        assigned = assign_next(store, waiting, now)
        assignment_calls = _dynamodb_calls()
        assert assigned is not None and assigned.assignee_id is not None
    return LiveCosts(
        open_tickets=count + CHANGED + 1,
        poll_reads=poll_reads,
        poll_read_units=poll_units,
        poll_seconds=poll_seconds,
        poll_found=len(answer.tickets),
        presence_calls=presence_calls,
        assignment_calls=assignment_calls,
    )


def run() -> list[LiveCosts]:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    return [measure(count) for count in sizes()]

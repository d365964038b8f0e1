"""The KPI rollups' pure parts: which day (the company's zone), which rollups a
ticket's counts go to, the delta between two contributions, percentiles from
bucket counts."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from helpdesk import limits
from helpdesk.models import Channel, Ticket, TicketStatus
from helpdesk.reports.rollups import (
    BUCKETS,
    bucket,
    is_reopen,
    percentile,
    rollup_delta,
    rollup_keys,
    ticket_cells,
    total_cells,
)
from helpdesk.store import keys
from local.lambda_runtime import StreamSubscription
from local.provision import load_template

GUATEMALA = ZoneInfo("America/Guatemala")  # UTC−6, no daylight saving


def _ticket(**state: object) -> Ticket:
    created = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)  # 1 December, 21:00 in Guatemala
    fields = {"id": "T1", "number": 1, "channel": Channel.EMAIL, "contact_id": "c1", "group_id": "ventas",
              "created_at": created, "updated_at": created} | state  # fmt: skip
    return Ticket.model_validate(fields)


def test_a_ticket_counts_on_its_day_in_the_company_zone() -> None:
    ticket = _ticket()
    assert ticket_cells(ticket, GUATEMALA) == {"2026-12-01|email|ventas|none": {"created": 1}}
    assert ticket_cells(ticket, ZoneInfo("UTC")) == {"2026-12-02|email|ventas|none": {"created": 1}}


def test_a_solved_ticket_counts_its_resolution_on_the_day_it_was_solved() -> None:
    created = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
    solved = _ticket(status=TicketStatus.SOLVED, solved_at=created + timedelta(hours=20), assignee_id="ana")
    cells = ticket_cells(solved, GUATEMALA)
    assert cells["2026-12-02|email|ventas|ana"] == {"solved": 1, f"resolution.{BUCKETS.index(86400)}": 1}
    # a ticket merged into another is closed, not solved by anyone
    merged = solved.model_copy(update={"status": TicketStatus.CLOSED, "merged_into": "T9"})
    assert all("solved" not in c for c in ticket_cells(merged, GUATEMALA).values())


def test_each_cell_feeds_the_eight_filters_it_belongs_to() -> None:
    keys = rollup_keys("2026-12-01|email|ventas|ana")
    assert len(set(keys)) == 8
    assert ("2026-12-01", "*|*|*") in keys and ("2026-12-01", "email|ventas|ana") in keys
    assert ("2026-12-01", "*|ventas|*") in keys


def test_moving_a_ticket_moves_its_counts_and_the_totals_stay() -> None:
    before = ticket_cells(_ticket(), GUATEMALA)
    after = ticket_cells(_ticket(assignee_id="ana"), GUATEMALA)
    delta = rollup_delta(before, after)
    assert delta[("2026-12-01", "*|*|none")] == {"created": -1}
    assert delta[("2026-12-01", "*|*|ana")] == {"created": 1}
    assert ("2026-12-01", "*|*|*") not in delta  # the day's total did not change
    assert rollup_delta(before, before) == {}


def test_reopens_count_once_each_and_only_from_solved() -> None:
    solved = _ticket(status=TicketStatus.SOLVED, solved_at=datetime(2026, 12, 2, 4, tzinfo=UTC))
    opened = solved.model_copy(update={"status": TicketStatus.OPEN, "solved_at": None})
    assert is_reopen(solved, opened) and not is_reopen(opened, solved) and not is_reopen(None, opened)
    cells = total_cells({}, {"3": "2026-12-01|email|ventas|none", "5": "2026-12-01|email|ventas|none"})
    assert cells == {"2026-12-01|email|ventas|none": {"reopened": 2}}


def test_percentiles_come_from_bucket_counts() -> None:
    assert bucket(0) == 0 and bucket(60) == 0 and bucket(61) == 1 and bucket(10**9) == len(BUCKETS)
    histogram = {bucket(120): 5, bucket(3000): 4, bucket(90000): 1}  # 5 ≤ 5 min, 4 ≤ 1 h, 1 ≤ 2 days
    assert percentile(histogram, 0.5) == 300
    assert percentile(histogram, 0.9) == 3600
    assert percentile(histogram, 1.0) == 172800
    assert percentile({len(BUCKETS): 1}, 0.5) == BUCKETS[-1]  # past the last bound: its floor
    assert percentile({}, 0.5) is None


# --- the template agrees ---------------------------------------------------------------


def _function() -> dict[str, Any]:
    return load_template()["Resources"]["KpiRollupsFunction"]["Properties"]


def _stream_source() -> dict[str, Any]:
    (event,) = [e for e in _function()["Events"].values() if e["Type"] == "DynamoDB"]
    return event["Properties"]


def test_the_rollups_read_the_stream_as_the_limits_say() -> None:
    source, reading = _stream_source(), limits.KPI_ROLLUPS
    assert source["BatchSize"] == reading.batch_size
    assert source["MaximumBatchingWindowInSeconds"] == reading.batching_window_seconds
    assert source["MaximumRetryAttempts"] == reading.retries


def test_the_rollups_may_touch_only_contributions_rollups_and_the_sla_setup() -> None:
    statements = [s for p in _function()["Policies"] if "Statement" in p for s in p["Statement"]]
    (table,) = [s for s in statements if any(a.startswith("dynamodb:") for a in s["Action"])]
    leading = table["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]
    assert sorted(leading) == sorted(
        [
            keys.kpi_contribution_key("01T")[0].replace("01T", "*"),
            keys.kpi_rollup_pk("FILTER").replace("FILTER", "*"),
            keys.SLA_SETUP_KEY[0],
        ]
    )


@pytest.mark.parametrize(
    ("pk", "sk", "name", "handed_over"),
    [
        ("TICKET#1", "META", "INSERT", True),
        ("TICKET#1", "META", "MODIFY", True),
        ("TICKET#1", "META", "REMOVE", False),
        ("TICKET#1", "MSG#2026#1", "INSERT", False),
        ("KPI#*|*|*", "2026-12-01", "MODIFY", False),  # its own writes never come back to it
    ],
)
def test_the_rollups_get_every_ticket_change_and_nothing_else(pk: str, sk: str, name: str, handed_over: bool) -> None:
    patterns = tuple(json.loads(f["Pattern"]) for f in _stream_source()["FilterCriteria"]["Filters"])
    subscription = StreamSubscription("KpiRollupsFunction", "table", _function()["Handler"], 25, patterns)
    record = {"eventName": name, "dynamodb": {"Keys": {"PK": {"S": pk}, "SK": {"S": sk}}}}
    assert subscription.wants(record) is handed_over

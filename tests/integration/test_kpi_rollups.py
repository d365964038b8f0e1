"""KPI rollups from the table's stream, in moto in-process (the ``store`` fixture):
a scripted day of tickets, each change handed to the stream handler as its real
item images (DynamoDB JSON), gives the figures computed by hand below; handing
the whole stream over again, in another order, changes none of them."""

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from kpi_rollups.app import handler

from helpdesk import connections
from helpdesk.models import Channel, SlaMetric, SlaTimer, Ticket, TicketSla, TicketStatus
from helpdesk.reports.kpis import KpiQuery, kpi_report
from helpdesk.reports.recording import backfill_rollups, daily_counters
from helpdesk.reports.rollups import BUCKETS, percentile
from helpdesk.store import HelpdeskStore, keys
from helpdesk.store.conversions import ticket_item
from helpdesk.store.items import CounterItem, PointerItem
from local.lambda_runtime import LocalContext

DAY = datetime(2026, 12, 1, tzinfo=UTC)  # no SLA setup: the company's zone is UTC


def at(hour: int, minute: int = 0) -> datetime:
    return DAY + timedelta(hours=hour, minutes=minute)


def _ticket(ticket_id: str, number: int, channel: Channel, group: str, agent: str | None, **state: Any) -> Ticket:
    created = state.pop("created_at")
    return Ticket(
        id=ticket_id, number=number, channel=channel, contact_id=f"c{number}", group_id=group, assignee_id=agent,
        created_at=created, updated_at=state.pop("updated_at", created), **state,
    )  # fmt: skip


def _timer(metric: SlaMetric, met: datetime | None = None, breached: datetime | None = None) -> TicketSla:
    timer = SlaTimer(metric=metric, target=timedelta(hours=1), met_at=met, breached_at=breached)
    return TicketSla(policy_id="estandar", timers=(timer,))


def _history() -> list[tuple[Ticket | None, Ticket]]:
    """Every ticket's saves that day, as (before, after), in the order they happened."""
    saves: list[tuple[Ticket | None, Ticket]] = []

    def lives(*versions: Ticket) -> None:
        before = None
        for n, state in enumerate(versions, 1):
            after = state.model_copy(update={"version": n})
            saves.append((before, after))
            before = after

    # T1: e-mail, ventas, Ana: answered after 30 min (FRT SLA met), solved after 2 h
    t1 = _ticket("T1", 1, Channel.EMAIL, "ventas", "ana", created_at=at(8), status=TicketStatus.NEW)
    t1b = t1.model_copy(update={"status": TicketStatus.OPEN, "first_response_at": at(8, 30), "updated_at": at(8, 30),
                                "sla": _timer(SlaMetric.FIRST_RESPONSE, met=at(8, 30))})  # fmt: skip
    lives(t1, t1b, t1b.model_copy(update={"status": TicketStatus.SOLVED, "solved_at": at(10), "updated_at": at(10)}))
    # T2: WhatsApp, ventas, Beto: answered after 4 min, solved, reopened at 11:00, solved again at 12:00
    t2 = _ticket("T2", 2, Channel.WHATSAPP, "ventas", "beto", created_at=at(9))
    t2b = t2.model_copy(update={"status": TicketStatus.OPEN, "first_response_at": at(9, 4), "updated_at": at(9, 4)})
    t2c = t2b.model_copy(update={"status": TicketStatus.SOLVED, "solved_at": at(9, 30), "updated_at": at(9, 30)})
    t2d = t2c.model_copy(update={"status": TicketStatus.OPEN, "solved_at": None, "updated_at": at(11)})
    lives(t2, t2b, t2c, t2d, t2d.model_copy(update={"status": TicketStatus.SOLVED, "solved_at": at(12),
                                                    "updated_at": at(12)}))  # fmt: skip
    # T3: e-mail, soporte, nobody: unanswered, its first-response SLA breached at 15:00
    t3 = _ticket("T3", 3, Channel.EMAIL, "soporte", None, created_at=at(13))
    lives(t3, t3.model_copy(update={"sla": _timer(SlaMetric.FIRST_RESPONSE, breached=at(15)), "updated_at": at(15)}))
    # T4: e-mail, first in soporte, then moved to ventas and Ana, answered after 10 min, pending
    t4 = _ticket("T4", 4, Channel.EMAIL, "soporte", None, created_at=at(14))
    moved = t4.model_copy(update={"group_id": "ventas", "assignee_id": "ana", "updated_at": at(14, 5)})
    lives(t4, moved, moved.model_copy(update={"status": TicketStatus.PENDING, "first_response_at": at(14, 10),
                                              "updated_at": at(14, 10)}))  # fmt: skip
    return saves


def _image(ticket: Ticket) -> dict[str, Any]:
    """The ticket's item as the stream shows it (the table sets ``version`` on each save)."""
    item = ticket_item(ticket)
    item.version = ticket.version
    return item.serialize()


def _record(n: int, before: Ticket | None, after: Ticket) -> dict[str, Any]:
    images: dict[str, Any] = {"NewImage": _image(after)}
    if before is not None:
        images["OldImage"] = _image(before)
    return {
        "eventID": str(n), "eventName": "MODIFY" if before else "INSERT", "eventSource": "aws:dynamodb",
        "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/1",
        "dynamodb": {"Keys": {"PK": images["NewImage"]["PK"], "SK": images["NewImage"]["SK"]},
                     "SequenceNumber": str(n), "StreamViewType": "NEW_AND_OLD_IMAGES", **images},
    }  # fmt: skip


def _hand_over(records: list[dict[str, Any]]) -> None:
    for start in range(0, len(records), 5):  # batches of 5, as a mapping would
        answer = handler({"Records": records[start : start + 5]}, LocalContext("KpiRollupsFunction"))
        assert answer == {"batchItemFailures": []}


def _figures(store: HelpdeskStore, **filters: str) -> dict[str, int]:
    return daily_counters(store, DAY.date(), DAY.date(), **filters)[DAY.date().isoformat()]


# Hand-computed: buckets are the first bound a duration does not pass (BUCKETS, seconds).
FRT_30_MIN, FRT_4_MIN, FRT_10_MIN = BUCKETS.index(1800), BUCKETS.index(300), BUCKETS.index(900)
RESOLVED_2_H, RESOLVED_3_H = BUCKETS.index(7200), BUCKETS.index(14400)
EVERYTHING = {
    "created": 4, "solved": 2, "reopened": 1, "frt.count": 3,
    f"frt.{FRT_30_MIN}": 1, f"frt.{FRT_4_MIN}": 1, f"frt.{FRT_10_MIN}": 1,
    f"resolution.{RESOLVED_2_H}": 1, f"resolution.{RESOLVED_3_H}": 1,
    "sla_met.first_response": 1, "sla_breached.first_response": 1,
}  # fmt: skip
EMAIL = {
    "created": 3, "solved": 1, "frt.count": 2, f"frt.{FRT_30_MIN}": 1, f"frt.{FRT_10_MIN}": 1,
    f"resolution.{RESOLVED_2_H}": 1, "sla_met.first_response": 1, "sla_breached.first_response": 1,
}  # fmt: skip
ANA_IN_VENTAS = {  # T1 and T4 (moved to her: its creation counts where it is now)
    "created": 2, "solved": 1, "frt.count": 2, f"frt.{FRT_30_MIN}": 1, f"frt.{FRT_10_MIN}": 1,
    f"resolution.{RESOLVED_2_H}": 1, "sla_met.first_response": 1,
}  # fmt: skip


def test_a_scripted_day_gives_the_hand_computed_figures_and_replays_change_nothing(store: HelpdeskStore) -> None:
    connections.forget()
    try:
        # Given a day of four tickets' saves, handed over by the stream in order
        records = [_record(n, before, after) for n, (before, after) in enumerate(_history(), 1)]
        _hand_over(records)

        # Then each filter's one item for the day holds the figures computed by hand
        assert _figures(store) == EVERYTHING
        assert _figures(store, channel="email") == EMAIL
        assert _figures(store, group="ventas", agent="ana") == ANA_IN_VENTAS
        assert _figures(store, group="soporte") == {
            "created": 1,
            "sla_breached.first_response": 1,
        }  # fmt: skip (T4 left soporte: its creation moved with it)
        assert _figures(store, channel="whatsapp", group="ventas", agent="beto")["reopened"] == 1
        frt = {int(k.split(".")[1]): v for k, v in EVERYTHING.items() if k.startswith("frt.") and k != "frt.count"}
        assert percentile(frt, 0.5) == 900  # the median answer: within 15 minutes

        # When the whole stream comes again, shuffled (replayed and reordered), twice
        shuffled = list(records)
        for seed in (1, 2):
            random.Random(seed).shuffle(shuffled)
            _hand_over(shuffled)

        # Then nothing changed
        assert _figures(store) == EVERYTHING
        assert _figures(store, channel="email") == EMAIL
        assert _figures(store, group="ventas", agent="ana") == ANA_IN_VENTAS
    finally:
        connections.forget()  # built on this test's in-process moto


def test_an_older_record_after_a_newer_one_changes_nothing(store: HelpdeskStore) -> None:
    connections.forget()
    try:
        saves = _history()
        t1 = [(b, a) for b, a in saves if a.id == "T1"]
        # Given T1's last save counted first, then its earlier saves arriving late
        _hand_over([_record(3, *t1[2])])
        first = _figures(store)
        _hand_over([_record(1, *t1[0]), _record(2, *t1[1])])
        # Then the rollups still count T1 as solved, once
        assert _figures(store) == first
        assert (first["created"], first["solved"]) == (1, 1)
        # and a day without tickets reads as empty, one item per day asked
        assert (
            daily_counters(store, DAY.date() - timedelta(days=2), DAY.date())[
                (DAY - timedelta(days=1)).date().isoformat()
            ]
            == {}
        )
    finally:
        connections.forget()


def test_the_report_sums_the_days_and_compares_with_the_period_before(store: HelpdeskStore) -> None:
    connections.forget()
    try:
        # Given the scripted day counted, and nothing the week before
        _hand_over([_record(n, before, after) for n, (before, after) in enumerate(_history(), 1)])

        # When a supervisor asks for the 7 days ending on it, e-mail only
        query = KpiQuery.model_validate({"from": "2026-11-25", "to": "2026-12-01", "channel": "email"})
        report = kpi_report(store, query)

        # Then the totals are the day's e-mail figures, one entry per day, an empty previous period
        assert len(report.days) == 7 and report.days[-1].created == 3 and report.days[0].created == 0
        totals = report.totals
        assert (totals.created, totals.solved, totals.reopened, totals.first_responses) == (3, 1, 0, 2)
        assert (totals.first_response_median_seconds, totals.first_response_p90_seconds) == (900, 1800)
        assert totals.resolution_median_seconds == 7200
        assert totals.sla["first_response"].model_dump() == {"met": 1, "breached": 1}
        assert totals.sla_compliance_percent == 50.0
        assert report.previous.created == 0 and report.previous.sla_compliance_percent is None
    finally:
        connections.forget()


def test_a_backfill_equals_the_live_rollups_and_the_stream_after_it_adds_only_reopens(store: HelpdeskStore) -> None:
    connections.forget()
    try:
        # Given the day's tickets in the table as they ended, and no rollups yet
        saves = _history()
        final = {after.id: after for _, after in saves}
        for ticket in final.values():
            item = ticket_item(ticket)
            item.save()
            PointerItem(*keys.ticket_number_key(ticket.number), ticket_id=ticket.id).save()
        CounterItem(*keys.TICKET_COUNTER_KEY, value=len(final)).save()

        # When the backfill runs (twice: the second changes nothing)
        first, again = backfill_rollups(store), backfill_rollups(store)

        # Then it counts every ticket's state: the live figures but the reopen, an event it never saw
        assert (first.tickets, first.changed, again.changed) == (4, 4, 0)
        assert _figures(store) == {k: v for k, v in EVERYTHING.items() if k != "reopened"}
        assert _figures(store, channel="email") == EMAIL

        # and the stream replayed after it adds exactly the reopen: the live figures
        _hand_over([_record(n, before, after) for n, (before, after) in enumerate(saves, 1)])
        assert _figures(store) == EVERYTHING
    finally:
        connections.forget()

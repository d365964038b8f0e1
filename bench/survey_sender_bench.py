"""(o) The survey sender's reads per run as solved tickets grow (1,000 →
100,000) while the surveys due stay fixed: DynamoDB calls and the read
capacity they consume (as moto reports it), for the pass that plans the
tickets just solved and the pass that sends them.

The history (solved over the last 30 days, each with its SOLVED# item, as
the save that solved it writes) is written with BatchWriteItem; ``DUE_NOW``
tickets are opened and solved through the domain, then planned and sent.
"""

import os
import time as clock
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import boto3
from moto import mock_aws

from bench import calls
from bench.sla_checker_bench import _item, _read_units, _without_moto_rollback_copies
from helpdesk.channels.outbound import OutboundRequest
from helpdesk.conversations.ingest import InboundMessage, ingest
from helpdesk.models import Actor, ActorKind, Channel, Identity, IdentityKind, Ticket, TicketStatus
from helpdesk.rules.sending import Outbox
from helpdesk.settings import MailSettings, StoreSettings
from helpdesk.store import HelpdeskItem, HelpdeskStore
from helpdesk.store.items import SolvedItem
from helpdesk.store.keys import solved_key
from helpdesk.surveys.policies import SurveyPolicy, SurveySetup, save_survey_setup
from helpdesk.surveys.scheduling import DUE_CHECKPOINT, SOLVED_CHECKPOINT, run_survey_sender
from helpdesk.tickets.changes import TicketChanges, update_ticket
from local.provision import table_definition

DUE_NOW = 20
TABLE = "atiende-bench-surveys"
REGION = "us-east-1"
AGENT = Actor(kind=ActorKind.AGENT, id="bench-agent", name="Bench")
MAIL = MailSettings.model_validate(
    {
        "SUPPORT_ADDRESS": "soporte@bench.example",
        "RAW_MAIL_BUCKET": "raw",
        "ATTACHMENTS_BUCKET": "files",
        "CONSOLE_URL": "https://soporte.bench.example",
    }
)


@dataclass(frozen=True)
class SenderRun:
    solved_tickets: int
    sent: int
    reads: int  # GetItem + Query calls, both passes
    read_units: float
    writes: int
    seconds: float


class _Queue:
    def __init__(self) -> None:
        self.requests: list[OutboundRequest] = []

    def enqueue(self, request: OutboundRequest) -> None:
        self.requests.append(request)


def sizes() -> list[int]:
    return [int(n) for n in os.environ.get("BENCH_SURVEY_SIZES", "1000,10000,100000").split(",")]


def _history(count: int, now: datetime) -> None:
    """``count`` tickets solved over the last 30 days (never in the pass's window)."""
    with HelpdeskItem.batch_write() as batch:
        for n in range(count):
            solved = now - timedelta(hours=2, minutes=(n * 7919) % (30 * 24 * 60))
            ticket = Ticket(
                id=f"SOLVED{n:08d}",
                number=n + 1,
                channel=Channel.EMAIL,
                contact_id=f"C{n:08d}",
                status=TicketStatus.SOLVED,
                created_at=solved - timedelta(hours=3),
                updated_at=solved,
                first_response_at=solved - timedelta(hours=1),
                solved_at=solved,
            )
            batch.save(_item(ticket))
            batch.save(SolvedItem(*solved_key(ticket.id, solved), ticket_id=ticket.id, solved_at=solved))


def _solve_now(store: HelpdeskStore) -> None:
    for n in range(DUE_NOW):
        message = InboundMessage(
            channel=Channel.EMAIL,
            channel_message_id=f"<bench-{n}@example.com>",
            sender=Identity(kind=IdentityKind.EMAIL, value=f"cliente{n}@example.com"),
            sender_name="Cliente",
            sent_at=datetime.now(UTC),
            text="Hola",
            subject="Factura",
        )
        ticket = ingest(message, store).ticket
        ticket = update_ticket(store, ticket.id, TicketChanges(status=TicketStatus.OPEN), None, AGENT)
        store.save_ticket(
            ticket,
            ticket.model_copy(update={"first_response_at": datetime.now(UTC), "version": ticket.version + 1}),
            [],
        )
        update_ticket(store, ticket.id, TicketChanges(status=TicketStatus.SOLVED), None, AGENT)


def measure(count: int) -> SenderRun:
    _read_units.install()
    with mock_aws():
        boto3.client("dynamodb", region_name=REGION).create_table(TableName=TABLE, **table_definition())
        store = HelpdeskStore(StoreSettings.model_validate({"TABLE_NAME": TABLE, "AWS_REGION": REGION}))
        now = datetime.now(UTC)
        right_away = SurveyPolicy(id="ya", name="Ya", delay_hours=0, quiet_from=time(0), quiet_until=time(0))
        save_survey_setup(store, SurveySetup(policies=(right_away,)), AGENT)
        for checkpoint in (SOLVED_CHECKPOINT, DUE_CHECKPOINT):
            store.advance_checkpoint(checkpoint, now - timedelta(minutes=1))
        _solve_now(store)  # through the domain while the table is small (moto's Query scans)
        solved = datetime.now(UTC)
        _history(count, now)
        queue = _Queue()
        calls.calls.clear()
        _read_units.total = 0.0
        started = clock.perf_counter()
        with _without_moto_rollback_copies():
            later = solved + timedelta(minutes=1, seconds=5)
            run_survey_sender(store, later, Outbox(queue, MAIL))  # plans the tickets just solved
            sent = run_survey_sender(store, later + timedelta(minutes=1, seconds=5), Outbox(queue, MAIL)).sent
        seconds = clock.perf_counter() - started
    dynamodb = {name.removeprefix("dynamodb."): n for name, n in calls.calls.items() if name.startswith("dynamodb.")}
    reads = dynamodb.get("GetItem", 0) + dynamodb.get("Query", 0)
    return SenderRun(
        solved_tickets=count + DUE_NOW,
        sent=sent,
        reads=reads,
        read_units=_read_units.total,
        writes=sum(dynamodb.values()) - reads,
        seconds=seconds,
    )


def run() -> list[SenderRun]:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    return [measure(count) for count in sizes()]

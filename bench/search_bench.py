"""(k) Ticket search: how often the evaluation set's queries find their tickets
in the top 10 (``bench/data/search_eval.json``: realistic Spanish tickets,
queries with body words, plurals, typos, regionalisms, numbers written several
ways, filters), the index writes per message (each message re-indexed as the
stream would), and the items one search reads as the help desk grows, on
simulated postings (10,000 and 1,000,000 messages).

The evaluation runs in-process on moto; the growth figures run the real
``find_tickets`` against an in-memory index whose posting lists follow a
Zipf-like spread of words (moto would take hours to hold a million messages).
"""

import json
import random
import re
import statistics
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import boto3
from moto import mock_aws

from helpdesk.access import Role, Viewer
from helpdesk.clock import new_id
from helpdesk.conversations.ingest import InboundMessage, ingest
from helpdesk.limits import SEARCH
from helpdesk.models import (
    Actor,
    ActorKind,
    Attachment,
    Channel,
    DeliveryStatus,
    Identity,
    IdentityKind,
    Message,
    MessageKind,
    SearchDocument,
    Ticket,
)
from helpdesk.search.documents import document_of
from helpdesk.search.finding import find_tickets
from helpdesk.search.indexing import index_ticket
from helpdesk.settings import StoreSettings
from helpdesk.store import HelpdeskStore, IndexChange
from helpdesk.tickets.changes import TicketChanges, update_ticket
from helpdesk.tickets.fields import CustomFieldDefinition, TicketFieldSetup, save_ticket_field_setup
from local.atomic_moto import query_one_partition, serialize_in_process_requests
from local.provision import table_definition

DATA = Path(__file__).resolve().parent / "data" / "search_eval.json"
TABLE = "atiende-bench-search"
REGION = "us-east-1"
TOP = 10
FLOOR = 0.90  # share of queries found in the top 10 (tests/integration/test_search_eval.py holds it)
AGENT = Actor(kind=ActorKind.AGENT, id="bench-agent", name="Agente")
VIEWER = Viewer("bench-agent", Role.ADMIN)


@dataclass
class Evaluation:
    found: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)
    messages: int = 0
    index_writes: int = 0
    items_read: list[int] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.found / self.total if self.total else 0.0

    @property
    def writes_per_message(self) -> float:
        return self.index_writes / self.messages if self.messages else 0.0


@contextmanager
def _table() -> Iterator[HelpdeskStore]:
    env = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": REGION}
    serialize_in_process_requests()  # one copy of the table per transaction, not one per item
    query_one_partition()  # a Query reads its partition, not the whole table
    with mock.patch.dict("os.environ", env), mock_aws():
        boto3.client("dynamodb", region_name=REGION).create_table(TableName=TABLE, **table_definition())
        yield HelpdeskStore(StoreSettings.model_validate({"TABLE_NAME": TABLE, "AWS_REGION": REGION}))


def evaluate(data_path: Path = DATA) -> Evaluation:
    """Load the evaluation set into a fresh moto table and run its queries."""
    data = json.loads(data_path.read_text(encoding="utf-8"))
    now = datetime.now(UTC)
    with _table() as store:
        result = Evaluation()
        model = CustomFieldDefinition(key="modelo", label_es="Modelo", label_en="Model")
        save_ticket_field_setup(store, TicketFieldSetup(custom_fields=(model,)), AGENT, now)
        ids = {ticket["key"]: _load(store, ticket, now, result) for ticket in data["tickets"]}
        for ticket_id in ids.values():
            result.index_writes += _stream_writes(store, ticket_id)
            index_ticket(store, ticket_id)
        keys = {ticket_id: key for key, ticket_id in ids.items()}
        for case in data["queries"]:
            query = re.sub(
                r"\{days_ago:(\d+)\}", lambda m: f"{now - timedelta(days=int(m.group(1))):%Y-%m-%d}", case["query"]
            )
            found = find_tickets(store, VIEWER, query, now=now)
            top = [keys.get(hit.ticket.id, "?") for hit in found.hits[:TOP]]
            result.items_read.append(found.items_read)
            result.total += 1
            expected = case["expect"]
            if set(expected) <= set(top) and (expected or not top):
                result.found += 1
            else:
                result.misses.append(f"{case['query']!r} → {top[:3]}")
        return result


def _stream_writes(store: HelpdeskStore, ticket_id: str) -> int:
    """The index writes the stream would have made for this ticket, one
    re-index after each of its messages (counted, not written: moto copies the
    whole table for each transaction, so a table full of postings would make
    loading the set take minutes)."""
    thread = store.get_thread(ticket_id)
    assert thread is not None  # just loaded
    before: SearchDocument | None = None
    writes = 0
    for count in range(1, len(thread.messages) + 1):
        after = document_of(thread.ticket, thread.contact, thread.messages[:count])
        writes += IndexChange.between(before, after).writes if after != before else 0
        before = after
    return writes


def _load(store: HelpdeskStore, ticket: dict[str, Any], now: datetime, result: Evaluation) -> str:
    """One ticket of the set: its messages, then the agents' changes."""
    created = now - timedelta(days=ticket["days_ago"])
    channel = Channel(ticket["channel"])
    kind = IdentityKind.EMAIL if channel is Channel.EMAIL else IdentityKind.WHATSAPP
    first, *rest = ticket["messages"]
    inbound = InboundMessage(
        channel=channel,
        channel_message_id=f"bench-{new_id()}",
        sender=Identity(kind=kind, value=ticket["sender"]),
        sender_name=ticket["name"],
        sent_at=created,
        subject=ticket.get("subject"),
        text=first["text"],
        attachments=_files(first.get("files", ())),
    )
    with mock.patch("helpdesk.conversations.ingest.utc_now", return_value=created):
        ticket_id = ingest(inbound, store).ticket.id
    result.messages += 1
    for said in rest:
        _append(store, ticket_id, said, created)
        result.messages += 1
    named = {"group": "group_id", "status": "status", "priority": "priority", "tags": "tags", "fields": "custom_fields"}
    changes: dict[str, Any] = {change: ticket[name] for name, change in named.items() if name in ticket}
    if changes:
        current = store.get_ticket(ticket_id)
        assert current is not None  # just created
        update_ticket(store, ticket_id, TicketChanges.model_validate(changes), current.version, AGENT)
    return ticket_id


def _files(names: Iterable[str]) -> tuple[Attachment, ...]:
    return tuple(Attachment(bucket="b", key=f"k/{name}", filename=name, size=1, sha256="0" * 64) for name in names)


def _append(store: HelpdeskStore, ticket_id: str, said: dict[str, Any], created: datetime) -> None:
    before = store.get_ticket(ticket_id)
    assert before is not None  # just created
    kind = MessageKind(said["kind"])
    author = AGENT if kind is not MessageKind.INBOUND else Actor(kind=ActorKind.CONTACT, id=before.contact_id)
    at = max(created, before.updated_at) + timedelta(minutes=5)
    message = Message(
        id=new_id(), ticket_id=ticket_id, kind=kind, channel=before.channel, author=author, text=said["text"],
        attachments=_files(said.get("files", ())), delivery_status=DeliveryStatus.SENT, sent_at=at, created_at=at,
    )  # fmt: skip
    store.append_message(before, before.model_copy(update={"updated_at": at}), message, ())


# growth: the items a search reads on simulated postings


def _share(rank: int) -> float:
    """The share of tickets holding the word of this frequency rank (Zipf-like:
    the commonest in half the tickets, the 1,000th in 1 %, the 10,000th in 0.1 %)."""
    return min(0.5, 2.0 / rank**0.8)


@dataclass
class SimulatedIndex:
    """The store's search reads over an index of ``messages`` messages (four a
    ticket) spread evenly over ``months`` months, word ranks standing for terms."""

    messages: int
    months: int
    now: datetime
    seed: int = 7
    reads: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    @property
    def tickets_a_month(self) -> int:
        return max(1, self.messages // 4 // self.months)

    def month_labels(self) -> list[str]:
        year, month, labels = self.now.year, self.now.month, []
        for _ in range(self.months):
            labels.append(f"{year:04d}-{month:02d}")
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        return labels

    def postings(self, term: str, month: str, limit: int) -> tuple[list[tuple[str, int]], bool]:
        if (term, month) not in self.reads:
            rank = int(term.removeprefix("w"))
            count = round(self.tickets_a_month * _share(rank))
            chosen = random.Random(f"{self.seed}{term}{month}").sample(range(self.tickets_a_month), count)
            self.reads[(term, month)] = [f"{month}-{n:07d}" for n in sorted(chosen, reverse=True)]
        found = self.reads[(term, month)]
        return [(ticket_id, 1) for ticket_id in found[:limit]], len(found) > limit

    def posting_weights(self, term: str, month: str, ticket_ids: Iterable[str]) -> dict[str, int]:
        found, _ = self.postings(term, month, self.tickets_a_month)
        held = {ticket_id for ticket_id, _ in found}
        return {ticket_id: 1 for ticket_id in ticket_ids if ticket_id in held}

    def vocabulary(self, first: str, lengths: Iterable[int]) -> set[str]:
        return {f"w{rank}" for rank in range(1, 20_000) if f"w{rank}"[:1] == first and len(f"w{rank}") in set(lengths)}

    def search_start(self) -> str:
        return self.month_labels()[-1]

    def get_tickets(self, ticket_ids: Iterable[str]) -> list[Ticket]:
        return [
            Ticket(id=i, number=1, channel=Channel.EMAIL, contact_id="c", created_at=self.now, updated_at=self.now)
            for i in ticket_ids
        ]

    def search_documents(self, ticket_ids: Iterable[str]) -> dict[str, SearchDocument]:
        return {}


# Three-word queries by how common their words are (word frequency ranks).
QUERY_RANKS = {"common words": (5, 20, 50), "common, middling, rare": (10, 300, 3000), "rare words": (800, 2000, 5000)}


def items_read(messages: int, months: int) -> dict[str, tuple[int, bool]]:
    """Items read by one search page of each kind of query, and whether it hit the budget."""
    index = SimulatedIndex(messages, months, datetime.now(UTC))
    figures = {}
    with (
        mock.patch("helpdesk.search.finding.word_terms", lambda word, language=None: (word,)),
        mock.patch("helpdesk.search.finding.tokens", _rank_tokens),
    ):
        for name, ranks in QUERY_RANKS.items():
            found = find_tickets(index, VIEWER, " ".join(f"w{r}" for r in ranks), now=index.now)  # type: ignore[arg-type]
            figures[name] = (found.items_read, found.partial)
    return figures


def _rank_tokens(text: str, language: object = None) -> Iterator[Any]:
    """The simulated query's words are their own terms."""
    from helpdesk.language.analysis import Token

    at = 0
    for word in text.split():
        start = text.index(word, at)
        at = start + len(word)
        yield Token(word, start, at)


def run() -> dict[str, Any]:
    evaluation = evaluate()
    growth = {size: items_read(size, months) for size, months in ((10_000, 12), (1_000_000, 36))}
    return {"evaluation": evaluation, "growth": growth}


def report(figures: dict[str, Any]) -> dict[str, Any]:
    """Print (k) and return the figures for results.json."""
    evaluation: Evaluation = figures["evaluation"]
    print(f"\n(k) ticket search: {evaluation.total} queries over the evaluation set (moto in-process)")
    found = f"{evaluation.found}/{evaluation.total} = {evaluation.share:.0%}"
    print(f"  {'found in the top 10':<44}{found:>16}   floor {FLOOR:.0%}")
    print(f"  {'index writes per message (stream re-index)':<44}{evaluation.writes_per_message:>10.1f}")
    print(f"  {'items read per query (median, max)':<44}{statistics.median(evaluation.items_read):>10.0f}"
          f"{max(evaluation.items_read):>8}")  # fmt: skip
    for miss in evaluation.misses:
        print(f"  missed: {miss}")
    print(f"  items read by one 3-word search page (budget {SEARCH.postings:,} postings, "
          f"{SEARCH.checked_tickets} tickets checked):")  # fmt: skip
    recorded: dict[str, Any] = {
        "search.top10_share": round(evaluation.share, 3),
        "search.writes_per_message": round(evaluation.writes_per_message, 1),
    }
    for size, kinds in figures["growth"].items():
        for kind, (items, partial) in kinds.items():
            print(f"    {f'{size:,} messages, {kind}':<42}{items:>10,}{'   partial' if partial else ''}")
            recorded[f"search.items_read.{size}.{kind.replace(' ', '_').replace(',', '')}"] = items
    return recorded

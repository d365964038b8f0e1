"""Replays (issue 21): every corpus mail and WhatsApp sample delivered three
times at once, customers in a seeded random order and from several threads,
leaves the same table as delivering each once, in order. SES and Meta both deliver at
least once; this is what "at least once" must cost: nothing."""

import os
import random
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest

from helpdesk import connections
from helpdesk.case_status.links import forget_signing_key
from helpdesk.channels.email.parsing import parse_mail
from tests.conftest import REGION, corpus_dir
from tests.integration.conftest import MailDesk
from tests.integration.faults import canonical_dump, difference
from tests.integration.test_mail_corpus import CHUNK, _corpus_mails
from tests.integration.test_whatsapp_inbound import WhatsAppDesk, _corpus_payloads, wa

pytestmark = pytest.mark.slow  # hundreds of deliveries from threads
__all__ = ["wa"]  # the WhatsApp desk fixture, shared with test_whatsapp_inbound

SEED = 21
THREADS = 6


def _empty(table: str, buckets: tuple[str, ...]) -> None:
    """Back to an empty desk between the two deliveries (the customer-link key
    goes with the table: the process must not keep signing with it)."""
    forget_signing_key()
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    for page in dynamodb.get_paginator("scan").paginate(TableName=table, ProjectionExpression="PK, SK"):
        for item in page["Items"]:
            dynamodb.delete_item(TableName=table, Key=item)
    s3 = boto3.client("s3", region_name=REGION)
    for bucket in buckets:
        for found in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=found["Key"])


Delivery = tuple[str, Callable[[], Any]]  # (the customer it comes from, how to deliver it)


def _once_then_thrice(
    deliveries: list[Delivery], settle: Callable[[], Any], table: str, buckets: tuple[str, ...]
) -> tuple[list[str], list[str]]:
    """The table after each delivery once, in order; then after each three
    times at once, customers in a seeded random order, ``THREADS`` of them at a
    time. One customer's distinct messages keep their order: what the second
    one finds (the contact's name the first gave, the ticket it opened) is
    legitimately different when they swap, and that is not a duplicate."""
    for _, deliver in deliveries:
        deliver()
    settle()
    once = canonical_dump(boto3.client("dynamodb", region_name=REGION), table, numbered=False)
    _empty(table, buckets)
    # One lane per customer: deliveries whose addresses (sender, Reply-To) meet share one
    lane_of: dict[str, int] = {}
    lanes: dict[int, list[Callable[[], Any]]] = {}
    for customer, deliver in deliveries:
        names = customer.split() or [f"anonymous-{len(lane_of)}"]
        joined = sorted({lane_of[n] for n in names if n in lane_of})
        lane = joined[0] if joined else len(lanes)
        merged = lanes.setdefault(lane, [])
        for other in joined[1:]:  # two lanes met through this delivery: keep the original order
            merged.extend(lanes.pop(other))
        merged.append(deliver)
        lane_of |= dict.fromkeys(names, lane) | {n: lane for n, at in lane_of.items() if at in joined}
    order = list(lanes.values())
    random.Random(SEED).shuffle(order)

    def thrice_each(lane: list[Callable[[], Any]]) -> None:
        with ThreadPoolExecutor(max_workers=3) as copies:
            for deliver in lane:
                list(copies.map(lambda call: call(), [deliver] * 3))

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(thrice_each, order))
    settle()
    thrice = canonical_dump(boto3.client("dynamodb", region_name=REGION), table, numbered=False)
    return once, thrice


@pytest.fixture
def mail_desk(desk: MailDesk) -> Iterator[MailDesk]:
    connections.forget()
    yield desk
    connections.forget()


# Every third corpus mail (each folder, each kind of client, ~60 mails), four
# deliveries each: what replays exercise is the intake's paths (threads, files,
# auto-replies, bounces), which a third of the corpus already takes, while
# test_mail_corpus reads every mail. ATIENDE_REPLAY_EVERY=1 replays them all.
EVERY = int(os.environ.get("ATIENDE_REPLAY_EVERY", "3"))


@pytest.mark.parametrize("chunk", range(9 // EVERY))
def test_corpus_mail_delivered_three_times_in_any_order_files_once(mail_desk: MailDesk, chunk: int) -> None:
    corpus_dir()
    paths: list[Path] = _corpus_mails()[::EVERY][chunk * CHUNK : (chunk + 1) * CHUNK]

    def delivery(path: Path) -> Delivery:
        raw = path.read_bytes()
        parsed = parse_mail(raw)
        sender = " ".join(sorted({a.email.lower() for a in (parsed.sender, parsed.reply_to) if a is not None}))
        # A redelivery is the same notification: the same id and the same time
        received = datetime(2026, 11, 2, 16, 0, tzinfo=UTC)
        provider_id = f"corpus-{path.parent.name}-{path.stem}"
        return sender, lambda: mail_desk.receive(raw, provider_id=provider_id, received_at=received)

    once, thrice = _once_then_thrice(
        [delivery(path) for path in paths],
        mail_desk.queued,  # acknowledgments: taken off the queue, not sent
        _table(),
        ("raw-mail", "attachments"),
    )
    assert len(once) > len(paths)
    assert thrice == once, difference(once, thrice)


def _table() -> str:
    from helpdesk.settings import store_settings

    return store_settings().table_name


def _distinct_messages(payloads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The samples with customer messages, each message id once: pywa's samples
    reuse ids for different messages (and statuses name those ids), so with
    them the first delivery to arrive would decide what a message says."""
    seen: set[str] = set()
    kept = []
    for payload in payloads:
        values = [c.get("value", {}) for e in payload.get("entry", []) for c in e.get("changes", [])]
        ids = [m.get("id") for v in values for m in v.get("messages", [])]
        if not ids or any(v.get("statuses") for v in values) or seen.intersection(ids):
            continue
        seen.update(ids)
        kept.append(payload)
    return kept


def test_whatsapp_samples_delivered_three_times_in_any_order_file_once(wa: WhatsAppDesk) -> None:
    corpus_dir("pywa")
    payloads = _distinct_messages([payload for _, payload in _corpus_payloads()])
    assert len(payloads) > 5

    def delivery(payload: dict[str, Any]) -> Delivery:
        values = [c.get("value", {}) for e in payload.get("entry", []) for c in e.get("changes", [])]
        sender = next((m.get("from", "") for v in values for m in v.get("messages", [])), "")
        return sender, lambda: wa.post(payload)

    once, thrice = _once_then_thrice(
        [delivery(payload) for payload in payloads], wa.worker.drain, _table(), ("attachments",)
    )
    assert once
    assert thrice == once, difference(once, thrice)

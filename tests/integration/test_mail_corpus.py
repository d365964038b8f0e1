"""Every real-world mail of the shared corpus is filed (never lost, never an
exception), and the parse and visible-text rates against the expected outputs
that ship with the corpus do not fall below what they are today."""

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from helpdesk import connections
from helpdesk.channels.email.intake import MailOutcome
from tests.conftest import REGION, corpus_dir
from tests.events import load_event
from tests.integration.conftest import MailDesk

MAIL_FOLDERS = (
    ("zammad", "test", "data", "mail"),
    ("chatwoot", "spec", "fixtures", "files"),
    ("freescout", "tests", "Messages"),
    ("talon", "tests", "fixtures", "standard_replies"),
)


CHUNK = 20  # mails per fresh table: moto copies the whole table in every transaction


def _corpus_mails() -> list[Path]:
    root = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
    return [
        path
        for parts in MAIL_FOLDERS
        if root.joinpath(*parts).is_dir()
        for path in sorted(root.joinpath(*parts).iterdir())
        if path.suffix in (".box", ".eml")
    ]


@pytest.mark.slow  # real threads or real state-machine waits
@pytest.mark.parametrize("chunk", range(9))
def test_every_corpus_mail_is_filed(desk: MailDesk, chunk: int) -> None:
    corpus_dir()
    mails = _corpus_mails()
    assert len(mails) > 150
    for path in mails[chunk * CHUNK : (chunk + 1) * CHUNK]:
        receipt = desk.receive(path.read_bytes(), provider_id=f"corpus-{path.parent.name}-{path.stem}")
        if receipt.outcome is MailOutcome.INGESTED:
            thread = desk.store.get_thread(receipt.ticket_id or "")
            assert thread is not None and any(m.id == receipt.message_id for m in thread.messages), path.name
        else:
            assert receipt.outcome is MailOutcome.SET_ASIDE, (path.name, receipt)


def test_chunks_cover_the_corpus() -> None:
    corpus_dir()
    assert 8 * CHUNK < len(_corpus_mails()) <= 9 * CHUNK


# Today's rates (bench/mail_corpus.py prints them with the failures); a lower
# count is a regression.
FLOORS = {
    "github email_reply_parser": 14,
    "zapier email_reply_parser": 15,
    "talon standard_replies": 12,
    "talon html_replies": 9,
    "talon html_replies, shown HTML": 9,
    "zammad subject": 79,
    "zammad sender": 74,
    "zammad body": 49,
}


def test_rates_against_the_corpus_expectations_hold() -> None:
    corpus_dir()
    from bench.mail_corpus import all_scores

    scores = {score.name: score for score in all_scores()}
    assert set(scores) == set(FLOORS)
    for name, floor in FLOORS.items():
        assert scores[name].passed >= floor, (name, scores[name].failures)


def _lambda_context() -> Any:
    from local.lambda_runtime import LocalContext

    return LocalContext("InboundEmailFunction")


def test_ses_event_shape_reaches_the_handler(desk: MailDesk) -> None:
    from inbound_email import app

    event = load_event("ses_receipt_lambda_action")
    message_id = event["Records"][0]["ses"]["mail"]["messageId"]
    raw = (corpus_dir("chatwoot", "spec", "fixtures", "files") / "only_text.eml").read_bytes()
    boto3.client("s3", region_name=REGION).put_object(Bucket="raw-mail", Key=f"inbound/{message_id}", Body=raw)
    connections.forget()

    result = app.handler(event, _lambda_context())

    assert result == {"receipts": ["ingested"]}
    assert desk.store.find_channel_message(desk.store_channel_email(), message_id) is not None


def test_s3_notification_through_sqs_reaches_the_handler(desk: MailDesk) -> None:
    from inbound_email import app

    event = load_event("s3_object_created_through_sqs")
    record = event["Records"][0]
    notification = json.loads(record["body"])
    notification["Records"][0]["s3"]["bucket"]["name"] = "raw-mail"
    notification["Records"][0]["s3"]["object"]["key"] = "inbound/corpus-sqs-1"
    record["body"] = json.dumps(notification)
    raw = (corpus_dir("chatwoot", "spec", "fixtures", "files") / "only_html.eml").read_bytes()
    boto3.client("s3", region_name=REGION).put_object(Bucket="raw-mail", Key="inbound/corpus-sqs-1", Body=raw)
    connections.forget()

    result = app.handler(event, _lambda_context())

    assert result == {"batchItemFailures": []}
    assert desk.store.find_channel_message(desk.store_channel_email(), "corpus-sqs-1") is not None


@pytest.mark.parametrize("broken", [b"", b"\x00\xff\xfe garbage", b"Subject: only headers"])
def test_mail_that_cannot_be_read_is_kept_not_lost(desk: MailDesk, broken: bytes) -> None:
    receipt = desk.receive(broken)
    assert receipt.outcome is MailOutcome.SET_ASIDE
    assert receipt.reason in {"no_sender", "unreadable"}

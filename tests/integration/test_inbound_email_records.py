"""The inbound e-mail function fed SES's own receipt event (the sample in
``tests/events``): one bad record neither loses nor re-files the others, and
what was filed is counted in the metrics the handler flushes."""

import copy
import json
from typing import Any

import boto3
import pytest

from helpdesk import connections
from helpdesk.channels.email.intake import MailOutcome
from helpdesk.models import MessageKind
from helpdesk.records import RecordsFailed
from local.lambda_runtime import LocalContext
from tests.conftest import REGION
from tests.events import load_event
from tests.integration.conftest import MailDesk, mail

CONTEXT: Any = LocalContext("InboundEmailFunction")


def _ses_event(*message_ids: str) -> dict[str, Any]:
    sample = load_event("ses_receipt_lambda_action")
    (record,) = sample["Records"]
    records = []
    for message_id in message_ids:
        copied = copy.deepcopy(record)
        copied["ses"]["mail"]["messageId"] = message_id
        records.append(copied)
    return {"Records": records}


def _stored(message_id: str, raw: bytes) -> None:
    boto3.client("s3", region_name=REGION).put_object(Bucket="raw-mail", Key=f"inbound/{message_id}", Body=raw)


def _counted(out: str, name: str) -> int:
    values = [json.loads(line).get(name, []) for line in out.splitlines() if line.startswith("{") and '"_aws"' in line]
    return sum(len(v) if isinstance(v, list) else 1 for v in values)


def test_one_missing_mail_neither_loses_nor_refiles_the_others(
    desk: MailDesk, capsys: pytest.CaptureFixture[str]
) -> None:
    from inbound_email import app

    # Given three mails SES announced, the second not (yet) readable in the bucket
    connections.forget()
    _stored("ses-rec-first", mail(sender="Ana Ruiz <ana@cliente.example>", subject="Pedido 1"))
    _stored("ses-rec-third", mail(sender="Beto Gil <beto@cliente.example>", subject="Pedido 3"))
    event = _ses_event("ses-rec-first", "ses-rec-missing", "ses-rec-third")

    # When the function runs, it fails naming only the bad record
    with pytest.raises(RecordsFailed) as failed:
        app.handler(event, CONTEXT)
    assert failed.value.failed == ["ses-rec-missing"]

    # Then the mails before and after it were filed, and acknowledged once each
    for filed in ("ses-rec-first", "ses-rec-third"):
        assert desk.store.find_channel_message(desk.store_channel_email(), filed) is not None
    assert len(desk.queued()) == 2
    assert _counted(capsys.readouterr().out, "MessagesIn.email") == 2

    # When Lambda retries the same event once the object is there
    _stored("ses-rec-missing", mail(sender="Carla Paz <carla@cliente.example>", subject="Pedido 2"))
    result = app.handler(event, CONTEXT)

    # Then the late mail is filed, and the others are not filed or acknowledged again
    assert result == {
        "receipts": [MailOutcome.DUPLICATE.value, MailOutcome.INGESTED.value, MailOutcome.DUPLICATE.value]
    }
    acknowledgments = set()
    for filed in ("ses-rec-first", "ses-rec-missing", "ses-rec-third"):
        message = desk.store.find_channel_message(desk.store_channel_email(), filed)
        assert message is not None
        thread = desk.store.get_thread(message.ticket_id)
        assert thread is not None and [m.kind for m in thread.messages].count(MessageKind.INBOUND) == 1
        (acknowledgment,) = [m.id for m in thread.messages if m.kind is MessageKind.OUTBOUND]
        acknowledgments.add(acknowledgment)
    # (an acknowledgment still unsent is queued again: the first delivery may
    # have died before queuing it, and the outbound function sends it once)
    assert {request.message_id for request in desk.queued()} == acknowledgments
    assert _counted(capsys.readouterr().out, "MessagesIn.email") == 1


def test_a_record_that_is_not_ses_shaped_fails_alone(desk: MailDesk) -> None:
    from inbound_email import app

    connections.forget()
    _stored("ses-rec-good", mail(sender="Dora Luna <dora@cliente.example>"))
    event = _ses_event("ses-rec-good", "ses-rec-broken")
    del event["Records"][1]["ses"]["receipt"]

    with pytest.raises(RecordsFailed) as failed:
        app.handler(event, CONTEXT)

    assert failed.value.failed == ["ses-rec-broken"]
    assert desk.store.find_channel_message(desk.store_channel_email(), "ses-rec-good") is not None

"""Voicemail through the voicemail handler against moto's S3 and table: the
transcript becomes the call's message text and the recording its attachment;
replays change nothing; a voicemail before its call's events names its caller
or waits (retried, then the dead-letter queue)."""

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from helpdesk import connections
from helpdesk.models import Channel, Message
from helpdesk.store import HelpdeskStore
from local.lambda_runtime import LocalContext
from tests.conftest import REGION
from tests.events import load_event

CONTEXT: Any = LocalContext("VoicemailFunction")
BUCKET = "atiende-test-voicemail"
ATTACHMENTS = "atiende-test-attachments"
CONTACT_ID = "5ca32fbd-8f92-46af-92a5-6b0f970f0efe"
AUDIO = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(64)


@pytest.fixture
def voicemail(store: HelpdeskStore, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("ATTACHMENTS_BUCKET", ATTACHMENTS)
    monkeypatch.setenv("SUPPORT_ADDRESS", "soporte@atiende.example")
    monkeypatch.setenv("RAW_MAIL_BUCKET", "raw-mail")
    monkeypatch.setenv("OUTBOUND_QUEUE_URL", "https://sqs.us-east-1.amazonaws.com/123456789012/outbound")
    from helpdesk.settings import forget_settings

    forget_settings()
    connections.forget()
    s3 = boto3.client("s3", region_name=REGION)
    for bucket in (BUCKET, ATTACHMENTS):
        s3.create_bucket(Bucket=bucket)
    yield s3
    connections.forget()


def drop(s3: Any, transcript: dict[str, Any] | None = None, recording: bool = True) -> None:
    folder = f"voicemail/{CONTACT_ID}"
    if recording:
        s3.put_object(Bucket=BUCKET, Key=f"{folder}/recording.wav", Body=AUDIO, ContentType="audio/wav")
    body = transcript if transcript is not None else load_event("transcribe_voicemail_transcript")
    s3.put_object(Bucket=BUCKET, Key=f"{folder}/transcript.json", Body=json.dumps(body).encode())


def announce() -> dict[str, Any]:
    from phone_events import voicemail

    result: dict[str, Any] = voicemail.handler(load_event("s3_voicemail_transcript_created"), CONTEXT)
    return result


def call_event(step: str, unanswered: bool = False) -> None:
    from phone_events import app

    event = load_event(f"connect_contact_event_{step}")
    if unanswered:  # nobody took it: the caller left a voicemail
        event["detail"].pop("agentInfo", None)
    app.handler(event, CONTEXT)


def the_message(store: HelpdeskStore) -> Message:
    message = store.find_channel_message(Channel.PHONE, CONTACT_ID)
    assert message is not None
    return message


def test_a_voicemail_is_the_calls_message_with_audio_and_transcript(store: HelpdeskStore, voicemail: Any) -> None:
    call_event("initiated")
    call_event("disconnected", unanswered=True)
    drop(voicemail)
    assert announce() == {"batchItemFailures": []}
    message = the_message(store)
    assert message.text.startswith("Hola, habla Ernesto Castillo.")
    [audio] = message.attachments
    assert audio.bucket == ATTACHMENTS and audio.size == len(AUDIO) and audio.filename == "mensaje-de-voz.wav"
    assert voicemail.get_object(Bucket=ATTACHMENTS, Key=audio.key)["Body"].read() == AUDIO
    assert message.call is not None and message.call.voicemail and message.call.missed
    assert message.call.events == ("INITIATED", "DISCONNECTED")


def test_announcing_a_voicemail_again_changes_nothing(store: HelpdeskStore, voicemail: Any) -> None:
    call_event("initiated")
    drop(voicemail)
    announce()
    first = the_message(store)
    announce()
    assert the_message(store) == first


def test_a_voicemail_before_its_call_is_retried_until_the_call_is_known(store: HelpdeskStore, voicemail: Any) -> None:
    drop(voicemail)
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

    with pytest.raises(BatchProcessingError, match="CallerUnknown"):  # nothing names the caller yet: SQS redelivers
        announce()
    assert store.find_channel_message(Channel.PHONE, CONTACT_ID) is None
    call_event("queued")
    assert announce() == {"batchItemFailures": []}
    assert the_message(store).call.voicemail  # type: ignore[union-attr]


def test_a_transcript_naming_the_caller_makes_the_message_itself(store: HelpdeskStore, voicemail: Any) -> None:
    transcript = load_event("transcribe_voicemail_transcript") | {"customerNumber": "+50255551234"}
    drop(voicemail, transcript)
    assert announce() == {"batchItemFailures": []}
    call_event("disconnected")  # the call's events arrive later and merge in
    message = the_message(store)
    assert message.call is not None and message.call.voicemail and message.call.events == ("DISCONNECTED",)
    assert len(message.attachments) == 1 and message.text.startswith("Hola")


def test_a_voicemail_without_recording_keeps_the_transcript(store: HelpdeskStore, voicemail: Any) -> None:
    call_event("initiated")
    drop(voicemail, recording=False)
    announce()
    message = the_message(store)
    assert message.attachments == () and message.text.startswith("Hola")


def test_objects_outside_the_layout_are_ignored(store: HelpdeskStore, voicemail: Any) -> None:
    from helpdesk.channels.phone.voicemail import record_voicemail

    voicemail.put_object(Bucket=BUCKET, Key="otra/cosa.json", Body=b"{}")
    voicemail.put_object(Bucket=BUCKET, Key=f"voicemail/{CONTACT_ID}/transcript.json", Body=b"not json")
    files = connections.files()
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    assert record_voicemail(store, files, BUCKET, "otra/cosa.json", ATTACHMENTS, now) is None
    assert record_voicemail(store, files, BUCKET, f"voicemail/{CONTACT_ID}/transcript.json", ATTACHMENTS, now) is None

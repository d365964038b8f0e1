"""Voicemail: a caller who reached no one leaves a message; the common Amazon
Connect voicemail pattern keeps its recording and Amazon Transcribe's
transcript in a bucket, one folder per contact:

    voicemail/<contact id>/recording.wav
    voicemail/<contact id>/transcript.json   (Transcribe's output; its arrival is announced)

The transcript becomes the text of the call's phone message and the recording
its attachment (copied into the attachments bucket, like any customer file);
the call is marked as a voicemail. When the call's contact events have not made
its message yet, the transcript's ``customerNumber`` (if the pattern writes it)
names the caller; else the notice is retried until they have. A transcript
announced twice changes nothing the second time.
"""

import json
from datetime import datetime
from typing import Annotated
from urllib.parse import unquote_plus

from pydantic import ConfigDict, Field, ValidationError

from helpdesk.channels.phone.calls import CallerUnknown, merge, record_call
from helpdesk.errors import IngestGaveUp, InvalidIdentity
from helpdesk.files import FileStore, keep_file
from helpdesk.models import Attachment, Channel, Identity, IdentityKind, Message, PhoneCall
from helpdesk.observability import logger
from helpdesk.people.contacts import normalize_identity
from helpdesk.retrying import until_saved
from helpdesk.rules.sending import OutboxFactory
from helpdesk.settings import VOICEMAIL_PREFIX
from helpdesk.store import HelpdeskStore
from helpdesk.validated import Validated

RECORDING = "recording.wav"
TRANSCRIPT = "transcript.json"
MAX_RECORDING_BYTES = 20 * 1024 * 1024  # ten minutes of 8 kHz mono audio is under 10 MB


class _Lenient(Validated):
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)


class _Transcript(_Lenient):
    transcript: str = ""


class _Results(_Lenient):
    transcripts: list[_Transcript] = Field(default_factory=list)


class VoicemailTranscript(_Lenient):
    """Amazon Transcribe's output (``jobName``, ``results.transcripts``), and the
    caller's number and call time when the voicemail pattern adds them."""

    job_name: str = Field("", alias="jobName")
    results: _Results = _Results()
    customer_number: Annotated[str, Field(max_length=40)] = Field("", alias="customerNumber")
    started_at: datetime | None = Field(None, alias="initiationTimestamp")

    @property
    def text(self) -> str:
        return " ".join(t.transcript.strip() for t in self.results.transcripts if t.transcript.strip())


class _Named(_Lenient):
    name: str = ""
    key: str = ""


class _S3Entity(_Lenient):
    bucket: _Named
    object: _Named


class _S3Record(_Lenient):
    eventName: str = ""
    s3: _S3Entity


class ObjectsCreated(_Lenient):
    """An S3 notification, read for the fields used (S3 and moto differ in the
    rest: owner identities, request parameters)."""

    Records: list[_S3Record] = Field(default_factory=list)

    def created(self) -> list[tuple[str, str]]:
        """(bucket, key) of each object created, the key unquoted as S3 sends it quoted."""
        return [
            (record.s3.bucket.name, unquote_plus(record.s3.object.key))
            for record in self.Records
            if record.eventName.startswith("ObjectCreated")
        ]


class NotVoicemail(Exception):
    """An object outside the voicemail layout: nothing to do (retrying cannot help)."""


def contact_id_of(key: str) -> str:
    """``voicemail/<contact id>/transcript.json`` → the contact id."""
    parts = key.split("/")
    if len(parts) != 3 or f"{parts[0]}/" != VOICEMAIL_PREFIX or parts[2] != TRANSCRIPT or not parts[1]:
        raise NotVoicemail(key)
    return parts[1]


def record_voicemail(
    store: HelpdeskStore,
    files: FileStore,
    bucket: str,
    key: str,
    attachments_bucket: str,
    now: datetime,
    outbox: OutboxFactory | None = None,
) -> Message | None:
    """The voicemail whose transcript is ``bucket``/``key`` on its call's
    message; None for an object that is not a voicemail's transcript."""
    try:
        contact_id = contact_id_of(key)
        transcript = VoicemailTranscript.model_validate(json.loads(files.get(bucket, key)))
    except (NotVoicemail, ValueError, ValidationError):
        logger.warning("not a voicemail transcript; ignored")
        return None
    message = store.find_channel_message(Channel.PHONE, contact_id)
    if message is not None and message.call is not None and message.call.voicemail:
        logger.info("voicemail already recorded", extra={"ticket_id": message.ticket_id})
        return message
    recording = files.describe(bucket, f"{VOICEMAIL_PREFIX}{contact_id}/{RECORDING}")
    audio: tuple[Attachment, ...] = ()
    if recording is not None and recording.size <= MAX_RECORDING_BYTES:
        content = files.get(bucket, f"{VOICEMAIL_PREFIX}{contact_id}/{RECORDING}")
        audio = (keep_file(files, attachments_bucket, "voicemail", content, "mensaje-de-voz.wav", "audio/wav"),)
    if message is None:
        number = _number(transcript.customer_number)
        if not number:
            raise CallerUnknown("voicemail of a call not recorded yet")
        call = PhoneCall(call_id=contact_id, number=number, started_at=transcript.started_at or now, voicemail=True)
        message = record_call(call, store, outbox, text=transcript.text)
    found = message
    saved = until_saved(
        lambda: _attach(store, found, transcript.text, audio),
        give_up=lambda: IngestGaveUp("too much contention on one call"),
    )
    logger.info("voicemail recorded", extra={"ticket_id": saved.ticket_id, "recording": bool(audio)})
    return saved


def _attach(store: HelpdeskStore, found: Message, text: str, audio: tuple[Attachment, ...]) -> Message:
    message = store.get_message(found.ticket_id, found.sent_at, found.id) or found
    kept = message.call or PhoneCall(call_id=found.channel_message_id or found.id, started_at=found.sent_at)
    if kept.voicemail and (message.attachments or not audio):
        return message
    call = merge(kept, kept.model_copy(update={"voicemail": True}))
    return store.replace_call(message, call, text=text, attachments=audio)


def _number(raw: str) -> str:
    if not raw:
        return ""
    try:
        return normalize_identity(Identity(kind=IdentityKind.PHONE, value=raw)).value
    except InvalidIdentity:
        return ""

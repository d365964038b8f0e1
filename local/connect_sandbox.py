"""Amazon Connect's side of the phone, on this machine (local stack only).

Connect itself cannot run here; what reaches the help desk from it can:

- ``POST /sandbox/connect/events``: an EventBridge event, delivered to every
  function whose ``EventBridgeRule`` in the template matches it (the phone
  events function), in-process, as EventBridge would invoke it;
- ``POST /sandbox/connect/flow``: a ``ContactFlowEvent`` to the contact flow's
  function (the greeting a flow would read);
- ``POST /sandbox/connect/voicemail``: a voicemail left as the voicemail pattern
  leaves it: the recording and Transcribe's transcript in the voicemail bucket,
  whose notification the voicemail queue's worker takes.

``call_events`` builds the events of one call as Connect emits them; ``atiende
phone call`` and the end-to-end tests send them.
"""

import io
import json
import random
import uuid
import wave
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from local.lambda_runtime import LocalContext, load_handler
from local.provision import load_template

INSTANCE_ARN = "arn:aws:connect:us-east-1:123456789012:instance/00000000-0000-4000-8000-00000000c0de"
QUEUE_ARN = f"{INSTANCE_ARN}/queue/00000000-0000-4000-8000-0000000000a1"
AGENT_ARN = f"{INSTANCE_ARN}/agent/00000000-0000-4000-8000-0000000000b2"
SYSTEM_NUMBER = "+50222223333"
RING_SECONDS = 20  # in the flow and the queue before someone answers (or nobody does)


@dataclass(frozen=True)
class Call:
    number: str
    duration_seconds: int
    ended_at: datetime
    missed: bool = False
    contact_id: str = ""

    @property
    def id(self) -> str:
        return self.contact_id or str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.number}{self.ended_at.isoformat()}"))


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def call_events(call: Call) -> list[dict[str, Any]]:
    """The call's contact events in the order Connect emits them (a missed call
    has no CONNECTED_TO_AGENT)."""
    started = call.ended_at - timedelta(seconds=call.duration_seconds)
    queued = started + timedelta(seconds=min(5, call.duration_seconds))
    answered = started + timedelta(seconds=min(RING_SECONDS, call.duration_seconds))
    base = {
        "contactId": call.id, "initialContactId": call.id, "channel": "VOICE", "instanceArn": INSTANCE_ARN,
        "initiationMethod": "INBOUND", "initiationTimestamp": _iso(started),
        "customerEndpoint": {"type": "TELEPHONE_NUMBER", "address": call.number},
        "systemEndpoint": {"type": "TELEPHONE_NUMBER", "address": SYSTEM_NUMBER}, "tags": {},
    }  # fmt: skip
    queue = {"queueArn": QUEUE_ARN, "queueType": "STANDARD", "enqueueTimestamp": _iso(queued)}
    agent = {} if call.missed else {"agentInfo": {"agentArn": AGENT_ARN, "connectedToAgentTimestamp": _iso(answered)}}
    ended = {"disconnectTimestamp": _iso(call.ended_at), "disconnectReason": "CUSTOMER_DISCONNECT"}
    steps: list[tuple[str, datetime, dict[str, Any]]] = [
        ("INITIATED", started, {}),
        ("CONNECTED_TO_SYSTEM", started, {"connectedToSystemTimestamp": _iso(started)}),
        ("QUEUED", queued, {"queueInfo": queue}),
    ]
    if not call.missed:
        steps.append(("CONNECTED_TO_AGENT", answered, {"queueInfo": queue, **agent}))
    steps += [
        ("DISCONNECTED", call.ended_at, {"queueInfo": queue, **agent, **ended}),
        ("COMPLETED", call.ended_at, {"queueInfo": queue, **agent, **ended}),
    ]
    return [
        {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Amazon Connect Contact Event",
            "source": "aws.connect",
            "account": "123456789012",
            "time": _iso(at),
            "region": "us-east-1",
            "resources": [f"{INSTANCE_ARN}/contact/{call.id}", INSTANCE_ARN],
            "detail": {"eventType": kind, **base, **extra},
        }
        for kind, at, extra in steps
    ]


def out_of_order(events: list[dict[str, Any]], seed: int = 18) -> list[dict[str, Any]]:
    """The events as a best-effort bus may deliver them: shuffled, two of them twice."""
    shuffled = events[:]
    random.Random(seed).shuffle(shuffled)  # noqa: S311  # nosec B311 - a shuffle, not a secret
    if shuffled[0]["detail"]["eventType"] == "INITIATED":  # the point: the first word of the call is not the first
        shuffled.append(shuffled.pop(0))
    return [*shuffled, shuffled[1], shuffled[0]]


def flow_event(number: str, contact_id: str) -> dict[str, Any]:
    """What a contact flow's "Invoke AWS Lambda function" block sends."""
    return {
        "Name": "ContactFlowEvent",
        "Details": {
            "ContactData": {
                "Attributes": {},
                "Channel": "VOICE",
                "ContactId": contact_id,
                "InitialContactId": contact_id,
                "InitiationMethod": "INBOUND",
                "InstanceARN": INSTANCE_ARN,
                "CustomerEndpoint": {"Address": number, "Type": "TELEPHONE_NUMBER"},
                "SystemEndpoint": {"Address": SYSTEM_NUMBER, "Type": "TELEPHONE_NUMBER"},
            },
            "Parameters": {},
        },
    }


def silence_wav(seconds: float = 1.0) -> bytes:
    """A recording of silence (8 kHz mono, as telephone audio)."""
    out = io.BytesIO()
    with wave.open(out, "wb") as recording:
        recording.setnchannels(1)
        recording.setsampwidth(2)
        recording.setframerate(8000)
        recording.writeframes(bytes(int(8000 * seconds) * 2))
    return out.getvalue()


def matches(pattern: dict[str, Any], event: dict[str, Any]) -> bool:
    """EventBridge's matching for the patterns the template uses: every key of
    the pattern is in the event with one of the listed values (nested objects
    match the same way)."""
    for key, wanted in pattern.items():
        if key not in event:
            return False
        if isinstance(wanted, dict):
            if not isinstance(event[key], dict) or not matches(wanted, event[key]):
                return False
        elif event[key] not in wanted:
            return False
    return True


def announce_voicemail(s3: Any, sqs: Any, bucket: str, queue_url: str) -> None:
    """The voicemail bucket's notification as the template declares it (moto's
    CloudFormation does not apply a bucket's NotificationConfiguration; moto's
    S3 then sends each matching object's event to the queue, as S3 does)."""
    declared = load_template()["Resources"]["VoicemailBucket"]["Properties"]["NotificationConfiguration"]
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "QueueArn": arn,
                    "Events": [entry["Event"]],
                    "Filter": {"Key": {"FilterRules": entry["Filter"]["S3Key"]["Rules"]}},
                }
                for entry in declared["QueueConfigurations"]
            ]
        },
    )


class ConnectSandbox:
    def __init__(self, s3: Any, voicemail_bucket: str) -> None:
        self._s3 = s3
        self._bucket = voicemail_bucket
        self._rules = [
            (name, props["Handler"], event["Properties"]["Pattern"])
            for name, resource in load_template()["Resources"].items()
            if resource["Type"] == "AWS::Serverless::Function"
            for props in (resource["Properties"],)
            for event in props.get("Events", {}).values()
            if event["Type"] == "EventBridgeRule"
        ]
        self._flow = next(
            (name, r["Properties"]["Handler"])
            for name, r in load_template()["Resources"].items()
            if r["Type"] == "AWS::Serverless::Function" and r["Properties"]["Handler"].startswith("phone_flow.")
        )

    @classmethod
    def for_stack(cls, session: Any, stack: Any) -> "ConnectSandbox":
        """The sandbox of a provisioned stack, its voicemail bucket announcing to its queue."""
        bucket = stack.physical_ids["VoicemailBucket"]
        s3 = session.client("s3")
        announce_voicemail(s3, session.client("sqs"), bucket, stack.physical_ids["VoicemailQueue"])
        return cls(s3, bucket)

    def put_event(self, event: dict[str, Any]) -> list[Any]:
        """The event to each function whose rule matches it; what each answered."""
        return [
            load_handler(handler)(event, LocalContext(function))
            for function, handler, pattern in self._rules
            if matches(pattern, event)
        ]

    def ask_flow(self, event: dict[str, Any]) -> dict[str, str]:
        function, handler = self._flow
        answer: dict[str, str] = load_handler(handler)(event, LocalContext(function))
        return answer

    def leave_voicemail(self, contact_id: str, number: str, text: str) -> str:
        """The recording and the transcript, as the voicemail pattern stores them."""
        folder = f"voicemail/{contact_id}"
        self._s3.put_object(Bucket=self._bucket, Key=f"{folder}/recording.wav", Body=silence_wav(),
                            ContentType="audio/wav")  # fmt: skip
        transcript = {"jobName": contact_id, "status": "COMPLETED", "customerNumber": number,
                      "results": {"transcripts": [{"transcript": text}], "items": []}}  # fmt: skip
        key = f"{folder}/transcript.json"
        self._s3.put_object(Bucket=self._bucket, Key=key, Body=json.dumps(transcript, ensure_ascii=False).encode())
        return key

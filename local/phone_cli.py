"""``atiende phone call``: play a telephone call against the running local
stack, as Amazon Connect would report it: the contact flow asks who is calling
(the answer is printed), then the call's contact events reach the phone events
function (``local/connect_sandbox.py``), optionally out of order and with
repeats, and a voicemail may follow.

atiende phone call --from +50255551234 --duration 180 [--missed] [--voicemail TEXT] [--out-of-order]
"""

import json
import os
import urllib.request
from datetime import UTC, datetime
from typing import Any

HOST = "127.0.0.1"


def add_parser(commands: Any) -> None:
    phone_parser = commands.add_parser("phone", help="play a phone caller (Amazon Connect) against the local stack")
    phone_commands = phone_parser.add_subparsers(dest="phone_command", required=True)
    call = phone_commands.add_parser("call", help="a call's contact events, as Connect emits them")
    call.add_argument("--from", dest="number", required=True, help="the caller's number, e.g. +50255551234")
    call.add_argument("--duration", type=int, default=180, help="seconds from ringing to hanging up (default 180)")
    call.add_argument("--missed", action="store_true", help="nobody answers")
    call.add_argument("--voicemail", metavar="TEXT", help="the caller leaves this message (implies --missed)")
    call.add_argument("--out-of-order", action="store_true", help="events shuffled and repeated, as EventBridge may")


def _post(path: str, body: dict[str, Any]) -> Any:
    port = int(os.environ.get("ATIENDE_PORT", "8000"))
    request = urllib.request.Request(
        f"http://{HOST}:{port}{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310  # nosec B310 - 127.0.0.1 only
        return json.loads(response.read())


def place_call(number: str, duration: int, missed: bool, voicemail: str | None, shuffled: bool) -> dict[str, Any]:
    """Send the call; what the flow answered, the contact id and the message's ticket."""
    # Here, not at the top: the sandbox brings the local Lambda runtime and the
    # template's tooling, a second of imports for every `atiende` command.
    from local.connect_sandbox import Call, call_events, flow_event, out_of_order

    call = Call(
        number=number, duration_seconds=max(duration, 1), ended_at=datetime.now(UTC), missed=missed or bool(voicemail)
    )
    greeting = _post("/sandbox/connect/flow", flow_event(number, call.id))
    events = call_events(call)
    ticket_ids = set()
    for event in out_of_order(events) if shuffled else events:
        for answer in _post("/sandbox/connect/events", event)["delivered"]:
            if answer and answer.get("ticket_id"):
                ticket_ids.add(answer["ticket_id"])
    if voicemail:
        _post("/sandbox/connect/voicemail", {"contact_id": call.id, "number": number, "text": voicemail})
    return {"flow": greeting, "contact_id": call.id, "events": len(events), "ticket_ids": sorted(ticket_ids)}


def main(args: Any) -> int:
    result = place_call(args.number, args.duration, args.missed, args.voicemail, args.out_of_order)
    greeting = result["flow"]
    who = greeting.get("name") or "?" if greeting.get("found") == "true" else "desconocido / unknown"
    print(f"Contact flow: {who}  ticket #{greeting.get('ticket_number') or '-'}  "
          f"tier {greeting.get('tier') or '-'}  language {greeting.get('language')}")  # fmt: skip
    print(
        f"Llamada / Call {result['contact_id']}: {result['events']} events → ticket {', '.join(result['ticket_ids'])}"
    )
    print(json.dumps(result, ensure_ascii=False))
    return 0

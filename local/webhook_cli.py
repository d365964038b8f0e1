"""``atiende webhook``: outgoing webhooks of the running local stack, through
its API as the demo administrator (as ``atiende rules`` does).

atiende webhook add --url U --events E1,E2 [--secret S] [--description D]
atiende webhook list
"""

import json
import os
import sys
import urllib.error
import urllib.request
from typing import Any

from botocore.exceptions import BotoCoreError

HOST = "127.0.0.1"


def add_parser(commands: Any) -> None:
    webhook_parser = commands.add_parser("webhook", help="outgoing webhooks of the running local stack")
    webhook_commands = webhook_parser.add_subparsers(dest="webhook_command", required=True)
    add = webhook_commands.add_parser("add", help="register an endpoint; prints it")
    add.add_argument("--url", required=True, help="where to POST, e.g. http://127.0.0.1:9000/hook")
    add.add_argument("--events", required=True, help="comma-separated, e.g. ticket.created,message.created")
    add.add_argument("--secret", help="the signing secret (16+ characters; default: generated and printed once)")
    add.add_argument("--description", default="", help="what the endpoint is for")
    webhook_commands.add_parser("list", help="print the endpoints")


def main(args: Any) -> int:
    if args.webhook_command == "add":
        return add(args.url, args.events, args.secret, args.description)
    return list_endpoints()


def _call(method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    from local.seed import DEFAULT_EMAIL, DEMO_PASSWORD
    from local.stack import find_user_pool, session_for, sign_in

    session = session_for(f"http://{HOST}:{os.environ.get('ATIENDE_AWS_PORT', '4566')}")
    _, client_id = find_user_pool(session)
    request = urllib.request.Request(
        f"http://{HOST}:{os.environ.get('ATIENDE_PORT', '8000')}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={
            "Authorization": f"Bearer {sign_in(session, client_id, DEFAULT_EMAIL, DEMO_PASSWORD)}",
            "Content-Type": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 # nosec B310 - the local stack
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read() or b"null")


def _refusal(answer: Any) -> str:
    """The API's bilingual message and its reasons (never the secret: it is not echoed)."""
    error = (answer or {}).get("error", {}) if isinstance(answer, dict) else {}
    message = error.get("message", {})
    text = f"{message.get('es', '')} / {message.get('en', '')}".strip(" /") or json.dumps(answer)
    details = [d for d in error.get("detail") or [] if isinstance(d, dict)]
    reasons = "; ".join(f"{d.get('field')}: {d.get('reason')}" for d in details)
    return f"{text} ({reasons})" if reasons else text


def _line(endpoint: dict[str, Any]) -> str:
    state = "activo / active" if endpoint.get("active") else "en pausa / paused"
    events = ",".join(endpoint["events"])
    return f"{endpoint['id']}  {endpoint['url']}  {events}  {state}  secret {endpoint['secret_hint']}"


def add(url: str, events: str, secret: str | None, description: str) -> int:
    body: dict[str, Any] = {"url": url, "events": [e.strip() for e in events.split(",") if e.strip()]}
    if secret:
        body["secret"] = secret
    if description:
        body["description"] = description
    try:
        status, answer = _call("POST", "/api/webhooks", body)
    except (OSError, LookupError, BotoCoreError) as exc:
        print(f"No se pudo contactar al stack local / Could not reach the local stack: {exc}", file=sys.stderr)
        return 1
    if status != 201:
        print(f"Webhook rechazado / Webhook refused ({status}): {_refusal(answer)}", file=sys.stderr)
        return 1
    print(f"Webhook registrado / Webhook added: {_line(answer)}")
    if answer.get("secret"):
        print(f"Secreto (se muestra una sola vez) / Secret (shown once): {answer['secret']}")
    return 0


def list_endpoints() -> int:
    try:
        status, answer = _call("GET", "/api/webhooks")
    except (OSError, LookupError, BotoCoreError) as exc:
        print(f"No se pudo contactar al stack local / Could not reach the local stack: {exc}", file=sys.stderr)
        return 1
    if status != 200:
        print(f"No se pudieron leer los webhooks / Could not read the webhooks ({status}): {_refusal(answer)}",
              file=sys.stderr)  # fmt: skip
        return 1
    for endpoint in answer["endpoints"]:
        print(_line(endpoint))
    if not answer["endpoints"]:
        print("Sin webhooks / No webhooks")
    return 0

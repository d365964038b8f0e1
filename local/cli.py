"""``atiende``: run the whole help desk on this machine, seed it, get a token.

atiende run     start everything on 127.0.0.1 and seed the demo
atiende seed    (re)seed the demo into the running local stack
atiende token   print an ID token for a demo agent (admin by default)
"""

import argparse
import logging
import os
import signal
import sys
import threading
from types import FrameType
from typing import Any

HOST = "127.0.0.1"


def _port(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _aws_url() -> str:
    return f"http://{HOST}:{_port('ATIENDE_AWS_PORT', 4566)}"


def run(seed_demo: bool) -> int:
    from local.clock import start_at_chosen_instant

    started_at = start_at_chosen_instant()
    # Before the functions' modules build their loggers: keep the console readable
    # (ATIENDE_LOG_LEVEL=INFO shows every ingest and request).
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", os.environ.get("ATIENDE_LOG_LEVEL", "WARNING"))
    # Business metrics are CloudWatch's embedded-format lines on stdout: not for a
    # console (POWERTOOLS_METRICS_DISABLED=false shows them).
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request lines
    from helpdesk.settings import forget_settings
    from local.embedded_aws import EmbeddedAWS
    from local.lambda_runtime import QueueWorker, ScheduleWorker, queue_subscriptions, schedule_subscriptions
    from local.mail_inbox import start_inbox
    from local.stack import REGION, deploy, session_for, support_address
    from local.web import console_server

    aws = EmbeddedAWS(HOST, _port("ATIENDE_AWS_PORT", 4566)).start()
    session = session_for(aws.url)
    deployment = deploy(session, aws.url)
    forget_settings()
    tickets = _seed(session, deployment.user_pool_id) if seed_demo else 0
    workers: list[QueueWorker | ScheduleWorker] = [
        QueueWorker(session.client("sqs"), s).start() for s in queue_subscriptions(deployment.stack)
    ]
    # ATIENDE_SCHEDULE_SECONDS fires schedules faster than their rate (tests, demos).
    every = float(os.environ["ATIENDE_SCHEDULE_SECONDS"]) if os.environ.get("ATIENDE_SCHEDULE_SECONDS") else None
    workers += [ScheduleWorker(s, REGION, every).start() for s in schedule_subscriptions(deployment.stack)]
    smtp_port = _port("ATIENDE_SMTP_PORT", 2525)
    raw_mail_bucket = deployment.stack.physical_ids["RawMailBucket"]
    inbox = start_inbox(session.client("s3"), raw_mail_bucket, support_address(), HOST, smtp_port)
    port = _port("ATIENDE_PORT", 8000)
    web = console_server(HOST, port, _sandbox(port))
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    threading.Thread(target=web.server.serve_forever, name="console", daemon=True).start()
    _banner(port, aws.url, deployment.table_name, tickets, smtp_port, support_address())
    if started_at is not None:
        print(f"Reloj / Clock: ATIENDE_NOW={started_at.isoformat()} (sigue corriendo / keeps running)\n", flush=True)
    _whatsapp_banner(port)
    stop.wait()
    print("\nDeteniendo Atiende… / Stopping Atiende…", flush=True)
    web.shutdown()
    web.server.server_close()
    inbox.stop()
    for worker in workers:
        worker.stop()
    aws.stop()
    return 0


def _seed(session: object, user_pool_id: str) -> int:
    from helpdesk.settings import store_settings
    from helpdesk.store import HelpdeskStore
    from local.seed import seed

    return seed(session, user_pool_id, HelpdeskStore(store_settings()))  # type: ignore[arg-type]


def _banner(port: int, aws_url: str, table: str, tickets: int, smtp_port: int, support: str) -> None:
    from local.seed import AGENTS, DEMO_PASSWORD

    base = f"http://{HOST}:{port}"
    lines = [
        "",
        "Atiende está corriendo / Atiende is running",
        f"  Consola / Console     {base}/",
        f"  API                   {base}/api/tickets",
        f"  Salud / Health        {base}/health",
        f"  Correo / Mail (SMTP)  {HOST}:{smtp_port}   para/to {support}",
        f"  Enviado / Outbox      {base}/dev/outbox   (también las invitaciones y códigos de Cognito"
        " / Cognito's invitations and codes too)",
        f"  AWS local (moto)      {aws_url}   tabla/table {table}",
        f"  Demo: {tickets} tickets" if tickets else "  Sin demo / No demo data",
        "",
        "Accesos demo / Demo logins (contraseña / password: " + DEMO_PASSWORD + ")",
        *[f"  {agent.role:<11} {agent.email}" for agent in AGENTS],
        "",
        "Token para la API / API token:  .venv/bin/atiende token [--email EMAIL]",
        "Ctrl-C para detener / to stop",
        "",
    ]
    print("\n".join(lines), flush=True)


def _sandbox(port: int) -> Any:
    from local.stack import whatsapp_secrets
    from local.whatsapp_sandbox import WhatsAppSandbox

    secrets = whatsapp_secrets()
    return WhatsAppSandbox(
        webhook_url=f"http://{HOST}:{port}/webhooks/whatsapp",
        app_secret=secrets["WhatsAppAppSecret"],
        phone_number_id=secrets["WhatsAppPhoneNumberId"],
        display_number="50255550000",
    )


def whatsapp_send(sender: str, name: str, text: str, image: str | None = None) -> int:
    """Play a customer writing on WhatsApp to the running local stack."""
    import base64
    import json
    import mimetypes
    import urllib.request
    from pathlib import Path

    message: dict[str, str] = {"from": sender, "name": name, "text": text}
    if image:
        message["image_base64"] = base64.b64encode(Path(image).read_bytes()).decode()
        message["mime_type"] = mimetypes.guess_type(image)[0] or "image/jpeg"
    body = json.dumps(message).encode()
    request = urllib.request.Request(
        f"http://{HOST}:{_port('ATIENDE_PORT', 8000)}/sandbox/customer",
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        print(json.loads(response.read())["id"])
    return 0


def _whatsapp_banner(port: int) -> None:
    from local.stack import whatsapp_secrets

    secrets = whatsapp_secrets()
    print(
        f"WhatsApp (local): webhook http://{HOST}:{port}/webhooks/whatsapp  "
        f"verify token {secrets['WhatsAppVerifyToken']}  app secret {secrets['WhatsAppAppSecret']}\n"
        "  (ATIENDE_WHATSAPP_VERIFY_TOKEN / ATIENDE_WHATSAPP_APP_SECRET override them)\n",
        flush=True,
    )


def seed_running() -> int:
    from helpdesk.settings import forget_settings
    from local.stack import STACK_NAME, find_user_pool, session_for

    session = session_for(_aws_url())
    pool_id, _ = find_user_pool(session)
    resources = session.client("cloudformation").describe_stack_resources(StackName=STACK_NAME)["StackResources"]
    table = next(r["PhysicalResourceId"] for r in resources if r["LogicalResourceId"] == "HelpdeskTable")
    os.environ["TABLE_NAME"] = table
    forget_settings()
    print(f"{_seed(session, pool_id)} demo tickets")
    return 0


def token(email: str | None) -> int:
    from local.seed import DEFAULT_EMAIL, DEMO_PASSWORD
    from local.stack import find_user_pool, session_for, sign_in

    session = session_for(_aws_url())
    try:
        _, client_id = find_user_pool(session)
    except LookupError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(sign_in(session, client_id, email or DEFAULT_EMAIL, DEMO_PASSWORD))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="atiende", description="Atiende local help desk")
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="start the whole help desk on 127.0.0.1")
    run_parser.add_argument("--no-seed", action="store_true", help="start empty, without the demo")
    commands.add_parser("seed", help="seed the demo into the running local stack")
    token_parser = commands.add_parser("token", help="print an ID token for a demo agent")
    token_parser.add_argument("--email", help="demo agent e-mail (default: the admin)")
    wa_parser = commands.add_parser("wa", help="play a WhatsApp customer against the local stack")
    wa_commands = wa_parser.add_subparsers(dest="wa_command", required=True)
    wa_send = wa_commands.add_parser("send", help="send a message as a customer")
    wa_send.add_argument("--from", dest="sender", required=True, help="the customer's number, e.g. +50255550123")
    wa_send.add_argument("--name", default="Cliente", help="the customer's WhatsApp profile name")
    wa_send.add_argument("--image", help="a picture to send, with the text as its caption")
    wa_send.add_argument("text")
    args = parser.parse_args(argv)
    match args.command:
        case "run":
            return run(seed_demo=not args.no_seed)
        case "seed":
            return seed_running()
        case "token":
            return token(args.email)
        case "wa":
            return whatsapp_send(args.sender, args.name, args.text, args.image)
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())

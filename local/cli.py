"""``atiende``: run the whole help desk on this machine, seed it, get a token.

atiende run     start everything on 127.0.0.1 and seed the demo (what was there
                at the last stop comes back: .atiende/state/)
atiende reset   forget the saved state: the next run starts clean
atiende seed    (re)seed the demo into the running local stack
atiende token   print an ID token for a demo agent (admin by default)
atiende package build the Lambda zips under build/ (`make package`)
atiende deploy  deploy a stage to AWS (`make deploy`); atiende destroy deletes it;
                atiende publish-console puts frontend/ into a deployed stage
atiende rules export            print the routing and automation rules as YAML
atiende rules import FILE       replace them with the rules in a YAML file
atiende apikey create --name N --scopes S1,S2   an API key (printed once, last line);
                atiende apikey list; atiende apikey revoke ID (local/api_keys_cli.py)
atiende webhook add --url U --events E1,E2 [--secret S]   register an outgoing webhook
atiende webhook list            print the outgoing webhooks
atiende admin create --email E --name N [--role admin] [--stack NAME]
                create an administrator (or agent) in the local stack or a deployed one
atiende search backfill [--stack NAME] [--from N] [--most N]
                index the tickets that existed before the search index (by ticket
                number, from its checkpoint: resumable; a ticket already indexed
                writes nothing); --from N starts over from ticket N
atiende staffing --per-day N --handle-minutes M | --arrivals N --aht-seconds S ...
                agents needed (workload model for e-mail, Erlang C for real time),
                one JSON line; no stack needed (local/staffing_cli.py)
atiende reports backfill [--stack NAME] [--from N] [--most N]   rebuild the KPI
                rollups from the tickets (idempotent; local/reports_cli.py)
atiende load [--seconds N] [--customers N] [--base URL --smtp-port P]
                mixed traffic against the running local stack, with a report
"""

import argparse
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any, NoReturn

from local import (
    api_keys_cli,
    bot_cli,
    knowledge_cli,
    meta_cli,
    phone_cli,
    reports_cli,
    rules_cli,
    staffing_cli,
    webhook_cli,
)
from local.admin_calls import admin_token, local_base

HOST = "127.0.0.1"
# Commands that keep their own parser and code (``add_parser``; ``main``).
COMMAND_MODULES = (rules_cli, webhook_cli, knowledge_cli, bot_cli, staffing_cli, reports_cli, meta_cli, phone_cli)


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
    from local.live_socket import start_live_socket
    from local.mail_inbox import start_inbox
    from local.saved_state import StateKeeper, state_dir
    from local.stack import session_for, support_address
    from local.web import console_server

    keeper = StateKeeper(state_dir())
    restored = keeper.load()
    # Who hears of a change: the state keeper of every one, the stream workers of
    # the table's (DynamoDB), the queue workers of the rest (a message sent, a file
    # stored: its notification): a table write wakes no queue worker.
    told_of_changes: dict[str, list[Callable[[], None]]] = {
        "dynamodb": [keeper.mark_changed],
        "other": [keeper.mark_changed],
    }

    def changed(service: str) -> None:
        for tell in told_of_changes[service]:
            tell()

    aws = EmbeddedAWS(HOST, _port("ATIENDE_AWS_PORT", 4566), on_change=changed).start()
    session = session_for(aws.url)
    deployment, tickets, restored = _deployment(session, aws.url, restored, seed_demo)
    forget_settings()
    keeper.save()
    keeper.start()
    workers = _workers(session, deployment, told_of_changes)
    smtp_port = _port("ATIENDE_SMTP_PORT", 2525)
    raw_mail_bucket = deployment.stack.physical_ids["RawMailBucket"]
    inbox = start_inbox(session.client("s3"), raw_mail_bucket, support_address(), HOST, smtp_port)
    port = _port("ATIENDE_PORT", 8000)
    live = start_live_socket(HOST, _port("ATIENDE_LIVE_PORT", 8001), port)
    from local.connect_sandbox import ConnectSandbox

    connect = ConnectSandbox.for_stack(session, deployment.stack)
    web = console_server(HOST, port, _sandbox(port), live, _meta_sandbox(port), connect)
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    threading.Thread(target=web.server.serve_forever, name="console", daemon=True).start()
    _banner(port, aws.url, deployment.table_name, tickets, smtp_port, support_address())
    if restored:
        print(
            f"Estado restaurado / State restored from {state_dir()}  (atiende reset: empezar de cero / start clean)\n"
        )
    if started_at is not None:
        print(f"Reloj / Clock: ATIENDE_NOW={started_at.isoformat()} (sigue corriendo / keeps running)\n", flush=True)
    _whatsapp_banner(port)
    print(f"Cambios en vivo / Live updates (WebSocket)  {live.url}/?token=ID_TOKEN", flush=True)
    print(
        f"Chat web / Web chat  http://{HOST}:{port}/widget-demo.html  (widget: http://{HOST}:{port}/widget.js)\n",
        flush=True,
    )
    # Waiting in short steps: a signal may be delivered to any of the stack's threads,
    # and Python runs its handler only when the main thread runs bytecode again (an
    # Event.wait() without a timeout would sleep through Ctrl-C).
    while not stop.wait(0.5):
        pass
    print("\nDeteniendo Atiende… / Stopping Atiende…", flush=True)
    _stop_all(keeper, web, inbox, workers)


def _workers(session: Any, deployment: Any, told_of_changes: dict[str, list[Callable[[], None]]]) -> list[Any]:
    """What Lambda's event sources do in AWS: a worker per queue, per table
    stream and per schedule."""
    from local.lambda_runtime import (
        QueueWorker,
        ScheduleWorker,
        StreamWorker,
        queue_subscriptions,
        schedule_subscriptions,
        stream_subscriptions,
    )
    from local.stack import REGION

    # Idle queues are asked every 2 s; a change to the embedded AWS (a message
    # sent, a file stored) has every worker ask at once.
    subscriptions = queue_subscriptions(deployment.stack)
    queues = [QueueWorker(session.client("sqs"), s, poll_seconds=2).start() for s in subscriptions]
    told_of_changes["other"] += [queue.nudge for queue in queues]
    streams = [StreamWorker(session, s, poll_seconds=2).start() for s in stream_subscriptions(deployment.stack)]
    told_of_changes["dynamodb"] += [stream.nudge for stream in streams]
    workers: list[QueueWorker | StreamWorker | ScheduleWorker] = [*queues, *streams]
    # ATIENDE_SCHEDULE_SECONDS fires schedules faster than their rate (tests, demos).
    every = float(os.environ["ATIENDE_SCHEDULE_SECONDS"]) if os.environ.get("ATIENDE_SCHEDULE_SECONDS") else None
    workers += [ScheduleWorker(s, REGION, every).start() for s in schedule_subscriptions(deployment.stack)]
    return workers


# Stopping is bounded: a service manager sends SIGKILL some seconds after
# SIGTERM, and a user pressing Ctrl-C expects the prompt back.
DRAIN_SECONDS = 8.0
STOP_SECONDS = 30.0


def _stop_all(keeper: Any, web: Any, inbox: Any, workers: list[Any]) -> NoReturn:
    """Take no new work (API, SMTP, queues, streams, schedules), let the work in
    hand finish for up to DRAIN_SECONDS, save the state and leave, without the
    interpreter's own teardown (it spends many seconds collecting moto's objects
    one by one). A second signal, or STOP_SECONDS gone, leaves at once: the state
    file is replaced whole, so the last save stays readable."""
    started = time.monotonic()
    signal.signal(signal.SIGINT, _leave_now)
    signal.signal(signal.SIGTERM, _leave_now)
    watchdog = threading.Timer(STOP_SECONDS, _leave_now, args=(signal.SIGALRM, None))
    watchdog.daemon = True
    watchdog.start()
    for intake in (web.shutdown, inbox.stop):
        threading.Thread(target=intake, daemon=True).start()
    for worker in workers:
        worker.ask_to_stop()
    busy = [w.name for w in workers if not w.wait_stopped(max(0.0, started + DRAIN_SECONDS - time.monotonic()))]
    if busy:
        print(f"Sin terminar / Left unfinished: {', '.join(busy)}", flush=True)
    keeper.stop()
    print(f"Estado guardado / State saved ({time.monotonic() - started:.1f} s)", flush=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _leave_now(signum: int, frame: FrameType | None) -> None:
    print(f"Detenido sin esperar más / Stopped without waiting further (signal {signum})", flush=True)
    os._exit(1)


def _deployment(session: Any, aws_url: str, restored: bool, seed_demo: bool) -> tuple[Any, int, bool]:
    """The stack as the last run left it (its AWS restored), else deployed and
    seeded anew: (deployment, demo tickets seeded now, whether it was restored).
    The demo is seeded once, at the first run, never again on a restart."""
    from helpdesk.settings import forget_settings
    from local.saved_state import save_deployment, saved_deployment, state_dir
    from local.stack import as_saved, deploy, missing_from, redeploy

    saved = saved_deployment(state_dir())
    if restored and saved is not None and missing_from(saved):
        print("El estado guardado es de una versión anterior: se empieza de cero / "
              "The saved state is from an older version: starting clean", flush=True)  # fmt: skip
        import requests

        requests.post(f"{aws_url}/moto-api/reset", timeout=30)
        restored = False
    if restored and saved is not None:
        return redeploy(saved, aws_url), 0, True
    deployment = deploy(session, aws_url)
    forget_settings()
    tickets = _seed(session, deployment.user_pool_id) if seed_demo else 0
    save_deployment(state_dir(), as_saved(deployment, aws_url))
    return deployment, tickets, False


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
        f"  Centro de ayuda       {base}/ayuda/   (Help center {base}/help/; contacto / contact {base}/ayuda/contacto)",
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
        "Base de conocimiento / Knowledge base:  .venv/bin/atiende kb import|export DIR",
        "Ctrl-C para detener / to stop",
        "",
    ]
    print("\n".join(lines), flush=True)


def _sandbox(port: int) -> Any:
    from local.stack import SANDBOX_DISPLAY_NUMBER, whatsapp_secrets
    from local.whatsapp_sandbox import WhatsAppSandbox

    secrets = whatsapp_secrets()
    return WhatsAppSandbox(
        webhook_url=f"http://{HOST}:{port}/webhooks/whatsapp",
        app_secret=secrets["WhatsAppAppSecret"],
        phone_number_id=secrets["WhatsAppPhoneNumberId"],
        display_number=SANDBOX_DISPLAY_NUMBER.lstrip("+"),
    )


def _meta_sandbox(port: int) -> Any:
    from local.meta_sandbox import MetaSandbox
    from local.stack import meta_secrets

    return MetaSandbox(base_url=f"http://{HOST}:{port}", app_secret=meta_secrets()["MetaAppSecret"])


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
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  # nosec B310
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
    # (moto lists some resources without their logical id: conditional ones it skipped)
    table = next(r["PhysicalResourceId"] for r in resources if r.get("LogicalResourceId") == "HelpdeskTable")
    os.environ["TABLE_NAME"] = table
    forget_settings()
    print(f"{_seed(session, pool_id)} demo tickets")
    return 0


def reset() -> int:
    from local.saved_state import forget, state_dir

    forget(state_dir())
    print(f"Estado borrado / State forgotten: {state_dir()}")
    return 0


def token(email: str | None) -> int:
    from local.stack import DEFAULT_EMAIL, DEMO_PASSWORD, find_user_pool, session_for, sign_in

    session = session_for(_aws_url())
    try:
        _, client_id = find_user_pool(session)
    except LookupError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(sign_in(session, client_id, email or DEFAULT_EMAIL, DEMO_PASSWORD))
    return 0


def _stack_session(stack_name: str | None, region: str | None) -> tuple[Any, str | None, str]:
    """The session, endpoint and stack name a command acts on: the local stack of
    `atiende run` by default, a deployed stack with ``--stack`` (the operator's credentials)."""
    import boto3

    from local.stack import STACK_NAME, session_for

    if stack_name is None:
        return session_for(_aws_url()), _aws_url(), STACK_NAME
    return boto3.Session(region_name=region), None, stack_name


def search_backfill(stack_name: str | None, region: str | None, from_number: int | None, most: int | None) -> int:
    """Index the tickets written before the search index existed, from the
    backfill's checkpoint (``helpdesk.search.indexing.backfill``)."""
    from botocore.exceptions import BotoCoreError

    from helpdesk.search.indexing import backfill
    from helpdesk.settings import StoreSettings
    from helpdesk.store import HelpdeskStore
    from local.admin import HelpdeskStack, StackNotFound

    session, endpoint, stack_name = _stack_session(stack_name, region)
    try:
        stack = HelpdeskStack.found(session, stack_name, endpoint)
    except (StackNotFound, BotoCoreError) as exc:
        print(f"No se encontró la pila / Stack not found: {exc}", file=sys.stderr)
        return 1
    settings = StoreSettings.model_validate(
        {"TABLE_NAME": stack.table_name, "AWS_REGION": stack.region, "AWS_ENDPOINT_URL": stack.endpoint_url}
    )
    store = HelpdeskStore(settings)
    if from_number is not None:
        store.save_backfill_checkpoint(max(from_number - 1, 0))
    progress = backfill(store, most=most)
    print(
        f"{progress.indexed} tickets indexados / indexed ({progress.writes} escrituras / writes); "
        f"hasta / through #{progress.done_through} de / of #{progress.last_number}"
    )
    return 0


def admin_create(email: str, name: str, role: str, stack_name: str | None, region: str | None) -> int:
    """The first administrator: the local stack's by default, a deployed stack's
    with ``--stack`` (the operator's AWS credentials)."""
    from botocore.exceptions import BotoCoreError

    from helpdesk.access import Role
    from helpdesk.errors import HelpdeskError
    from local.admin import HelpdeskStack, StackNotFound, create_agent

    session, endpoint, stack_name = _stack_session(stack_name, region)
    try:
        stack = HelpdeskStack.found(session, stack_name, endpoint)
        agent = create_agent(session, stack, email, name, Role(role))
    except (StackNotFound, HelpdeskError, BotoCoreError) as exc:
        where = "la pila local / the local stack (`make run`)" if endpoint else f"stack {stack_name}"
        print(f"No se pudo crear / Could not create {email} in {where}: {exc}", file=sys.stderr)
        return 1
    print(
        f"{agent.email} ({agent.role}) creado / created: Cognito le envió una contraseña temporal "
        f"/ Cognito e-mailed a temporary password. id {agent.id}"
    )
    return 0


def _stage_command(command: str, stage: str) -> int:
    from local import deployment

    steps = {"deploy": deployment.deploy, "destroy": deployment.destroy, "publish-console": deployment.publish}
    try:
        return steps[command](stage)
    except subprocess.CalledProcessError as exc:  # the SAM CLI said why
        return exc.returncode


def _search_commands(commands: Any) -> None:
    search_parser = commands.add_parser("search", help="the ticket search index")
    search_commands = search_parser.add_subparsers(dest="search_command", required=True)
    backfill_parser = search_commands.add_parser(
        "backfill", help="index the tickets written before the index (resumable, idempotent)"
    )
    backfill_parser.add_argument("--stack", help="a deployed stack's name (default: the local stack)")
    backfill_parser.add_argument("--region", help="the deployed stack's region")
    backfill_parser.add_argument("--from", dest="from_number", type=int, help="start over from this ticket number")
    backfill_parser.add_argument("--most", type=int, help="stop after this many tickets (run it in pieces)")


def load(seconds: float | None, customers: int | None, base: str | None, smtp_port: int | None) -> int:
    """A bounded load run against the stack of `atiende run` (or the one named):
    the report, and 1 when anything failed or a message is not where it belongs."""
    from local.load import DEFAULT_CUSTOMERS, DEFAULT_SECONDS, Target, run_load

    seconds = DEFAULT_SECONDS if seconds is None else seconds
    customers = DEFAULT_CUSTOMERS if customers is None else customers

    target = Target.local(
        base or f"http://{HOST}:{_port('ATIENDE_PORT', 8000)}", smtp_port or _port("ATIENDE_SMTP_PORT", 2525)
    )
    print(
        f"Carga contra / Load against {target.base} (SMTP {HOST}:{target.smtp_port}): {seconds:g} s, "
        f"{customers} clientes / customers…",
        flush=True,
    )
    report = run_load(target, seconds, customers, say=lambda line: print(line, flush=True))
    print("\n".join(report.lines()), flush=True)
    return 0 if report.passed else 1


def _add_admin(commands: Any) -> None:
    from helpdesk.access import Role

    admin_parser = commands.add_parser("admin", help="manage a help desk's agents from the terminal")
    admin_commands = admin_parser.add_subparsers(dest="admin_command", required=True)
    create = admin_commands.add_parser(
        "create",
        help="create an administrator (Cognito e-mails them a temporary password)",
        description="Create an agent in the help desk's user pool and agents table: Cognito e-mails them "
        "the invitation with a temporary password (the local stack shows it at /dev/outbox).",
    )
    create.add_argument("--email", required=True, help="their e-mail address (their username)")
    create.add_argument("--name", required=True, help="their name as agents see it")
    create.add_argument("--role", default=Role.ADMIN.value, choices=[r.value for r in Role], help="default: admin")
    create.add_argument("--stack", help="a deployed stack's name (default: the local stack of `atiende run`)")
    create.add_argument("--region", help="the deployed stack's region (default: AWS_REGION or the AWS profile's)")


def _add_load(commands: Any) -> None:
    # The defaults (local.load's) are filled in by load(): importing the load
    # tooling here would cost every command most of a second.
    load_parser = commands.add_parser(
        "load",
        help="mixed traffic (WhatsApp, mail, agents) against the running local stack, with a report",
        description="Customers write on WhatsApp (signed webhooks) and by e-mail (SMTP) while the demo agents "
        "poll and reply; reports throughput, acknowledgement latency, backlog drain and errors, and checks every "
        "message is on exactly one ticket, in order. Exits 1 on any error or a failed check.",
    )
    load_parser.add_argument("--seconds", type=float, help="how long customers write")
    load_parser.add_argument("--customers", type=int, help="one in four by e-mail")
    load_parser.add_argument("--base", help="the stack's URL (default: http://127.0.0.1:ATIENDE_PORT)")
    load_parser.add_argument("--smtp-port", type=int, help="its SMTP inbox (default: ATIENDE_SMTP_PORT or 2525)")


def main(argv: list[str] | None = None) -> int:

    parser = argparse.ArgumentParser(prog="atiende", description="Atiende local help desk")
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="start the whole help desk on 127.0.0.1")
    run_parser.add_argument("--no-seed", action="store_true", help="start empty, without the demo")
    commands.add_parser("seed", help="seed the demo into the running local stack")
    commands.add_parser("reset", help="forget the saved local state: the next run starts clean")
    token_parser = commands.add_parser("token", help="print an ID token for a demo agent")
    token_parser.add_argument("--email", help="demo agent e-mail (default: the admin)")
    wa_parser = commands.add_parser("wa", help="play a WhatsApp customer against the local stack")
    wa_commands = wa_parser.add_subparsers(dest="wa_command", required=True)
    wa_send = wa_commands.add_parser("send", help="send a message as a customer")
    wa_send.add_argument("--from", dest="sender", required=True, help="the customer's number, e.g. +50255550123")
    wa_send.add_argument("--name", default="Cliente", help="the customer's WhatsApp profile name")
    wa_send.add_argument("--image", help="a picture to send, with the text as its caption")
    wa_send.add_argument("text")
    package_parser = commands.add_parser("package", help="build every Lambda zip (functions and layer) under build/")
    package_parser.add_argument(
        "--here", action="store_true", help="for this machine's Python and platform, not Lambda's (tests)"
    )
    for command, text in (
        ("deploy", "deploy a stage with the SAM CLI (make package first)"),
        ("destroy", "delete a stage's stack"),
        ("publish-console", "put frontend/ into a deployed stage's console bucket"),
    ):
        stage_parser = commands.add_parser(command, help=text)
        stage_parser.add_argument("--stage", default="prod", help="the stage (samconfig.toml's environment)")
    _add_admin(commands)
    api_keys_cli.add_commands(commands)
    for command_module in COMMAND_MODULES:
        command_module.add_parser(commands)
    _search_commands(commands)
    _add_load(commands)
    args = parser.parse_args(argv)
    match args.command:
        case "run":
            return run(seed_demo=not args.no_seed)
        case "seed":
            return seed_running()
        case "reset":
            return reset()
        case "token":
            return token(args.email)
        case "wa":
            return whatsapp_send(args.sender, args.name, args.text, args.image)
        case "messenger" | "instagram":
            return meta_cli.main(args)
        case "package":
            from local.packaging import main as package

            return package(here=args.here)
        case "deploy" | "destroy" | "publish-console":
            return _stage_command(args.command, args.stage)
        case "rules":
            return rules_cli.main(args)
        case "webhook":
            return webhook_cli.main(args)
        case "phone":
            return phone_cli.main(args)
        case "kb":
            return knowledge_cli.main(args)
        case "bot":
            return bot_cli.main(args, _aws_url())
        case "staffing":
            return staffing_cli.main(args)
        case "reports":
            return reports_cli.main(args, _stack_session)
        case "apikey":
            return api_keys_cli.run(args, local_base(), admin_token)
        case "admin":
            return admin_create(args.email, args.name, args.role, args.stack, args.region)
        case "search":
            return search_backfill(args.stack, args.region, args.from_number, args.most)
        case "load":
            return load(args.seconds, args.customers, args.base, args.smtp_port)
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())

"""``atiende reports backfill``: fold every ticket's current state into the KPI
rollups (``helpdesk.reports.recording.backfill_rollups``), on the local stack of
`atiende run` or a deployed one (``--stack``). Idempotent: tickets the stream
already counted change nothing.

atiende reports backfill [--stack NAME] [--region R] [--from N] [--most N]
"""

import sys
from typing import Any


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("reports", help="the KPI rollups")
    reports = parser.add_subparsers(dest="reports_command", required=True)
    backfill = reports.add_parser("backfill", help="rebuild the rollups from the tickets (idempotent)")
    backfill.add_argument("--stack", help="a deployed stack's name (default: the local stack)")
    backfill.add_argument("--region", help="the deployed stack's region")
    backfill.add_argument("--from", dest="from_number", type=int, default=1, help="the first ticket number")
    backfill.add_argument("--most", type=int, help="at most this many tickets (run it in pieces)")


def main(args: Any, stack_session: Any) -> int:
    from botocore.exceptions import BotoCoreError

    from helpdesk.reports.recording import backfill_rollups
    from helpdesk.settings import StoreSettings
    from helpdesk.store import HelpdeskStore
    from local.admin import HelpdeskStack, StackNotFound

    session, endpoint, stack_name = stack_session(args.stack, args.region)
    try:
        stack = HelpdeskStack.found(session, stack_name, endpoint)
    except (StackNotFound, BotoCoreError) as exc:
        print(f"No se encontró la pila / Stack not found: {exc}", file=sys.stderr)
        return 1
    settings = StoreSettings.model_validate(
        {"TABLE_NAME": stack.table_name, "AWS_REGION": stack.region, "AWS_ENDPOINT_URL": stack.endpoint_url}
    )
    done = backfill_rollups(HelpdeskStore(settings), first=max(args.from_number, 1), most=args.most)
    print(
        f"{done.tickets} tickets leídos / read, {done.changed} con cambios / changed; "
        f"hasta / through #{done.done_through} de / of #{done.last_number}"
    )
    return 0

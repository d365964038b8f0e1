"""``atiende bot ask [--locale es|en] [--tier T] [--country CC] "texto"``: what
the assistant would answer, on the knowledge base of the running local stack
(its index in the stack's knowledge bucket, as the functions read it), as one
JSON line: ``{"handoff", "articles", "answer", "confidence"}``. Without a tier
or a country it reads the public index, as the web chat does for a visitor;
with one, the index the WhatsApp, Messenger and Instagram assistant reads for a
contact of that tier or country (their segment articles too). Nothing is stored."""

import json
import sys
from typing import Any


def add_parser(commands: Any) -> None:
    bot_parser = commands.add_parser("bot", help="the web chat's assistant, on the running local stack")
    bot_commands = bot_parser.add_subparsers(dest="bot_command", required=True)
    ask = bot_commands.add_parser("ask", help="print the assistant's answer to a question as one JSON line")
    ask.add_argument("--locale", choices=("es", "en"), default="es")
    ask.add_argument("--tier", help="a contact of this tier (e.g. vip): its segment articles too")
    ask.add_argument("--country", help="a contact of this country (ISO code, e.g. GT): its segment articles too")
    ask.add_argument("text")


def main(args: Any, aws_url: str) -> int:
    from helpdesk.assistant.turns import decide
    from helpdesk.knowledge.finding import IndexShelf
    from helpdesk.models import Language
    from helpdesk.providers.files import S3FileStore
    from local.saved_state import saved_deployment, state_dir
    from local.stack import session_for

    saved = saved_deployment(state_dir())
    bucket = (saved or {}).get("environment", {}).get("KNOWLEDGE_BUCKET")
    if not bucket:
        print("No hay una pila local: `atiende run` primero / No local stack: run `atiende run` first", file=sys.stderr)
        return 1
    shelf = IndexShelf(S3FileStore(session_for(aws_url).client("s3")), bucket)
    known = args.tier or args.country
    search = shelf.for_contact(args.tier, args.country.upper() if args.country else None) if known else shelf.public()
    decision = decide(search, args.text, Language(args.locale))
    line = {"handoff": decision.handoff, "articles": list(decision.articles), "answer": decision.answer,
            "confidence": decision.confidence}  # fmt: skip
    print(json.dumps(line, ensure_ascii=False))
    return 0

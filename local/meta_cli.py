"""``atiende messenger send`` and ``atiende instagram send``: play a customer
writing to the page on Messenger or to its Instagram account, against the
running local stack (its sandbox signs the webhook as Meta does)."""

import argparse
import base64
import json
import mimetypes
import os
import urllib.request
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"


def add_parser(commands: Any) -> None:
    for product, label in (("messenger", "Messenger"), ("instagram", "Instagram")):
        parser = commands.add_parser(product, help=f"play a {label} customer against the local stack")
        product_commands = parser.add_subparsers(dest=f"{product}_command", required=True)
        send = product_commands.add_parser("send", help="send a message as a customer")
        send.add_argument("--name", required=True, help=f"the customer's {label} name")
        scoped = "PSID (page-scoped id)" if product == "messenger" else "IGSID (Instagram-scoped id)"
        send.add_argument("--from", dest="sender", help=f"the customer's {scoped}; a new one when left out")
        send.add_argument("--image", help="a picture to send with the text")
        if product == "instagram":
            send.add_argument("--story-reply", action="store_true", help="as a reply to one of the account's stories")
        send.add_argument("text", nargs="?", default="")


def main(args: argparse.Namespace) -> int:
    from local.meta_sandbox import new_scoped_id

    sender = args.sender or new_scoped_id()
    body: dict[str, Any] = {"product": args.command, "from": sender, "name": args.name, "text": args.text,
                            "story_reply": bool(getattr(args, "story_reply", False))}  # fmt: skip
    if args.image:
        body["image_base64"] = base64.b64encode(Path(args.image).read_bytes()).decode()
        body["mime_type"] = mimetypes.guess_type(args.image)[0] or "image/jpeg"
    port = int(os.environ.get("ATIENDE_PORT", "8000"))
    request = urllib.request.Request(
        f"http://{HOST}:{port}/sandbox/meta/customer",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  # nosec B310
        answer = json.loads(response.read())
    print(json.dumps({"from": sender, "mid": answer["mid"]}))
    return 0

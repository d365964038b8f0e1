"""Choices under a message (reply buttons, lists) as a queued message carries
them: an ``interactive`` notice its channel's sender reads. WhatsApp sends
them as reply buttons (at most 3, titles ≤ 20 characters) or a list (10 rows,
titles ≤ 24); Messenger and Instagram as quick replies (at most 13, titles
≤ 20 characters)."""

import json
from dataclasses import dataclass

from helpdesk.models import Message, Notice

KEY = "interactive"


@dataclass(frozen=True)
class Interactive:
    style: str  # "buttons" or "list"
    options: tuple[tuple[str, str], ...]  # (id, title)
    button: str = ""  # the list's button label


def interactive_notice(style: str, options: tuple[tuple[str, str], ...], button: str = "") -> Notice:
    return Notice(key=KEY, params={"style": style, "options": json.dumps(options), "button": button})


def interactive_of(message: Message) -> Interactive | None:
    notice = next((n for n in message.notices if n.key == KEY), None)
    if notice is None:
        return None
    options = tuple((str(i), str(t)) for i, t in json.loads(notice.params.get("options", "[]")))
    return Interactive(notice.params.get("style", "buttons"), options, notice.params.get("button", ""))

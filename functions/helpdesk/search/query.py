"""What an agent's search says: words (any order, every one must match),
``"exact phrases"``, ``-excluded`` words, and filters:

| filter | example |
|---|---|
| ``status:`` ``priority:`` ``channel:`` | ``status:open`` ``priority:urgent`` ``channel:whatsapp`` |
| ``group:`` (name or id) ``assignee:`` (``me``, ``none`` or an id) | ``group:facturación`` ``assignee:me`` |
| ``tag:`` | ``tag:vip`` |
| ``from:`` an address or a number, any format | ``from:ana@correo.example`` ``from:"+504 9999-1234"`` |
| ``created`` / ``updated`` before or after a day | ``created>2026-11-01`` ``updated<2026-12-01`` |

A filter whose value cannot be read is refused (``InvalidSearch``), never
silently dropped.
"""

import re
import shlex
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

from helpdesk.errors import InvalidSearch
from helpdesk.language.analysis import fold
from helpdesk.models import Channel, Priority, TicketStatus

MAX_QUERY_WORDS = 6  # words (and phrase words) a search reads postings for


@dataclass(frozen=True)
class Filters:
    statuses: tuple[TicketStatus, ...] = ()
    priorities: tuple[Priority, ...] = ()
    channels: tuple[Channel, ...] = ()
    groups: tuple[str, ...] = ()  # names or ids, folded
    assignee: str | None = None  # "me", "none" or an agent id
    tags: tuple[str, ...] = ()  # folded
    senders: tuple[str, ...] = ()  # addresses or numbers as written
    created_after: datetime | None = None
    created_before: datetime | None = None
    updated_after: datetime | None = None
    updated_before: datetime | None = None


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""  # the free words, as written (numbers and addresses keep their form)
    phrases: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    filters: Filters = field(default_factory=Filters)

    @property
    def has_words(self) -> bool:
        return bool(self.text.strip() or self.phrases)


FILTER = re.compile(r"^(?P<name>[a-z]+)(?P<op>:|>=|<=|>|<)(?P<value>.+)$", re.IGNORECASE)
DATE_FILTERS = ("created", "updated")
NUMBER_PIECE = re.compile(r"[\d()+\-.]+")


def parse_query(text: str) -> SearchQuery:
    """An agent's search as its parts."""
    try:
        parts = shlex.split(text.replace("'", "\u2019"), posix=True)
        quoted = [m.group(1) for m in re.finditer(r'(?<![:<>=])"([^"]+)"', text)]
    except ValueError:  # an unclosed quote: read the text as words
        parts, quoted = text.replace('"', " ").split(), []
    phrases = [phrase.strip() for phrase in quoted if " " in phrase.strip()]
    words: list[str] = []
    excluded: list[str] = []
    found: dict[str, list[str]] = {}
    last = ""
    for part in parts:
        if part in phrases:
            continue
        if last == "from" and NUMBER_PIECE.fullmatch(part) and NUMBER_PIECE.fullmatch(found["from"][-1]):
            found["from"][-1] += f" {part}"  # from:+504 9999-1234, a number written in pieces
            continue
        last = ""
        if (match := FILTER.match(part)) and _is_filter(match.group("name"), match.group("op")):
            name, op = match.group("name").casefold(), match.group("op")
            found.setdefault(f"{name}{op if name in DATE_FILTERS else ''}", []).append(match.group("value"))
            last = name
        elif part.startswith("-") and len(part) > 1 and not part[1:2].isdigit():
            excluded.append(part[1:])
        else:
            words.append(part)
    return SearchQuery(text=" ".join(words), phrases=tuple(phrases), excluded=tuple(excluded), filters=_filters(found))


KNOWN = ("status", "priority", "channel", "group", "assignee", "tag", "from")


def _is_filter(name: str, op: str) -> bool:
    name = name.casefold()
    return (op == ":" and name in KNOWN) or (op != ":" and name in DATE_FILTERS)


def _filters(found: dict[str, list[str]]) -> Filters:
    def many(name: str) -> list[str]:
        return [value for raw in found.get(name, []) for value in raw.split(",") if value]

    assignees = many("assignee")
    return Filters(
        statuses=tuple(_enum(TicketStatus, value, "status") for value in many("status")),
        priorities=tuple(_enum(Priority, value, "priority") for value in many("priority")),
        channels=tuple(_enum(Channel, value, "channel") for value in many("channel")),
        groups=tuple(fold(value) for value in many("group")),
        assignee=assignees[-1] if assignees else None,
        tags=tuple(fold(value) for value in many("tag")),
        senders=tuple(found.get("from", [])),
        created_after=_day(found, "created>", after=True),
        created_before=_day(found, "created<", after=False),
        updated_after=_day(found, "updated>", after=True),
        updated_before=_day(found, "updated<", after=False),
    )


E = TypeVar("E", TicketStatus, Priority, Channel)


# The values in Spanish too, as the console shows them.
SPANISH_VALUES = {
    "nuevo": "new", "abierto": "open", "pendiente": "pending", "en_espera": "on_hold", "resuelto": "solved",
    "cerrado": "closed", "baja": "low", "alta": "high", "urgente": "urgent", "correo": "email",
    "formulario": "web_form", "telefono": "phone", "llamada": "phone",
}  # fmt: skip


def _enum(kind: type[E], value: str, name: str) -> E:
    folded = fold(value).replace("-", "_")
    try:
        return kind(SPANISH_VALUES.get(folded, folded))
    except ValueError:
        raise InvalidSearch(f"{name}:{value}") from None


def _day(found: dict[str, list[str]], name: str, after: bool) -> datetime | None:
    """``created>2026-11-01``: after that day (``>=``: from its start);
    ``created<2026-12-01``: before it (``<=``: through its end)."""
    inclusive = found.get(f"{name}=", [])
    exclusive = found.get(name, [])
    if not (inclusive or exclusive):
        return None
    value = (inclusive or exclusive)[-1]
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InvalidSearch(f"{name}{value}") from None
    start = datetime.combine(day, time.min, tzinfo=UTC)
    if after:
        return start if inclusive else start + timedelta(days=1)
    return start + timedelta(days=1) if inclusive else start

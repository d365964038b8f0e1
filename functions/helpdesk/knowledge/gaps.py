"""Content gaps: what customers asked that the knowledge base did not answer.

A public search that finds nothing, and a question sent through the contact
form, count toward their **normalized query** (the terms the search reads:
folded, stemmed, greetings and stop words out, in alphabetical order), so
"¿Pagan con PayPal?" and "paypal pagar" are one gap. E-mail addresses and phone
numbers never reach the record: they are left out of the query and of its
example. Editors see the gaps newest first (``GET /api/kb/content-gaps``).
"""

import re
from datetime import datetime

from pydantic import AwareDatetime, ConfigDict

from helpdesk.language.analysis import EMAIL, PHONE, TokenKind, tokens
from helpdesk.models import Language
from helpdesk.store import HelpdeskStore
from helpdesk.validated import Validated

MAX_QUERY_CHARS = 200
SHOWN = 200  # gaps an editor's view lists


class ContentGap(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")

    query: str
    example: str
    locale: Language
    searches: int
    contacts: int
    last_at: AwareDatetime


def normalized(text: str, locale: Language) -> str:
    """The query as the index reads it, without addresses or numbers ("" when nothing is left)."""
    found = list(tokens(text, locale))
    personal = [(t.start, t.end) for t in found if t.kind is not TokenKind.WORD]  # addresses, numbers
    words = [
        t.term
        for t in found
        if t.kind is TokenKind.WORD and not t.term.isdigit() and not any(s <= t.start < e for s, e in personal)
    ]
    return " ".join(sorted(set(words)))[:MAX_QUERY_CHARS]


def _example(text: str) -> str:
    """What the person typed, without e-mail addresses and phone numbers."""
    return " ".join(PHONE.sub("…", EMAIL.sub("…", text)).split())[:MAX_QUERY_CHARS]


def record(store: HelpdeskStore, text: str, locale: Language, at: datetime, contact: bool = False) -> bool:
    """Count a search that found nothing (or a contact); False when the text
    held nothing to count (greetings only, an address)."""
    query = normalized(text, locale)
    if not query or not re.search(r"[a-z]", query):
        return False
    store.record_content_gap(query, _example(text), locale.value, at, contact)
    return True


def content_gaps(store: HelpdeskStore) -> list[ContentGap]:
    return [ContentGap.model_validate(row) for row in store.content_gaps(SHOWN)]

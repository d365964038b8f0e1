"""The line of a ticket that shows why search found it: the first text with a
matching word, cut around it, HTML-escaped, the matching words in ``<mark>``."""

from collections.abc import Iterable
from html import escape

from helpdesk.language.analysis import tokens
from helpdesk.models import Language, SearchText

SNIPPET_CHARS = 180
BEFORE_MATCH = 60
# Where a match shows best: what was said, then the subject, then the rest.
FIELD_ORDER = ("inbound", "outbound", "note", "subject", "attachment", "field", "tag", "contact", "number")


def snippet(texts: Iterable[SearchText], matched: set[str], language: Language = Language.SPANISH) -> str:
    """Safe HTML: a piece of the best text with the matched terms marked; the
    subject (or nothing) when no text has them."""
    ordered = sorted(texts, key=lambda t: FIELD_ORDER.index(t.field) if t.field in FIELD_ORDER else len(FIELD_ORDER))
    for text in ordered:
        spans = _merged([(t.start, t.end) for t in tokens(text.text, language) if t.term in matched])
        if spans:
            return _cut(text.text, spans)
    subject = next((t.text for t in ordered if t.field == "subject"), "")
    return escape(subject[:SNIPPET_CHARS])


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _cut(text: str, spans: list[tuple[int, int]]) -> str:
    start = max(0, spans[0][0] - BEFORE_MATCH)
    if start > 0 and (space := text.find(" ", start, spans[0][0])) != -1:
        start = space + 1
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text) and (space := text.rfind(" ", spans[0][1], end)) != -1:
        end = space
    pieces = ["…" if start > 0 else ""]
    at = start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        pieces += [escape(text[at:span_start]), "<mark>", escape(text[span_start:span_end]), "</mark>"]
        at = span_end
    pieces.append(escape(text[at:end]))
    pieces.append("…" if end < len(text) else "")
    return " ".join("".join(pieces).split())

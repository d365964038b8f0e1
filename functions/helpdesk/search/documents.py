"""What of a ticket search finds it by: every message (the customer's, the
agents' replies and their internal notes), the subject, the contact's name,
addresses and numbers, the addresses copied, tags, custom field values,
attachment file names and the ticket number. What the help desk wrote by
itself (the acknowledgment of a new mail with its status link, a survey's
invitation) is left out: the same words in every ticket tell none apart, and
each word would cost a posting written per ticket. Each text is read in the
contact's language (``helpdesk.language.analysis``) and each term weighs as
much as the heaviest field it appears in."""

from collections.abc import Iterable

from helpdesk.language.analysis import terms
from helpdesk.models import (
    ActorKind,
    Contact,
    Language,
    Message,
    MessageKind,
    SearchDocument,
    SearchText,
    Ticket,
)

# How much a term weighs by where it was written: the subject and who wrote
# say more about a ticket than one word among a long conversation.
FIELD_WEIGHTS = {
    "subject": 3,
    "contact": 3,
    "number": 3,
    "tag": 2,
    "field": 2,
    "attachment": 2,
    "inbound": 1,
    "outbound": 1,
    "note": 1,
}
MESSAGE_FIELDS = {MessageKind.INBOUND: "inbound", MessageKind.OUTBOUND: "outbound", MessageKind.NOTE: "note"}
MAX_TEXT_CHARS = 4_000  # of one message, kept for snippets and exact phrases
MAX_DOCUMENT_CHARS = 120_000  # of one ticket's texts (an item holds 400 KB)


def month_of(ticket: Ticket) -> str:
    """The shard of a ticket's postings: the month it was created."""
    return f"{ticket.created_at:%Y-%m}"


def searchable_texts(ticket: Ticket, contact: Contact | None, messages: Iterable[Message]) -> list[SearchText]:
    """Everything of the ticket an agent may look for, field by field."""
    texts = [SearchText(field="number", text=f"#{ticket.number}")]
    if ticket.subject:
        texts.append(SearchText(field="subject", text=ticket.subject))
    if contact is not None:
        who = [contact.name, *(identity.value for identity in contact.identities)]
        texts.append(SearchText(field="contact", text=" ".join(part for part in who if part)))
    if ticket.cc:
        texts.append(SearchText(field="contact", text=" ".join(ticket.cc)))
    texts += [SearchText(field="tag", text=tag.replace("_", " ").replace("-", " ")) for tag in ticket.tags]
    for value in ticket.custom_fields.values():
        if isinstance(value, str | int | float) and not isinstance(value, bool) and str(value).strip():
            texts.append(SearchText(field="field", text=str(value)))
    for message in messages:
        field = MESSAGE_FIELDS.get(message.kind)
        if field is None or message.author.kind is ActorKind.SYSTEM:
            continue
        if message.text.strip():
            texts.append(SearchText(field=field, text=message.text[:MAX_TEXT_CHARS]))
        names = [a.filename.replace("_", " ") for a in message.attachments if a.filename]
        if names:
            texts.append(SearchText(field="attachment", text=" ".join(names)))
    return texts


def document_of(ticket: Ticket, contact: Contact | None, messages: Iterable[Message]) -> SearchDocument:
    """The ticket as the index holds it: its terms, weighed, and its texts."""
    language = contact.language if contact is not None else Language.SPANISH
    weights: dict[str, int] = {}
    kept: list[SearchText] = []
    size = 0
    for text in searchable_texts(ticket, contact, messages):
        weight = FIELD_WEIGHTS[text.field]
        for term in terms(text.text, language):
            weights[term] = max(weights.get(term, 0), weight)
        if size + len(text.text) <= MAX_DOCUMENT_CHARS:
            kept.append(text)
            size += len(text.text)
    return SearchDocument(ticket_id=ticket.id, month=month_of(ticket), terms=weights, texts=tuple(kept))

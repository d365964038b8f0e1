"""A contact's personal data on request: export everything the help desk keeps
about them, or erase it.

Erasure keeps what the reports need (tickets with their channel, status,
priority, group, times and SLA outcome; messages with their kind, author kind
and times) and removes what identifies the person or what they wrote: the
contact's name and identities, ticket subjects, CCs and custom fields, every
message's text, HTML, attachments and raw original (all S3 versions), and the
old and new values of those fields in the ticket history.
"""

from datetime import datetime

from pydantic import ConfigDict

from helpdesk.admin.audit import audit_entry
from helpdesk.errors import HelpdeskError
from helpdesk.files import FileStore
from helpdesk.models import Actor, ActorKind, Contact, FieldChange, Message, TicketEvent, TicketThread
from helpdesk.people.changes import MOST_TICKETS, ContactWrite, live_contact, rewrite_contact
from helpdesk.search.indexing import forget_contact
from helpdesk.store import HelpdeskStore
from helpdesk.tickets.changes import change_until_saved
from helpdesk.validated import Validated

PERSONAL_FIELDS = frozenset({"subject", "cc", "custom_fields", "contact_id", "name", "identities"})


class ErasureNotConfirmed(HelpdeskError):
    message_key = "error.erasure_not_confirmed"


class ContactExport(Validated):
    """Everything kept about one contact (attachments as references)."""

    model_config = ConfigDict(frozen=True)

    exported_at: datetime
    contact: Contact
    tickets: tuple[TicketThread, ...]


class Erasure(Validated):
    model_config = ConfigDict(frozen=True)

    contact_id: str
    erased_at: datetime
    tickets: int
    messages: int
    files: int  # S3 object versions deleted


def export_contact(store: HelpdeskStore, contact_id: str, actor: Actor, now: datetime) -> ContactExport:
    contact = live_contact(store, contact_id)
    threads = tuple(
        thread
        for ticket in store.tickets_of_contact(contact.id, limit=MOST_TICKETS)
        if (thread := store.get_thread(ticket.id)) is not None
    )
    store.record_audit(audit_entry(actor, "contact.exported", contact.id, None, None, now))
    return ContactExport(exported_at=now, contact=contact, tickets=threads)


def erase_contact(store: HelpdeskStore, files: FileStore, contact_id: str, actor: Actor, now: datetime) -> Erasure:
    """Erase the contact's personal data; safe to run again (it finishes an
    erasure cut short)."""
    contact = live_contact(store, contact_id)
    tickets = messages = deleted = 0
    for ticket in store.tickets_of_contact(contact.id, limit=MOST_TICKETS):
        thread = store.get_thread(ticket.id)
        if thread is None:
            continue
        for message in thread.messages:
            for file in (*message.attachments, *([message.original] if message.original else [])):
                deleted += files.erase(file.bucket, file.key)
            erased = _erased_message(message)
            if erased != message:
                store.replace_message(erased)
                messages += 1
        for event in thread.events:
            if (redacted := _redacted_event(event)) != event:
                store.replace_event(redacted)
        _erase_survey_comment(store, ticket.id)
        change_until_saved(
            store,
            ticket.id,
            actor,
            lambda _: {"subject": "", "cc": (), "custom_fields": {}},
            note=FieldChange(field="personal_data", new="erased"),
            redact=True,
        )
        tickets += 1
    for channel, ticket_id in store.open_conversations(contact.id).items():
        store.end_conversation(contact.id, channel, ticket_id)
    if contact.picture is not None:
        deleted += files.erase(contact.picture.bucket, contact.picture.key)
    erased_at = _erase_contact_record(store, contact.id, actor, now).erased_at or now
    # Their words leave the search index now, not at the stream's next batch.
    forget_contact(store, contact, [t.id for t in store.tickets_of_contact(contact.id, limit=MOST_TICKETS)])
    return Erasure(contact_id=contact.id, erased_at=erased_at, tickets=tickets, messages=messages, files=deleted)


def _erase_survey_comment(store: HelpdeskStore, ticket_id: str) -> None:
    """A survey's comment is the customer's words: gone (the scores stay, they are no one's data)."""
    found = store.get_survey(ticket_id)
    if found is None or not found[0].get("comment"):
        return
    survey = {**found[0], "comment": None}
    sent_at = datetime.fromisoformat(str(survey["sent_at"]))
    store.save_survey_answer(survey, str(survey["contact_id"]), sent_at, ticket_id, found[1])


def _erased_message(message: Message) -> Message:
    author = message.author
    if author.kind is ActorKind.CONTACT:
        author = author.model_copy(update={"name": ""})
    return message.model_copy(
        update={
            "text": "",
            "html": None,
            "full_text": None,
            "full_html": None,
            "attachments": (),
            "original": None,
            "notices": (),
            "delivery_error": None,
            "author": author,
            # a call keeps its times and length (the team's workload), never the caller's number
            "call": message.call.model_copy(update={"number": ""}) if message.call else None,
        }
    )


def _redacted_event(event: TicketEvent) -> TicketEvent:
    changes = tuple(
        FieldChange(field=change.field) if change.field in PERSONAL_FIELDS else change for change in event.changes
    )
    actor = event.actor
    if actor.kind is ActorKind.CONTACT:
        actor = actor.model_copy(update={"name": ""})
    return event.model_copy(update={"changes": changes, "actor": actor})


def _erase_contact_record(store: HelpdeskStore, contact_id: str, actor: Actor, now: datetime) -> Contact:
    """The contact without name and identities, erased as of the first erasure
    (running it again finishes the job; it does not move the date or audit twice)."""

    def write(before: Contact) -> ContactWrite:
        erased_at = before.erased_at or now
        after = before.model_copy(
            update={"name": "", "identities": (), "picture": None, "erased_at": erased_at, "updated_at": now}
        )
        audit = audit_entry(actor, "contact.erased", before.id, None, None, now) if before.erased_at is None else None
        return ContactWrite(after, release=before.identities, audit=audit)

    return rewrite_contact(store, contact_id, write)

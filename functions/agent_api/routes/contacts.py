"""Contacts: their history across channels, corrections, merges of
duplicates, and their personal data (export, erasure)."""

from typing import Annotated

from chalice import Response
from pydantic import ConfigDict, Field

from agent_api import answers
from agent_api.routes.tickets import MergeRequest
from agent_api.routing import Area, Caller, json_answer, require_same
from helpdesk import connections
from helpdesk.access import Role
from helpdesk.api_keys import Scope
from helpdesk.clock import utc_now
from helpdesk.models import Contact
from helpdesk.people.changes import ContactChanges, change_contact, merge_contacts
from helpdesk.people.lookup import contact_reached_by
from helpdesk.people.personal_data import ContactExport, Erasure, ErasureNotConfirmed, erase_contact, export_contact
from helpdesk.people.same_person import same_person
from helpdesk.tickets.lookup import contact_history, contact_picture
from helpdesk.validated import Validated

area = Area("contacts")


class ContactLookup(Validated):
    """Query string of ``GET /api/contacts``: an e-mail address or a phone number
    (with its country code, e.g. +50255551234)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    email: Annotated[str, Field(min_length=3, max_length=320)] | None = None
    phone: Annotated[str, Field(min_length=6, max_length=32)] | None = None


@area.route("/api/contacts", answer=answers.ContactHistory, query=ContactLookup, scope=Scope.CONTACTS_READ)
def find_contact(caller: Caller, query: ContactLookup) -> Response:
    """The contact who holds an e-mail address or phone number, with their tickets
    (a CRM's "open in Atiende"); 404 when nobody does, 422 when it cannot be one."""
    found = contact_reached_by(connections.store(), query.email, query.phone)
    _, history = contact_history(connections.store(), caller.viewer, found.id)
    return json_answer(answers.ContactHistory(contact=found, tickets=history))


@area.route("/api/contacts/{contact_id}", answer=answers.ContactHistory, scope=Scope.CONTACTS_READ)
def contact(caller: Caller, contact_id: str) -> Response:
    """A contact with their tickets across channels, newest first."""
    found, history = contact_history(connections.store(), caller.viewer, contact_id)
    return json_answer(answers.ContactHistory(contact=found, tickets=history))


@area.route("/api/contacts/{contact_id}/picture", answer=answers.FileBytes, scope=Scope.CONTACTS_READ)
def contact_picture_bytes(caller: Caller, contact_id: str) -> Response:
    """The contact's profile picture as a channel shared it (Messenger,
    Instagram), as bytes (send ``Accept: application/octet-stream``); 404 when none."""
    content, _ = contact_picture(connections.store(), connections.files(), contact_id)
    headers: dict[str, str | list[str]] = {
        "Content-Type": "application/octet-stream",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, max-age=3600",
    }
    return Response(body=content, status_code=200, headers=headers)


@area.route(
    "/api/contacts/{contact_id}", methods=("PATCH",), answer=Contact, body=ContactChanges, scope=Scope.CONTACTS_WRITE
)
def edit_contact(caller: Caller, contact_id: str, body: ContactChanges) -> Response:
    """Correct a contact's details or ways to reach them (409 when another
    contact holds an identity: merge them instead)."""
    return json_answer(change_contact(connections.store(), contact_id, body, caller.actor))


@area.route(
    "/api/contacts/{contact_id}/merge",
    methods=("POST",),
    role=Role.SUPERVISOR,
    answer=Contact,
    body=MergeRequest,
    scope=Scope.CONTACTS_WRITE,  # supervisors only: a key is refused
)
def merge_contact(caller: Caller, contact_id: str, body: MergeRequest) -> Response:
    """Merge a duplicate (``source_id``) into this contact: identities, tickets
    and open conversations move here (supervisors)."""
    return json_answer(merge_contacts(connections.store(), contact_id, body.source_id, caller.actor))


class SamePerson(Validated):
    """Contacts who may be this one on another channel (the same name, other ways to reach them)."""

    model_config = ConfigDict(frozen=True)

    contacts: tuple[Contact, ...]


@area.route(
    "/api/contacts/{contact_id}/same-person", role=Role.SUPERVISOR, answer=SamePerson, scope=Scope.CONTACTS_READ
)
def same_person_suggestions(caller: Caller, contact_id: str) -> Response:
    """Merge suggestions: contacts with this contact's name reached on other
    channels (say Messenger and WhatsApp), for a supervisor to merge or not."""
    found = same_person(connections.store(), caller.viewer, contact_id, utc_now())
    return json_answer(SamePerson(contacts=found))


@area.route("/api/contacts/{contact_id}/export", role=Role.ADMIN, answer=ContactExport)
def export_personal_data(caller: Caller, contact_id: str) -> Response:
    """Everything kept about a contact, for their data request (administrators; audited)."""
    return json_answer(export_contact(connections.store(), contact_id, caller.actor, utc_now()))


class ErasureRequest(Validated):
    """Erasure cannot be undone: the body repeats the contact's id to confirm it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    confirm: Annotated[str, Field(min_length=1, max_length=64)]


@area.route("/api/contacts/{contact_id}/erase", methods=("POST",), role=Role.ADMIN, answer=Erasure, body=ErasureRequest)
def erase_personal_data(caller: Caller, contact_id: str, body: ErasureRequest) -> Response:
    """Erase a contact's personal data, keeping ticket statistics (administrators;
    audited; ``confirm`` must repeat the contact's id)."""
    require_same(contact_id, body.confirm, ErasureNotConfirmed)
    return json_answer(erase_contact(connections.store(), connections.files(), contact_id, caller.actor, utc_now()))

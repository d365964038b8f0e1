"""What the agent API answers, as typed models: the routes build them, and
the OpenAPI document describes them (so the document is what the API sends)."""

from datetime import datetime
from typing import Any

from pydantic import ConfigDict

from helpdesk.models import Agent, AuditEntry, Contact, Group, Message, Notification, Presence, SetAside, Ticket
from helpdesk.team.sign_in import PasswordPolicy
from helpdesk.tickets.changes import BulkOutcome
from helpdesk.tickets.macros import Macro
from helpdesk.validated import Validated
from helpdesk.verification import IdentityCheck


class _Answer(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Health(_Answer):
    status: str
    versions: dict[str, str]


class CognitoConfig(_Answer):
    endpoint: str
    region: str
    client_id: str


class ConsoleConfig(_Answer):
    cognito: CognitoConfig
    languages: list[str]
    idle_sign_out_minutes: int  # the console signs out an agent idle this long
    password_policy: PasswordPolicy  # what a new password needs, to explain before typing
    live_socket_url: str = ""  # the WebSocket of live updates (wss://…?token=ID token); empty: poll


class Me(_Answer):
    agent_id: str
    email: str
    name: str
    role: str
    group_ids: list[str]
    available: bool  # round robin may assign to them while their console is open
    mfa_required: bool  # administrators ask this role to turn MFA on
    mfa_missing: bool  # required of them and not on yet: only /api/me answers until it is
    quality: bool = False  # holds the quality right (reviews others' work)
    editor: bool = False  # holds the editor right (writes and publishes knowledge-base articles)


class Team(_Answer):
    agents: list[Agent]


class TicketPage(_Answer):
    tickets: list[Ticket]
    cursor: str | None


class SearchPage(_Answer):
    """A page of search results: the tickets in order, each one's snippet (safe
    HTML: escaped text, the matching words in ``<mark>``)."""

    tickets: list[Ticket]
    snippets: dict[str, str]  # ticket id → snippet
    page: int
    next_page: int | None
    partial: bool  # the search stopped at its read budget: older tickets may match too


class Acknowledged(_Answer):
    acknowledged: str


class SetAsideMonth(_Answer):
    month: str
    entries: list[SetAside]


class Translated(_Answer):
    es: str
    en: str


class ErrorDetail(_Answer):
    code: str
    message_key: str
    message: Translated
    detail: Any = None


class ErrorAnswer(_Answer):
    """Every error: a code, a message key and the message in Spanish and
    English; a 409 on a stale ticket also carries the ticket as it is now."""

    error: ErrorDetail
    current: Ticket | None = None


class Macros(_Answer):
    macros: list[Macro]


class MacroApplied(_Answer):
    ticket: Ticket
    reply: Message | None


class IdentityCheckState(_Answer):
    check: IdentityCheck | None


class Deleted(_Answer):
    deleted: str


class BulkOutcomes(_Answer):
    results: list[BulkOutcome]


class ContactHistory(_Answer):
    """A contact and their tickets across channels, newest first (those the
    caller may see)."""

    contact: Contact
    tickets: list[Ticket]


class Notifications(_Answer):
    notifications: list[Notification]
    read_through: datetime | None


class ReadMark(_Answer):
    read_through: datetime


class PresentAgents(_Answer):
    """The other agents on a ticket now, whoever is replying first."""

    present: list[Presence]


class Groups(_Answer):
    groups: list[Group]


class AuditMonth(_Answer):
    month: str
    entries: list[AuditEntry]


class FileLink(_Answer):
    url: str
    filename: str
    expires_at: datetime


class HtmlPage(_Answer):
    """A page for a customer's browser (``text/html``), not JSON."""


class StatusLink(_Answer):
    """A new status page link for the ticket's customer: the path (the console
    adds its own address) and when it stops working."""

    path: str
    expires_at: str


class LinksRevoked(_Answer):
    revoked_before: str


class FileBytes(_Answer):
    """The file's bytes (``application/octet-stream``), not JSON."""

"""Domain exceptions. The agent API maps them to HTTP statuses in one place."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from helpdesk.models import Ticket


class HelpdeskError(Exception):
    """Base of every domain error; ``message_key`` names the translated text,
    ``fill`` what its ``{placeholders}`` stand for (when it has any)."""

    message_key = "error.unexpected"
    fill: dict[str, str] | None = None


class InvalidIdentity(HelpdeskError):
    message_key = "error.invalid_identity"


class TicketNotFound(HelpdeskError):
    message_key = "error.ticket_not_found"


class StaleTicket(HelpdeskError):
    """The ticket changed since the caller read it; ``current`` is what it is now."""

    message_key = "error.stale_ticket"

    def __init__(self, current: "Ticket | None") -> None:
        super().__init__("ticket changed since it was read")
        self.current = current


class InvalidCursor(HelpdeskError):
    message_key = "error.invalid_cursor"


class InvalidSearch(HelpdeskError):
    """A search filter that cannot be read (an unknown status, a date that is not a day)."""

    message_key = "error.invalid_search"


class IngestGaveUp(HelpdeskError):
    """Contention on one ticket outlasted the retry budget; the caller redelivers."""

    message_key = "error.busy"


class DuplicateChannelMessage(HelpdeskError):
    """The provider delivered a message that is already stored."""

    message_key = "error.duplicate_message"


class ConversationAlreadyOpen(HelpdeskError):
    """Another delivery opened the contact's conversation first."""

    message_key = "error.busy"


class IdentityTaken(HelpdeskError):
    """Another contact already holds this identity."""

    message_key = "error.identity_taken"

    def __init__(self, kind: str, value: str) -> None:
        super().__init__("identity belongs to another contact")
        self.kind = kind
        self.value = value


class AutomaticMessageWithoutTicket(HelpdeskError):
    """An auto-reply or bulk mail that answers no ticket: never opens one."""

    message_key = "error.automatic_message"


class TicketClosed(HelpdeskError):
    """A closed ticket is final; the customer writing again opens a follow-up."""

    message_key = "error.ticket_closed"


class OutsideWindow(HelpdeskError):
    """WhatsApp allows free text only within 24 hours of the customer's last
    message; after that only an approved template may be sent."""

    message_key = "error.whatsapp_window_closed"


class OutsideMetaWindow(HelpdeskError):
    """Messenger and Instagram allow a reply within 24 hours of the customer's
    last message; a human agent's reply up to 7 days after it only when the page
    has Meta's Human Agent permission (``META_HUMAN_AGENT_TAG``)."""

    message_key = "error.meta_window_closed"


class OutsideHumanAgentWindow(HelpdeskError):
    """More than 7 days since the customer's last Messenger or Instagram message."""

    message_key = "error.meta_human_agent_window_closed"


class ConcurrentWrite(HelpdeskError):
    """DynamoDB cancelled a transaction because another one was writing the same
    items at that moment (TransactionConflict): nothing was written; try again."""

    message_key = "error.busy"


class StaleSetting(HelpdeskError):
    """A setting kept with a version changed since the caller read it (another
    administrator saved first): nothing was written; read it again."""

    message_key = "error.stale_setting"


class StaleReview(HelpdeskError):
    """Someone else saved this quality review since it was read."""

    message_key = "error.stale_review"


class ContactNotFound(HelpdeskError):
    message_key = "error.contact_not_found"


class StaleContact(HelpdeskError):
    """The contact changed since it was read; read it again."""

    message_key = "error.busy"


class ContactsNotMergeable(HelpdeskError):
    message_key = "error.contacts_not_mergeable"


class TicketsNotMergeable(HelpdeskError):
    message_key = "error.tickets_not_mergeable"


class LastIdentity(HelpdeskError):
    """A contact keeps at least one way to reach them."""

    message_key = "error.last_identity"


class AgentAtCapacity(HelpdeskError):
    """The agent already holds as many tickets as their group allows."""

    message_key = "error.agent_at_capacity"


# What a WhatsApp provider (Meta's Graph API, AWS End User Messaging Social) answers
# when it does not send: the domain decides, the adapters raise.


class WhatsAppRejected(Exception):
    """Meta refused the message for good (e.g. 131047 outside the 24-hour window)."""

    def __init__(self, code: int, title: str) -> None:
        super().__init__(f"{code}: {title}")
        self.code = code
        self.title = title


class WhatsAppUnavailable(Exception):
    """Meta could not take it now (rate limit, server error): try again later."""


class MetaRejected(Exception):
    """Meta's Send API or CDN refused for good (outside the window, blocked, too large)."""

    def __init__(self, code: int, title: str) -> None:
        super().__init__(f"{code}: {title}")
        self.code = code
        self.title = title


class MetaUnavailable(Exception):
    """Meta could not take it now (rate limit, server error): try again later."""


class StaleFollowUp(HelpdeskError):
    """The follow-up changed since it was read."""

    message_key = "error.stale_follow_up"


class FollowUpNotFound(HelpdeskError):
    message_key = "error.follow_up_not_found"


class OutcomeMissing(HelpdeskError):
    """A follow-up is done only with its outcome recorded."""

    message_key = "error.follow_up_outcome_missing"


class InvalidCall(HelpdeskError):
    """A call logged by hand that cannot have happened (in the future, too long ago)."""

    message_key = "error.invalid_call"


class CallbackRefused(HelpdeskError):
    """A callback request the help desk does not take (a number it cannot call, a time in the past)."""

    message_key = "error.callback_refused"

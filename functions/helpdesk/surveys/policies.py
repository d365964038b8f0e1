"""Survey policies, set by administrators like SLA policies: which survey
(CSAT, NPS or both) goes to which solved tickets (by channel, group and
contact tier), how long after solving (default 24 hours), never in the
contact's quiet hours (default 21:00–08:00 in their time zone), at most one
per contact every N days (default 7), and whether tickets the bot solved
without a person get one. The first active policy that matches applies; no
policy matching means no survey. Kept as one versioned, audited setting;
before an administrator saves any, ``DEFAULT`` applies (CSAT on every channel).

Never surveyed whatever the policy: merged tickets, tickets tagged as spam or
auto-replies or ``sin-encuesta``, contacts who opted out or were erased.
"""

from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, Field, model_validator

from helpdesk.admin.audit import audit_entry
from helpdesk.case_status.expectations import LocalTime
from helpdesk.clock import utc_now
from helpdesk.models import Actor, Channel, Contact, Ticket
from helpdesk.store import HelpdeskStore
from helpdesk.surveys.scale import SurveyKind
from helpdesk.validated import Validated

SETTING = "surveys"
NEVER_SURVEYED_TAGS = ("spam", "auto-reply", "autorespuesta", "sin-encuesta", "no-survey")
Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]


class Asks(StrEnum):
    CSAT = "csat"
    NPS = "nps"
    BOTH = "both"

    @property
    def kinds(self) -> tuple[SurveyKind, ...]:
        if self is Asks.BOTH:
            return (SurveyKind.CSAT, SurveyKind.NPS)
        return (SurveyKind(self.value),)


class SurveyConditions(Validated):
    """Empty tuples match everything."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    channels: tuple[Channel, ...] = ()
    group_ids: tuple[Annotated[str, Field(max_length=64)], ...] = ()
    tiers: tuple[Annotated[str, Field(max_length=64)], ...] = ()

    def match(self, ticket: Ticket, contact: Contact | None) -> bool:
        tier = contact.tier if contact else None
        return (
            (not self.channels or ticket.channel in self.channels)
            and (not self.group_ids or ticket.group_id in self.group_ids)
            and (not self.tiers or tier in self.tiers)
        )


class SurveyPolicy(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Id
    name: Annotated[str, Field(min_length=1, max_length=100)]
    active: bool = True
    asks: Asks = Asks.CSAT
    conditions: SurveyConditions = SurveyConditions()
    delay_hours: Annotated[int, Field(ge=0, le=24 * 14)] = 24
    quiet_from: time = time(21, 0)  # in the contact's time zone
    quiet_until: time = time(8, 0)
    once_per_days: Annotated[int, Field(ge=0, le=365)] = 7
    include_bot_solved: bool = False  # tickets solved without any agent's reply
    # The approved WhatsApp template sent when the 24-hour window is closed
    # (parameters: the contact's first name, the ticket number, as many as it takes);
    # none: no survey outside the window.
    whatsapp_template: Annotated[str, Field(pattern=r"^[a-z0-9_]{1,512}$")] | None = None

    def in_quiet_hours(self, moment: datetime, local: LocalTime) -> bool:
        at = moment.astimezone(local.zone).time()
        if self.quiet_from == self.quiet_until:
            return False
        if self.quiet_from < self.quiet_until:
            return self.quiet_from <= at < self.quiet_until
        return at >= self.quiet_from or at < self.quiet_until

    def send_at(self, solved_at: datetime, local: LocalTime) -> datetime:
        """``delay_hours`` after solving, moved to the end of the quiet hours when it falls in them."""
        due = solved_at + timedelta(hours=self.delay_hours)
        if not self.in_quiet_hours(due, local):
            return due
        at = due.astimezone(local.zone)
        end = at.replace(hour=self.quiet_until.hour, minute=self.quiet_until.minute, second=0, microsecond=0)
        if end <= at:
            end = (at + timedelta(days=1)).replace(
                hour=self.quiet_until.hour, minute=self.quiet_until.minute, second=0, microsecond=0
            )
        return end


class SurveySetup(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")

    policies: Annotated[tuple[SurveyPolicy, ...], Field(max_length=50)] = ()
    version: int = 0  # the version read; a save names it

    @model_validator(mode="after")
    def _ids_once(self) -> "SurveySetup":
        ids = [p.id for p in self.policies]
        if len(ids) != len(set(ids)):
            raise ValueError("each policy id once")
        return self

    def match(self, ticket: Ticket, contact: Contact | None) -> SurveyPolicy | None:
        return next((p for p in self.policies if p.active and p.conditions.match(ticket, contact)), None)


DEFAULT = SurveySetup(policies=(SurveyPolicy(id="csat", name="CSAT después de resolver"),))


def current_survey_setup(store: HelpdeskStore) -> SurveySetup:
    document, version = store.versioned_setting(SETTING)
    if not document:
        return DEFAULT
    return SurveySetup.model_validate({**document, "version": version})


def save_survey_setup(store: HelpdeskStore, setup: SurveySetup, actor: Actor) -> SurveySetup:
    """Save if still at the version its editor read (``StaleSetting`` otherwise)."""
    before = current_survey_setup(store)
    audit = audit_entry(actor, "surveys.policies_saved", SETTING, before, setup)
    document = setup.model_dump(mode="json", exclude={"version"})
    version = store.put_versioned_setting(SETTING, document, setup.version, utc_now(), audit)
    return setup.model_copy(update={"version": version})


def never_surveyed(ticket: Ticket) -> bool:
    """Merged, spam, auto-replies, or marked by an agent to get no survey."""
    return ticket.merged_into is not None or any(tag in NEVER_SURVEYED_TAGS for tag in ticket.tags)

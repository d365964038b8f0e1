"""The survey sender's pass (``functions/survey_sender``, every minute), in
two steps that each read only time buckets since their own checkpoint, never
the tickets (cost follows surveys due, not tickets solved):

1. **plan**: the tickets solved since the "surveys_solved" checkpoint
   (``SOLVED#<hour>``, sorted by the moment, written with the save that solved
   them) get their survey's due time from the policy that matches (delay after
   solving, moved out of the contact's quiet hours) in ``SURVEYDUE#<hour>``,
   kept at that time or, when it has passed, at the solve's own moment (the
   same key however often the step is repeated);
2. **send**: each survey due since the "surveys_due" checkpoint, which never
   passes the "surveys_solved" one (so a solve planned late is still read), is
   checked again (still solved since that moment: a reopened
   ticket's survey is cancelled; the contact has not opted out; the policy
   still applies), then **claimed** by a conditional transaction (the
   ticket's one survey; no survey to this contact in N days) and only then
   queued on the ticket's channel: overlapping or repeated passes send once.

Each step reads up to a minute ago (``SETTLE``: a save stamped a moment
before it lands is still read), one Query per hour bucket touched (usually
one), and catches up at most a day per pass after an outage.

A ticket whose step fails (a throttled write, a lost answer) does not stop the
others, but holds its step's checkpoint just before it, so the next pass (or
Lambda's retry: the pass then fails) tries it again; both steps are safe to
repeat. A step still failing after ``RETRY_FOR`` is given up with an error.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from helpdesk.case_status.expectations import customer_time
from helpdesk.channels.interactive import interactive_notice
from helpdesk.channels.outbound import OutboundRequest, outbound_message
from helpdesk.channels.whatsapp.templates import WHATSAPP_WINDOW, TemplateChoice, template_catalog, template_notice
from helpdesk.clock import new_id, utc_now
from helpdesk.errors import IngestGaveUp
from helpdesk.models import (
    Actor,
    ActorKind,
    Channel,
    Contact,
    DeliveryStatus,
    IdentityKind,
    Message,
    Notice,
    Ticket,
    TicketStatus,
)
from helpdesk.observability import logger
from helpdesk.retrying import until_saved
from helpdesk.rules.sending import Outbox
from helpdesk.settings import MailSettings
from helpdesk.store import HelpdeskStore, SurveyDue
from helpdesk.surveys.composing import email_text, whatsapp_question
from helpdesk.surveys.links import answer_links
from helpdesk.surveys.model import Survey
from helpdesk.surveys.policies import SurveyPolicy, SurveySetup, current_survey_setup, never_surveyed

SOLVED_CHECKPOINT = "surveys_solved"
DUE_CHECKPOINT = "surveys_due"
FIRST_RUN_LOOKBACK = timedelta(hours=1)
SETTLE = timedelta(minutes=1)
MAX_CATCH_UP = timedelta(days=1)
RETRY_FOR = timedelta(hours=1)
CLAIM_GRACE = timedelta(minutes=2)


@dataclass
class SenderReport:
    hours: int = 0  # hour buckets read (each one Query), both steps
    solved: int = 0
    planned: int = 0
    due: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0  # steps that raised: tried again from the held checkpoint


class SurveyPassIncomplete(Exception):
    """Some tickets' steps failed (their checkpoint is held): the schedule's
    retry, or the next minute's pass, takes them again."""


class ClaimPending(Exception):
    """A survey claimed a moment ago by another pass, not yet queued."""


@dataclass
class _Window:
    """The moments (after, through] a step reads, and the first one it failed on."""

    after: datetime
    through: datetime
    failed_at: datetime | None = None
    reached: datetime | None = None  # where the checkpoint stands once the step is done

    def failed(self, moment: datetime) -> None:
        if self.failed_at is None or moment < self.failed_at:
            self.failed_at = moment


def run_survey_sender(store: HelpdeskStore, now: datetime, outbox: Outbox) -> SenderReport:
    report = SenderReport()
    setup = current_survey_setup(store)
    with _window(store, SOLVED_CHECKPOINT, now, report) as window:
        for ticket_id, solved_at in store.solved_between(window.after, window.through):
            report.solved += 1
            planned = _step(partial(plan, store, setup, ticket_id, solved_at), ticket_id, solved_at, window)
            report.planned += planned is True
            report.failed += planned is None
    with _window(store, DUE_CHECKPOINT, now, report, until=window.reached) as window:
        for due in store.surveys_due_between(window.after, window.through):
            report.due += 1
            sent = _step(partial(send_due, store, setup, due, now, outbox), due.ticket_id, due.due_at, window)
            report.sent += sent is True
            report.skipped += sent is False
            report.failed += sent is None
    logger.info("survey sender", extra=report.__dict__)
    return report


def _step(work: Callable[[], bool], ticket_id: str, moment: datetime, window: _Window) -> bool | None:
    """One ticket's step; None when it failed (the window is held before ``moment``)."""
    try:
        return work()
    except ClaimPending:
        logger.info("survey claimed by another pass: looked at again later", extra={"ticket_id": ticket_id})
        window.failed(moment)
        return False
    except Exception:  # noqa: BLE001 - one ticket's failure never stops the others
        logger.exception("survey step failed", extra={"ticket_id": ticket_id})
        window.failed(moment)
        return None


@contextmanager
def _window(
    store: HelpdeskStore, checkpoint: str, now: datetime, report: SenderReport, until: datetime | None = None
) -> Iterator[_Window]:
    """(after, through]: from the checkpoint to a minute ago (at most a day,
    never past ``until``); the checkpoint moves to ``through`` once the window
    is read, or to just before the first moment whose step failed."""
    done = store.checkpoint(checkpoint) or now - FIRST_RUN_LOOKBACK
    through = min(now - SETTLE, done + MAX_CATCH_UP, until or now)
    window = _Window(done, max(done, through), reached=done)
    if through <= done:
        yield window
        return
    report.hours += int((through.replace(minute=0, second=0, microsecond=0) - done.replace(minute=0, second=0,
                        microsecond=0)) / timedelta(hours=1)) + 1  # fmt: skip
    yield window
    if window.failed_at is not None and now - window.failed_at < RETRY_FOR:
        through = window.failed_at - timedelta(microseconds=1)
    elif window.failed_at is not None:
        logger.error("survey step given up", extra={"checkpoint": checkpoint, "failing_since": window.failed_at})
    if through > done:
        store.advance_checkpoint(checkpoint, through)
        window.reached = through


def _still_solved(ticket: Ticket | None, solved_at: datetime) -> bool:
    """Solved (or closed after it) since that very moment: a reopen cancels."""
    return (
        ticket is not None
        and ticket.status in (TicketStatus.SOLVED, TicketStatus.CLOSED)
        and ticket.solved_at == solved_at
        and not never_surveyed(ticket)
    )


def plan(store: HelpdeskStore, setup: SurveySetup, ticket_id: str, solved_at: datetime) -> bool:
    """Write the due survey of one solve, if a policy gives it one."""
    ticket = store.get_ticket(ticket_id)
    if ticket is None or not _still_solved(ticket, solved_at):
        return False
    contact = store.get_contact(ticket.contact_id)
    policy = _policy_for(setup, ticket, contact)
    if policy is None or contact is None:
        return False
    from helpdesk.sla.setup import calendar_zone

    local = customer_time(contact, calendar_zone(store, ticket))
    due_at = policy.send_at(solved_at, local)
    store.put_survey_due(SurveyDue(ticket.id, solved_at, due_at, policy.id), max(due_at, solved_at))
    return True


def _policy_for(setup: SurveySetup, ticket: Ticket, contact: Contact | None) -> SurveyPolicy | None:
    if contact is None or contact.erased_at is not None or contact.merged_into is not None:
        return None
    policy = setup.match(ticket, contact)
    if policy is None or (not policy.include_bot_solved and ticket.first_response_at is None):
        return None  # no policy; or solved without a person's reply (the bot's, an auto-close)
    return policy


def send_due(store: HelpdeskStore, setup: SurveySetup, due: SurveyDue, now: datetime, outbox: Outbox) -> bool:
    """Check, claim and queue one due survey; True when it was queued."""
    ticket = store.get_ticket(due.ticket_id)
    if ticket is None or not _still_solved(ticket, due.solved_at):
        return False  # reopened (or merged) since: cancelled
    contact = store.get_contact(ticket.contact_id)
    policy = _policy_for(setup, ticket, contact)
    if contact is None or policy is None or store.survey_opt_out(contact.id) is not None:
        return False
    channel = _channel(ticket, contact)
    if channel is None:
        return False
    template = None
    if channel is Channel.WHATSAPP and (ticket.last_customer_message_at is None
                                        or now - ticket.last_customer_message_at > WHATSAPP_WINDOW):  # fmt: skip
        template = _template(store, policy, contact, ticket)
        if template is None:
            logger.info("survey not sent: window closed, no template", extra={"ticket_id": ticket.id})
            return False
    survey = Survey(
        ticket_id=ticket.id, ticket_number=ticket.number, contact_id=contact.id, policy_id=policy.id,
        kinds=policy.asks.kinds, channel=channel, language=contact.language, solved_at=due.solved_at, sent_at=now,
        message_id=new_id(),
    )  # fmt: skip
    failed = store.claim_survey(survey.model_dump(mode="json"), contact.id, ticket.id, now, policy.once_per_days)
    if failed:
        claimed = _unfinished_claim(store, due, now) if "survey" in failed else None
        if claimed is None:
            logger.info("survey not sent", extra={"ticket_id": ticket.id, "taken": sorted(failed)})
            return False
        survey = claimed  # this solve's own claim, by a pass that failed before queueing it: finish it
    text, notices = _content(store, survey, contact, template, outbox.mail)
    queue_on_ticket(store, outbox, ticket.id, text, notices, survey.channel, survey.message_id, survey.sent_at)
    return True


def _unfinished_claim(store: HelpdeskStore, due: SurveyDue, now: datetime) -> Survey | None:
    """This very solve's survey, claimed by an earlier pass whose message may not
    be on the thread or queued; None when it went (or is another solve's).
    ``ClaimPending`` while the claim is younger than ``CLAIM_GRACE``: the pass
    that made it may still be at work (overlapping passes), so the step is
    held and a later pass looks again."""
    found = store.get_survey(due.ticket_id)
    if found is None:
        return None
    survey = Survey.model_validate(found[0])
    if survey.solved_at != due.solved_at or survey.message_id is None or survey.answered_at is not None:
        return None
    message = store.get_message(survey.ticket_id, survey.sent_at, survey.message_id)
    if message is not None and message.delivery_status is not DeliveryStatus.QUEUED:
        return None  # sent (or failed visibly) already
    if now - survey.sent_at < CLAIM_GRACE:
        raise ClaimPending(survey.ticket_id)
    return survey


def _channel(ticket: Ticket, contact: Contact) -> Channel | None:
    """The ticket's own channel; web chat and web forms by e-mail (no widget yet)."""
    kinds = {identity.kind for identity in contact.identities}
    if ticket.channel is Channel.WHATSAPP:
        return Channel.WHATSAPP if IdentityKind.WHATSAPP in kinds else None
    return Channel.EMAIL if IdentityKind.EMAIL in kinds else None


def _first_name(contact: Contact) -> str:
    return (contact.name.split()[0] if contact.name.strip() else "").strip(",;:")


def _template(store: HelpdeskStore, policy: SurveyPolicy, contact: Contact, ticket: Ticket) -> TemplateChoice | None:
    if policy.whatsapp_template is None:
        return None
    languages = (contact.language.value, "es", "en")
    catalog = {(t.name, t.language): t for t in template_catalog(store).templates}
    found = next((catalog[(policy.whatsapp_template, lang)] for lang in languages
                  if (policy.whatsapp_template, lang) in catalog), None)  # fmt: skip
    if found is None:
        return TemplateChoice(name=policy.whatsapp_template, language=contact.language.value)
    values = (_first_name(contact) or "-", str(ticket.number))
    parameters = tuple(values[i] if i < len(values) else "-" for i in range(found.parameter_count))
    return TemplateChoice(name=found.name, language=found.language, parameters=parameters)


def _content(
    store: HelpdeskStore, survey: Survey, contact: Contact, template: TemplateChoice | None, mail: MailSettings
) -> tuple[str, tuple[Notice, ...]]:
    if survey.channel is Channel.EMAIL:
        links = answer_links(store, survey, mail.customer_pages_url)
        return email_text(survey.ticket_number, _first_name(contact), survey.language, links), ()
    if template is not None:
        return f"[{template.name}]", (template_notice(template),)
    choices = whatsapp_question(survey.kinds[0], survey.ticket_number, survey.language)
    return choices.body, (interactive_notice(choices.style, choices.options, choices.button),)


def queue_on_ticket(
    store: HelpdeskStore,
    outbox: Outbox,
    ticket_id: str,
    text: str,
    notices: tuple[Notice, ...],
    channel: Channel,
    message_id: str | None = None,
    sent_at: datetime | None = None,
) -> Message:
    """A survey message on the ticket's thread (as the team), queued for ``channel``;
    it changes neither the status nor any SLA clock. ``message_id`` and
    ``sent_at``: the message's, fixed beforehand so that doing this again adds
    nothing (a message already on the thread is queued again only while still unsent)."""
    author = Actor(kind=ActorKind.SYSTEM, name=outbox.mail.support_name)
    stored: list[Message] = []

    def save() -> None:
        if message_id is not None and sent_at is not None:
            earlier = store.get_message(ticket_id, sent_at, message_id)
            if earlier is not None:
                stored[:] = [earlier]
                return
        ticket = store.get_ticket(ticket_id)
        if ticket is None:
            raise IngestGaveUp("ticket gone")
        now = sent_at or utc_now()
        on_channel = ticket.model_copy(update={"channel": channel})
        message = outbound_message(on_channel, text, author, outbox.mail.support_domain, now, message_id)
        message = message.model_copy(update={"notices": notices})
        after = ticket.model_copy(update={"updated_at": now, "version": ticket.version + 1})
        store.append_message(ticket, after, message, [])
        stored[:] = [message]

    until_saved(save, give_up=lambda: IngestGaveUp("ticket too busy for a survey"))
    message = stored[0]
    if message.delivery_status is DeliveryStatus.QUEUED:
        outbox.queue.enqueue(
            OutboundRequest(ticket_id=ticket_id, message_id=message.id, sent_at=message.sent_at, channel=channel)
        )
    return message

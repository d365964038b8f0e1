"""Answers to surveys, from any channel: a one-click link (e-mail), a tapped
option or a typed reply (WhatsApp: "5", "5 estrellas", "⭐⭐⭐⭐", "excelente",
"10/10"). The latest answer within 7 days of sending counts (a second click
changes it); a comment may follow. Anything in a reply that is not an answer
stays a normal message on the ticket. "No quiero encuestas" on any channel
opts the contact out of every survey.

A poor answer (CSAT ≤ 2, NPS ≤ 6) opens a follow-up (``follow_ups``), a
quality review (the quality room's CSAT hook, ``sample_poor_score``) and
tells the group's supervisor (a notification in the console); the ``survey.answered`` webhook event comes
from the table's stream (``webhooks.events``)."""

from datetime import datetime

from helpdesk.case_status.links import LinkProblem, LinkRefused
from helpdesk.channels.interactive import interactive_notice
from helpdesk.clock import new_id
from helpdesk.follow_ups.entries import FollowUpReason, open_follow_up
from helpdesk.models import Actor, ActorKind, Channel, Notification, NotificationKind
from helpdesk.observability import logger
from helpdesk.quality.sampling import sample_poor_score
from helpdesk.rules.sending import OutboxFactory
from helpdesk.store import HelpdeskStore
from helpdesk.surveys.composing import opted_out, thanks, whatsapp_band, whatsapp_question
from helpdesk.surveys.model import MAX_COMMENT, Survey
from helpdesk.surveys.scale import SurveyKind, opts_out, read_score
from helpdesk.surveys.scheduling import queue_on_ticket

CUSTOMER = Actor(kind=ActorKind.CONTACT, name="")
_ATTEMPTS = 5


def current_survey(store: HelpdeskStore, ticket_id: str) -> Survey | None:
    found = store.get_survey(ticket_id)
    return Survey.model_validate(found[0]) if found else None


def record_answer(
    store: HelpdeskStore,
    ticket_id: str,
    now: datetime,
    via: str,
    score: tuple[SurveyKind, int] | None = None,
    comment: str | None = None,
    answer_id: str | None = None,
) -> Survey:
    """Save a score (and/or a comment) on the ticket's survey, conditional on
    the version read (a concurrent answer is read again, never lost).
    ``LinkRefused``: no survey, or answers are no longer taken."""
    for _ in range(_ATTEMPTS):
        found = store.get_survey(ticket_id)
        if found is None:
            raise LinkRefused(LinkProblem.REVOKED)
        before, version = Survey.model_validate(found[0]), found[1]
        if now > before.answerable_until:
            raise LinkRefused(LinkProblem.EXPIRED)
        if answer_id is not None and before.last_answer_id == answer_id:
            return before  # the same message delivered again
        update: dict[str, object] = {"answered_at": now, "answered_via": via, "last_answer_id": answer_id}
        if score is not None:
            kind, value = score
            if kind not in before.kinds or not kind.accepts(value):
                raise LinkRefused(LinkProblem.TAMPERED)
            update[kind.value] = value
        if comment is not None:
            update["comment"] = comment.strip()[:MAX_COMMENT] or None
        after = before.model_copy(update=update)
        after = after.model_copy(update={"follow_up": before.follow_up or after.poor})
        if store.save_survey_answer(after.model_dump(mode="json"), after.contact_id, after.sent_at, ticket_id, version):
            _after_answer(store, before, after, now)
            return after
    raise LinkRefused(LinkProblem.REVOKED)  # pragma: no cover - five concurrent answers in a row


def _after_answer(store: HelpdeskStore, before: Survey, after: Survey, now: datetime) -> None:
    """A poor answer: a quality review (CSAT) and the group's supervisor told (once)."""
    if after.csat is not None and after.csat != before.csat:
        ticket = store.get_ticket(after.ticket_id)
        if ticket is not None:
            sample_poor_score(store, ticket, after.csat, now)
    if after.poor and not before.poor:
        ticket = store.get_ticket(after.ticket_id)
        if ticket is not None:
            open_follow_up(store, ticket, FollowUpReason.POOR_SURVEY, _detail(after), now)
        _tell_supervisor(store, after, now)
    logger.info("survey answered", extra={"ticket_id": after.ticket_id, "poor": after.poor})


def _detail(survey: Survey) -> str:
    scores = [f"{k.value.upper()} {survey.score(k)}" for k in survey.kinds if survey.score(k) is not None]
    return ", ".join(scores) + (f": {survey.comment}" if survey.comment else "")


def _tell_supervisor(store: HelpdeskStore, survey: Survey, now: datetime) -> None:
    ticket = store.get_ticket(survey.ticket_id)
    group = store.get_group(ticket.group_id) if ticket is not None and ticket.group_id else None
    if ticket is None or group is None or group.supervisor_id is None:
        return
    note = Notification(
        id=new_id(), agent_id=group.supervisor_id, kind=NotificationKind.POOR_SURVEY, ticket_id=ticket.id,
        ticket_number=ticket.number, subject=ticket.subject, actor=CUSTOMER, at=now,
    )  # fmt: skip
    after = ticket.model_copy(update={"updated_at": now, "version": ticket.version + 1})
    try:
        store.save_ticket(ticket, after, [], [note])
    except Exception:  # noqa: BLE001 - the answer is kept; a busy ticket only misses the bell
        logger.exception("supervisor not told of a poor survey", extra={"ticket_id": ticket.id})


def may_answer_a_survey(text: str, option: str | None) -> bool:
    """Whether a message could answer a survey or opt out of them, told by the
    message alone: a button's id, an opt-out, or a score on some survey's scale."""
    return bool(option) or opts_out(text) or any(read_score(text, kind) is not None for kind in SurveyKind)


def answer_from_message(
    store: HelpdeskStore,
    contact_id: str,
    text: str,
    option: str | None,
    message_id: str,
    channel: Channel,
    now: datetime,
    outbox: OutboxFactory,
) -> bool:
    """Take a customer's message as a survey answer (or opt-out) if it is one;
    True when it was (it is then no message on any ticket). ``outbox`` is
    built only when something is sent. The caller looks at ``may_answer_a_survey``
    first, before reading anything for it."""
    latest = next(iter(store.contact_surveys(contact_id, limit=1)), None)
    survey = Survey.model_validate(latest) if latest else None
    live = survey is not None and survey.channel is channel and now <= survey.answerable_until
    if opts_out(text):
        store.opt_out_of_surveys(contact_id, now, channel.value)
        if survey is None or not live:
            return False  # also a normal message: a person sees it
        queue_on_ticket(store, outbox(), survey.ticket_id, opted_out(survey.language), (), channel)
        return True
    if survey is None or not live:
        return False
    if survey.last_answer_id == message_id:
        return True  # the same message delivered again: answered and thanked already
    band = whatsapp_band(option or "", survey.language)
    if band is not None:
        notice = interactive_notice(band.style, band.options, band.button)
        queue_on_ticket(store, outbox(), survey.ticket_id, band.body, (notice,), channel)
        return True
    question = _question_of(option) or survey.next_question()
    if question is None:
        return False  # answered already: a later message is a message
    score = read_score(option or text, question) if option else read_score(text, question)
    if score is None:
        return False
    after = record_answer(store, survey.ticket_id, now, channel.value, (question, score), answer_id=message_id)
    following = after.next_question()
    if following is not None:
        ask = whatsapp_question(following, after.ticket_number, after.language)
        notice = interactive_notice(ask.style, ask.options, ask.button)
        queue_on_ticket(store, outbox(), after.ticket_id, ask.body, (notice,), channel)
    else:
        queue_on_ticket(store, outbox(), after.ticket_id, thanks(after.language, after.poor), (), channel)
    return True


def _question_of(option: str | None) -> SurveyKind | None:
    if not option or ":" not in option:
        return None
    prefix = option.split(":", 1)[0]
    return next((k for k in SurveyKind if k.value == prefix), None)

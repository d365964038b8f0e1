"""The assistant on the queued channels (WhatsApp, Messenger, Instagram): each
new customer message, once stored (``ingest``), is the assistant's to answer
while it still has the conversation and the channel setup turns it on there
(``ChannelSetup.assistant``). Its answer is queued like an agent's reply
(``voices.Voice``).

A delivery of the same customer message again (the worker failed after
storing it) finishes what the first left: the assistant's stored answer is
queued, or, when it never answered, it answers now.
"""

from collections.abc import Callable

from helpdesk.assistant.answers import RETRIEVAL, AnswerWriter
from helpdesk.assistant.callbacks import Callbacks
from helpdesk.assistant.turns import HANDED_OFF, HandOver, Turn, is_on_duty, take_turn
from helpdesk.assistant.voices import ASSISTANT_ID, Voice, queue_unsent
from helpdesk.channels.outbound import OutboundQueue
from helpdesk.channels.setup import current_channels
from helpdesk.clock import utc_now
from helpdesk.conversations.ingest import InboundMessage, IngestResult
from helpdesk.knowledge.finding import ArticlesFor
from helpdesk.language.guessing import guess_language
from helpdesk.models import Channel, Ticket
from helpdesk.retrying import until_saved
from helpdesk.store import HelpdeskStore

QUEUED_CHANNELS = (Channel.WHATSAPP, Channel.MESSENGER, Channel.INSTAGRAM)
# What a pressed button's id travels in, by channel (WhatsApp reply buttons, Meta quick replies and postbacks)
OPTION_NOTICES = ("interactive_reply", "quick_reply", "postback")


# Messages that are no question: reactions, deletions, places, orders, what Meta could not show
NOT_QUESTIONS = ("reaction", "reaction_removed", "deleted", "location", "order", "unsupported", "story_mention")


def chosen_option(inbound: InboundMessage) -> str | None:
    return next((n.params.get("id") or n.params.get("payload") for n in inbound.notices
                 if n.key in OPTION_NOTICES), None)  # fmt: skip


def answer_on_channel(
    store: HelpdeskStore,
    result: IngestResult,
    inbound: InboundMessage,
    search: ArticlesFor,
    queue: Callable[[], OutboundQueue],
    hand_over: HandOver | None = None,
    callbacks: Callbacks | None = None,
    writer: AnswerWriter = RETRIEVAL,
) -> Turn:
    """The assistant's turn on a customer's message just stored; ``search``
    (what the contact may read: public articles and their segment's) and
    ``queue`` are built only when it speaks;
    ``hand_over`` starts the handoff flow when it gives the conversation to
    people; ``callbacks``, how it takes a request to be called; ``writer``,
    how it words an answer."""
    ticket = result.ticket
    option = chosen_option(inbound)
    if ticket.channel not in QUEUED_CHANNELS or not (inbound.text.strip() or option):
        return Turn()
    if any(notice.key in NOT_QUESTIONS for notice in inbound.notices):
        return Turn()
    if result.duplicate:
        if HANDED_OFF not in ticket.tags and not is_on_duty(ticket):
            return Turn()  # people have it: nothing of the assistant's can be left to finish
        if ticket.channel not in current_channels(store).assistant:
            return Turn()
        if not _finish(store, ticket, result.message.id, queue):
            if HANDED_OFF in ticket.tags and hand_over is not None:
                hand_over(ticket)  # the first delivery may have stopped before starting it; it starts once
            return Turn()
    elif not is_on_duty(ticket) or ticket.channel not in current_channels(store).assistant:
        return Turn()
    locale = guess_language(inbound.text)
    voice = Voice(queue())
    current: list[Ticket] = [ticket]

    def turn() -> Turn:
        ticket = current.pop() if current else store.get_ticket(result.ticket.id)
        if ticket is None:
            return Turn()
        return take_turn(
            store, search(ticket.contact_id), voice, ticket, inbound.text, locale, utc_now(), option, callbacks, writer
        )

    done = until_saved(turn)
    if done.handoff is not None and hand_over is not None:
        hand_over(ticket)
    return done


def _finish(store: HelpdeskStore, ticket: Ticket, message_id: str, queue: Callable[[], OutboundQueue]) -> bool:
    """On a delivery again: queue the assistant's answer to this message if it
    was stored but maybe not queued; True when it never answered it."""
    thread = store.get_thread(ticket.id)
    this = next((m for m in thread.messages if m.id == message_id), None) if thread else None
    if thread is None or this is None:
        return False
    answered = any(m.author.id == ASSISTANT_ID and m.created_at >= this.created_at for m in thread.messages)
    if answered:
        queue_unsent(thread, this.created_at, queue())
    return not answered and is_on_duty(thread.ticket)

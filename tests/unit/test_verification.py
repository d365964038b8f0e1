"""Identity checks without a table: what counts as an answer, what agents see of
the address, what the sender puts in, and when a check has expired."""

from datetime import UTC, datetime, timedelta

from helpdesk.channels.outbound import CODE_MASK, OutboundRequest, _with_code
from helpdesk.models import Actor, ActorKind, Channel, DeliveryStatus, Message, MessageKind, Notice
from helpdesk.verification import (
    _CANDIDATE,
    CODE_LIFETIME,
    CODE_TEMPLATE,
    CheckStatus,
    IdentityCheck,
    _masked,
)
from local.seed import WHATSAPP_TEMPLATES

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
AGENT = Actor(kind=ActorKind.AGENT, id="a-1", name="Andrés")


def _candidates(text: str) -> set[str]:
    return {a + b for a, b in _CANDIDATE.findall(text)}


def test_six_digits_alone_or_split_are_an_answer_longer_numbers_are_not() -> None:
    assert _candidates("el código es 482 913") == {"482913"}
    assert _candidates("482-913, gracias") == {"482913"}
    assert _candidates("mi pedido 4829131 y la guía 12345") == set()
    assert _candidates("código:482913.") == {"482913"}


def test_agents_see_enough_of_the_address_to_tell_not_to_copy() -> None:
    assert _masked("carlos.mendez@cliente.example", Channel.EMAIL) == "c•••@cliente.example"
    assert _masked("50255598765", Channel.WHATSAPP) == "•••8765"


def test_a_pending_check_expires_at_its_time_and_a_verified_one_never_does() -> None:
    check = IdentityCheck(
        ticket_id="t-1",
        via=Channel.WHATSAPP,
        to="•••8765",
        status=CheckStatus.PENDING,
        requested_by=AGENT,
        requested_at=NOW,
        expires_at=NOW + CODE_LIFETIME,
        attempts_left=5,
    )
    assert check.seen_at(NOW + CODE_LIFETIME - timedelta(seconds=1)).status is CheckStatus.PENDING
    assert check.seen_at(NOW + CODE_LIFETIME).status is CheckStatus.EXPIRED
    verified = check.model_copy(update={"status": CheckStatus.VERIFIED})
    assert verified.seen_at(NOW + timedelta(days=30)).status is CheckStatus.VERIFIED


def test_the_sender_puts_the_code_where_the_stored_copy_masks_it() -> None:
    stored = Message(
        id="m-1",
        ticket_id="t-1",
        kind=MessageKind.OUTBOUND,
        channel=Channel.WHATSAPP,
        author=AGENT,
        text=f"Tu código es {CODE_MASK}.",
        html=f"<p>Tu código es {CODE_MASK}.</p>",
        delivery_status=DeliveryStatus.QUEUED,
        sent_at=NOW,
        created_at=NOW,
        notices=(Notice(key="template", params={"name": CODE_TEMPLATE, "parameters": f'["{CODE_MASK}"]'}),),
    )

    sent = _with_code(stored, "482913")

    assert sent.text == "Tu código es 482913." and sent.html == "<p>Tu código es 482913.</p>"
    assert sent.notices[0].params["parameters"] == '["482913"]'
    assert CODE_MASK in stored.text  # the stored copy is untouched


def test_a_request_carries_only_six_digit_codes() -> None:
    request = {"ticket_id": "t", "message_id": "m", "sent_at": NOW.isoformat()}
    assert OutboundRequest.model_validate({**request, "code": "482913"}).code == "482913"
    for wrong in ("48291", "4829131", "abcdef"):
        try:
            OutboundRequest.model_validate({**request, "code": wrong})
        except ValueError:
            continue
        raise AssertionError(f"{wrong!r} was accepted")


def test_the_demo_has_the_code_template_in_both_languages() -> None:
    languages = {t.language for t in WHATSAPP_TEMPLATES.templates if t.name == CODE_TEMPLATE}
    assert languages == {"es", "en"}


def test_every_item_class_is_bound_to_the_table() -> None:
    from helpdesk.store.items import ITEM_CLASSES, HelpdeskItem

    def subclasses(cls: type) -> set[type]:
        found: set[type] = {cls}
        direct: list[type] = type.__subclasses__(cls)
        for sub in direct:
            found |= subclasses(sub)
        return found

    assert subclasses(HelpdeskItem) <= set(ITEM_CLASSES)

"""The assistant's rules that need no table: topics people handle, the
language of a message, its buttons, and when it is on duty."""

from datetime import UTC, datetime

import pytest

from helpdesk.assistant.callbacks import number_in
from helpdesk.assistant.turns import HANDED_OFF, choices, is_on_duty, people_only, wants_callback, wants_person
from helpdesk.language.guessing import guess_language
from helpdesk.models import Channel, Language, Ticket

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "Desconozco los cargos que aparecen este mes",
        "voy a iniciar una acción legal contra ustedes",
        "quiero cancelar el contrato de mantenimiento",
        "mi reclamo número 7781 sigue sin respuesta, ya les escribí dos veces",
        "I will contact my lawyer about this",
        "please cancel my membership",
    ],
)
def test_topics_people_handle_go_to_people(text: str) -> None:
    assert people_only(text)


@pytest.mark.parametrize(
    "text", ["¿cómo cancelo un pedido que todavía no sale?", "me cobraron dos veces la misma compra", "hola"]
)
def test_questions_an_article_answers_stay_with_the_assistant(text: str) -> None:
    assert not people_only(text) and not wants_person(text)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hi, where is my order? I paid last week", Language.ENGLISH),
        ("hola, ¿dónde está mi pedido? lo pagué la semana pasada", Language.SPANISH),
        ("vos sabés si tienen envío a Rivas", Language.SPANISH),
        ("ok", Language.SPANISH),  # nothing to tell by: the desk's first language
        ("muchas gracias por todo, thanks", Language.SPANISH),  # mostly Spanish
    ],
)
def test_the_language_of_a_message_is_guessed_from_its_common_words(text: str, language: Language) -> None:
    assert guess_language(text) is language


@pytest.mark.parametrize("locale", list(Language))
def test_the_buttons_fit_whatsapp_and_meta(locale: Language) -> None:
    buttons = choices(locale)
    assert len(buttons) == 3 and all(len(title) <= 20 for _, title in buttons)


def test_it_is_on_duty_until_a_person_has_the_conversation() -> None:
    ticket = Ticket(id="t1", number=1, channel=Channel.WHATSAPP, contact_id="c1", created_at=NOW, updated_at=NOW)
    assert is_on_duty(ticket)
    assert not is_on_duty(ticket.model_copy(update={"assignee_id": "agent-1"}))
    assert not is_on_duty(ticket.model_copy(update={"tags": (HANDED_OFF,)}))
    assert not is_on_duty(ticket.model_copy(update={"first_response_at": NOW}))


@pytest.mark.parametrize(
    "text", ["llámenme al rato", "¿me pueden llamar mañana?", "prefiero que me llamen", "please call me back"]
)
def test_asking_to_be_called_is_understood(text: str) -> None:
    assert wants_callback(text)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("a este número: +502 4455-6677 después de las 5", "+50244556677"),
        ("+52 (55) 1234 5678", "+525512345678"),
        ("al 4455-6677", None),  # no country code: nobody can tell which country to call
        ("mi pedido 123456789", None),
        ("llámenme al 00502 4455 6677", "+50244556677"),
    ],
)
def test_the_number_to_call_is_read_with_its_country_code(text: str, number: str | None) -> None:
    assert number_in(text) == number

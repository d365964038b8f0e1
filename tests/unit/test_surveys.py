"""Surveys without a table: answers read from what customers write, Meta's
limits on interactive messages, quiet hours, the webhook event of an answer."""

from datetime import UTC, datetime, time

import pytest

from helpdesk.case_status.expectations import LocalTime
from helpdesk.models import Language
from helpdesk.surveys.answering import may_answer_a_survey
from helpdesk.surveys.composing import MAX_BUTTONS, MAX_ROWS, Choices, whatsapp_band, whatsapp_question
from helpdesk.surveys.policies import SurveyPolicy
from helpdesk.surveys.scale import SurveyKind, opts_out, read_score
from helpdesk.webhooks.events import EventName, survey_events

CSAT, NPS = SurveyKind.CSAT, SurveyKind.NPS


@pytest.mark.parametrize(
    ("text", "kind", "score"),
    [
        ("5", CSAT, 5), (" 4 ", CSAT, 4), ("5 estrellas", CSAT, 5), ("1 estrella", CSAT, 1), ("4 de 5", CSAT, 4),
        ("⭐⭐⭐⭐", CSAT, 4), ("⭐️⭐️⭐️", CSAT, 3), ("★★★★★", CSAT, 5), ("excelente", CSAT, 5),
        ("¡Excelente!", CSAT, 5), ("Pésimo", CSAT, 1), ("regular", CSAT, 3), ("muy bueno", CSAT, 5), ("good", CSAT, 4),
        ("10/10", CSAT, 5), ("10/10", NPS, 10), ("9", NPS, 9), ("0", NPS, 0), ("8 puntos", NPS, 8), ("5/5", NPS, 10),
        ("excelente", NPS, 10),
        ("malo", NPS, 3), ("csat:2", CSAT, 2), ("nps:7", NPS, 7),
    ],
)  # fmt: skip
def test_answers_are_read_as_people_write_them(text: str, kind: SurveyKind, score: int) -> None:
    assert read_score(text, kind) == score


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("6", CSAT), ("0", CSAT), ("11", NPS), ("mi pedido 12345 no llegó", CSAT), ("gracias", CSAT), ("", CSAT),
        ("5 pero el envío tardó muchísimo y nadie me avisó", CSAT), ("7/5", CSAT), ("csat:9", CSAT), ("nps:11", NPS),
        ("3/7", NPS), ("⭐ y algo más", CSAT),
    ],
)  # fmt: skip
def test_anything_else_is_no_answer(text: str, kind: SurveyKind) -> None:
    assert read_score(text, kind) is None


@pytest.mark.parametrize(
    ("text", "option", "may"),
    [
        ("5", None, True), ("⭐⭐⭐", None, True), ("excelente", None, True), ("9", None, True),
        ("No quiero encuestas", None, True), ("", "csat:4", True), ("Otro", "band:high", True),
        ("Buenas, xq no me llega el pedido 12? lo pagué con tarjeta", None, False), ("gracias", None, False),
        ("", None, False),
    ],
)  # fmt: skip
def test_only_a_message_that_could_answer_is_looked_up_as_an_answer(text: str, option: str | None, may: bool) -> None:
    assert may_answer_a_survey(text, option) is may


@pytest.mark.parametrize("text", ["No quiero encuestas", "no más encuestas por favor", "STOP surveys", "No surveys"])
def test_opting_out_is_understood(text: str) -> None:
    assert opts_out(text)
    assert not opts_out("quiero hacer una encuesta a mis clientes")


def test_whatsapp_questions_stay_within_metas_limits() -> None:
    csat = whatsapp_question(CSAT, 7, Language.SPANISH)
    assert csat.style == "list" and len(csat.options) == 5 <= MAX_ROWS
    assert all(len(title) <= 24 for _, title in csat.options)
    nps = whatsapp_question(NPS, 7, Language.ENGLISH)
    assert nps.style == "buttons" and len(nps.options) == 3 <= MAX_BUTTONS
    # The 11 NPS answers: three bands, then the exact score within the band
    answers = []
    for band_id, _ in nps.options:
        band = whatsapp_band(band_id, Language.ENGLISH)
        assert band is not None
        assert len(band.options) <= (MAX_BUTTONS if band.style == "buttons" else MAX_ROWS)
        answers += [read_score(option, NPS) for option, _ in band.options]
    assert answers == list(range(11))
    assert whatsapp_band("npsband:0-10", Language.SPANISH) is None
    with pytest.raises(ValueError, match="1 to 3"):
        Choices("buttons", "x", tuple((str(n), str(n)) for n in range(4)))


def test_quiet_hours_move_a_survey_to_the_morning_in_the_contacts_zone() -> None:
    policy = SurveyPolicy(id="p", name="P", delay_hours=1, quiet_from=time(21), quiet_until=time(8))
    guatemala, madrid = LocalTime("America/Guatemala"), LocalTime("Europe/Madrid")
    solved = datetime(2026, 12, 8, 1, 30, tzinfo=UTC)  # 19:30 in Guatemala, 02:30 in Madrid
    assert policy.send_at(solved, guatemala) == datetime(2026, 12, 8, 2, 30, tzinfo=UTC)  # 20:30 there: not quiet
    assert policy.send_at(solved, madrid) == datetime(2026, 12, 8, 7, 0, tzinfo=UTC)  # 08:00 in Madrid
    late = datetime(2026, 12, 8, 3, 30, tzinfo=UTC)  # 21:30 in Guatemala: the next morning at 08:00
    assert policy.send_at(late, guatemala) == datetime(2026, 12, 8, 14, 0, tzinfo=UTC)


def test_an_answer_is_one_webhook_event_and_sending_is_none() -> None:
    sent = {"ticket_id": "T1", "ticket_number": 4, "contact_id": "C1", "kinds": ["csat"], "channel": "email",
            "language": "es", "sent_at": "2026-12-08T15:00:00+00:00", "csat": None, "answered_at": None}  # fmt: skip
    answered = {**sent, "csat": 2, "answered_at": "2026-12-08T16:00:00+00:00", "answered_via": "email_link"}
    assert survey_events(None, sent) == []
    (event,) = survey_events(sent, answered)
    assert event.event == EventName.SURVEY_ANSWERED and event.data["survey"]["csat"] == 2
    assert survey_events(sent, answered)[0].id == event.id  # handed over twice: one id
    assert survey_events(answered, answered) == []

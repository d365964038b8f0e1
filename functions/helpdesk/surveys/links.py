"""The one-click answers of an e-mail survey: a signed link per score
(``case_status.links``, purpose "survey"), valid while answers are taken (7
days after sending). The score rides in the signed part (``c5``: CSAT 5,
``n9``: NPS 9), so it cannot be changed without breaking the signature."""

from datetime import datetime

from helpdesk.case_status.links import LinkKeys, LinkPurpose, SignedLink, read, sign
from helpdesk.surveys.model import Survey
from helpdesk.surveys.scale import SurveyKind

SURVEY_PAGE_PATH = "/api/public/surveys/"
_KIND_LETTER = {SurveyKind.CSAT: "c", SurveyKind.NPS: "n"}


def answer_links(store: LinkKeys, survey: Survey, base_url: str) -> dict[SurveyKind, list[tuple[int, str]]]:
    """For each question, (score, link) from the best score down."""
    links: dict[SurveyKind, list[tuple[int, str]]] = {}
    for kind in survey.kinds:
        scores = range(kind.highest, kind.lowest - 1, -1)
        links[kind] = [(score, f"{base_url.rstrip('/')}{SURVEY_PAGE_PATH}{answer_token(store, survey, kind, score)}")
                       for score in scores]  # fmt: skip
    return links


def answer_token(store: LinkKeys, survey: Survey, kind: SurveyKind, score: int) -> str:
    link = SignedLink(LinkPurpose.SURVEY, survey.ticket_id, survey.sent_at, survey.answerable_until,
                      f"{_KIND_LETTER[kind]}{score}")  # fmt: skip
    return sign(store, link, survey.sent_at)


def read_answer(store: LinkKeys, token: str, now: datetime) -> tuple[str, SurveyKind, int]:
    """(ticket id, question, score) of a survey link; ``LinkRefused`` when
    changed or expired."""
    link = read(store, token, LinkPurpose.SURVEY, now)
    letter, digits = link.extra[:1], link.extra[1:]
    kind = next(k for k, v in _KIND_LETTER.items() if v == letter)
    return link.ticket_id, kind, int(digits)

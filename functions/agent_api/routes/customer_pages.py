"""Pages customers open from a signed link, without an account (public: no
token; throttled like every route, with their own lower rate): a case's
status page, and a survey's one-click answer with its optional comment (a
plain form post: no JavaScript). A bad, expired or revoked link answers a page that says why, in
Spanish and English (401 for a link that is not ours, 410 for one that was)."""

from urllib.parse import parse_qs

from chalice import Blueprint, Response

from agent_api import answers
from agent_api.openapi import RouteDoc
from helpdesk import connections
from helpdesk.case_status.links import LinkProblem, LinkRefused
from helpdesk.case_status.page import case_status
from helpdesk.case_status.rendering import refusal_page, status_page
from helpdesk.clock import utc_now
from helpdesk.http_policy import CUSTOMER_PAGE_HEADERS
from helpdesk.surveys.answering import record_answer
from helpdesk.surveys.links import read_answer
from helpdesk.surveys.model import MAX_COMMENT
from helpdesk.surveys.pages import thank_you_page
from helpdesk.untrusted import without_control_characters

blueprint = Blueprint("agent_api.routes.customer_pages")
STATUS_PAGE = "/api/public/status/{token}"
SURVEY_ANSWER = "/api/public/surveys/{token}"
FORM = "application/x-www-form-urlencoded"

ROUTES = {(STATUS_PAGE, "GET"), (SURVEY_ANSWER, "GET"), (SURVEY_ANSWER, "POST")}
DOCS = [
    RouteDoc(
        STATUS_PAGE,
        "GET",
        "A case's status page for its customer (HTML, from a signed link): status, next step, the public thread.",
        None,
        answers.HtmlPage,
    ),
    RouteDoc(
        SURVEY_ANSWER,
        "GET",
        "A survey's one-click answer (HTML, from the signed link in the survey mail): records it, thanks, asks for "
        "an optional comment. A later click within 7 days changes the answer.",
        None,
        answers.HtmlPage,
    ),
    RouteDoc(
        SURVEY_ANSWER,
        "POST",
        "The optional comment after a survey answer (an HTML form post, field `comment`).",
        None,
        answers.HtmlPage,
    ),
]
REFUSED_STATUS = {LinkProblem.TAMPERED: 401, LinkProblem.EXPIRED: 410, LinkProblem.REVOKED: 410}


def html(body: str, status: int = 200) -> Response:
    return Response(body=body, status_code=status, headers=dict(CUSTOMER_PAGE_HEADERS))


def refused(problem: LinkProblem) -> Response:
    return html(refusal_page(problem), REFUSED_STATUS[problem])


@blueprint.route(STATUS_PAGE, methods=["GET"])
def status(token: str) -> Response:
    """The case's status, next step and public thread; never an internal note."""
    try:
        case = case_status(connections.store(), token, utc_now())
    except LinkRefused as refusal:
        return refused(refusal.problem)
    return html(status_page(case))


@blueprint.route(SURVEY_ANSWER, methods=["GET"])
def survey_answer(token: str) -> Response:
    """Record the score the link carries; thank; offer the comment form."""
    store, now = connections.store(), utc_now()
    try:
        ticket_id, kind, score = read_answer(store, token, now)
        survey = record_answer(store, ticket_id, now, "email_link", (kind, score))
    except LinkRefused as refusal:
        return refused(refusal.problem)
    return html(thank_you_page(survey, kind))


@blueprint.route(SURVEY_ANSWER, methods=["POST"], content_types=[FORM])
def survey_comment(token: str) -> Response:
    """Keep the customer's comment on the survey the link belongs to."""
    store, now = connections.store(), utc_now()
    body = blueprint.current_request.raw_body or b""
    raw = body.encode() if isinstance(body, str) else body
    if len(raw) > MAX_COMMENT * 12:  # percent-encoded UTF-8 of the longest comment
        return html(refusal_page(LinkProblem.TAMPERED), 400)
    fields = parse_qs(raw.decode("utf-8", "replace"), max_num_fields=5)
    comment = without_control_characters(" ".join(fields.get("comment", [""])))
    try:
        ticket_id, kind, _ = read_answer(store, token, now)
        survey = record_answer(store, ticket_id, now, "email_link", comment=comment)
    except LinkRefused as refusal:
        return refused(refusal.problem)
    return html(thank_you_page(survey, kind, commented=True))

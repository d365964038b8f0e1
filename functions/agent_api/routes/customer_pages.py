"""Pages customers open from a signed link, without an account (public: no
token; throttled like every route, with their own lower rate): a case's
status page. A bad, expired or revoked link answers a page that says why, in
Spanish and English (401 for a link that is not ours, 410 for one that was)."""

from chalice import Blueprint, Response

from agent_api import answers
from agent_api.openapi import RouteDoc
from helpdesk import connections
from helpdesk.case_status.links import LinkProblem, LinkRefused
from helpdesk.case_status.page import case_status
from helpdesk.case_status.rendering import refusal_page, status_page
from helpdesk.clock import utc_now
from helpdesk.http_policy import CUSTOMER_PAGE_HEADERS

blueprint = Blueprint("agent_api.routes.customer_pages")
STATUS_PAGE = "/api/public/status/{token}"

ROUTES = {(STATUS_PAGE, "GET")}
DOCS = [
    RouteDoc(
        STATUS_PAGE,
        "GET",
        "A case's status page for its customer (HTML, from a signed link): status, next step, the public thread.",
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

"""Surveys as agents see them: the survey policies (administrators), a
ticket's survey and a contact's surveys with their answers and comments, and
whether the contact opted out of surveys."""

from datetime import datetime

from chalice import Response
from pydantic import ConfigDict

from agent_api.routing import Area, Caller, json_answer
from helpdesk import connections
from helpdesk.access import Role
from helpdesk.api_keys import Scope
from helpdesk.surveys.answering import current_survey
from helpdesk.surveys.model import Survey
from helpdesk.surveys.policies import SurveySetup, current_survey_setup, save_survey_setup
from helpdesk.tickets.lookup import live_contact, visible_ticket
from helpdesk.validated import Validated

area = Area("surveys")
_EVERY = ("error.invalid_request", "error.forbidden", "error.api_key_refused")


class TicketSurvey(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")

    survey: Survey | None


class ContactSurveys(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")

    surveys: list[Survey]
    opted_out_at: datetime | None


@area.route("/api/survey-policies", role=Role.ADMIN, answer=SurveySetup, errors=_EVERY)
def survey_policies(caller: Caller) -> Response:
    """The survey policies in force, with their version (the defaults before any save)."""
    return json_answer(current_survey_setup(connections.store()))


@area.route(
    "/api/survey-policies",
    methods=("PUT",),
    role=Role.ADMIN,
    answer=SurveySetup,
    body=SurveySetup,
    errors=(*_EVERY, "error.stale_setting"),
)
def put_survey_policies(caller: Caller, body: SurveySetup) -> Response:
    """Replace the survey policies, naming the version read (409 when someone saved in between)."""
    return json_answer(save_survey_setup(connections.store(), body, caller.actor))


@area.route("/api/tickets/{ticket_id}/survey", answer=TicketSurvey, scope=Scope.TICKETS_READ,
            errors=(*_EVERY, "error.ticket_not_found"))  # fmt: skip
def ticket_survey(caller: Caller, ticket_id: str) -> Response:
    """The ticket's survey: when and where it was sent, the answers and the comment (null: none sent)."""
    visible_ticket(connections.store(), caller.viewer, ticket_id)
    return json_answer(TicketSurvey(survey=current_survey(connections.store(), ticket_id)))


@area.route("/api/contacts/{contact_id}/surveys", answer=ContactSurveys, scope=Scope.CONTACTS_READ,
            errors=(*_EVERY, "error.contact_not_found"))  # fmt: skip
def contact_surveys(caller: Caller, contact_id: str) -> Response:
    """The contact's surveys, newest first, and since when they want none."""
    store = connections.store()
    found = live_contact(store, contact_id)  # every agent sees contacts (their tickets are checked one by one)
    surveys = [Survey.model_validate(s) for s in store.contact_surveys(found.id)]
    return json_answer(ContactSurveys(surveys=surveys, opted_out_at=store.survey_opt_out(found.id)))

"""Tickets as the API answers them validate against the agent API's OpenAPI
document at any instant: inside and outside business hours, on a holiday and
across midnight in the calendar's time zone, with clocks paused a fraction of
a second into a run (issue 11: a paused timer's ``consumed`` of 0.05 s broke
the document's ``duration`` format, so the contract test failed only when the
seed ran during office hours)."""

from datetime import datetime, timedelta
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import TypeAdapter

from agent_api.app import openapi_document
from helpdesk.models import Duration, TicketStatus, iso_duration
from helpdesk.sla.policies import Happened
from tests.unit.test_sla import GT, created, step

DURATION_FORMAT = jsonschema_rs.validator_for({"type": "string", "format": "duration"}, validate_formats=True)


@given(st.timedeltas(min_value=timedelta(days=-3), max_value=timedelta(days=400)))
@example(timedelta(hours=1, seconds=1))  # seconds may follow only minutes
@example(timedelta(days=1, seconds=1))
def test_every_length_of_time_is_a_valid_duration_and_reads_back(length: timedelta) -> None:
    shown = iso_duration(length)
    assert DURATION_FORMAT.is_valid(shown), shown
    expected = timedelta(seconds=max(round(length.total_seconds()), 0))
    assert TypeAdapter(Duration).validate_python(shown) == expected


@pytest.mark.parametrize(
    ("length", "shown"),
    [
        (timedelta(0), "PT0S"),
        (timedelta(seconds=0.051161), "PT0S"),
        (timedelta(seconds=89.6), "PT1M30S"),
        (timedelta(hours=4), "PT4H"),
        (timedelta(days=2, hours=2), "P2DT2H"),
        (timedelta(days=1), "P1D"),
        (timedelta(hours=1, seconds=1), "PT1H0M1S"),
        (timedelta(days=1, seconds=1), "P1DT1S"),
        (timedelta(seconds=-0.2), "PT0S"),
    ],
)
def test_durations_read_as_people_write_them(length: timedelta, shown: str) -> None:
    assert iso_duration(length) == shown


def _ticket_schema() -> jsonschema_rs.Validator:
    document = openapi_document()
    schema: dict[str, Any] = {"$ref": "#/components/schemas/Ticket", "components": document["components"]}
    return jsonschema_rs.validator_for(schema, validate_formats=True)


# Guatemala (UTC-6), where the demo's calendar opens 08:00–18:00 on weekdays.
INSTANTS = {
    "inside business hours": datetime(2026, 12, 7, 9, 0, 0, 51161, tzinfo=GT),
    "outside business hours": datetime(2026, 12, 7, 17, 30, 12, 345678, tzinfo=GT),
    "at night": datetime(2026, 12, 7, 23, 30, 0, 1, tzinfo=GT),
    "on a holiday": datetime(2026, 12, 25, 10, 0, 0, 7, tzinfo=GT),
    "across midnight": datetime(2026, 12, 8, 23, 59, 59, 999999, tzinfo=GT),
}


@pytest.mark.parametrize("at", INSTANTS.values(), ids=INSTANTS.keys())
def test_a_ticket_with_paused_and_running_clocks_matches_the_document(at: datetime) -> None:
    # Given a WhatsApp ticket opened at ``at`` and put on pending a fraction of a second later
    opened = created(at)
    pending = step(opened, Happened.CHANGED, at + timedelta(microseconds=51161), status=TicketStatus.PENDING)
    # and the customer answering across the next midnight
    resumed = step(pending, Happened.CUSTOMER_WROTE, at + timedelta(hours=7, seconds=0.5), status=TicketStatus.OPEN)
    schema = _ticket_schema()
    for ticket in (opened, pending, resumed):
        # When the API shows it, then it matches the Ticket schema of its own document
        answer = ticket.model_dump(mode="json")
        errors = [error.message for error in schema.iter_errors(answer)]
        assert errors == [], (ticket.status, answer["sla"])


def test_the_document_says_durations_are_durations() -> None:
    timer = openapi_document()["components"]["schemas"]["SlaTimer"]["properties"]
    assert (timer["target"]["format"], timer["consumed"]["format"]) == ("duration", "duration")

"""Quality reviews without a table: the scoring math, which tickets are sampled
(the same answer every time for the same ticket), who holds the quality right,
and the sampler's template agreeing with the code (stream limits, filters, IAM)."""

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from agent_api.app import ROUTE_ROLES, ROUTE_SCOPES
from helpdesk import limits
from helpdesk.access import NotAllowed, Role, Viewer
from helpdesk.models import Agent, Channel, Ticket, TicketStatus
from helpdesk.quality.reviews import Reason
from helpdesk.quality.sampling import in_sample, reason_for
from helpdesk.quality.scorecards import DEFAULT, SETTING, Criterion, InvalidScores, Scorecard, check_scores, total
from helpdesk.quality.trends import Period, period_of
from helpdesk.store import keys
from local.lambda_runtime import StreamSubscription
from local.provision import load_template

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
CARD = Scorecard(criteria=(Criterion(id="a", name="A", weight=1), Criterion(id="b", name="B", weight=3)))


def _ticket(status: TicketStatus, ticket_id: str = "01TICKET") -> Ticket:
    return Ticket(
        id=ticket_id, number=7, status=status, channel=Channel.EMAIL, contact_id="c",
        assignee_id="agent-1", created_at=NOW, updated_at=NOW,
    )  # fmt: skip


# --- scoring ---------------------------------------------------------------------------


def test_the_total_is_the_weighted_share_of_the_top_score() -> None:
    assert total(CARD, {"a": 4, "b": 4}) == 100.0
    assert total(CARD, {"a": 0, "b": 0}) == 0.0
    assert total(CARD, {"a": 4, "b": 2}) == 62.5  # (1·4 + 3·2) / (4·4)
    assert total(CARD, {"a": 0, "b": 4}) == 75.0


def test_criteria_marked_not_applicable_leave_the_total_and_its_weights() -> None:
    assert total(CARD, {"a": None, "b": 2}) == 50.0
    assert total(CARD, {"a": None, "b": None}) is None


def test_scores_must_cover_exactly_the_scorecards_criteria_within_range() -> None:
    check_scores(CARD, {"a": 0, "b": None})
    for wrong in ({"a": 1}, {"a": 1, "b": 2, "c": 3}, {"a": 5, "b": 1}, {"a": -1, "b": 1}):
        with pytest.raises(InvalidScores):
            check_scores(CARD, wrong)


def test_the_demo_scorecard_has_the_coordinators_five_criteria() -> None:
    assert [c.name for c in DEFAULT.criteria] == [
        "Saludo", "Comprensión del problema", "Solución correcta", "Tono y comunicación intercultural", "Cierre",
    ]  # fmt: skip


def test_a_scorecard_with_two_criteria_of_the_same_id_is_refused() -> None:
    with pytest.raises(ValueError, match="distinct"):
        Scorecard(criteria=(Criterion(id="a", name="A"), Criterion(id="a", name="B")))


def test_periods_are_months_and_iso_weeks() -> None:
    assert period_of(NOW.date(), Period.MONTH) == "2026-12"
    assert period_of(NOW.date(), Period.WEEK) == "2026-W50"  # Monday 7 December
    assert period_of(datetime(2027, 1, 1, tzinfo=UTC).date(), Period.WEEK) == "2026-W53"


# --- sampling --------------------------------------------------------------------------


def test_sampling_gives_the_same_answer_for_the_same_ticket_every_time() -> None:
    ids = [f"01TICKET{n:05d}" for n in range(2000)]
    first = [in_sample(i, 10) for i in ids]
    assert first == [in_sample(i, 10) for i in ids]
    assert 120 < sum(first) < 280  # about a tenth
    assert not any(in_sample(i, 0) for i in ids)
    assert all(in_sample(i, 100) for i in ids)


def test_a_larger_share_keeps_every_ticket_a_smaller_one_sampled() -> None:
    ids = [f"01T{n}" for n in range(500)]
    assert {i for i in ids if in_sample(i, 5)} <= {i for i in ids if in_sample(i, 20)}


def test_becoming_solved_samples_the_share_and_reopening_always() -> None:
    solved, opened = _ticket(TicketStatus.SOLVED), _ticket(TicketStatus.OPEN)
    assert reason_for(opened, solved, 100) is Reason.SAMPLED
    assert reason_for(opened, solved, 0) is None
    assert reason_for(solved, opened, 0) is Reason.REOPENED
    assert reason_for(_ticket(TicketStatus.CLOSED), opened, 0) is Reason.REOPENED


def test_changes_that_neither_solve_nor_reopen_sample_nothing() -> None:
    solved = _ticket(TicketStatus.SOLVED)
    assert reason_for(solved, solved.model_copy(update={"tags": ("x",)}), 100) is None  # still solved
    assert reason_for(solved, _ticket(TicketStatus.CLOSED), 100) is None
    assert reason_for(_ticket(TicketStatus.NEW), _ticket(TicketStatus.OPEN), 100) is None


# --- the quality right -----------------------------------------------------------------


def test_admins_hold_the_quality_right_others_when_granted_api_keys_never() -> None:
    assert Viewer("a", Role.ADMIN).reviews_quality
    assert not Viewer("s", Role.SUPERVISOR).reviews_quality
    assert Viewer("s", Role.SUPERVISOR, quality=True).reviews_quality
    assert Viewer.of(Agent(id="g", email="g@x", name="G", role="agent", quality=True)).reviews_quality
    assert not Viewer("apikey:1", Role.AGENT, all_groups=True, quality=True).reviews_quality
    with pytest.raises(NotAllowed):
        Viewer("g", Role.AGENT).require_quality()


def test_no_quality_route_takes_an_api_key() -> None:
    routes = [key for key in ROUTE_ROLES if key[0].startswith("/api/quality") or key[0] == "/api/me/reviews"]
    assert len(routes) == 10
    assert all(ROUTE_SCOPES[key] is None for key in routes)


# --- the template agrees ---------------------------------------------------------------


def _sampler() -> dict[str, Any]:
    return load_template()["Resources"]["QualitySamplerFunction"]["Properties"]


def _stream_source() -> dict[str, Any]:
    (event,) = [e for e in _sampler()["Events"].values() if e["Type"] == "DynamoDB"]
    return event["Properties"]


def test_the_sampler_reads_the_stream_as_the_limits_say() -> None:
    source, reading = _stream_source(), limits.QUALITY_SAMPLING
    assert source["BatchSize"] == reading.batch_size
    assert source["MaximumBatchingWindowInSeconds"] == reading.batching_window_seconds
    assert source["MaximumRetryAttempts"] == reading.retries


def test_the_sampler_may_touch_only_the_scorecard_and_reviews() -> None:
    statements = [s for p in _sampler()["Policies"] if "Statement" in p for s in p["Statement"]]
    (table,) = [s for s in statements if any(a.startswith("dynamodb:") for a in s["Action"])]
    assert sorted(table["Action"]) == ["dynamodb:GetItem", "dynamodb:PutItem"]
    leading = table["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]
    assert keys.review_key("01T")[0].replace("01T", "*") in leading
    assert keys.config_key(SETTING)[0] in leading
    assert len(leading) == 2


def _record(pk: str, sk: str, new: str | None, old: str | None, name: str = "MODIFY") -> dict[str, Any]:
    data: dict[str, Any] = {"Keys": {"PK": {"S": pk}, "SK": {"S": sk}}}
    if new:
        data["NewImage"] = {"status": {"S": new}}
    if old:
        data["OldImage"] = {"status": {"S": old}}
    return {"eventName": name, "dynamodb": data}


@pytest.mark.parametrize(
    ("record", "handed_over"),
    [
        (_record("TICKET#1", "META", "solved", "open"), True),  # solved now
        (_record("TICKET#1", "META", "open", "solved"), True),  # reopened
        (_record("TICKET#1", "META", "open", "closed"), True),
        (_record("TICKET#1", "META", "open", "new"), False),
        (_record("TICKET#1", "META", "pending", "open"), False),
        (_record("TICKET#1", "META", None, "solved", "REMOVE"), False),
        (_record("TICKET#1", "MSG#2026#1", "solved", None, "INSERT"), False),
        (_record("REVIEW#1", "META", None, None, "INSERT"), False),
    ],
)
def test_the_sampler_gets_only_solved_or_reopened_tickets(record: dict[str, Any], handed_over: bool) -> None:
    patterns = tuple(json.loads(f["Pattern"]) for f in _stream_source()["FilterCriteria"]["Filters"])
    subscription = StreamSubscription("QualitySamplerFunction", "table", _sampler()["Handler"], 25, patterns)
    assert subscription.wants(record) is handed_over


def test_the_document_names_each_quality_routes_errors_in_both_languages() -> None:
    from agent_api.app import openapi_document
    from agent_api.errors import MESSAGES

    paths = openapi_document()["paths"]
    score = paths["/api/quality/reviews/{ticket_id}/score"]["put"]["responses"]
    assert {"400", "403", "404", "409"} <= set(score)
    assert "error.review_scores_invalid" in score["400"]["x-atiende-message-keys"]
    assert "error.api_key_refused" in score["403"]["x-atiende-message-keys"]
    for path, operations in paths.items():
        if not path.startswith("/api/quality") and path != "/api/me/reviews":
            continue
        for operation in operations.values():
            named = [
                key for answer in operation["responses"].values() for key in answer.get("x-atiende-message-keys", [])
            ]
            assert "error.forbidden" in named, path
            assert all(MESSAGES[key][1] and MESSAGES[key][2] for key in named)

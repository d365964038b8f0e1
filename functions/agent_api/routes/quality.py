"""Quality reviews (``helpdesk.quality``): coordinators (the quality right) work
the review queue, score and reopen reviews and keep the scorecard; agents read
their own scored reviews and reply once. None of these takes an API key (they
name no scope): reviews are people's work, not a CRM's."""

from chalice import Response
from pydantic import ConfigDict

from agent_api.routing import Area, Caller, json_answer
from helpdesk import connections
from helpdesk.quality import reviews, trends
from helpdesk.quality.reviews import Pick, ReplyBody, Review, Scoring
from helpdesk.quality.scorecards import Scorecard, current_scorecard, save_scorecard
from helpdesk.validated import Validated

area = Area("quality")

# What each kind of route may answer besides its success (bilingual, ``agent_api.errors``).
_EVERY = ("error.invalid_request", "error.forbidden", "error.api_key_refused")
_REVIEW = (*_EVERY, "error.review_not_found")
_CHANGE = (*_REVIEW, "error.review_state", "error.stale_review")

# The routes only holders of the quality right reach (an agent without it: 403).
# Their least role is "agent": the right, not a role, decides (the views check it).
COORDINATOR_ROUTES = {
    ("/api/quality/queue", "GET"),
    ("/api/quality/reviews", "POST"),
    ("/api/quality/reviews/{ticket_id}/score", "PUT"),
    ("/api/quality/reviews/{ticket_id}/reopen", "POST"),
    ("/api/quality/scorecard", "PUT"),
}


class Reviews(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")

    reviews: list[Review]


@area.route("/api/quality/queue", answer=Reviews, errors=_EVERY)
def review_queue(caller: Caller) -> Response:
    """The reviews waiting for a score, oldest first (quality right)."""
    return json_answer(Reviews(reviews=reviews.queue(connections.store(), caller.viewer)))


@area.route(
    "/api/quality/reviews",
    methods=("POST",),
    answer=Review,
    status=201,
    body=Pick,
    errors=(*_EVERY, "error.ticket_not_found", "error.ticket_not_reviewable", "error.review_exists"),
)
def pick_for_review(caller: Caller, body: Pick) -> Response:
    """Put a solved ticket up for review by hand (quality right); 409 when it has one."""
    return json_answer(reviews.pick(connections.store(), caller.viewer, body.ticket_id), status=201)


@area.route("/api/quality/reviews/{ticket_id}", answer=Review, errors=_REVIEW)
def review(caller: Caller, ticket_id: str) -> Response:
    """A ticket's review: for coordinators, or the reviewed agent once it is scored."""
    return json_answer(reviews.read(connections.store(), caller.viewer, ticket_id))


@area.route(
    "/api/quality/reviews/{ticket_id}/score",
    methods=("PUT",),
    answer=Review,
    body=Scoring,
    errors=(*_CHANGE, "error.review_scores_invalid"),
)
def score_review(caller: Caller, ticket_id: str, body: Scoring) -> Response:
    """Score a pending review, each criterion 0–4 or null for N/A (quality right)."""
    return json_answer(reviews.score(connections.store(), caller.viewer, caller.actor, ticket_id, body))


@area.route("/api/quality/reviews/{ticket_id}/reopen", methods=("POST",), answer=Review, errors=_CHANGE)
def reopen_review(caller: Caller, ticket_id: str) -> Response:
    """Put a scored review back in the queue to score it again (quality right)."""
    return json_answer(reviews.reopen(connections.store(), caller.viewer, ticket_id))


@area.route(
    "/api/quality/reviews/{ticket_id}/reply",
    methods=("POST",),
    answer=Review,
    body=ReplyBody,
    errors=(*_CHANGE, "error.review_reply_exists"),
)
def reply_to_review(caller: Caller, ticket_id: str, body: ReplyBody) -> Response:
    """The reviewed agent's one reply to their scored review."""
    return json_answer(reviews.reply(connections.store(), caller.viewer, ticket_id, body))


@area.route("/api/me/reviews", answer=Reviews, errors=_EVERY)
def my_reviews(caller: Caller) -> Response:
    """The caller's scored reviews, newest first."""
    return json_answer(Reviews(reviews=reviews.own_reviews(connections.store(), caller.viewer)))


@area.route("/api/quality/scores", answer=trends.Scores, query=trends.ScoresQuery, errors=_EVERY)
def scores(caller: Caller, query: trends.ScoresQuery) -> Response:
    """Scores per agent and week or month, with each criterion's average
    (coordinators: every agent; others: their own)."""
    return json_answer(trends.scores_over_time(connections.store(), caller.viewer, query))


@area.route("/api/quality/scorecard", answer=Scorecard, errors=_EVERY)
def scorecard(caller: Caller) -> Response:
    """The scorecard new reviews are opened on, with its version."""
    return json_answer(current_scorecard(connections.store()))


@area.route(
    "/api/quality/scorecard",
    methods=("PUT",),
    answer=Scorecard,
    body=Scorecard,
    errors=(*_EVERY, "error.stale_setting"),
)
def put_scorecard(caller: Caller, body: Scorecard) -> Response:
    """Replace the scorecard (administrators and quality coordinators), naming the
    version read (409 when someone saved in between); old reviews keep theirs."""
    caller.viewer.require_quality()
    return json_answer(save_scorecard(connections.store(), body, caller.actor))

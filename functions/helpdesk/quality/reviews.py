"""A quality review's life: opened (sampled or picked) → scored by a
coordinator → read by the reviewed agent, who may reply once; a coordinator may
reopen a scored review to score it again. One review per ticket; it keeps the
scorecard it was opened on."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, ConfigDict, Field

from helpdesk.access import NotAllowed, Viewer
from helpdesk.clock import utc_now
from helpdesk.errors import HelpdeskError, TicketNotFound
from helpdesk.models import Actor, Ticket, TicketStatus
from helpdesk.quality.scorecards import InvalidScores, Scorecard, Scores, check_scores, current_scorecard, total
from helpdesk.store import HelpdeskStore, ReviewPlace
from helpdesk.validated import Validated

QUEUE_LENGTH = 100  # reviews the queue shows at once, oldest first
OWN_REVIEWS = 100  # an agent's latest reviews


class ReviewNotFound(HelpdeskError):
    message_key = "error.review_not_found"


class ReviewExists(HelpdeskError):
    """The ticket has a review already (sampled or picked before)."""

    message_key = "error.review_exists"


class NotReviewable(HelpdeskError):
    """Only a solved or closed ticket that an agent worked can be reviewed."""

    message_key = "error.ticket_not_reviewable"


class WrongReviewState(HelpdeskError):
    """Scored already (reopen it first), not scored yet (nothing to reopen or reply to)."""

    message_key = "error.review_state"


class ReplyExists(HelpdeskError):
    message_key = "error.review_reply_exists"


class Reason(StrEnum):
    SAMPLED = "sampled"  # the random share of solved tickets
    REOPENED = "reopened"
    POOR_CSAT = "poor_csat"
    PICKED = "picked"  # by a coordinator, by hand


class ReviewState(StrEnum):
    PENDING = "pending"
    SCORED = "scored"


class Reply(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    at: AwareDatetime


class Review(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")

    ticket_id: str
    ticket_number: int
    subject: str = ""
    agent_id: str  # whose work is reviewed: the ticket's assignee when it was opened
    reason: Reason
    state: ReviewState = ReviewState.PENDING
    created_at: AwareDatetime
    scorecard: Scorecard  # as it was when the review was opened
    scores: Scores = Field(default_factory=dict)
    comments: dict[str, str] = Field(default_factory=dict)  # per criterion
    comment: str = ""
    total: float | None = None  # percent of the top score, over the criteria that apply
    reviewer_id: str | None = None
    reviewer_name: str = ""
    scored_at: AwareDatetime | None = None
    reply: Reply | None = None

    @property
    def place(self) -> ReviewPlace:
        return ReviewPlace(self.state.value, self.agent_id, self.created_at, self.scored_at)


class Scoring(Validated):
    """Body of ``PUT /api/quality/reviews/{ticket_id}/score``: every criterion
    0–4 or null (N/A), a comment per criterion and an overall one."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    scores: Annotated[dict[str, Annotated[int, Field(ge=0, le=4)] | None], Field(max_length=20)]
    comments: Annotated[dict[str, Annotated[str, Field(max_length=2000)]], Field(max_length=20)] = Field(
        default_factory=dict
    )
    comment: Annotated[str, Field(max_length=4000)] = ""


class ReplyBody(Validated):
    """Body of ``POST /api/quality/reviews/{ticket_id}/reply``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: Annotated[str, Field(min_length=1, max_length=4000)]


class Pick(Validated):
    """Body of ``POST /api/quality/reviews``: a ticket picked by hand."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ticket_id: Annotated[str, Field(min_length=1, max_length=64)]


def open_review(
    store: HelpdeskStore, ticket: Ticket, reason: Reason, scorecard: Scorecard, at: datetime
) -> Review | None:
    """Open the ticket's review; None when nobody's work is on it (no assignee)
    or it has a review already."""
    if ticket.assignee_id is None:
        return None
    review = Review(
        ticket_id=ticket.id,
        ticket_number=ticket.number,
        subject=ticket.subject,
        agent_id=ticket.assignee_id,
        reason=reason,
        created_at=at,
        scorecard=scorecard,
    )
    return review if store.add_review(ticket.id, review.model_dump(mode="json"), review.place) else None


def _read(store: HelpdeskStore, ticket_id: str) -> tuple[Review, int]:
    found = store.get_review(ticket_id)
    if found is None:
        raise ReviewNotFound(ticket_id)
    return Review.model_validate(found[0]), found[1]


def _save(store: HelpdeskStore, review: Review, version: int) -> Review:
    store.save_review(review.ticket_id, review.model_dump(mode="json"), version, review.place)
    return review


def pick(store: HelpdeskStore, viewer: Viewer, ticket_id: str) -> Review:
    """A coordinator puts a solved ticket up for review by hand."""
    viewer.require_quality()
    ticket = store.get_ticket(ticket_id)
    if ticket is None:
        raise TicketNotFound(ticket_id)
    if ticket.status not in (TicketStatus.SOLVED, TicketStatus.CLOSED) or ticket.assignee_id is None:
        raise NotReviewable(ticket_id)
    review = open_review(store, ticket, Reason.PICKED, current_scorecard(store), utc_now())
    if review is None:
        raise ReviewExists(ticket_id)
    return review


def queue(store: HelpdeskStore, viewer: Viewer) -> list[Review]:
    """The reviews waiting for a score, oldest first."""
    viewer.require_quality()
    found = store.reviews_in_state(ReviewState.PENDING.value, QUEUE_LENGTH)
    return [Review.model_validate(value) for value in found]


def read(store: HelpdeskStore, viewer: Viewer, ticket_id: str) -> Review:
    """A review, for a coordinator or the agent whose work it is (once scored)."""
    review, _ = _read(store, ticket_id)
    if viewer.reviews_quality:
        return review
    if review.agent_id != viewer.agent_id or review.state is not ReviewState.SCORED:
        raise NotAllowed("another agent's review")
    return review


def score(store: HelpdeskStore, viewer: Viewer, actor: Actor, ticket_id: str, scoring: Scoring) -> Review:
    """Score a pending review on its own scorecard; nobody scores their own work."""
    viewer.require_quality()
    review, version = _read(store, ticket_id)
    if review.agent_id == viewer.agent_id:
        raise NotAllowed("own work")
    if review.state is not ReviewState.PENDING:
        raise WrongReviewState(ticket_id)
    check_scores(review.scorecard, scoring.scores)
    comments = {key: text for key, text in scoring.comments.items() if text.strip()}
    if set(comments) - set(scoring.scores):
        raise InvalidScores(",".join(sorted(set(comments) - set(scoring.scores))))
    scored = review.model_copy(
        update={
            "state": ReviewState.SCORED,
            "scores": dict(scoring.scores),
            "comments": comments,
            "comment": scoring.comment.strip(),
            "total": total(review.scorecard, scoring.scores),
            "reviewer_id": actor.id,
            "reviewer_name": actor.name,
            "scored_at": utc_now(),
        }
    )
    return _save(store, scored, version)


def reopen(store: HelpdeskStore, viewer: Viewer, ticket_id: str) -> Review:
    """Put a scored review back in the queue (its scores stay until it is scored again)."""
    viewer.require_quality()
    review, version = _read(store, ticket_id)
    if review.state is not ReviewState.SCORED:
        raise WrongReviewState(ticket_id)
    return _save(store, review.model_copy(update={"state": ReviewState.PENDING, "scored_at": None}), version)


def own_reviews(store: HelpdeskStore, viewer: Viewer) -> list[Review]:
    """The signed-in agent's scored reviews, newest first."""
    found = (Review.model_validate(value) for value in store.reviews_of_agent(viewer.agent_id, OWN_REVIEWS))
    return [review for review in found if review.state is ReviewState.SCORED]


def reply(store: HelpdeskStore, viewer: Viewer, ticket_id: str, body: ReplyBody) -> Review:
    """The reviewed agent answers their scored review, once."""
    review, version = _read(store, ticket_id)
    if review.agent_id != viewer.agent_id:
        raise NotAllowed("another agent's review")
    if review.state is not ReviewState.SCORED:
        raise WrongReviewState(ticket_id)
    if review.reply is not None:
        raise ReplyExists(ticket_id)
    return _save(store, review.model_copy(update={"reply": Reply(text=body.text.strip(), at=utc_now())}), version)

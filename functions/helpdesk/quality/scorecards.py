"""The team's scorecard: criteria with weights, each scored 0–4 or N/A, and the
share of solved tickets sampled for review. It is a versioned setting: a save
names the version its editor read (409 when someone saved in between), and a
review keeps a copy of the scorecard it was opened on, so changing the criteria
never changes an old review's total."""

from collections.abc import Mapping
from typing import Annotated

from pydantic import ConfigDict, Field, model_validator

from helpdesk.admin.audit import audit_entry
from helpdesk.clock import utc_now
from helpdesk.errors import HelpdeskError
from helpdesk.models import Actor
from helpdesk.store import HelpdeskStore
from helpdesk.validated import Validated

SETTING = "quality_scorecard"
TOP_SCORE = 4  # each criterion is scored 0..TOP_SCORE, or left N/A (None)

CriterionId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]


class InvalidScores(HelpdeskError):
    """Scores that do not fit the review's scorecard (an unknown or missing criterion)."""

    message_key = "error.review_scores_invalid"


class Criterion(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: CriterionId
    name: Annotated[str, Field(min_length=1, max_length=120)]
    description: Annotated[str, Field(max_length=500)] = ""
    weight: Annotated[int, Field(ge=1, le=100)] = 1


class Scorecard(Validated):
    """Body and answer of ``/api/quality/scorecard``; ``version`` is the one read
    (0 before the first save)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    criteria: Annotated[tuple[Criterion, ...], Field(min_length=1, max_length=20)]
    sample_percent: Annotated[float, Field(ge=0, le=100)] = 10.0
    version: Annotated[int, Field(ge=0)] = 0

    @model_validator(mode="after")
    def _distinct_criteria(self) -> "Scorecard":
        ids = [criterion.id for criterion in self.criteria]
        if len(set(ids)) != len(ids):
            raise ValueError("criteria must have distinct ids")
        return self


# The demo's scorecard (and the one a help desk starts with until an admin saves
# its own): the criteria the coordinators of the seed use, in Spanish.
DEFAULT = Scorecard(
    criteria=(
        Criterion(id="saludo", name="Saludo", description="Saluda por su nombre y se presenta.", weight=1),
        Criterion(
            id="comprension",
            name="Comprensión del problema",
            description="Confirma qué pasó y qué necesita el cliente antes de responder.",
            weight=2,
        ),
        Criterion(
            id="solucion",
            name="Solución correcta",
            description="La respuesta resuelve el caso y sigue los procedimientos.",
            weight=3,
        ),
        Criterion(
            id="tono",
            name="Tono y comunicación intercultural",
            description="Trato respetuoso y claro, atento al país y la forma de hablar del cliente.",
            weight=2,
        ),
        Criterion(
            id="cierre", name="Cierre", description="Confirma que el cliente quedó atendido y se despide.", weight=1
        ),
    ),
    sample_percent=10.0,
)


def current_scorecard(store: HelpdeskStore) -> Scorecard:
    document, version = store.versioned_setting(SETTING)
    if not document:
        return DEFAULT
    return Scorecard.model_validate({**document, "version": version})


def save_scorecard(store: HelpdeskStore, scorecard: Scorecard, actor: Actor) -> Scorecard:
    """Save the scorecard if it is still at the version its editor read
    (``StaleSetting`` otherwise); reviews already opened keep their copy."""
    before = current_scorecard(store)
    document = scorecard.model_dump(mode="json", exclude={"version"})
    audit = audit_entry(actor, "quality.scorecard_saved", SETTING, before, scorecard)
    version = store.put_versioned_setting(SETTING, document, scorecard.version, utc_now(), audit)
    return scorecard.model_copy(update={"version": version})


Scores = dict[str, int | None]


def check_scores(scorecard: Scorecard, scores: Mapping[str, int | None]) -> None:
    """Every criterion of the scorecard scored (0..4 or None for N/A), no other."""
    known = {criterion.id for criterion in scorecard.criteria}
    if set(scores) != known:
        raise InvalidScores(",".join(sorted(set(scores) ^ known)))
    if any(score is not None and not 0 <= score <= TOP_SCORE for score in scores.values()):
        raise InvalidScores("out of range")


def total(scorecard: Scorecard, scores: Mapping[str, int | None]) -> float | None:
    """The weighted share of the top score, in percent (one decimal), over the
    criteria that apply; None when every criterion is N/A."""
    weights = {criterion.id: criterion.weight for criterion in scorecard.criteria}
    applied = [(weights[key], score) for key, score in scores.items() if score is not None and key in weights]
    if not applied:
        return None
    earned = sum(weight * score for weight, score in applied)
    possible = sum(weight * TOP_SCORE for weight, _ in applied)
    return round(100 * earned / possible, 1)

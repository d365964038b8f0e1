"""A survey as kept: which ticket and solve it follows, what it asks (CSAT,
NPS or both), where and when it was sent, and the answers. One per ticket; a
later answer within ``ANSWERABLE`` changes it (the latest counts)."""

from datetime import datetime, timedelta
from typing import Annotated

from pydantic import AwareDatetime, ConfigDict, Field

from helpdesk.models import Channel, Language
from helpdesk.surveys.scale import SurveyKind
from helpdesk.validated import Validated

ANSWERABLE = timedelta(days=7)  # answers (and changes of answer) are taken this long after sending
MAX_COMMENT = 2000


class Survey(Validated):
    model_config = ConfigDict(frozen=True, extra="ignore")

    ticket_id: str
    ticket_number: int
    contact_id: str
    policy_id: str
    kinds: tuple[SurveyKind, ...]
    channel: Channel  # where it was sent (web chat's go by e-mail)
    language: Language
    solved_at: AwareDatetime
    sent_at: AwareDatetime
    csat: Annotated[int, Field(ge=1, le=5)] | None = None
    nps: Annotated[int, Field(ge=0, le=10)] | None = None
    comment: Annotated[str, Field(max_length=MAX_COMMENT)] | None = None
    answered_at: AwareDatetime | None = None
    answered_via: str | None = None  # email_link, whatsapp, email_reply
    follow_up: bool = False  # a poor answer opened a follow-up
    last_answer_id: str | None = None  # the channel message that answered last (a redelivery changes nothing)
    message_id: str | None = None  # the survey's own message on the thread (claimed before it is written)

    @property
    def answerable_until(self) -> datetime:
        return self.sent_at + ANSWERABLE

    def score(self, kind: SurveyKind) -> int | None:
        return self.csat if kind is SurveyKind.CSAT else self.nps

    def next_question(self) -> SurveyKind | None:
        """The first question still unanswered."""
        return next((k for k in self.kinds if self.score(k) is None), None)

    @property
    def poor(self) -> bool:
        """CSAT ≤ 2 or NPS ≤ 6."""
        return any((s := self.score(k)) is not None and s <= k.poor for k in self.kinds)

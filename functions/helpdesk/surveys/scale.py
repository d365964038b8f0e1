"""The two scales, and an answer read from what a customer writes.

CSAT asks "how satisfied are you" on 1–5; NPS asks "how likely are you to
recommend us" on 0–10. A customer answers with a number ("5", "5 estrellas",
"10/10", "4 de 5"), with stars ("⭐⭐⭐⭐"), or with a word ("excelente",
"malo", "great"); a tapped WhatsApp option carries its own id
(``csat:5``, ``nps:9``). Anything else is not an answer (it stays a normal
message on the ticket). The reading is strict on purpose: a long message that
happens to contain a digit ("mi pedido 12345 no llegó") is never a score.
"""

import re
import unicodedata
from enum import StrEnum


class SurveyKind(StrEnum):
    CSAT = "csat"  # 1–5
    NPS = "nps"  # 0–10

    @property
    def lowest(self) -> int:
        return 1 if self is SurveyKind.CSAT else 0

    @property
    def highest(self) -> int:
        return 5 if self is SurveyKind.CSAT else 10

    @property
    def poor(self) -> int:
        """At or under this, the answer is poor (a follow-up and a review)."""
        return 2 if self is SurveyKind.CSAT else 6

    def accepts(self, score: int) -> bool:
        return self.lowest <= score <= self.highest


# Words, folded (no accents, lower case), with their CSAT score; NPS maps them
# onto its scale (CSAT_TO_NPS).
WORDS = {
    "excelente": 5, "excelentes": 5, "genial": 5, "perfecto": 5, "buenisimo": 5, "muy bueno": 5, "muy buena": 5,
    "excellent": 5, "great": 5, "perfect": 5, "amazing": 5, "very good": 5,
    "bueno": 4, "buena": 4, "bien": 4, "good": 4,
    "regular": 3, "normal": 3, "mas o menos": 3, "ok": 3, "okay": 3, "so so": 3, "average": 3,
    "malo": 2, "mala": 2, "mal": 2, "bad": 2, "poor": 2,
    "muy malo": 1, "muy mala": 1, "pesimo": 1, "pesima": 1, "horrible": 1, "terrible": 1, "awful": 1,
    "very bad": 1,
}  # fmt: skip
CSAT_TO_NPS = {5: 10, 4: 8, 3: 6, 2: 3, 1: 0}
OPT_OUT = (
    "no quiero encuestas", "no mas encuestas", "no me envien encuestas", "no me manden encuestas",
    "sin encuestas", "no quiero mas encuestas", "no surveys", "stop surveys", "no more surveys",
    "unsubscribe from surveys",
)  # fmt: skip
STARS = ("⭐", "★", "🌟")
_NUMBER = re.compile(
    r"^(?P<n>\d{1,2})\s*(?:/\s*(?P<of>\d{1,2})|de\s+(?P<de>\d{1,2})|out of\s+(?P<out>\d{1,2})"
    r"|estrellas?|stars?|puntos?|points?|pts)?$"
)
MAX_ANSWER_CHARS = 40  # a longer message is a message, not an answer


def fold(text: str) -> str:
    """Lower case, accents and punctuation at the ends dropped, spaces squeezed."""
    plain = "".join(c for c in unicodedata.normalize("NFD", text.lower()) if unicodedata.category(c) != "Mn")
    return re.sub(r"\s+", " ", plain).strip(" .!¡?¿,;:-\"'()")


def option_id(kind: SurveyKind, score: int) -> str:
    """The id a tapped WhatsApp option carries."""
    return f"{kind.value}:{score}"


def read_score(text: str, kind: SurveyKind) -> int | None:
    """The score a customer's text gives on ``kind``'s scale, if it is one."""
    raw = text.strip()
    if not raw or len(raw) > MAX_ANSWER_CHARS:
        return None
    if raw.startswith(f"{kind.value}:") and raw[len(kind.value) + 1 :].isdigit():
        score = int(raw[len(kind.value) + 1 :])
        return score if kind.accepts(score) else None
    stars = sum(raw.count(star) for star in STARS)
    if stars and not raw.translate({ord(s): None for s in STARS}).replace("\ufe0f", "").strip():
        return _scaled(min(stars, 5), 5, kind)
    folded = fold(raw)
    match = _NUMBER.match(folded)
    if match:
        score, of = int(match["n"]), match["of"] or match["de"] or match["out"]
        if of is not None:
            return _scaled(score, int(of), kind) if int(of) in (5, 10) and score <= int(of) else None
        return score if kind.accepts(score) else None
    if folded in WORDS:
        csat = WORDS[folded]
        return csat if kind is SurveyKind.CSAT else CSAT_TO_NPS[csat]
    return None


def _scaled(score: int, of: int, kind: SurveyKind) -> int | None:
    """A score given out of 5 or 10, on ``kind``'s scale."""
    if of == kind.highest:
        return score if kind.accepts(score) else None
    if kind is SurveyKind.CSAT:  # out of 10 on a 1–5 scale: halves, rounded up
        return max(1, -(-score // 2))
    return CSAT_TO_NPS.get(score) if score >= 1 else 0  # out of 5 on the 0–10 scale


def opts_out(text: str) -> bool:
    """Whether the customer asks for no more surveys."""
    folded = fold(text)
    return any(phrase in folded for phrase in OPT_OUT) and len(folded) <= 120

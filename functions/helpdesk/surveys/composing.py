"""A survey's words, per channel and language.

E-mail: each scale as one-click links (signed, expiring when answers stop
being taken; ``links``), the question above them, and how to say "no more
surveys". WhatsApp allows at most 3 reply buttons or 10 list rows, so:

- CSAT (5 answers): one list message of 5 rows, ⭐ to ⭐⭐⭐⭐⭐;
- NPS (11 answers, 0–10): first 3 reply buttons for the bands Meta's own
  NPS reading uses (0–6, 7–8, 9–10), then the exact score within the band
  (2 buttons for 7–8 and 9–10; a list of 7 rows for 0–6); a typed "8" or
  "8/10" is taken at any point. Outside the 24-hour window the policy's
  approved template goes instead (its quick replies or a typed number answer).
"""

from dataclasses import dataclass

from helpdesk.models import Language
from helpdesk.surveys.scale import SurveyKind, option_id

CSAT_WORDS = {
    Language.SPANISH: {1: "Muy insatisfecho", 2: "Insatisfecho", 3: "Regular", 4: "Satisfecho", 5: "Muy satisfecho"},
    Language.ENGLISH: {1: "Very dissatisfied", 2: "Dissatisfied", 3: "Neutral", 4: "Satisfied", 5: "Very satisfied"},
}
QUESTIONS = {
    Language.SPANISH: {
        SurveyKind.CSAT: "¿Qué tan satisfecho quedaste con la atención a tu caso #{number}?",
        SurveyKind.NPS: "Del 0 al 10, ¿qué tan probable es que nos recomiendes a un amigo o colega?",
    },
    Language.ENGLISH: {
        SurveyKind.CSAT: "How satisfied are you with how we handled your case #{number}?",
        SurveyKind.NPS: "From 0 to 10, how likely are you to recommend us to a friend or colleague?",
    },
}
TEXTS = {
    Language.SPANISH: {
        "greeting": "Hola{name}:\n\nResolvimos tu caso #{number}. ¿Nos ayudas con una respuesta de un clic?",
        "click": "Elige una opción (un clic basta):",
        "opt_out": "Si no quieres recibir encuestas, responde «no quiero encuestas».",
        "button": "Calificar",
        "band_prompt": "¿Y exactamente?",
        "typed": "También puedes escribir un número.",
        "thanks": "¡Gracias por tu respuesta! Nos ayuda a mejorar.",
        "thanks_poor": "Gracias por decírnoslo. Una persona del equipo revisará tu caso y te contactará.",
        "opted_out": "Listo: no te enviaremos más encuestas.",
    },
    Language.ENGLISH: {
        "greeting": "Hello{name},\n\nWe solved your case #{number}. Would you help us with a one-click answer?",
        "click": "Pick one (one click is enough):",
        "opt_out": 'If you want no surveys, reply "no more surveys".',
        "button": "Rate",
        "band_prompt": "And exactly?",
        "typed": "You can also type a number.",
        "thanks": "Thank you for your answer! It helps us improve.",
        "thanks_poor": "Thank you for telling us. A person from our team will review your case and contact you.",
        "opted_out": "Done: we will send you no more surveys.",
    },
}
NPS_BANDS = ((0, 6), (7, 8), (9, 10))
BAND_PREFIX = "npsband:"
MAX_BUTTONS, MAX_ROWS = 3, 10  # Meta's limits on reply buttons and list rows


@dataclass(frozen=True)
class Choices:
    """An interactive WhatsApp message: ``style`` buttons (≤ 3) or list (≤ 10 rows)."""

    style: str
    body: str
    options: tuple[tuple[str, str], ...]  # (id, title ≤ 24 characters)
    button: str = ""  # a list's button label

    def __post_init__(self) -> None:
        limit = MAX_BUTTONS if self.style == "buttons" else MAX_ROWS
        if not 1 <= len(self.options) <= limit:
            raise ValueError(f"WhatsApp allows 1 to {limit} options for {self.style}")


def email_text(number: int, first_name: str, language: Language, links: dict[SurveyKind, list[tuple[int, str]]]) -> str:
    """The survey mail: greeting, each question with its one-click links, the opt-out."""
    texts = TEXTS[language]
    parts = [texts["greeting"].format(name=f" {first_name}" if first_name else "", number=number)]
    for kind, scale in links.items():
        parts.append(QUESTIONS[language][kind].format(number=number))
        parts.append(texts["click"])
        for score, url in scale:
            label = f"{score} {'⭐' * score} {CSAT_WORDS[language][score]}" if kind is SurveyKind.CSAT else f"{score}"
            parts.append(f"  {label}: {url}")
        parts.append("")
    parts.append(texts["opt_out"])
    return "\n".join(parts)


def whatsapp_question(kind: SurveyKind, number: int, language: Language) -> Choices:
    """The first WhatsApp message for a question (see the module's docstring)."""
    texts, question = TEXTS[language], QUESTIONS[language][kind].format(number=number)
    if kind is SurveyKind.CSAT:
        rows = tuple(
            (option_id(kind, score), f"{'⭐' * score} {CSAT_WORDS[language][score]}"[:24]) for score in range(5, 0, -1)
        )
        return Choices("list", f"{question}\n{texts['typed']}", rows, texts["button"])
    bands = tuple((f"{BAND_PREFIX}{low}-{high}", f"{low}–{high}") for low, high in NPS_BANDS)
    return Choices("buttons", f"{question}\n{texts['typed']}", bands)


def whatsapp_band(band_id: str, language: Language) -> Choices | None:
    """The exact scores of a tapped NPS band, or None when the id is not a band."""
    if not band_id.startswith(BAND_PREFIX):
        return None
    low, _, high = band_id[len(BAND_PREFIX) :].partition("-")
    if not (low.isdigit() and high.isdigit()) or (int(low), int(high)) not in NPS_BANDS:
        return None
    options = tuple((option_id(SurveyKind.NPS, s), str(s)) for s in range(int(low), int(high) + 1))
    style = "buttons" if len(options) <= MAX_BUTTONS else "list"
    return Choices(style, TEXTS[language]["band_prompt"], options, TEXTS[language]["button"])


def thanks(language: Language, poor: bool) -> str:
    return TEXTS[language]["thanks_poor" if poor else "thanks"]


def opted_out(language: Language) -> str:
    return TEXTS[language]["opted_out"]

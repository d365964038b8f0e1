"""Which of the desk's languages a short message is in, from its common words
alone (articles, pronouns, greetings, question words): Spanish unless the
English ones clearly outnumber them. Enough for a chat message; an unknown or
mixed message is Spanish, the desk's first language."""

import re

from helpdesk.language.analysis import fold
from helpdesk.models import Language

_SPANISH = frozenset(
    [
        "el",
        "la",
        "los",
        "las",
        "un",
        "una",
        "de",
        "del",
        "que",
        "y",
        "en",
        "es",
        "por",
        "para",
        "con",
        "mi",
        "mis",
        "me",
        "no",
        "si",
        "como",
        "cuando",
        "donde",
        "porque",
        "quiero",
        "necesito",
        "tengo",
        "puedo",
        "hola",
        "buenas",
        "buenos",
        "dias",
        "tardes",
        "noches",
        "gracias",
        "favor",
        "usted",
        "ustedes",
        "vos",
        "tu",
        "su",
        "hay",
        "esta",
        "estoy",
        "pero",
        "ya",
        "cual",
        "cuanto",
        "ayuda",
    ]
)
_ENGLISH = frozenset(
    [
        "the",
        "an",
        "of",
        "to",
        "and",
        "in",
        "is",
        "are",
        "was",
        "my",
        "me",
        "i",
        "you",
        "your",
        "it's",
        "it",
        "this",
        "that",
        "how",
        "what",
        "when",
        "where",
        "why",
        "can",
        "could",
        "would",
        "do",
        "does",
        "did",
        "not",
        "hi",
        "hello",
        "thanks",
        "thank",
        "please",
        "want",
        "need",
        "have",
        "has",
        "help",
        "with",
        "for",
        "from",
    ]
)


def guess_language(text: str) -> Language:
    words = re.findall(r"[a-z']+", fold(text))
    spanish = sum(word in _SPANISH for word in words)
    english = sum(word in _ENGLISH for word in words)
    return Language.ENGLISH if english > spanish else Language.SPANISH

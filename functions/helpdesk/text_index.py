"""Words for the search index: ticket subjects and contact names are indexed by
their words, folded so that "Facturación", "facturacion" and "FACTURACIÓN" are
one word. Very common Spanish and English words are left out."""

import re
import unicodedata

MAX_WORDS = 12  # words indexed per subject or name
MIN_LENGTH = 2
COMMON = frozenset(
    (
        *("de", "la", "el", "en", "y", "a", "que", "los", "las", "por", "con", "para", "mi", "mis", "un", "una"),
        *("unos", "unas", "al", "del", "lo", "le", "se", "es", "su", "sus", "no", "si", "ya", "me"),
        *("hola", "buenas", "buenos", "dias", "tardes", "re", "fw", "rv", "fwd"),
        *("the", "and", "to", "of", "in", "on", "for", "my", "is", "it", "at", "an", "or", "be", "with"),
    )
)


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def index_words(text: str) -> tuple[str, ...]:
    """The distinct words of ``text`` worth indexing, in order of appearance."""
    words = [w for w in re.findall(r"[a-z0-9ñ]+", fold(text)) if len(w) >= MIN_LENGTH and w not in COMMON]
    return tuple(dict.fromkeys(words))[:MAX_WORDS]

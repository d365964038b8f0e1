"""Words as the admins' rules compare them: folded (accents and case aside)
and cut to a rough stem, so that a rule naming "cobro" fires on "cobraron".
Search reads text with ``helpdesk.language.analysis`` (Snowball stems,
regionalisms, typos); the rules keep this simpler stem, which their tests pin.
"""

import re

from helpdesk.language.analysis import fold

MIN_LENGTH = 2

# Endings folded away when words are compared by their stem (Spanish first,
# then English): "cobraron", "cobro" and "cobré" are one word; so are
# "facturación", "facturas" and "factura". Longest first; a stem keeps at
# least STEM_LENGTH letters.
ENDINGS = (
    *("aciones", "iciones", "amiento", "imiento", "amente", "acion", "icion", "ieron", "aron", "ando", "iendo"),
    *("aste", "iste", "amos", "emos", "imos", "ados", "idos", "adas", "idas", "ing", "ado", "ido", "ada", "ida"),
    *("ara", "iera", "aba", "ion", "es", "as", "os", "ar", "er", "ir", "ed", "a", "o", "e", "s"),
)
STEM_LENGTH = 3


def stem(word: str) -> str:
    """A folded word without its ending: what ``stemmed_words`` compares."""
    folded = fold(word)
    for ending in ENDINGS:
        if folded.endswith(ending) and len(folded) - len(ending) >= STEM_LENGTH:
            return folded[: -len(ending)]
    return folded


def stemmed_words(text: str) -> frozenset[str]:
    """Every word of ``text`` (the common ones too), folded and stemmed: for
    telling whether a text names a word, whatever its accents, case or ending."""
    return frozenset(stem(w) for w in re.findall(r"[a-z0-9ñ]+", fold(text)) if len(w) >= MIN_LENGTH)

"""Whether a customer writing on a solved ticket says it is not solved ("no se
resolvió", "sigue igual", "todavía no", "still not working"…), as people type
it: accents and case folded first, common typos ("sige", "todabia",
"resolvio") and voseo ("no lo arreglaste", "seguís sin…") included.

Spanish and English are both read on every message: the phrases of one never
mean the other's, and a short message ("still broken") carries too few common
words to tell its language (``language.guessing``). A message that says it
*is* solved ("ya se resolvió, gracias", "it works now") never matches."""

import re

from helpdesk.language.analysis import fold

_PAST = (
    r"(resolvi(o|eron|ste|steis)|resuelt[oa]s?|solucion(o|aron|aste|ado|ada)|arregl(o|aron|aste|ado|ada)"
    r"|compusieron|compuso|reparad[oa]|reparo|reparaste|repararon)"
)
_SPANISH = re.compile(
    r"\bno\s+(se\s+|me\s+|nos\s+|lo\s+|la\s+|le\s+|les\s+)?(lo\s+|la\s+)?(ha\s+|han\s+|has\s+|habia\s+|habian\s+)?"
    rf"(sido\s+)?{_PAST}"
    rf"|\bno\s+(esta|estaba|quedo|queda|fue|ha\s+quedado)\s+(bien\s+)?{_PAST}"
    r"|\b(sigue|sige|sigeu|siguen|sigo|seguis|continua)\s+(igual|mal|fallando|pasando|sin\s+\w+|con\s+(el|la|los|las)\s+"
    r"(mism[oa]s?\s+)?(problema|falla|error)|el\s+(mismo\s+)?(problema|error))"
    r"|\b(el|la|mi)\s+(mism[oa]\s+)?(problema|falla|error)\s+(sigue|persiste|continua)"
    r"|\b(todavia|todabia|toavia|aun|tdv)\s+no\b"
    r"|\bno\s+(me\s+)?(funciona|anda|sirvio|sirve)\b"
    r"|\bnada\s+(cambio|ha\s+cambiado)\b"
    r"|\b(tengo|tenemos|sigo\s+con|seguimos\s+con|otra\s+vez|de\s+nuevo)\s+(lo\s+mismo|(el|la)\s+mism[oa]\s+(problema|falla|error))"
)
_ENGLISH = re.compile(
    r"\b(not|never)\s+(been\s+|really\s+|actually\s+)?(solved|resolved|fixed)\b"
    r"|\bstill\s+(not|isn'?t|is\s+not|doesn'?t|does\s+not|don'?t|do\s+not|won'?t|can'?t|cannot|broken|the\s+same"
    r"|same|failing|having|happening|an\s+issue|a\s+problem|down)\b"
    r"|\b(didn'?t|did\s+not|hasn'?t|has\s+not|haven'?t|have\s+not|wasn'?t|was\s+not|isn'?t|is\s+not)\s+"
    r"(been\s+)?(work|fix|solv|resolv|help)\w*"
    r"|\bnot\s+working\b|\bdoesn'?t\s+work\b|\b(problem|issue)\s+(persists|continues|is\s+back)\b"
    r"|\b(happening|broken|failing)\s+again\b|\bsame\s+(problem|issue|error)\s+(again|still)\b"
)
_SAYS_SOLVED = re.compile(
    r"\bya\s+(se\s+|me\s+|lo\s+|la\s+|nos\s+)*(resolvi|resuelt|solucion|arregl|quedo|funciona|anda|sirv)"
    r"|\bya\s+no\s+(tengo|tenemos|hay|me\s+pasa|nos\s+pasa|sale|aparece)\b"
    r"|\b(now|already)\s+(it\s+)?(works|working|fixed|solved|resolved)\b|\bit\s+works\s+now\b|\bno\s+longer\b"
)
QUOTED_CHARACTERS = 200  # how much of the message the follow-up quotes


def says_not_solved(text: str) -> bool:
    """The customer says the case is not solved (and does not also say it is)."""
    folded = fold(text).replace("\u2019", "'")
    said = _SPANISH.search(folded) or _ENGLISH.search(folded)
    return said is not None and _SAYS_SOLVED.search(folded) is None


def quoted(text: str) -> str:
    """The customer's words as the follow-up shows them: one line, at most ``QUOTED_CHARACTERS``."""
    line = " ".join(text.split())
    return line if len(line) <= QUOTED_CHARACTERS else line[: QUOTED_CHARACTERS - 1].rstrip() + "…"

"""What the customer newly wrote: an e-mail's text without the quoted history and
the signature, for replies written by Gmail, Outlook, Apple Mail, Thunderbird and
Yahoo in Spanish, English and a few neighbours (Portuguese, French, German).

The full text is always kept beside it; this is only what an agent reads first.
The rules, in order:

1. the quoted history starts at the first *quote header*: ``On … wrote:`` /
   ``El … escribió:`` (also wrapped over two or three lines), an Outlook header
   block (``From:``/``De:`` followed by ``Sent:``/``Enviado:``, ``To:``/``Para:``,
   ``Subject:``/``Asunto:``), a divider (``-----Original Message-----``,
   ``-----Mensaje original-----``, an Outlook line of underscores) or a run of
   ``>``-quoted lines;
2. when the customer answered *between* quoted lines (bottom or inline posting),
   their answers stay and only the trailing quoted block goes;
3. a signature goes from its delimiter (``-- ``, ``__``) or a mobile client's
   line (``Enviado desde mi iPhone``, ``Sent from my Android``, ``Get Outlook for
   iOS``…) to the end.
"""

import re

_WROTE = r"(wrote|writes|escribi[oó]|escreveu|a [ée]crit|schrieb|schreef|scrisse|skrev|napisa[lł]|pisze)\s*:?\s*$"
QUOTE_HEADER_END = re.compile(_WROTE, re.IGNORECASE)
QUOTE_HEADER_START = re.compile(r"^\s*(On|El|Em|Le|Am|Op|Il|Den|W dniu|Dne)\b", re.IGNORECASE)
ONE_LINE_QUOTE_HEADER = re.compile(r"^\s*(On|El|Em|Le|Am|Op|Il|Den|W dniu|Dne)\b.{4,300}?" + _WROTE, re.IGNORECASE)
DATE_FIRST_QUOTE_HEADER = re.compile(r"^\s*\d{1,4}[./-]\d{1,2}[./-]\d{1,4}.{0,200}" + _WROTE, re.IGNORECASE)
HEADER_FIELD = re.compile(
    r"^\s*\*?\s*(?P<key>From|De|Von|Van|Da|Sent|Enviado|Enviado el|Date|Fecha|Gesendet|Datum|Data|Envoy[ée]|"
    r"To|Para|An|Aan|A|[ÀA]|Cc|CC|Subject|Asunto|Betreff|Onderwerp|Objet|Assunto|Oggetto)\s*\*?\s*:",
    re.IGNORECASE,
)
FROM_KEYS = {"from", "de", "von", "van", "da"}
DIVIDER = re.compile(
    r"^\s*(-{2,}|_{2,}|={2,})?\s*("
    r"original message|mensaje original|mensagem original|message d'origine|urspr[üu]ngliche nachricht|"
    r"forwarded message|mensaje reenviado|mensagem encaminhada|message transf[ée]r[ée]|weitergeleitete nachricht|"
    r"reply message|begin forwarded message|inicio del mensaje reenviado"
    r")\s*:?\s*(-{2,}|_{2,}|={2,})?\s*$",
    re.IGNORECASE,
)
RULE_DIVIDER = re.compile(r"^\s*(_{10,}|-{10,})\s*$")
SIGNATURE_DELIMITER = re.compile(r"^(-- ?|--|__+|—)\s*$")
MOBILE_SIGNATURE = re.compile(
    r"^\s*("
    r"sent from my \w+(\s\w+){0,3}|sent from (yahoo mail|mail for windows|outlook|my mobile)|"
    r"enviado desde (mi|el) \w+(\s\w+){0,3}|enviado desde (yahoo mail|correo para windows|outlook)|"
    r"get outlook for (ios|android)|obtener outlook para (ios|android)|descargar outlook para (ios|android)|"
    r"enviado do meu \w+|envoy[ée] de mon \w+|von meinem \w+ gesendet|gesendet von meinem \w+"
    r")\b.*$",
    re.IGNORECASE,
)
QUOTED = re.compile(r"^\s*>")


def visible_text(text: str) -> str:
    """The newly written part of ``text``; the whole text if nothing else is left."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept = _before_history(lines)
    kept = _without_signature(kept)
    visible = "\n".join(kept).strip()
    return visible if visible else text.strip()


def _before_history(lines: list[str]) -> list[str]:
    for index, line in enumerate(lines):
        header_length = _quote_header_length(lines, index)
        if header_length:
            rest = lines[index + header_length :]
            if _answers_between_quotes(rest):
                # Inline answers: keep them, drop only what trails the last one.
                return _drop_trailing_quotes(lines)
            return lines[:index]
        if _outlook_block(lines, index) or DIVIDER.match(line) or _rule_divider(lines, index):
            return lines[:index]
    return _drop_trailing_quotes(lines)


def _quote_header_length(lines: list[str], index: int) -> int:
    """Lines taken by an ``On … wrote:`` header starting at ``index`` (0 if none)."""
    line = lines[index]
    if QUOTE_HEADER_END.search(line) and (
        ONE_LINE_QUOTE_HEADER.match(line) or DATE_FIRST_QUOTE_HEADER.match(line) or _followed_by_quote(lines, index)
    ):
        return 1
    if QUOTE_HEADER_START.match(line) and not QUOTED.match(line):
        joined = line
        for extra in range(1, 4):
            if index + extra >= len(lines):
                break
            joined += " " + lines[index + extra].strip()
            if QUOTE_HEADER_END.search(joined) and ONE_LINE_QUOTE_HEADER.match(joined):
                return extra + 1
    return 0


def _followed_by_quote(lines: list[str], index: int) -> bool:
    following = [line for line in lines[index + 1 : index + 4] if line.strip()]
    return bool(following) and bool(QUOTED.match(following[0]))


def _outlook_block(lines: list[str], index: int) -> bool:
    match = HEADER_FIELD.match(lines[index])
    if not match or match.group("key").lower() not in FROM_KEYS:
        return False
    keys = set()
    for line in lines[index + 1 : index + 7]:
        field = HEADER_FIELD.match(line)
        if field:
            keys.add(field.group("key").lower())
    return len(keys) >= 2


def _rule_divider(lines: list[str], index: int) -> bool:
    """An Outlook rule (underscores or dashes) with a header block under it."""
    if not RULE_DIVIDER.match(lines[index]):
        return False
    following = [line for line in lines[index + 1 : index + 4] if line.strip()]
    return bool(following) and bool(HEADER_FIELD.match(following[0]))


def _answers_between_quotes(rest: list[str]) -> bool:
    """True when unquoted text follows a quoted block (an inline reply)."""
    seen_quote = False
    for line in rest:
        if QUOTED.match(line):
            seen_quote = True
        elif seen_quote and line.strip() and not _is_signature_start(line):
            return True
    return False


def _drop_trailing_quotes(lines: list[str]) -> list[str]:
    end = len(lines)
    while end > 0 and (not lines[end - 1].strip() or QUOTED.match(lines[end - 1])):
        end -= 1
    kept = lines[:end]
    # A quote header right above the dropped block goes with it.
    while kept and not kept[-1].strip():
        kept.pop()
    if kept and end < len(lines) and QUOTE_HEADER_END.search(kept[-1]):
        kept.pop()
    return kept


def _is_signature_start(line: str) -> bool:
    return bool(SIGNATURE_DELIMITER.match(line) or MOBILE_SIGNATURE.match(line))


def _without_signature(lines: list[str]) -> list[str]:
    for index, line in enumerate(lines):
        if MOBILE_SIGNATURE.match(line):
            return lines[:index]
        if SIGNATURE_DELIMITER.match(line) and index > 0:
            tail = [rest for rest in lines[index + 1 :] if rest.strip()]
            if len(tail) <= 12:
                return lines[:index]
    return lines

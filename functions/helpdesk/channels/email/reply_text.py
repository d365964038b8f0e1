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

_WROTE = (
    r"(wrote|writes|escribi[oó]|escreveu|a [ée]crit|schrieb|schreef|scrisse|skrev|napisa[lł]|pisze|"
    r"написал[аи]?)\s*:?\s*$"
)
# "26.06.2014, 14:41, "Ana" <ana@example.com>:" and the like: a date or an
# address, ending in a colon, right above quoted lines.
DATED_OR_ADDRESSED = re.compile(r"(\d{1,4}[./-]\d{1,2}[./-]\d{2,4}|\d{1,2}:\d{2}|@[\w.-]+)")
QUOTE_HEADER_END = re.compile(_WROTE, re.IGNORECASE)
QUOTE_HEADER_START = re.compile(r"^\s*(?:-{2,}\s*)?(On|El|En|Em|Le|Am|Op|Il|Den|W dniu|Dne)\b", re.IGNORECASE)
ONE_LINE_QUOTE_HEADER = re.compile(
    r"^\s*(?:-{2,}\s*)?(On|El|En|Em|Le|Am|Op|Il|Den|W dniu|Dne)\b.{4,300}?" + _WROTE, re.IGNORECASE
)
DATE_FIRST_QUOTE_HEADER = re.compile(r"^\s*\d{1,4}[./-]\d{1,2}[./-]\d{1,4}.{0,200}" + _WROTE, re.IGNORECASE)
HEADER_FIELD = re.compile(
    r"^\s*\*?\s*(?P<key>From|De|Von|Van|Da|От|Sent|Enviado|Enviado el|Date|Fecha|Gesendet|Datum|Data|Envoy[ée]|"
    r"Отправлено|Дата|To|Para|An|Aan|A|[ÀA]|Кому|Cc|CC|Subject|Asunto|Betreff|Onderwerp|Objet|Assunto|Oggetto|"
    r"Тема)\s*\*?\s*:",
    re.IGNORECASE,
)
FROM_KEYS = {"from", "de", "von", "van", "da", "от"}
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
# "-Ana" / "—Ana López" signing off on a line of its own (not a "- item" bullet).
NAME_SIGN_OFF = re.compile(r"^\s*[-—][^\W\d_][\w.' -]{0,40}$")
FOOTER_RULE = re.compile(r"^\s*(_{5,}|-{5,}|={5,})\s*$")
# A device's sign-off is the whole line ("Sent from my iPhone"); "Sent from my
# desk, where typing is easier" is a sentence and stays.
MOBILE_SIGNATURE = re.compile(
    r"^\s*("
    r"sent from my \w+(\s\w+){0,3}|sent from (yahoo mail|mail for windows( \d+)?|outlook|my mobile)( on \w+)?|"
    r"enviado desde (mi|el) \w+(\s\w+){0,3}|enviado desde (yahoo mail|correo para windows( \d+)?|outlook)"
    r"( (para|en) \w+)?|"
    r"get outlook for (ios|android)|obtener outlook para (ios|android)|descargar outlook para (ios|android)|"
    r"enviado do meu \w+(\s\w+){0,2}|envoy[ée] de mon \w+(\s\w+){0,2}|von meinem \w+(\s\w+){0,2} gesendet|"
    r"gesendet von meinem \w+(\s\w+){0,2}"
    r")\s*[.!]?\s*$",
    re.IGNORECASE,
)
QUOTED = re.compile(r"^\s*>")
# A forward, as the customer's client marks it: a subject's first prefix, and a
# separator naming the forwarded message (es/en/pt/fr/de).
FORWARD_SUBJECT = re.compile(r"^\s*(rv|fwd?|tr|enc|wg)\s*:", re.IGNORECASE)
FORWARD_DIVIDER = re.compile(
    r"^\s*(-{2,}|_{2,}|={2,})?\s*(forwarded message|mensaje reenviado|mensagem encaminhada|"
    r"message transf[ée]r[ée]|weitergeleitete nachricht|begin forwarded message|inicio del mensaje reenviado|"
    r"in[ií]cio da mensagem (encaminhada|reencaminhada))\s*:?\s*(-{2,}|_{2,}|={2,})?\s*$",
    re.IGNORECASE,
)


def visible_text(text: str) -> str:
    """The newly written part of ``text``: no quoted history, no signature; the
    whole text if nothing else is left."""
    kept = _without_signature(_before_history(_lines(text)))
    visible = _joined(kept)
    return visible if visible else text.strip()


def visible_lines(lines: list[str]) -> int | None:
    """How many of ``lines`` (from the top) are newly written; None when the
    writer answered between quotes (what stays is not the top of the mail)."""
    kept = _without_signature(_before_history(lines))
    while kept and not kept[-1].strip():
        kept.pop()
    return len(kept) if kept == lines[: len(kept)] else None


def is_forward(subject: str | None, text: str) -> bool:
    """A customer's forward (a receipt, a bank notice passed on), whose
    forwarded mail is their message: the first history mark in ``text`` is a
    "forwarded message" separator, or the subject says forward and the first
    mark is a header block or an "Original Message" divider."""
    lines = _lines(text)
    for index, line in enumerate(lines):
        if QUOTED.match(line):
            return False
        if FORWARD_DIVIDER.match(line):
            return True
        if _quote_header_length(lines, index):
            return False
        if _outlook_block(lines, index) or DIVIDER.match(line) or _rule_divider(lines, index):
            return bool(subject and FORWARD_SUBJECT.match(subject))
    return False


def forward_text(text: str) -> str:
    """A forward as shown: the customer's note, then the forwarded mail with its
    header lines (only a mobile sign-off right above the separator goes)."""
    lines = _lines(text)
    kept = [line for line in lines if not MOBILE_SIGNATURE.match(line)]
    return _joined(kept)


def without_quotes(text: str) -> str:
    """``text`` without its quoted history (the signature stays)."""
    kept = _joined(_before_history(_lines(text)))
    return kept if kept else text.strip()


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _joined(lines: list[str]) -> str:
    return "\n".join(line.rstrip() for line in lines).strip()


def _before_history(lines: list[str]) -> list[str]:
    for index, line in enumerate(lines):
        header_length = _quote_header_length(lines, index)
        if header_length:
            rest = lines[index + header_length :]
            if _answers_between_quotes(rest):
                # Answers between quoted lines: the writer's own lines only.
                return _own_lines(_without_signature(lines))
            return lines[:index]
        if _outlook_block(lines, index) or DIVIDER.match(line) or _rule_divider(lines, index):
            return lines[:index]
    return _drop_trailing_quotes(lines)


def _quote_header_length(lines: list[str], index: int) -> int:
    """Lines taken by an ``On … wrote:`` header starting at ``index`` (0 if none)."""
    line = lines[index]
    if QUOTED.match(line):
        return 0
    for length in (1, 2):  # a date or address line ending in ":" right above a quote
        joined = " ".join(part.strip() for part in lines[index : index + length])
        if (
            joined.endswith(":")
            and DATED_OR_ADDRESSED.search(lines[index])
            and not HEADER_FIELD.match(lines[index])
            and _followed_by_quote(lines, index + length - 1)
        ):
            return length
    if QUOTE_HEADER_END.search(line) and (
        ONE_LINE_QUOTE_HEADER.match(line) or DATE_FIRST_QUOTE_HEADER.match(line) or _followed_by_quote(lines, index)
    ):
        return 1
    if QUOTE_HEADER_START.match(line) and not QUOTED.match(line):
        joined = line
        for extra in range(1, 4):
            # A wrapped header: its lines are neither blank nor quoted, and it
            # names a date or an address ("El número de serie es…" is a sentence).
            if index + extra >= len(lines) or not lines[index + extra].strip() or QUOTED.match(lines[index + extra]):
                break
            joined += " " + lines[index + extra].strip()
            if (
                QUOTE_HEADER_END.search(joined)
                and ONE_LINE_QUOTE_HEADER.match(joined)
                and DATED_OR_ADDRESSED.search(joined)
            ):
                return extra + 1
    return 0


def _followed_by_quote(lines: list[str], index: int) -> bool:
    following = [line for line in lines[index + 1 : index + 4] if line.strip()]
    return bool(following) and bool(QUOTED.match(following[0]))


def _outlook_block(lines: list[str], index: int) -> bool:
    """A block of copied headers (From/Sent/To/Subject in any order, in any of
    the languages above) starting at ``index``."""
    if not HEADER_FIELD.match(lines[index]):
        return False
    keys = []
    for line in lines[index : index + 6]:
        field = HEADER_FIELD.match(line)
        if not field:
            break
        keys.append(field.group("key").lower())
    return len(set(keys)) >= 3 and bool(FROM_KEYS & set(keys))


def _rule_divider(lines: list[str], index: int) -> bool:
    """An Outlook rule (underscores or dashes) with a header block under it."""
    if not RULE_DIVIDER.match(lines[index]):
        return False
    following = [line for line in lines[index + 1 : index + 4] if line.strip()]
    return bool(following) and bool(HEADER_FIELD.match(following[0]))


def _answers_between_quotes(rest: list[str]) -> bool:
    """True when the writer's own text follows a quoted block (an inline or
    bottom-posted reply); a signature or a mailing-list footer is not an answer."""
    seen_quote = False
    for line in rest:
        if QUOTED.match(line):
            seen_quote = True
        elif _is_signature_start(line) or FOOTER_RULE.match(line):
            return False
        elif seen_quote and line.strip():
            return True
    return False


def _own_lines(lines: list[str]) -> list[str]:
    """Without quoted lines, quote headers, and the blank lines a quote leaves."""
    kept: list[str] = []
    dropped_last = False
    index = 0
    while index < len(lines):
        header = _quote_header_length(lines, index)
        if header or QUOTED.match(lines[index]):
            while kept and not kept[-1].strip():
                kept.pop()  # the blank line before a quote goes with it
            index += header or 1
            dropped_last = True
            continue
        if not (dropped_last and not lines[index].strip()):
            kept.append(lines[index])
            dropped_last = False
        index += 1
    return kept


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
    return bool(SIGNATURE_DELIMITER.match(line) or MOBILE_SIGNATURE.match(line) or NAME_SIGN_OFF.match(line))


def _without_signature(lines: list[str]) -> list[str]:
    for index, line in enumerate(lines):
        if MOBILE_SIGNATURE.match(line):
            return lines[:index]
        if (SIGNATURE_DELIMITER.match(line) or NAME_SIGN_OFF.match(line) or FOOTER_RULE.match(line)) and index > 0:
            tail = [rest for rest in lines[index + 1 :] if rest.strip()]
            if len(tail) <= 12:
                return lines[:index]
    return lines

"""What the customer newly wrote, in the HTML of their mail: the same cut as
``reply_text`` makes on plain text, made on the parsed document (selectolax's
HTML5 parser), never by patterns over markup.

Two passes, both "from here to the end of the mail goes":

1. the marks the clients leave: Gmail's ``gmail_quote``/``gmail_attr``, Outlook's
   ``divRplyFwdMsg``/``appendonsend`` and its bordered "De:/Enviado:" block,
   Apple Mail's and Thunderbird's ``blockquote type="cite"`` (with
   ``moz-cite-prefix``), Yahoo's ``yahoo_quoted``, and the signature blocks
   (``gmail_signature``, ``moz-signature``, Outlook mobile's and Yahoo's);
2. the document's lines (a ``<br>`` or a block ends one; quoted lines carry
   ``>`` as in ``html_to_text``) read by ``reply_text``'s rules: an attribution
   line, a header block, a divider, a mobile sign-off or a signature delimiter.

Answers written between quoted blocks (bottom or inline posting) stay; only the
quotes go. Inline images in what stays stay.
"""

from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from helpdesk.channels.email.reply_text import HEADER_FIELD, MOBILE_SIGNATURE, visible_lines

# Where the quoted history begins, as each client marks it: marks that hold the
# whole quote (an answer may follow them), and marks after which all is history.
QUOTE_MARKS = (
    ".gmail_quote_container, .gmail_quote, .yahoo_quoted, [id^='yahoo_quoted'], .moz-cite-prefix, "
    "blockquote[type='cite']"
)
HISTORY_MARKS = (
    ".gmail_attr, .gmail_extra, #divRplyFwdMsg, #x_divRplyFwdMsg, #appendonsend, #x_appendonsend, "
    ".moz-forward-container, #mail-editor-reference-message-container, .OutlookMessageHeader"
)
SIGNATURE_MARKS = (
    ".gmail_signature, [data-smartmail='gmail_signature'], .moz-signature, "
    "#ms-outlook-mobile-signature, #ymail_android_signature, .ymail_android_signature, "
    "#ymail_ios_signature, #Signature, #signature, #x_Signature, .AppleMailSignature"
)
BLOCKS = frozenset(
    (
        "body",
        "p",
        "div",
        "li",
        "tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "ul",
        "ol",
        "pre",
        "hr",
        "blockquote",
        "section",
        "article",
        "header",
        "footer",
        "center",
        "address",
    )
)
MEDIA = ("img", "picture", "video", "audio", "iframe", "object")
EMPTY_KEEPERS = ", ".join(MEDIA)


@dataclass(frozen=True)
class Line:
    """One line of the document as a reader sees it: where it starts and its text."""

    start: LexborNode
    text: str


def visible_html(html: str) -> str:
    """The newly written part of ``html`` (a body's inner HTML); the whole of it
    when nothing would be left."""
    tree = LexborHTMLParser(html)
    body = tree.body
    if body is None:
        return html
    for node in body.css("script, style, head, title"):
        node.decompose()
    _cut_marked_history(body)
    lines = document_lines(body)
    kept = visible_lines([line.text for line in lines])
    if kept is not None and kept < len(lines):
        _cut_from(lines[kept].start)
    _trim_end(body)
    if not _has_content(body):
        return html
    return (body.inner_html or "").strip()


def cut_after_text(html: str, wanted: str) -> str | None:
    """``html`` cut right after the line where its text reaches ``wanted`` (both
    compared without whitespace); None when no line boundary matches."""
    tree = LexborHTMLParser(html)
    body = tree.body
    if body is None:
        return None
    lines = document_lines(body)
    target = squeezed(wanted)
    seen = ""
    for index, line in enumerate(lines):
        seen += squeezed(line.text)
        if seen == target and index + 1 < len(lines):
            _cut_from(lines[index + 1].start)
            _trim_end(body)
            return (body.inner_html or "").strip()
        if not target.startswith(seen):
            return None
    return None


def html_text(html: str) -> str:
    """The lines of ``html`` as text (quoted lines with ``>``)."""
    body = LexborHTMLParser(html).body
    return "\n".join(line.text for line in document_lines(body)) if body is not None else ""


def squeezed(text: str) -> str:
    """Text compared across the plain and HTML parts: no whitespace, no ``*``
    emphasis (Gmail's plain part for bold), no ``>`` quote marks."""
    return "".join(ch for ch in text if not ch.isspace() and ch not in "*>\u200b\u200c\ufeff")


def document_lines(body: LexborNode) -> list[Line]:
    lines: list[Line] = []
    start: LexborNode | None = None
    parts: list[str] = []
    block_id: int | None = None
    broke = False

    def flush() -> None:
        nonlocal start, parts
        if start is not None:
            lines.append(Line(start, " ".join("".join(parts).split())))
        start, parts = None, []

    for node in body.traverse(include_text=True):
        if node.tag in {"br", "hr"}:
            flush()
            broke = True
            continue
        if node.tag == "img" and start is None:
            # A picture on a line of its own is a line (so it is never cut as empty).
            flush()
            lines.append(Line(node, "[img]"))
            continue
        if not node.is_text_node:
            continue
        text = node.text_content or ""
        if not text.strip() and start is None:
            continue
        block = _block_of(node)
        block_key = block.mem_id if block is not None else None
        if start is not None and (broke or block_key != block_id):
            flush()
        broke = False
        if start is None:
            start = node
            block_id = block_key
            depth = _quote_depth(node)
            if depth:
                parts.append("> " * depth)
        parts.append(text.replace("\xa0", " "))
    flush()
    return lines


def _block_of(node: LexborNode) -> LexborNode | None:
    current = node.parent
    while current is not None and current.tag not in BLOCKS:
        current = current.parent
    return current


def _quote_depth(node: LexborNode) -> int:
    depth = 0
    current = node.parent
    while current is not None:
        if current.tag == "blockquote":
            depth += 1
        current = current.parent
    return depth


def _cut_marked_history(body: LexborNode) -> None:
    for _ in range(100):
        marked = {node.mem_id for node in body.css(QUOTE_MARKS)}
        quotes = [node for node in body.css(QUOTE_MARKS) if not _in_quote(node, marked)]
        first = _first_in_document(body, [*quotes, *body.css(HISTORY_MARKS), *_outlook_header_blocks(body)])
        if first is None:
            break
        if first.mem_id in {quote.mem_id for quote in quotes} and _answers_after(body, first, marked):
            # Bottom or inline posting: the customer's answers stay, the quote goes.
            _drop_attribution_before(first)
            first.decompose()
            continue
        _cut_from(first)
        break
    signature = _first_in_document(body, body.css(SIGNATURE_MARKS))
    if signature is not None:
        _cut_from(signature)


def _outlook_header_blocks(body: LexborNode) -> list[LexborNode]:
    """Outlook desktop's bordered block holding the copied De:/Enviado:/Para: lines."""
    found = []
    for block in body.css("div[style*='border-top'], div[style*='border:none']"):
        text_lines = [line.text for line in document_lines(block)][:6]
        keys = {match.group("key").lower() for match in map(HEADER_FIELD.match, text_lines) if match}
        if len(keys) >= 3:
            found.append(block)
    return found


def _in_quote(node: LexborNode, marked: set[int]) -> bool:
    """Inside a blockquote or a quote mark (``marked``: their ids)."""
    current = node.parent
    while current is not None:
        if current.tag == "blockquote" or current.mem_id in marked:
            return True
        current = current.parent
    return False


def _answers_after(body: LexborNode, mark: LexborNode, marked: set[int]) -> bool:
    """Own text after ``mark`` (not quoted, not a signature): an answer below it."""
    signatures = {node.mem_id for node in body.css(SIGNATURE_MARKS)}
    seen = False
    for node in body.traverse(include_text=True):
        if node.mem_id == mark.mem_id:
            seen = True
            continue
        if not seen or not node.is_text_node:
            continue
        text = (node.text_content or "").strip()
        if not text or text in ("--", "-- ") or MOBILE_SIGNATURE.match(text):
            continue
        if _within(node, mark) or _in_quote(node, marked) or _in_quote(node, signatures):
            continue
        return True
    return False


def _within(node: LexborNode, ancestor: LexborNode) -> bool:
    current = node.parent
    while current is not None:
        if current.mem_id == ancestor.mem_id:
            return True
        current = current.parent
    return False


def _drop_attribution_before(quote: LexborNode) -> None:
    """The "El … escribió:" line (Thunderbird's ``moz-cite-prefix``, Apple's
    div) right before a quote goes with it."""
    previous = quote.prev
    while previous is not None and previous.is_text_node and not (previous.text_content or "").strip():
        previous = previous.prev
    if previous is None:
        return
    text = (previous.text_content if previous.is_text_node else previous.text(deep=True)) or ""
    lines = [line for line in text.splitlines() if line.strip()]
    if lines and visible_lines([*lines, "> cita"]) == 0:
        previous.decompose()


def _first_in_document(body: LexborNode, nodes: list[LexborNode]) -> LexborNode | None:
    if not nodes:
        return None
    wanted = {node.mem_id for node in nodes}
    for node in body.traverse(include_text=False):
        if node.mem_id in wanted:
            return node
    return None


def _cut_from(node: LexborNode) -> None:
    """Remove ``node`` and everything after it in document order."""
    current: LexborNode | None = node
    while current is not None and current.tag not in ("body", "html"):
        sibling = current.next
        while sibling is not None:
            following = sibling.next
            sibling.decompose()
            sibling = following
        current = current.parent
    node.decompose()


def _has_content(node: LexborNode) -> bool:
    return bool(node.text(deep=True).strip()) or bool(node.css_first(EMPTY_KEEPERS))


def _trim_end(body: LexborNode) -> None:
    """Trailing blank lines, rules and empty blocks a cut leaves behind."""
    for _ in range(500):
        tail = _last_leaf(body)
        if tail is None or tail is body:
            return
        if tail.is_text_node:
            if (tail.text_content or "").strip(" \t\r\n\xa0"):
                return
        elif tail.tag in MEDIA or (tail.tag not in ("br", "hr") and _has_content(tail)):
            return
        tail.decompose()


def _last_leaf(body: LexborNode) -> LexborNode | None:
    node = body.last_child
    if node is None:
        return None
    while node.last_child is not None:
        node = node.last_child
    return node

"""What an agent sees of a received mail first, and what stays behind "show
quoted text": the same cut in the plain text and in the HTML.

- a reply: the new text only, in both parts (``reply_text``, ``html_reply``);
  when the two disagree about where the new text ends, the stricter one wins
  and the other part is cut to the same place;
- a forward: the customer's note *and* the forwarded mail with its header lines,
  which are what they meant to send us.
"""

from dataclasses import dataclass

from helpdesk.channels.email.html_reply import cut_after_text, html_text, squeezed, visible_html
from helpdesk.channels.email.reply_text import forward_text, is_forward, visible_text


@dataclass(frozen=True)
class ReplyView:
    text: str  # shown first
    html: str | None  # shown first when the mail has HTML (not yet sanitized)
    full_text: str  # everything, behind the toggle
    full_html: str | None
    forward: bool = False

    @property
    def has_more(self) -> bool:
        return self.text != self.full_text.strip() or self.html != self.full_html


def reply_view(subject: str | None, text: str, html: str | None) -> ReplyView:
    if is_forward(subject, text) or (html is not None and is_forward(subject, html_text(html))):
        return ReplyView(text=forward_text(text), html=html, full_text=text, full_html=html, forward=True)
    shown_text = visible_text(text)
    if html is None:
        return ReplyView(text=shown_text, html=None, full_text=text, full_html=None)
    try:
        shown_html = visible_html(html)
    except Exception:  # noqa: BLE001 - a mail is never lost to its markup: shown whole
        return ReplyView(text=shown_text, html=html, full_text=text, full_html=html)
    return _agreeing(shown_text, shown_html, text, html)


def _agreeing(shown_text: str, shown_html: str, text: str, html: str) -> ReplyView:
    """The stricter cut wins: when one part keeps more than the other (the
    other's whole new text, then more), it is cut where the other ends."""
    in_text, in_html = squeezed(shown_text), squeezed(html_text(shown_html))
    if in_text and in_html != in_text:
        if in_html.startswith(in_text):
            shown_html = cut_after_text(shown_html, shown_text) or shown_html
        elif in_text.startswith(in_html) and in_html:
            shown_text = _text_up_to(shown_text, in_html)
    return ReplyView(text=shown_text, html=shown_html, full_text=text, full_html=html)


def _text_up_to(text: str, wanted: str) -> str:
    """The first lines of ``text`` whose content is ``wanted`` (``text`` if no
    line boundary matches)."""
    seen = ""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        seen += squeezed(line)
        if seen == wanted:
            return "\n".join(lines[: index + 1]).strip()
        if not wanted.startswith(seen):
            break
    return text

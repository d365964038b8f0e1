"""An article's Markdown as HTML that is safe to show anywhere.

markdown-it-py parses CommonMark (with tables and strikethrough) with raw HTML
turned off, so what an author types as ``<script>`` is shown as text; nh3 then
cleans the HTML to an allowed list of tags, attributes and URL schemes, so no
link, image or attribute can carry script (``javascript:`` links, ``on*``
handlers, ``style``). Both steps run on every render: the second holds even if
the first ever let something through.
"""

from functools import cache
from typing import TYPE_CHECKING

import nh3

if TYPE_CHECKING:  # markdown-it-py loads on the first render, not with every module that reaches this one
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

ALLOWED_TAGS = frozenset(
    {
        *("p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "s", "del", "code", "pre"),
        *("blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td"),
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
}
URL_SCHEMES = frozenset({"https", "http", "mailto", "tel"})


@cache
def _parser() -> "MarkdownIt":
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
        ["table", "strikethrough"]
    )


def _inline(tokens: "list[Token]") -> "list[Token]":
    found: list[Token] = []
    for token in tokens:
        found.append(token)
        if token.children:
            found += _inline(token.children)
    return found


def render(markdown: str) -> str:
    """The Markdown as sanitized HTML."""
    html = _parser().render(markdown)
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        filter_style_properties={"text-align"},
    )


def images_without_alt(markdown: str) -> list[str]:
    """The addresses of images whose alt text is empty (every image needs one)."""
    tokens = _inline(_parser().parse(markdown))
    return [str(t.attrs.get("src", "")) for t in tokens if t.type == "image" and not t.content.strip()]


def plain_text(markdown: str) -> str:
    """What a reader reads of the Markdown: its text, code and image alt texts,
    without markup or link addresses (for search and summaries)."""
    parts: list[str] = []
    for token in _inline(_parser().parse(markdown)):
        if token.type in ("text", "code_inline", "code_block", "fence"):  # an image's alt is its text child
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak", "paragraph_close", "heading_close"):
            parts.append("\n")
    return " ".join(" ".join(parts).split())


def addresses(markdown: str) -> list[str]:
    """Where the Markdown's images and links point, in order (an image's
    ``src``, a link's ``href``), as the renderer reads them."""
    found: list[str] = []
    for token in _inline(_parser().parse(markdown)):
        if token.type == "image":
            found.append(str(token.attrs.get("src", "")))
        elif token.type == "link_open":
            found.append(str(token.attrs.get("href", "")))
    return found

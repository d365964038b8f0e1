"""How the assistant words its answer from the articles it found (issue 15):
pluggable, through ``AnswerWriter``.

``RETRIEVAL``, the default: the articles' titles with their help-center pages
(a segment article's summary, as it has no page). Deterministic, offline.

``PhrasedAnswers``, only when a deployment configures a model
(``AssistantBedrockModelId``; ``providers.bedrock`` calls Amazon Bedrock's
Converse API): the model gets the prompt in ``prompts/answer_<locale>.txt``,
the question and, of the public articles found (never a segment or an internal
one), each one's title, summary and the first ``excerpt_chars`` of its text;
it answers in the customer's language, briefly, citing the articles it used as
``[n]``. An answer that is empty, too long, cites no article or cites one it
was not given is discarded, as is any failure of the model (logged with its
error code only, never the customer's words): the customer then gets the
retrieval answer. A kept answer ends with the cited articles' pages.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

from helpdesk.knowledge.articles import ArticleNotFound, ArticleStatus, Visibility, get_article
from helpdesk.knowledge.finding import ArticleHit
from helpdesk.knowledge.helpcenter import article_path
from helpdesk.knowledge.rendering import plain_text
from helpdesk.limits import KNOWLEDGE, PHRASED_ANSWERS
from helpdesk.models import Language
from helpdesk.observability import logger
from helpdesk.store import HelpdeskStore

PROMPTS = Path(__file__).parent / "prompts"

WORDS = {
    Language.SPANISH: {"found": "Encontré esto que puede ayudarte:", "ask": "¿Te sirvió?", "more": "Más en:"},
    Language.ENGLISH: {"found": "I found this, which may help:", "ask": "Did this help?", "more": "More in:"},
}

# "[1]", "[1, 2]" or "[1][3]": the articles an answer says it used
_CITED = re.compile(r"\[\s*(\d+(?:\s*,\s*\d+)*)\s*\]")


class AnswerWriter(Protocol):
    """Words an answer to ``question`` from the articles found for it (best
    first); None: it has none, and the retrieval answer is given."""

    def write(self, question: str, hits: Sequence[ArticleHit], locale: Language) -> str | None: ...


class PhrasingFailed(Exception):
    """The model gave no answer; ``code`` is its error's code (never any text)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class Phrasing(Protocol):
    """A language model: ``user`` answered under the ``system`` prompt, or
    ``PhrasingFailed``."""

    def phrase(self, system: str, user: str) -> str: ...


Excerpt = Callable[[str], str]  # a published public article's id → its plain text ("" when unknown)


def suggestion(hits: Sequence[ArticleHit], locale: Language) -> str:
    """The retrieval answer: each article's title and page, then "¿Te sirvió?"."""
    words = WORDS[locale]
    return "\n".join([words["found"], *(f"• {hit.title}: {where(hit)}" for hit in hits), words["ask"]])


def where(hit: ArticleHit) -> str:
    """A public article's help-center page; a segment article has none (the
    help center does not know who reads), so its summary is the answer."""
    return hit.summary if hit.visibility == "segment" else article_path(hit.locale, hit.id)


class RetrievalAnswers:
    """The articles found, listed: no model, nothing leaves the help desk."""

    def write(self, question: str, hits: Sequence[ArticleHit], locale: Language) -> str | None:
        return suggestion(hits, locale)


RETRIEVAL: AnswerWriter = RetrievalAnswers()


@cache
def prompt(locale: Language) -> str:
    """The system prompt in ``locale`` (read once per process)."""
    return (PROMPTS / f"answer_{locale.value}.txt").read_text(encoding="utf-8").strip()


def _quoted(text: str) -> str:
    """Text put between the request's tags, unable to close or open one."""
    return text.replace("<", "‹").replace(">", "›").strip()


def request(question: str, hits: Sequence[ArticleHit], excerpt: Excerpt) -> str:
    """What the model reads: the question, then the articles numbered from 1."""
    parts = [f"<question>{_quoted(question[: KNOWLEDGE.max_query_chars])}</question>"]
    for number, hit in enumerate(hits, start=1):
        text = excerpt(hit.id)[: PHRASED_ANSWERS.excerpt_chars]
        parts.append(
            f'<article n="{number}">\n<title>{_quoted(hit.title)}</title>\n<summary>{_quoted(hit.summary)}</summary>\n'
            f"<text>{_quoted(text)}</text>\n</article>"
        )
    return "\n".join(parts)


def cited(answer: str, given: int) -> list[int] | None:
    """The article numbers ``answer`` cites, in order; None when it must be
    discarded: empty, too long, citing nothing, or citing one not given."""
    answer = answer.strip()
    if not answer or len(answer) > PHRASED_ANSWERS.max_answer_chars:
        return None
    numbers = [int(n) for group in _CITED.findall(answer) for n in group.split(",")]
    if not numbers or any(not 1 <= n <= given for n in numbers):
        return None
    return list(dict.fromkeys(numbers))


@dataclass(frozen=True)
class PhrasedAnswers:
    """A model's short answer grounded on the public articles found."""

    phrasing: Phrasing
    excerpt: Excerpt

    def write(self, question: str, hits: Sequence[ArticleHit], locale: Language) -> str | None:
        public = [hit for hit in hits if hit.visibility == "public"]
        if not public:
            return None
        try:
            answer = self.phrasing.phrase(prompt(locale), request(question, public, self.excerpt))
        except PhrasingFailed as failure:
            logger.warning("phrased answer failed: the articles' list instead", extra={"error_code": failure.code})
            return None
        numbers = cited(answer, len(public))
        if numbers is None:
            logger.info("phrased answer discarded: the articles' list instead", extra={"answer_chars": len(answer)})
            return None
        words = WORDS[locale]
        sources = [f"[{n}] {public[n - 1].title}: {where(public[n - 1])}" for n in numbers]
        return "\n".join([answer.strip(), words["more"], *sources, words["ask"]])


def published_excerpt(store: HelpdeskStore, article_id: str) -> str:
    """A published public article's plain text (the help center shows it to
    anyone), else "": a model never reads a draft, a segment or an internal one."""
    try:
        article = get_article(store, article_id)
    except ArticleNotFound:
        return ""
    if article.status is not ArticleStatus.PUBLISHED or article.visibility is not Visibility.PUBLIC:
        return ""
    return plain_text(article.body)[: PHRASED_ANSWERS.excerpt_chars]

"""The knowledge base's search index, built whole on publish as one compact object.

There are three indexes, one per **audience**: ``public`` holds only published
articles whose visibility is ``public`` (the help center and the contact form,
which do not know who reads, read this one and no other); ``customers`` holds
those and the ``segment`` articles, each with its segment, for callers that
know the contact (the assistant on WhatsApp, Messenger and Instagram:
``finding.ContactArticles`` keeps only the segments the contact is in);
``agents`` holds every published article (internal ones too). An internal
article never reaches a customer-facing caller because the objects those
callers load were built without it: there is no filter to forget.

Ranking is BM25F: each field's term frequency is normalized by the field's
length (b = 0.75) and weighted (title 3, tags and category 2.5, summary 1.5,
body 1), the weighted sum is saturated once (k1 = 2.2: short articles repeat
their topic, so a later saturation ranks them better; measured on the
evaluation set) and multiplied by the term's IDF. Every (term, article) score
is computed here, at build time, and stored quantized (uint16, thousandths),
so a query only adds up the postings of its few terms. Text is analysed by
``helpdesk.language.analysis`` in the article's own language (folding,
regionalisms, stop words, Snowball stems).

Layout (JSON, gzip): ``{"format", "audience", "built_at", "locales": {"es":
{"docs": [{id, title, summary, category, tags, visibility}], "terms": {term:
base64 of little-endian uint16 pairs (doc, score)}}}}``. Postings stay
encoded until a query needs them, so loading is one decompress and one JSON
parse (see ``bench`` for the figures at 1,000 articles).
"""

import base64
import gzip
import json
import math
import sys
from array import array
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any

from helpdesk.knowledge.articles import Article, ArticleStatus, Visibility
from helpdesk.knowledge.rendering import plain_text
from helpdesk.language.analysis import word_stream
from helpdesk.models import Language

FORMAT = 1
FIELD_WEIGHTS = {"title": 3.0, "tags": 2.5, "summary": 1.5, "body": 1.0}
K1 = 2.2  # measured on the evaluation set: 1.2 → 111/126 top-1/top-3 of 128, 2.2 → 114/128
B = 0.75
SCALE = 1000  # stored scores are thousandths
MAX_SCORE = 65_535


class Audience(StrEnum):
    PUBLIC = "public"  # customers: the help center, the contact form, the bot
    CUSTOMERS = "customers"  # a known contact: public articles, and segment ones with their segment
    AGENTS = "agents"  # agents: every published article


def admits(audience: Audience, article: Article) -> bool:
    """Whether an article belongs in an audience's index."""
    if article.status is not ArticleStatus.PUBLISHED:
        return False
    if audience is Audience.CUSTOMERS:
        return article.visibility in (Visibility.PUBLIC, Visibility.SEGMENT)
    return audience is Audience.AGENTS or article.visibility is Visibility.PUBLIC


def _field_texts(article: Article) -> dict[str, str]:
    videos = " ".join(f"{v.caption} {v.transcript}" for v in article.videos)
    category = (article.category or "").replace("/", " ").replace("-", " ")
    return {
        "title": article.title,
        "tags": " ".join(t.replace("-", " ").replace("_", " ") for t in article.tags) + " " + category,
        "summary": article.summary,
        "body": f"{plain_text(article.body)} {videos}",
    }


Analysed = dict[str, Counter[str]]  # an article's terms and their counts, per field


def analyse(article: Article) -> Analysed:
    """An article's fields as terms, in its own language."""
    return {f: Counter(word_stream(text, article.locale)) for f, text in _field_texts(article).items()}


def _section(articles: list[Article], analysed: dict[str, Analysed]) -> dict[str, Any]:
    counts = [analysed[a.id] for a in articles]
    total = len(articles)
    average = {f: (sum(sum(c[f].values()) for c in counts) / total if total else 0.0) or 1.0 for f in FIELD_WEIGHTS}
    frequency: Counter[str] = Counter(term for c in counts for term in set().union(*(c[f] for f in FIELD_WEIGHTS)))
    postings: dict[str, array[int]] = {}
    for doc, fields in enumerate(counts):
        lengths = {f: sum(fields[f].values()) for f in FIELD_WEIGHTS}
        weighted: dict[str, float] = {}
        for field_name, weight in FIELD_WEIGHTS.items():
            norm = 1 - B + B * lengths[field_name] / average[field_name]
            for term, tf in fields[field_name].items():
                weighted[term] = weighted.get(term, 0.0) + weight * tf / norm
        for term, weighted_tf in weighted.items():
            df = frequency[term]
            idf = math.log(1 + (total - df + 0.5) / (df + 0.5))
            score = min(MAX_SCORE, round(SCALE * idf * weighted_tf * (K1 + 1) / (weighted_tf + K1)))
            postings.setdefault(term, array("H")).extend((doc, max(1, score)))
    return {
        "docs": [
            {
                "id": a.id,
                "title": a.title,
                "summary": a.summary,
                "category": a.category,
                "tags": list(a.tags),
                "visibility": a.visibility.value,
                **({"segment": a.segment.model_dump(mode="json")} if a.segment is not None else {}),
            }
            for a in articles
        ],
        "terms": {term: _encode(values) for term, values in postings.items()},
    }


def _encode(values: "array[int]") -> str:
    if sys.byteorder != "little":  # pragma: no cover - every Lambda and dev machine is little-endian
        values = array("H", values)
        values.byteswap()
    return base64.b64encode(values.tobytes()).decode("ascii")


def decode(encoded: str) -> "array[int]":
    values = array("H")
    values.frombytes(base64.b64decode(encoded))
    if sys.byteorder != "little":  # pragma: no cover
        values.byteswap()
    return values


def build(
    articles: Iterable[Article],
    audience: Audience,
    built_at: datetime,
    analysed: dict[str, Analysed] | None = None,
    synonyms: dict[Language, dict[str, list[str]]] | None = None,
) -> dict[str, Any]:
    """The index of an audience over these articles (those it admits), as JSON;
    ``analysed`` holds articles already read (publishing builds both audiences
    from one reading)."""
    admitted = sorted((a for a in articles if admits(audience, a)), key=lambda a: a.id)
    analysed = analysed if analysed is not None else {}
    for article in admitted:
        if article.id not in analysed:
            analysed[article.id] = analyse(article)
    return {
        "format": FORMAT,
        "audience": audience.value,
        "built_at": built_at.isoformat(),
        "locales": {
            lang.value: {
                **_section([a for a in admitted if a.locale is lang], analysed),
                "synonyms": (synonyms or {}).get(lang, {}),
            }
            for lang in Language
        },
    }


def build_all(
    articles: Iterable[Article], built_at: datetime, synonyms: dict[Language, dict[str, list[str]]] | None = None
) -> dict[Audience, dict[str, Any]]:
    """Every audience's index, each article read once; ``synonyms``: each
    locale's folded word → the words read with it (``knowledge.synonyms``)."""
    listed, analysed = list(articles), {}  # type: ignore[var-annotated]
    return {audience: build(listed, audience, built_at, analysed, synonyms) for audience in Audience}


def pack(index: dict[str, Any]) -> bytes:
    """The index as the object kept in S3."""
    return gzip.compress(json.dumps(index, separators=(",", ":"), ensure_ascii=False).encode(), compresslevel=6)


def unpack(data: bytes) -> dict[str, Any]:
    index: dict[str, Any] = json.loads(gzip.decompress(data))
    if index.get("format") != FORMAT:
        raise ValueError("unknown knowledge index format")
    return index

"""Finding articles: the one search the help center, the contact form, the
agents' console and the bot (issue 15) call, through the ``ArticleSearch`` port.

``CompactIndex`` answers from an index built by ``indexing.build``: the
query is read like the articles (folding, regionalisms and abbreviations,
greetings and stop words left out, Snowball stems in the caller's language);
a word the index does not know is read as a typo of its nearest terms
(``language.analysis.typo_read``) at a lower weight; each article's score is
the sum of its precomputed BM25F scores for the query's terms.

``IndexShelf`` keeps the three indexes (``public``, ``customers``,
``agents``) as objects in the knowledge bucket and hands out one per audience:
an anonymous customer-facing caller asks ``shelf.public()`` and gets an index
in which internal and segment articles do not exist; a caller that knows the
contact asks ``shelf.for_contact(contact)`` and also gets the segment articles
of the contact's tier or country, never an internal one. A process loads
each index once and looks for a newer one at most every
``limits.KNOWLEDGE.index_refresh_seconds``; the process that publishes holds
the new one at once. Past ~50k articles the same port is served by a search
service (OpenSearch Serverless) instead (ARCHITECTURE, "Knowledge base").
"""

import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from helpdesk import limits
from helpdesk.files import FileStore
from helpdesk.knowledge.indexing import SCALE, Audience, decode, pack, unpack
from helpdesk.language.analysis import TokenKind, fold, tokens, typo_read, word_stream, word_terms
from helpdesk.models import Language

TYPO_FACTOR = 0.6  # a term read from a typo counts less than one written right
MAX_QUERY_WORDS = 40
INDEX_TYPE = "application/gzip"


@dataclass(frozen=True)
class ArticleHit:
    id: str
    title: str
    summary: str
    category: str | None
    score: float
    locale: Language
    visibility: str = "public"  # internal articles are only in the agents' index


class ArticleSearch(Protocol):
    """The port every caller searches through."""

    def find(self, text: str, locale: Language, limit: int = 5) -> list[ArticleHit]: ...


ArticlesFor = Callable[[str], ArticleSearch]  # a contact's id → the articles they may be answered from


class _Terms:
    """One locale's vocabulary, as ``typo_read`` asks for it."""

    def __init__(self, terms: Iterable[str]) -> None:
        self.by_shape: dict[tuple[str, int], set[str]] = {}
        for term in terms:
            self.by_shape.setdefault((term[:1], len(term)), set()).add(term)

    def of_lengths(self, first: str, lengths: Iterable[int]) -> set[str]:
        return set().union(*(self.by_shape.get((first, n), set()) for n in lengths))

    def near(self, term: str, allowance: int) -> set[str]:
        return self.of_lengths(term[:1], range(len(term) - allowance, len(term) + allowance + 1))


class _Section:
    def __init__(self, section: dict[str, Any], language: Language) -> None:
        self.language = language
        self.docs: list[dict[str, Any]] = section["docs"]
        self.terms: dict[str, str] = section["terms"]
        self.synonyms: dict[str, list[str]] = section.get("synonyms", {})
        self._vocabulary: _Terms | None = None
        self._decoded: dict[str, Any] = {}

    @property
    def vocabulary(self) -> _Terms:
        if self._vocabulary is None:
            self._vocabulary = _Terms(self.terms)
        return self._vocabulary

    def postings(self, term: str) -> Any:
        found = self._decoded.get(term)
        if found is None:
            found = self._decoded[term] = decode(self.terms[term])
        return found

    def query_terms(self, text: str) -> dict[str, float]:
        """The query's terms the index knows, each with its weight (typos count less)."""
        weights: dict[str, float] = {}
        seen: set[tuple[int, int]] = set()
        found = list(tokens(text, self.language))
        # an e-mail address or a phone number in a question is the asker's, never an article's topic
        personal = [(t.start, t.end) for t in found if t.kind is not TokenKind.WORD]
        for token in found:
            if token.kind is not TokenKind.WORD or (token.start, token.end) in seen:
                continue
            if any(start <= token.start < end for start, end in personal):
                continue
            seen.add((token.start, token.end))
            if len(seen) > MAX_QUERY_WORDS:
                break
            word = fold(text[token.start : token.end])
            known = [t for t in word_terms(word, self.language) if t in self.terms]
            factor = 1.0
            if not known:
                known = [t for t in typo_read(word, self.vocabulary, self.language) if t in self.terms]
                factor = TYPO_FACTOR
            for term in known:
                weights[term] = max(weights.get(term, 0.0), factor)
            for synonym in self.synonyms.get(word, ()):  # the help desk's own synonyms, as strong as the word
                for term in word_stream(synonym, self.language):
                    if term in self.terms:
                        weights[term] = max(weights.get(term, 0.0), 1.0)
        return weights


class CompactIndex:
    """An audience's index, loaded; searches it in memory."""

    def __init__(self, index: dict[str, Any]) -> None:
        self.audience = Audience(index["audience"])
        self.built_at: str = index["built_at"]
        self.sections = {Language(lang): _Section(s, Language(lang)) for lang, s in index["locales"].items()}

    @classmethod
    def from_object(cls, data: bytes) -> "CompactIndex":
        return cls(unpack(data))

    @property
    def article_ids(self) -> set[str]:
        return {doc["id"] for section in self.sections.values() for doc in section.docs}

    def find(
        self, text: str, locale: Language, limit: int = 5, admit: Callable[[dict[str, Any]], bool] | None = None
    ) -> list[ArticleHit]:
        """The best articles for ``text``; ``admit``, given, keeps only the docs it accepts."""
        section = self.sections.get(locale)
        if section is None or not section.docs:
            return []
        scores: dict[int, float] = {}
        for term, weight in section.query_terms(text).items():
            values = section.postings(term)
            for i in range(0, len(values), 2):
                scores[values[i]] = scores.get(values[i], 0.0) + weight * values[i + 1]
        if admit is not None:
            scores = {doc: score for doc, score in scores.items() if admit(section.docs[doc])}
        best = sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))[:limit]
        return [
            ArticleHit(id=d["id"], title=d["title"], summary=d["summary"], category=d["category"],
                       score=round(score / SCALE, 3), locale=locale, visibility=d.get("visibility", "public"))
            for doc, score in best
            for d in (section.docs[doc],)
        ]  # fmt: skip


class ContactArticles:
    """The customers' index as one contact may read it: public articles, and the
    segment articles whose tiers or countries include the contact's."""

    def __init__(self, index: CompactIndex, tier: str | None, country: str | None) -> None:
        if index.audience is Audience.AGENTS:
            raise ValueError("a contact never reads the agents' index")
        self.index = index
        self.tier = tier
        self.country = country

    def admits(self, doc: dict[str, Any]) -> bool:
        if doc.get("visibility") == "public":
            return True
        segment = doc.get("segment") or {}
        return doc.get("visibility") == "segment" and (
            (self.tier is not None and self.tier.casefold() in {t.casefold() for t in segment.get("tiers", ())})
            or (self.country is not None and self.country in segment.get("countries", ()))
        )

    def find(self, text: str, locale: Language, limit: int = 5) -> list[ArticleHit]:
        return self.index.find(text, locale, limit, self.admits)


def index_key(audience: Audience) -> str:
    """Where an audience's index is kept in the knowledge bucket."""
    return f"index/{audience.value}.json.gz"


SITE_PREFIX = "site"  # the help center's pages: CloudFront's origin path; nothing else of the bucket is served
MANIFEST_KEY = "index/site-manifest.json"
PAGE_TYPE = "text/html; charset=utf-8"
STYLE_TYPE = "text/css; charset=utf-8"
SCRIPT_TYPE = "text/javascript; charset=utf-8"  # the contact page's suggestions (typing_suggestions)


def page_type(path: str) -> str:
    """The type a file of the site is served with (browsers refuse a script or a
    stylesheet labelled otherwise: the pages send ``nosniff``)."""
    return STYLE_TYPE if path.endswith(".css") else SCRIPT_TYPE if path.endswith(".js") else PAGE_TYPE


def page_key(path: str) -> str:
    """Where a page (``/ayuda/articulos/x``) is kept: ``site/ayuda/articulos/x``."""
    return f"{SITE_PREFIX}{path}"


EMPTY = {"format": 1, "audience": "", "built_at": "", "locales": {}}


class IndexShelf:
    """The indexes in the knowledge bucket, each loaded once per process."""

    def __init__(
        self,
        files: FileStore,
        bucket: str,
        clock: Callable[[], float] = time.monotonic,
        article_files_bucket: str = "",
    ) -> None:
        self.files = files
        self.bucket = bucket
        self.article_files_bucket = article_files_bucket  # where articles' files are kept (the attachments bucket)
        self.clock = clock
        self._held: dict[Audience, tuple[float, CompactIndex]] = {}
        self._lock = threading.Lock()

    def keep(self, audience: Audience, index: dict[str, Any]) -> None:
        """Store a freshly built index (and hold it: this process searches it at once)."""
        data = pack(index)
        self.files.put(self.bucket, index_key(audience), data, INDEX_TYPE, hashlib.sha256(data).hexdigest(), INDEX_TYPE)
        with self._lock:
            self._held[audience] = (self.clock(), CompactIndex(index))

    def _load(self, audience: Audience) -> CompactIndex:
        with self._lock:
            held = self._held.get(audience)
            if held and self.clock() - held[0] < limits.KNOWLEDGE.index_refresh_seconds:
                return held[1]
        key = index_key(audience)
        if self.files.describe(self.bucket, key) is None:
            index = CompactIndex({**EMPTY, "audience": audience.value})
        else:
            index = CompactIndex.from_object(self.files.get(self.bucket, key))
        with self._lock:
            self._held[audience] = (self.clock(), index)
        return index

    # the help center's pages (``helpcenter``): under site/, the only prefix CloudFront reads

    def site_manifest(self) -> dict[str, Any]:
        """The hash of each page as last written (path → sha256)."""
        if self.files.describe(self.bucket, MANIFEST_KEY) is None:
            return {}
        manifest: dict[str, Any] = json.loads(self.files.get(self.bucket, MANIFEST_KEY))
        return manifest

    def keep_pages(
        self, written: dict[str, str], removed: list[str], manifest: dict[str, str], copied: dict[str, str]
    ) -> None:
        """Write the pages, copy the articles' files (path → stored key), remove
        what is gone, then the manifest (without a file that was not there to copy)."""
        for path, text in written.items():
            data = text.encode()
            kind = page_type(path)
            self.files.put(self.bucket, page_key(path), data, kind, hashlib.sha256(data).hexdigest(), kind)
        missing = [path for path, key in copied.items() if not self._copy_file(key, path)]
        for path in removed:
            self.files.erase(self.bucket, page_key(path))
        kept = {path: value for path, value in manifest.items() if path not in missing}
        data = json.dumps(kept, sort_keys=True).encode()
        self.files.put(self.bucket, MANIFEST_KEY, data, "application/json", hashlib.sha256(data).hexdigest(), "")

    def _copy_file(self, key: str, path: str) -> bool:
        stored = self.files.describe(self.article_files_bucket, key) if self.article_files_bucket else None
        if stored is None:
            return False
        data = self.files.get(self.article_files_bucket, key)
        digest = stored.sha256 or hashlib.sha256(data).hexdigest()
        self.files.put(self.bucket, page_key(path), data, stored.content_type, digest, stored.content_type)
        return True

    def served(self, path: str) -> tuple[bytes, str] | None:
        """A page or file as written, with its type (the local stack serves them as CloudFront does)."""
        key = page_key(path)
        stored = self.files.describe(self.bucket, key)
        return (self.files.get(self.bucket, key), stored.content_type) if stored is not None else None

    def public(self) -> CompactIndex:
        """The customers' index: published public articles, nothing else exists in it."""
        return self._load(Audience.PUBLIC)

    def for_contact(self, tier: str | None, country: str | None) -> ContactArticles:
        """What a known contact may read: public articles and their segments' ones
        (public ones only until the customers' index is first built: an install
        from before it has one after its next publish)."""
        index = self._load(Audience.CUSTOMERS)
        return ContactArticles(index if index.built_at else self.public(), tier, country)

    def agents(self) -> CompactIndex:
        """The agents' index: every published article, internal ones included."""
        return self._load(Audience.AGENTS)

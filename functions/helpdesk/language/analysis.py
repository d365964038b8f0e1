"""Text as search reads it, Spanish first and English second.

A text becomes **tokens**: its words, e-mail addresses and phone numbers, each
with its place in the text (for highlighting) and its **term** (what the index
keys on):

- words are folded (accents and case aside: "Facturación" is "facturacion"),
  read through the regionalisms and abbreviations of ``regionalisms.json``
  ("xq" is "porque", "compu" is "computadora", "pisto" and "plata" are
  "dinero"), stop words are left out, and the rest is stemmed by Snowball
  (Spanish by default: "facturas", "facturación" and "factura" are "factur");
- an e-mail address is itself, folded, and its parts are words too;
- a phone number written any usual way (``+504 9999-1234``, ``99991234``,
  ``(504) 9999 1234``) is its digits and its last eight digits, so that any of
  those ways finds the others.

Typos are forgiven against the index's own vocabulary (``closest``): one edit
for words of four letters or more, two from eight.
"""

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from enum import StrEnum
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple, Protocol

import Stemmer  # type: ignore[import-not-found]  # PyStemmer: libstemmer's Snowball stemmers, in C

from helpdesk.models import Language

MIN_WORD_LENGTH = 2
MAX_WORD_LENGTH = 40  # longer runs are hashes, tokens, base64: not words
PHONE_DIGITS = 8  # the local part every format of a number shares
MIN_PHONE_DIGITS = 8
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w+])(?:\+|\()?\d[\d\s().\-]{5,18}\d(?!\w)")
WORD = re.compile(r"[^\W_]+")

# Words too common to find anything by (folded; after regionalisms).
STOP_WORDS = frozenset(
    (
        *("a", "al", "algo", "ante", "antes", "aqui", "asi", "aun", "cada", "como", "con", "contra", "cual"),
        *("cuando", "de", "del", "desde", "donde", "dos", "e", "el", "ella", "ellas", "ellos", "en", "entre", "era"),
        *("eres", "es", "esa", "ese", "eso", "esta", "estan", "estas", "este", "esto", "estoy", "fue", "ha", "han"),
        *("hay", "he", "la", "las", "le", "les", "lo", "los", "mas", "me", "mi", "mis", "mucho", "muy", "nada"),
        *("ni", "no", "nos", "o", "os", "otra", "otro", "para", "pero", "poco", "por", "porque", "que", "quien"),
        *("se", "sea", "ser", "si", "sido", "sin", "sobre", "son", "su", "sus", "tambien", "te", "ti", "tu", "tus"),
        *("u", "un", "una", "uno", "unos", "unas", "usted", "ustedes", "y", "ya", "yo", "hola", "buenas", "buenos"),
        *("dias", "tardes", "noches", "gracias", "saludos", "favor", "re", "fw", "rv", "fwd"),
        *("the", "and", "to", "of", "in", "on", "for", "my", "is", "it", "at", "an", "or", "be", "with", "i"),
        *("you", "your", "we", "our", "this", "that", "was", "are", "have", "has", "had", "not", "but", "from"),
        *("by", "as", "me", "so", "do", "hi", "hello", "thanks", "please", "regards"),
    )
)


def fold(text: str) -> str:
    """``text`` without accents and case: "Facturación" → "facturacion"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@cache
def _regionalisms() -> dict[str, tuple[str, ...]]:
    raw = json.loads((Path(__file__).with_name("regionalisms.json")).read_text(encoding="utf-8"))
    return {fold(word): tuple(fold(meant).split()) for word, meant in raw["words"].items()}


def regionalisms() -> dict[str, tuple[str, ...]]:
    """Each folded regionalism or abbreviation → the folded words it stands for."""
    return dict(_regionalisms())


@cache
def _stemmer(language: Language) -> Stemmer.Stemmer:
    return Stemmer.Stemmer({Language.SPANISH: "spanish", Language.ENGLISH: "english"}[language])


def stem(word: str, language: Language = Language.SPANISH) -> str:
    """A folded word's Snowball stem (digits stay as they are)."""
    if word.isdigit():
        return word
    stemmed: str = _stemmer(language).stemWord(word)
    return stemmed


class TokenKind(StrEnum):
    WORD = "word"
    EMAIL = "email"
    PHONE = "phone"


class Token(NamedTuple):
    """A term of the text and where it stands (``start``/``end`` in the text as given)."""

    term: str
    start: int
    end: int
    kind: TokenKind = TokenKind.WORD


def phone_terms(digits: str) -> tuple[str, ...]:
    """The terms a number is found by: its digits and its last eight."""
    if len(digits) < MIN_PHONE_DIGITS:
        return ()
    return tuple(dict.fromkeys((digits, digits[-PHONE_DIGITS:])))


@lru_cache(maxsize=65_536)  # a language's words repeat: stemming each once is most of indexing's time
def word_terms(word: str, language: Language = Language.SPANISH) -> tuple[str, ...]:
    """The terms of one folded word: through the regionalisms, without stop
    words, stemmed. ("xq" → (); "compu" → ("comput",); "facturas" → ("factur",))"""
    if len(word) > MAX_WORD_LENGTH:
        return ()
    meant = _regionalisms().get(word, (word,))
    return tuple(
        dict.fromkeys(stem(part, language) for part in meant if len(part) >= MIN_WORD_LENGTH and part not in STOP_WORDS)
    )


def tokens(text: str, language: Language = Language.SPANISH) -> Iterator[Token]:
    """Every token of ``text`` in order: addresses, numbers and words (an
    address's parts are words too; a number's digits are not)."""
    found: list[Token] = []
    emails: list[tuple[int, int]] = []
    for match in EMAIL.finditer(text):
        found.append(Token(fold(match.group()), match.start(), match.end(), TokenKind.EMAIL))
        emails.append(match.span())
    phones: list[tuple[int, int]] = []
    for match in PHONE.finditer(text):
        if any(start < match.end() and match.start() < end for start, end in emails):
            continue
        numbers = phone_terms(re.sub(r"\D", "", match.group()))
        found += [Token(term, match.start(), match.end(), TokenKind.PHONE) for term in numbers]
        if numbers:
            phones.append(match.span())
    for match in WORD.finditer(text):
        if any(start <= match.start() and match.end() <= end for start, end in phones):
            continue
        found += [Token(term, match.start(), match.end()) for term in word_terms(fold(match.group()), language)]
    yield from sorted(found, key=lambda t: (t.start, t.end))


def word_stream(text: str, language: Language = Language.SPANISH) -> list[str]:
    """The terms of a text's words in order, repeats kept (what a ranking index
    counts); without the places, addresses and numbers ``tokens`` finds. For
    long texts read whole (knowledge-base articles)."""
    return [term for match in WORD.finditer(fold(text)) for term in word_terms(match.group(), language)]


def terms(text: str, language: Language = Language.SPANISH) -> list[str]:
    """The terms of ``text``, once each, in order of appearance."""
    return list(dict.fromkeys(t.term for t in tokens(text, language)))


# typos


def typo_allowance(word: str) -> int:
    """How many edits a query word may be off by: none below four letters, one
    from four, two from eight."""
    return 2 if len(word) >= 8 else 1 if len(word) >= 4 else 0


def edit_distance(a: str, b: str, limit: int) -> int:
    """Edits (insert, delete, replace, swap two neighbours) from ``a`` to ``b``;
    anything above ``limit`` is answered as ``limit + 1``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


MAX_CORRECTIONS = 3  # vocabulary terms a misspelt term is read as


def closest(term: str, allowance: int, vocabulary: Iterable[str]) -> list[str]:
    """The vocabulary's terms nearest to ``term`` within ``allowance`` edits
    (the nearest distance only; at most three)."""
    if allowance <= 0:
        return []
    by_distance: dict[int, list[str]] = {}
    for known in vocabulary:
        if known == term:
            return [term]
        distance = edit_distance(term, known, allowance)
        if distance <= allowance:
            by_distance.setdefault(distance, []).append(known)
    if not by_distance:
        return []
    return sorted(by_distance[min(by_distance)])[:MAX_CORRECTIONS]


class Vocabulary(Protocol):
    """An index's own terms, as a typo reading asks for them: by first letter and length."""

    def of_lengths(self, first: str, lengths: Iterable[int]) -> set[str]: ...

    def near(self, term: str, allowance: int) -> set[str]:
        """The terms of the same first letter within ``allowance`` letters of ``term``'s length."""
        ...


MAX_ENDING = 5  # letters an ending adds to a stem ("amiento" but its vowel)
MIN_PREFIX_STEM = 5  # a stem read off a word's beginning has at least these letters


def typo_read(word: str, vocabulary: Vocabulary, language: Language = Language.SPANISH) -> set[str]:
    """The index's terms a misspelt folded word stands for: the stems nearest
    its own stem; else the stems its beginning spells ("computadroa" begins
    with "comput", whatever its misspelt ending made of Snowball's stem); else
    the longer stems that begin with its own ("lento": "lentisim")."""
    allowance = typo_allowance(word)
    if allowance == 0:
        return set()
    own = word_terms(word, language)
    guesses = {t for term in own for t in closest(term, allowance, vocabulary.near(term, allowance))}
    if guesses:
        return guesses
    shortest = max(MIN_PREFIX_STEM, len(word) - MAX_ENDING)
    candidates = vocabulary.of_lengths(word[:1], range(shortest, len(word) + 1))
    found = {term for term in candidates if word.startswith(term)}
    if found:
        return found
    stems = [term for term in own if len(term) >= MIN_PREFIX_STEM - 1]
    longer = {
        t for term in stems for t in vocabulary.of_lengths(term[:1], range(len(term) + 1, len(term) + MAX_ENDING))
    }
    return {t for t in longer for term in stems if t.startswith(term)}

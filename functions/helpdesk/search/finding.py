"""Finding tickets by what was written in them, within the agent's reach.

Each word of the query becomes the terms it may stand for (its Spanish and
English stems, its regionalism, or, when the index knows none of them, the
index's nearest terms within the typo allowance). Then, month by month,
newest first, the postings of every word are read and intersected (a ticket's
postings all sit in its creation month), and each ticket found is checked on
its own, fresh item: the agent may open it (``Viewer.can_see``, the rule every
route applies), it passes the filters, it has the exact phrases and none of
the excluded words. The search stops when the page is full or a bound of
``limits.SEARCH`` is reached (then the answer says ``partial``).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from html import escape

from helpdesk.access import Viewer
from helpdesk.errors import InvalidIdentity
from helpdesk.language.analysis import TokenKind, fold, tokens, typo_read, word_terms
from helpdesk.limits import SEARCH, SearchBudget
from helpdesk.models import Identity, IdentityKind, Language, SearchDocument, Ticket, TicketStatus
from helpdesk.people.contacts import normalize_identity
from helpdesk.search.query import MAX_QUERY_WORDS, Filters, SearchQuery, parse_query
from helpdesk.search.snippets import snippet
from helpdesk.store import HelpdeskStore, TicketQuery

TICKET_NUMBER = re.compile(r"#?\s*(\d{1,9})")
TYPO_FACTOR = 0.6  # a term read from a typo counts less than one written right
NUMBER_SCORE = 100.0  # the ticket whose number was asked for comes first
IDENTITY_SCORE = 50.0  # then the tickets of the contact whose address or number was asked for
IDENTITY = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+|\+?[\d\s().\-]{8,}")


class Sort(StrEnum):
    RELEVANCE = "relevance"
    NEWEST = "newest"  # by last activity


@dataclass(frozen=True)
class SearchHit:
    ticket: Ticket
    snippet: str  # safe HTML: escaped text, matches in <mark>
    score: float


@dataclass(frozen=True)
class SearchResults:
    hits: tuple[SearchHit, ...]
    page: int
    has_more: bool
    partial: bool  # a bound was reached: older tickets may match too
    items_read: int  # postings, vocabulary, tickets and documents this page read


@dataclass
class _Reading:
    budget: SearchBudget
    postings: int = 0
    checked: int = 0
    other: int = 0
    partial: bool = False

    @property
    def items(self) -> int:
        return self.postings + self.checked + self.other


@dataclass
class _Word:
    """One query word: the terms it may stand for, with how much each counts."""

    terms: dict[str, float] = field(default_factory=dict)


def find_tickets(
    store: HelpdeskStore,
    viewer: Viewer,
    text: str,
    sort: Sort = Sort.RELEVANCE,
    page: int = 1,
    now: datetime | None = None,
    budget: SearchBudget = SEARCH,
) -> SearchResults:
    """One page of the tickets ``text`` finds that ``viewer`` may open."""
    query = parse_query(text)
    reading = _Reading(budget)
    wanted = page * budget.page_size + 1
    check = _Check(store, viewer, query, reading)
    found: dict[str, tuple[Ticket, float]] = {}
    if (number := TICKET_NUMBER.fullmatch(query.text.strip())) and not query.phrases:
        for ticket in check.tickets(_by_number(store, int(number.group(1)))):
            found[ticket.id] = (ticket, NUMBER_SCORE)
    if IDENTITY.fullmatch(query.text.strip()) and not query.phrases:
        # an address or a number alone: its contact's tickets, by key (indexed or not yet)
        for contact_id in _senders(store, (query.text.strip(),), reading) or ():
            theirs = store.tickets_of_contact(contact_id, limit=budget.page_size)
            reading.checked += len(theirs)
            for ticket in check.tickets(theirs):
                found[ticket.id] = (ticket, IDENTITY_SCORE)
    if check.senders == set():
        words: list[_Word] | None = None  # from: someone the help desk does not know
    elif query.has_words:
        words = _words(store, query, reading) or None  # only stop words: nothing to find by
    else:
        words = []
    if words:
        _by_words(store, words, query.filters, check, found, wanted, now or datetime.now(UTC))
    elif words == [] and not found:
        for ticket in _by_filters(store, viewer, query.filters, check):
            found[ticket.id] = (ticket, 0.0)
    ranked = sorted(found.values(), key=lambda pair: pair[0].updated_at, reverse=True)
    if sort is Sort.RELEVANCE:
        ranked.sort(key=lambda pair: pair[1], reverse=True)
    start = (page - 1) * budget.page_size
    shown = ranked[start : start + budget.page_size]
    return SearchResults(
        hits=tuple(
            SearchHit(t, s, score) for (t, score), s in zip(shown, check.snippets([t for t, _ in shown]), strict=True)
        ),
        page=page,
        has_more=len(ranked) > start + budget.page_size,
        partial=reading.partial,
        items_read=reading.items,
    )


class _Check:
    """A ticket found is shown only if it passes, on its own item: the agent's
    reach, the filters, the phrases, the excluded words."""

    def __init__(self, store: HelpdeskStore, viewer: Viewer, query: SearchQuery, reading: _Reading) -> None:
        self.store = store
        self.viewer = viewer
        self.query = query
        self.reading = reading
        self.senders = _senders(store, query.filters.senders, reading)
        self.group_ids = _group_ids(store, query.filters.groups, reading)
        self.documents: dict[str, SearchDocument] = {}
        self.matched: set[str] = set()
        self.excluded = {term for word in query.excluded for term in word_terms(fold(word))}

    def tickets(self, tickets: Iterable[Ticket]) -> list[Ticket]:
        passing = [t for t in tickets if self.viewer.can_see(t) and _passes(t, self.query.filters, self)]
        if not (self.query.phrases or self.excluded) or not passing:
            return passing
        documents = self._documents([t.id for t in passing])
        return [t for t in passing if t.id in documents and self._reads_right(documents[t.id])]

    def ids(self, ticket_ids: list[str]) -> list[Ticket]:
        room = self.reading.budget.checked_tickets - self.reading.checked
        if room < len(ticket_ids):
            self.reading.partial = True
        chosen = ticket_ids[: max(room, 0)]
        self.reading.checked += len(chosen)
        return self.tickets(self.store.get_tickets(chosen)) if chosen else []

    def snippets(self, tickets: list[Ticket]) -> list[str]:
        documents = self._documents([t.id for t in tickets])
        return [
            snippet(documents[t.id].texts, self.matched) if t.id in documents else escape(t.subject) for t in tickets
        ]

    def _documents(self, ticket_ids: list[str]) -> dict[str, SearchDocument]:
        missing = [i for i in ticket_ids if i not in self.documents]
        if missing:
            self.reading.other += len(missing)
            self.documents |= self.store.search_documents(missing)
        return {i: self.documents[i] for i in ticket_ids if i in self.documents}

    def _reads_right(self, document: SearchDocument) -> bool:
        if self.excluded & set(document.terms):
            return False
        said = " ".join(fold(text.text) for text in document.texts)
        said = " ".join(re.findall(r"[^\W_]+", said))
        return all(" ".join(re.findall(r"[^\W_]+", fold(phrase))) in said for phrase in self.query.phrases)


def _passes(ticket: Ticket, filters: Filters, check: _Check) -> bool:
    assignee = {"me": check.viewer.agent_id, "none": None}.get(filters.assignee or "", filters.assignee)
    return (
        (not filters.statuses or ticket.status in filters.statuses)
        and (not filters.priorities or ticket.priority in filters.priorities)
        and (not filters.channels or ticket.channel in filters.channels)
        and (check.group_ids is None or ticket.group_id in check.group_ids)
        and (filters.assignee is None or ticket.assignee_id == assignee)
        and all(tag in {fold(t) for t in ticket.tags} for tag in filters.tags)
        and (check.senders is None or ticket.contact_id in check.senders)
        and (filters.created_after is None or ticket.created_at >= filters.created_after)
        and (filters.created_before is None or ticket.created_at < filters.created_before)
        and (filters.updated_after is None or ticket.updated_at >= filters.updated_after)
        and (filters.updated_before is None or ticket.updated_at < filters.updated_before)
    )


def _by_words(
    store: HelpdeskStore,
    words: list[_Word],
    filters: Filters,
    check: _Check,
    found: dict[str, tuple[Ticket, float]],
    wanted: int,
    now: datetime,
) -> None:
    reading = check.reading
    check.matched = {term for word in words for term in word.terms}
    sizes: dict[int, int] = {}  # postings a word had in the last month read whole
    large: set[int] = set()  # words with more than FIRST_READ postings a month: read their newest only
    for month in _months(store, filters, now, reading):
        scores: dict[str, float] | None = None
        month_cut = False
        for index in sorted(range(len(words)), key=lambda i: sizes.get(i, NOT_YET_READ)):
            word = words[index]
            asks = len(scores) * len(word.terms) if scores is not None else None
            if asks is not None and asks < sizes.get(index, PROBE_UNREAD):
                weights = _probed(store, word, month, list(scores or ()), reading)
            else:
                capped = index not in sizes or index in large
                weights, cut = _read_whole(store, word, month, reading, FIRST_READ if capped else None)
                sizes[index] = len(weights) * (CUT_GUESS if cut else 1)
                large |= {index} if cut else set()
                month_cut |= cut
            scores = weights if scores is None else {i: s + weights[i] for i, s in scores.items() if i in weights}
            if not scores:
                break
        newest_first = sorted(i for i in scores or {} if i not in found)[::-1]
        for ticket in check.ids(newest_first):
            found[ticket.id] = (ticket, (scores or {})[ticket.id])
        if len(found) >= wanted:
            return
        # the page is not full: a month read only in part, or the budget spent, may hide matches
        reading.partial |= month_cut
        if reading.postings >= reading.budget.postings or reading.checked >= reading.budget.checked_tickets:
            reading.partial = True
            return


# A word's postings are read whole (the smallest first), or, when the tickets
# still in the running are fewer than the postings it had in the last month
# read whole, asked for ticket by ticket. A word not read yet is read whole.
NOT_YET_READ = 10**9
PROBE_UNREAD = 0  # a word not read yet is read, never asked ticket by ticket
FIRST_READ = 500  # a word not read yet is read up to this many postings (its newest)…
CUT_GUESS = 4  # …and, when it had more, taken for this many times as large, and read so from then on


def _read_whole(
    store: HelpdeskStore, word: _Word, month: str, reading: _Reading, cap: int | None
) -> tuple[dict[str, float], bool]:
    """The word's postings in the month (up to ``cap`` and the budget), and
    whether some were left unread."""
    weights: dict[str, float] = {}
    cut = False
    for term, factor in word.terms.items():
        room = reading.budget.postings - reading.postings
        postings, more = store.postings(term, month, room if cap is None else min(room, cap))
        reading.postings += len(postings)
        cut |= more
        for ticket_id, weight in postings:
            weights[ticket_id] = max(weights.get(ticket_id, 0.0), weight * factor)
    return weights, cut


def _probed(
    store: HelpdeskStore, word: _Word, month: str, ticket_ids: list[str], reading: _Reading
) -> dict[str, float]:
    weights: dict[str, float] = {}
    for term, factor in word.terms.items():
        asked = ticket_ids[: max(reading.budget.postings - reading.postings, 0)]
        reading.partial |= len(asked) < len(ticket_ids)
        reading.postings += len(asked)
        for ticket_id, weight in store.posting_weights(term, month, asked).items():
            weights[ticket_id] = max(weights.get(ticket_id, 0.0), weight * factor)
    return weights


def _months(store: HelpdeskStore, filters: Filters, now: datetime, reading: _Reading) -> list[str]:
    """The months to read, newest first: from the newest the filters allow back
    to the index's oldest (and at most ``budget.months``)."""
    reading.other += 1
    oldest = store.search_start()
    if oldest is None:
        return []
    newest = min(now, filters.created_before or now, filters.updated_before or now)
    year, month = newest.year, newest.month
    floor = f"{filters.created_after:%Y-%m}" if filters.created_after else oldest
    months: list[str] = []
    while len(months) < reading.budget.months:
        label = f"{year:04d}-{month:02d}"
        if label < max(oldest, floor):
            return months
        months.append(label)
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    reading.partial = True
    return months


def _words(store: HelpdeskStore, query: SearchQuery, reading: _Reading) -> list[_Word] | None:
    """The query's words as terms the index knows; None when a word matches
    nothing the index holds, even read as a typo (so nothing can match)."""
    spans: dict[tuple[int, int], tuple[TokenKind, set[str]]] = {}
    text = " ".join((query.text, *query.phrases))
    for language in (Language.SPANISH, Language.ENGLISH):
        for token in tokens(text, language):
            spans.setdefault((token.start, token.end), (token.kind, set()))[1].add(token.term)
    words: list[_Word] = []
    vocabulary = _Vocabulary(store, reading)
    for (start, end), (kind, variants) in list(spans.items())[:MAX_QUERY_WORDS]:
        if kind is not TokenKind.WORD:
            words.append(_Word(dict.fromkeys(variants, 1.0)))
            continue
        known = {term: 1.0 for term in variants if vocabulary.knows(term)}
        if not known:
            known = dict.fromkeys(typo_read(fold(text[start:end]), vocabulary), TYPO_FACTOR)
        if not known:
            return None
        words.append(_Word(known))
    return words


class _Vocabulary:
    """The index's terms, read one item (first letter and length) at a time."""

    def __init__(self, store: HelpdeskStore, reading: _Reading) -> None:
        self.store = store
        self.reading = reading
        self.read: dict[tuple[str, int], set[str]] = {}

    def _items(self, first: str, lengths: Iterable[int]) -> set[str]:
        missing = [n for n in lengths if n > 0 and (first, n) not in self.read]
        if missing:
            self.reading.other += len(missing)
            found = self.store.vocabulary(first, missing)
            for n in missing:
                self.read[(first, n)] = {term for term in found if len(term) == n}
        return set().union(*(self.read.get((first, n), set()) for n in lengths))

    def knows(self, term: str) -> bool:
        return term in self._items(term[:1], [len(term)])

    def of_lengths(self, first: str, lengths: Iterable[int]) -> set[str]:
        return self._items(first, list(lengths))

    def near(self, term: str, allowance: int) -> set[str]:
        return self._items(term[:1], range(len(term) - allowance, len(term) + allowance + 1))


def _by_number(store: HelpdeskStore, number: int) -> list[Ticket]:
    ticket_id = store.find_ticket_id_by_number(number)
    ticket = store.get_ticket(ticket_id) if ticket_id else None
    return [ticket] if ticket is not None else []


def _by_filters(store: HelpdeskStore, viewer: Viewer, filters: Filters, check: _Check) -> list[Ticket]:
    """Filters alone: the sender's tickets, or the latest tickets of the
    statuses asked for (all statuses otherwise), checked as any others."""
    limit = check.reading.budget.checked_tickets
    if check.senders:
        tickets = [t for contact_id in check.senders for t in store.tickets_of_contact(contact_id, limit=limit)]
    else:
        page = store.list_tickets(
            TicketQuery(
                statuses=filters.statuses or tuple(TicketStatus),
                channel=filters.channels[0] if len(filters.channels) == 1 else None,
                limit=limit,
                visible_groups=None if viewer.sees_everything else viewer.group_ids,
                visible_assignee=None if viewer.sees_everything else viewer.agent_id,
            )
        )
        tickets = list(page.tickets)
        check.reading.partial |= page.cursor is not None
    check.reading.checked += len(tickets)
    return check.tickets(tickets)


def _senders(store: HelpdeskStore, senders: tuple[str, ...], reading: _Reading) -> set[str] | None:
    """The contacts ``from:`` names (None: no ``from:``; empty: nobody known)."""
    if not senders:
        return None
    found: set[str] = set()
    for sender in senders:
        kinds = [IdentityKind.EMAIL] if "@" in sender else [IdentityKind.WHATSAPP, IdentityKind.PHONE]
        for kind in kinds:
            try:
                identity = normalize_identity(Identity(kind=kind, value=sender))
            except (InvalidIdentity, ValueError):
                continue
            reading.other += 1
            if (record := store.find_identity(identity)) is not None:
                found.add(record.contact_id)
    return found


def _group_ids(store: HelpdeskStore, groups: tuple[str, ...], reading: _Reading) -> set[str | None] | None:
    if not groups:
        return None
    reading.other += 1
    named: set[str | None] = {g.id for g in store.list_groups() if fold(g.id) in groups or fold(g.name) in groups}
    return named | set(groups)

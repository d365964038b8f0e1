"""The search index (``helpdesk.search`` decides what goes in it):

- **postings**: one item per term, month and ticket (``IX#<term>#<yyyy-mm>`` →
  ticket id), the month being the ticket's creation month, so a common word
  spreads over one partition a month and a search reads months newest first;
- **documents**: one item per ticket listing its terms, so a re-index writes
  only the postings that changed and removes the stale ones;
- **vocabulary**: the index's terms, one item per first letter and length, for
  reading a typo as the words the index knows;
- the oldest month the index holds, where a search stops going back.

Writes are idempotent (a re-index of the same document writes nothing but the
document), so a stream batch retried after a failure is safe.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from pynamodb.exceptions import PutError

from helpdesk.models import SearchDocument, SearchText
from helpdesk.store import keys
from helpdesk.store.items import (
    PostingItem,
    SearchBackfillItem,
    SearchDocumentItem,
    SearchStartItem,
    VocabularyItem,
)
from helpdesk.store.table import TableAccess


def _document_from(item: SearchDocumentItem) -> SearchDocument:
    return SearchDocument(
        ticket_id=item.PK.removeprefix("IXDOC#"),
        month=item.month,
        terms=dict(item.terms or {}),
        texts=tuple(SearchText(field=field, text=text) for field, text in item.texts or []),
    )


def _by_vocabulary_item(terms: Iterable[str]) -> dict[tuple[str, str], set[str]]:
    grouped: dict[tuple[str, str], set[str]] = defaultdict(set)
    for term in terms:
        grouped[keys.vocabulary_key(term)].add(term)
    return grouped


@dataclass(frozen=True)
class IndexChange:
    """What moving one ticket's document from ``before`` to ``after`` writes."""

    fresh: dict[str, int]  # postings to put: new terms, or terms whose weight changed
    stale: list[tuple[str, str]]  # postings to delete: (term, month)
    vocabulary: dict[tuple[str, str], set[str]]  # terms new to the ticket, by vocabulary item

    @classmethod
    def between(cls, before: SearchDocument | None, after: SearchDocument) -> "IndexChange":
        same_month = before is not None and before.month == after.month
        old = before.terms if before is not None and same_month else {}
        gone = [] if before is None else [t for t in before.terms if not same_month or t not in after.terms]
        stale = [(term, before.month) for term in gone] if before is not None else []
        fresh = {term: weight for term, weight in after.terms.items() if old.get(term) != weight}
        new_terms = [term for term in after.terms if before is None or term not in before.terms]
        return cls(fresh, stale, _by_vocabulary_item(new_terms))

    @property
    def writes(self) -> int:
        """Items written: postings put and deleted, vocabulary items, the document."""
        return len(self.fresh) + len(self.stale) + len(self.vocabulary) + 1


class SearchIndex(TableAccess):
    def search_document(self, ticket_id: str) -> SearchDocument | None:
        try:
            return _document_from(SearchDocumentItem.get(*keys.search_document_key(ticket_id)))
        except SearchDocumentItem.DoesNotExist:
            return None

    def search_documents(self, ticket_ids: Iterable[str]) -> dict[str, SearchDocument]:
        item_keys = [keys.search_document_key(ticket_id) for ticket_id in dict.fromkeys(ticket_ids)]
        found = (_document_from(item) for item in SearchDocumentItem.batch_get(item_keys))
        return {document.ticket_id: document for document in found}

    def keep_search_document(self, before: SearchDocument | None, after: SearchDocument) -> int:
        """Move the index from ``before`` to ``after`` (one ticket's): put the
        postings that are new or weigh differently, delete those gone, add new
        terms to the vocabulary, then save the document. Returns the items
        written (``index_writes``)."""
        change = IndexChange.between(before, after)
        with PostingItem.batch_write() as batch:
            for term, weight in change.fresh.items():
                batch.save(PostingItem(*keys.posting_key(term, after.month, after.ticket_id), weight=weight))
            for term, month in change.stale:
                batch.delete(PostingItem(*keys.posting_key(term, month, after.ticket_id)))
        for key, terms in change.vocabulary.items():
            VocabularyItem(*key).update(actions=[VocabularyItem.terms.add(terms)])
        SearchDocumentItem(
            *keys.search_document_key(after.ticket_id),
            month=after.month,
            terms=after.terms,
            texts=[[text.field, text.text] for text in after.texts],
        ).save()
        if before is None:
            self._extend_search_start(after.month)
        return change.writes

    def drop_search_document(self, document: SearchDocument) -> int:
        """A ticket out of the index: its postings and its document."""
        with PostingItem.batch_write() as batch:
            for term in document.terms:
                batch.delete(PostingItem(*keys.posting_key(term, document.month, document.ticket_id)))
            batch.delete(SearchDocumentItem(*keys.search_document_key(document.ticket_id)))
        return len(document.terms) + 1

    def forget_terms(self, terms: Iterable[str]) -> None:
        """Terms out of the vocabulary (an erased contact's name, address, number)."""
        for key, group in _by_vocabulary_item(terms).items():
            VocabularyItem(*key).update(actions=[VocabularyItem.terms.delete(group)])

    def postings(self, term: str, month: str, limit: int) -> tuple[list[tuple[str, int]], bool]:
        """Up to ``limit`` tickets under ``term`` created in ``month``, newest
        first, with their weights; and whether more are left unread."""
        if limit <= 0:
            return [], True
        results = PostingItem.query(keys.posting_pk(term, month), scan_index_forward=False, limit=limit)
        found = [(item.SK, int(item.weight)) for item in results]
        return found, results.last_evaluated_key is not None

    def posting_weights(self, term: str, month: str, ticket_ids: Iterable[str]) -> dict[str, int]:
        """Which of these tickets ``term`` has in ``month`` (one item read each)."""
        wanted = [keys.posting_key(term, month, ticket_id) for ticket_id in dict.fromkeys(ticket_ids)]
        return {item.SK: int(item.weight) for item in PostingItem.batch_get(wanted)}

    def vocabulary(self, first: str, lengths: Iterable[int]) -> set[str]:
        """The index's terms starting with ``first`` of these lengths."""
        wanted = [keys.vocabulary_key(first + "x" * (length - 1)) for length in lengths if length > 0]
        found: set[str] = set()
        for item in VocabularyItem.batch_get(wanted):
            found |= set(item.terms or ())
        return found

    def search_start(self) -> str | None:
        """The oldest month with postings (yyyy-mm), None before the first index."""
        try:
            return SearchStartItem.get(*keys.SEARCH_START_KEY).month
        except SearchStartItem.DoesNotExist:
            return None

    def backfill_checkpoint(self) -> int:
        """The ticket number the backfill has indexed through (0 before it ran)."""
        try:
            return int(SearchBackfillItem.get(*keys.SEARCH_BACKFILL_KEY, consistent_read=True).done_through)
        except SearchBackfillItem.DoesNotExist:
            return 0

    def save_backfill_checkpoint(self, done_through: int) -> None:
        SearchBackfillItem(*keys.SEARCH_BACKFILL_KEY, done_through=done_through).save()

    def _extend_search_start(self, month: str) -> None:
        condition = SearchStartItem.month.does_not_exist() | (SearchStartItem.month > month)
        try:
            SearchStartItem(*keys.SEARCH_START_KEY, month=month).save(condition=condition)
        except PutError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise

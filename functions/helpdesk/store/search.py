"""Search words: each word of a ticket's subject and of a contact's name is an
item under the word (``Ticket.search_words``, ``Contact.search_words`` say
which), kept in the same transaction as the subject or name."""

from collections.abc import Callable, Iterable

from helpdesk.store import keys
from helpdesk.store.conditions import Transaction
from helpdesk.store.items import HelpdeskItem, WordItem
from helpdesk.store.table import TableAccess


def keep_words(
    transaction: Transaction,
    old_words: Iterable[str],
    new_words: Iterable[str],
    key: Callable[[str], keys.Key],
    target_id: str,
) -> None:
    """Keep the search index in step with a subject or a name whose words go
    from ``old_words`` to ``new_words``."""
    old = set(old_words)
    new = tuple(new_words)
    for word in new:
        if word not in old:
            transaction.put(f"word:{word}", WordItem(*key(word), target_id=target_id))
    for word in old - set(new):
        transaction.delete(f"unword:{word}", WordItem(*key(word)))


class SearchWords(TableAccess):
    def ids_with_word(self, word: str, limit: int = 200) -> tuple[list[str], list[str]]:
        """Tickets whose subject has the word (newest first) and contacts whose
        name has it."""
        tickets: list[str] = []
        contacts: list[str] = []
        for item in HelpdeskItem.query(keys.word_pk(word), scan_index_forward=False, limit=limit):
            if isinstance(item, WordItem):
                (tickets if keys.is_ticket_word(item.SK) else contacts).append(item.target_id)
        return tickets, contacts

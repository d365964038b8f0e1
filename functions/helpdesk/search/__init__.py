"""Ticket search: what of a ticket is searchable and how it is indexed
(``documents``, ``indexing``), what an agent's query says (``query``), and
finding within the budget and the agent's reach (``finding``, ``snippets``).
The index itself is the store's (``store/search.py``)."""

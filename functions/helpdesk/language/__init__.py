"""Reading text as people write it, Spanish first: folding, words, stems, stop
words, regionalisms and typos (``analysis``). Ticket search uses it today; the
knowledge base's search will share it."""

"""Follow-up of unresolved cases ("seguimiento"): a queue of cases a person
must reach out about, each with its reason, worked by assigning it,
contacting the customer and recording the outcome (``entries.py``)."""

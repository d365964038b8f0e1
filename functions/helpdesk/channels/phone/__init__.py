"""The phone channel (Amazon Connect): contact events into one ``phone``
message per call (``calls.py``, events typed in ``events.py``), the contact
flow's caller lookup (``flow.py``), calls logged by hand (``logged.py``),
callback requests (``callbacks.py``) and voicemail (``voicemail.py``)."""

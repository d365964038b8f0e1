"""Satisfaction surveys after a ticket is solved (ARCHITECTURE §3, flow 6):
CSAT (1–5) and NPS (0–10) by policy, sent once on the ticket's own channel
after a delay and outside quiet hours, answered by one click (e-mail) or a
tap (WhatsApp), parsed from free text otherwise; a poor answer opens a quality
review and a follow-up.

- ``policies.py``: the administrators' survey policies (what, to whom, when);
- ``scale.py``: the scales, and answers read from what a customer writes;
- ``model.py``: a survey as kept (sent, answered, its comment);
- ``scheduling.py``: solved tickets → due surveys (the sparse index), the scheduled pass;
- ``composing.py``: the survey's words per channel and language;
- ``answering.py``: an answer from a link, a button or a message; opt-outs; thanks.
"""

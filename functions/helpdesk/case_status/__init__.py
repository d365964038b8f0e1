"""Keeping customers informed: when to expect an answer (from the SLA policy
and business calendar that apply, in the customer's language and time zone),
signed and revocable links to a case's status page, and what that page shows
(status, next step, the public thread; never an internal note)."""

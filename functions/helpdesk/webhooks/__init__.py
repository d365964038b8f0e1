"""Outgoing webhooks: endpoints administrators register, the events a ticket's
changes become, and each delivery to each endpoint, signed and retried.

| module         | holds                                                                   |
|----------------|-------------------------------------------------------------------------|
| ``endpoints``  | what an endpoint is, registering, changing, deleting it (audited)       |
| ``addresses``  | which URLs may receive deliveries (HTTPS, public addresses: no SSRF)    |
| ``signing``    | the ``X-Atiende-Signature`` of a body, secrets and their hints          |
| ``events``     | a table change (stream images) → the events it means, with stable ids   |
| ``delivery``   | one delivery per subscribed endpoint, a POST, its log entry, giving up  |
| ``changes``    | a stream record of the table → its events, queued                      |
"""

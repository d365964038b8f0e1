"""Administration records: the audit log and what the queues gave up on (dead letters)."""

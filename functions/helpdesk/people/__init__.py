"""People who write to the help desk: contacts, their identities, changes and merges, and their personal data."""

"""One adapter per outside provider; the domain sees only their ports."""

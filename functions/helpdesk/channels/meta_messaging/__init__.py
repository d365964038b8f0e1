"""Messenger and Instagram direct messages (Meta's Messenger Platform)."""

"""Routing and automation rules: what administrators tell the help desk to do
with a ticket when something happens to it (see ``ruleset.py``)."""

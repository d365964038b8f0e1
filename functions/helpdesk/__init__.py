"""Atiende's help desk domain: tickets, contacts, messages and the store behind them.

Every Lambda in ``functions/`` imports this package; it imports no handler and no
web framework.
"""

__version__ = "0.1.0"

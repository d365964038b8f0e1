"""Conversations: a customer's message from any channel becomes exactly one message on one ticket."""

"""Tickets as agents work them: changes, replies, macros, merges, fields, search,
collisions, notifications, attachments."""

"""Tickets as agents work them: changes, replies, macros, merges, fields,
collisions, notifications, attachments."""

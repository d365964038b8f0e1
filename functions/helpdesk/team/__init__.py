"""The team: agents and groups, automatic assignment (round robin), and notices sent to agents."""

"""Amazon Connect contact flows: who is calling."""

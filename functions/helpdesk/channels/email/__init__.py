"""E-mail: intake of received mail, MIME parsing, thread keys, the customer's new text, and threaded replies."""

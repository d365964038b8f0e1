"""Amazon Connect contact events (EventBridge) into phone messages."""

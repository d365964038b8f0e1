"""WhatsApp: webhooks into the help desk, replies inside and outside the 24-hour window, approved templates."""

"""SLAs: business calendars, policies and their clocks on tickets, the checker, and escalations after a breach."""

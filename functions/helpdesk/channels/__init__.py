"""Channels: one folder per channel (how messages arrive and leave), and the channel-independent outbound dispatch."""

"""The first-line assistant: while no person has a conversation, it answers the
customer from the public articles and hands over to people when it cannot help.

One assistant for every conversational channel, through one port:

- ``turns``: what it says to a customer's message (``decide``, ``take_turn``),
  and the state it keeps on the ticket (tags agents see).
- ``voices``: how its words reach the customer on the ticket's channel. On the
  web chat the live fan-out carries a stored message to the widget; on
  WhatsApp, Messenger and Instagram the message is queued for the channel's
  sender like an agent's reply, its question asked with buttons (WhatsApp reply
  buttons, Meta quick replies).
- ``on_channels``: the channels' workers hand it each new customer message
  (``answer_on_channel``), where the channel setup turns it on
  (``ChannelSetup.assistant``; the web chat by default).
"""

"""Live updates by push (ARCHITECTURE §1): who is connected over the WebSocket
API (``sockets``), what each change of the table means to them (``events``)
and posting it to the connections whose view it touches (``fanout``)."""

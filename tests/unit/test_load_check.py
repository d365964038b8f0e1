"""The load run's read-back (``local.load.check``) and its plan: a message
missing, on two tickets or out of order fails the check; each customer writes at
least once, never twice in the same second."""

import itertools
from typing import Any

from local.load import SAME_CUSTOMER_GAP_SECONDS, Customer, check, plan

RUN = 7


class ReadOnlyDesk:
    """The agent API's answers for search and threads, from a dict of tickets."""

    def __init__(self, tickets: dict[str, list[tuple[Customer, int]]]) -> None:
        self.tickets = tickets  # ticket id → (customer, sequence) of its messages, in thread order

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        if path == "/api/search":
            wanted = kwargs["params"]["q"]
            found = [t for t, messages in self.tickets.items() if messages and messages[0][0].address == wanted]
            return {"tickets": [{"id": t} for t in found], "cursor": None}
        ticket_id = path.rsplit("/", 1)[1]
        messages = [
            {"kind": "inbound", "text": f"Hola {customer.marker(n)}", "sent_at": f"2026-12-07T15:00:{i:02d}Z"}
            for i, (customer, n) in enumerate(self.tickets[ticket_id])
        ]
        messages.append({"kind": "outbound", "text": "Gracias", "sent_at": "2026-12-07T15:01:00Z"})
        return {"ticket": {"id": ticket_id}, "messages": messages}


ANA, BETO = Customer(0, RUN), Customer(1, RUN)
SENT = {ANA.marker(0), ANA.marker(1), BETO.marker(0)}


def test_every_message_once_and_in_order_holds() -> None:
    desk = ReadOnlyDesk({"t1": [(ANA, 0), (ANA, 1)], "t2": [(BETO, 0)]})

    result = check(desk, RUN, [ANA, BETO], SENT)

    assert result.holds
    assert (result.found_once, result.sent, result.tickets) == (3, 3, 2)


def test_a_missing_message_fails() -> None:
    result = check(ReadOnlyDesk({"t1": [(ANA, 0), (ANA, 1)]}), RUN, [ANA, BETO], SENT)

    assert not result.holds
    assert result.missing == (BETO.marker(0),)


def test_a_message_on_two_tickets_fails() -> None:
    desk = ReadOnlyDesk({"t1": [(ANA, 0), (ANA, 1)], "t2": [(BETO, 0)], "t3": [(ANA, 1)]})

    result = check(desk, RUN, [ANA, BETO], SENT)

    assert not result.holds
    assert result.repeated == (ANA.marker(1),)


def test_messages_out_of_order_fail() -> None:
    desk = ReadOnlyDesk({"t1": [(ANA, 1), (ANA, 0)], "t2": [(BETO, 0)]})

    result = check(desk, RUN, [ANA, BETO], SENT)

    assert not result.holds
    assert result.out_of_order == (ANA.number,)


def test_a_message_never_sent_fails() -> None:
    desk = ReadOnlyDesk({"t1": [(ANA, 0), (ANA, 1), (ANA, 2)], "t2": [(BETO, 0)]})

    assert check(desk, RUN, [ANA, BETO], SENT).repeated == (ANA.marker(2),)


def test_every_customer_writes_and_never_twice_within_the_gap() -> None:
    planned = plan(customers=40, seconds=8, run=RUN)

    assert {p.customer.number for p in planned} == set(range(40))
    assert [p.at for p in planned] == sorted(p.at for p in planned)
    for number in range(40):
        times = [p.at for p in planned if p.customer.number == number]
        sequences = [p.sequence for p in planned if p.customer.number == number]
        assert sequences == list(range(len(times)))
        assert all(b - a >= SAME_CUSTOMER_GAP_SECONDS for a, b in itertools.pairwise(times))
    assert sum(p.customer.by_mail for p in planned) > 0

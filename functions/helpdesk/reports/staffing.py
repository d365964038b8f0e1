"""Staffing: how many agents a channel needs (pure: no store, no AWS).

Real-time channels (chat, WhatsApp, phone) wait in a queue while the customer is
there: **Erlang C** (the M/M/N queue) finds the fewest agents whose service level
(the share of contacts answered within a target time) meets the target, under a
maximum occupancy. E-mail waits in a backlog: the **workload** model divides the
hours of work by the productive hours of one agent; with an hourly profile, each
interval's mail may be answered within the response-time target, so its work is
spread over that many hours.

Shrinkage (breaks, training, meetings, absence) is added last: the agents to
schedule are the agents needed ÷ (1 − shrinkage). The formulas are in the README
(“KPIs and staffing”); the tests check them against published worked examples.
"""

import math
from typing import Annotated

from pydantic import ConfigDict, Field

from helpdesk.validated import Validated

# A target of at most this many agents per interval: past it the input is a mistake
# (a contact centre of 100,000 agents answers one interval's question for nobody).
MOST_AGENTS = 100_000
LONGEST_PROFILE = 7 * 24 * 4  # a week of 15-minute intervals

Share = Annotated[float, Field(ge=0, lt=1)]


class ErlangCQuestion(Validated):
    """A real-time channel in one interval: ``arrivals`` contacts in ``interval_minutes``,
    each taking ``aht_seconds``; ``service_level`` of them answered within ``within_seconds``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    arrivals: Annotated[float, Field(ge=0, le=10_000_000)]
    interval_minutes: Annotated[float, Field(gt=0, le=24 * 60)] = 60
    aht_seconds: Annotated[float, Field(gt=0, le=24 * 3600)]
    service_level: Annotated[float, Field(gt=0, lt=1)] = 0.8
    within_seconds: Annotated[float, Field(ge=0, le=24 * 3600)] = 20
    max_occupancy: Annotated[float, Field(gt=0, le=1)] = 1.0
    shrinkage: Share = 0.0


class ErlangCAnswer(Validated):
    model_config = ConfigDict(frozen=True)

    model: str = "erlang_c"
    agents: int  # on the queue at once, before shrinkage
    scheduled_agents: int  # after shrinkage
    traffic_erlangs: float
    probability_of_waiting: float
    service_level: float
    average_speed_of_answer_seconds: float
    occupancy: float


class WorkloadQuestion(Validated):
    """E-mail over a day: ``per_day`` messages of ``handle_minutes`` each, by agents who
    work ``productive_hours`` a day on them (breaks already left out)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    per_day: Annotated[float, Field(ge=0, le=10_000_000)]
    handle_minutes: Annotated[float, Field(gt=0, le=24 * 60)]
    productive_hours: Annotated[float, Field(gt=0, le=24)] = 7
    max_occupancy: Annotated[float, Field(gt=0, le=1)] = 1.0
    shrinkage: Share = 0.0


class WorkloadAnswer(Validated):
    model_config = ConfigDict(frozen=True)

    model: str = "workload"
    agents: int
    scheduled_agents: int
    workload_hours: float
    fte: float  # the exact agents, before rounding up


class IntervalNeed(Validated):
    model_config = ConfigDict(frozen=True)

    interval: int  # 0 = the profile's first interval (e.g. Monday 00:00 for a week)
    arrivals: float
    agents: int
    scheduled_agents: int
    service_level: float | None = None  # Erlang C only


class ProfileAnswer(Validated):
    """Agents per interval of an arrivals profile (a day or a week, cyclic)."""

    model_config = ConfigDict(frozen=True)

    model: str
    interval_minutes: float
    agents: int  # the peak interval's
    scheduled_agents: int
    agent_hours: float  # scheduled agents × interval length, summed: what shifts must cover
    intervals: list[IntervalNeed]


def erlang_b(agents: int, traffic: float) -> float:
    """Blocking probability, by the stable recursion B(n) = A·B(n−1) / (n + A·B(n−1))."""
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = traffic * blocking / (n + traffic * blocking)
    return blocking


def probability_of_waiting(agents: int, traffic: float) -> float:
    """Erlang C: P(wait) = N·B / (N − A·(1 − B)); 1 when the agents cannot keep up (N ≤ A)."""
    if traffic <= 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    blocking = erlang_b(agents, traffic)
    return agents * blocking / (agents - traffic * (1 - blocking))


def service_level(agents: int, traffic: float, aht_seconds: float, within_seconds: float) -> float:
    """SL = 1 − P(wait)·e^(−(N − A)·T / AHT)."""
    if traffic <= 0:
        return 1.0
    if agents <= traffic:
        return 0.0
    waiting = probability_of_waiting(agents, traffic)
    return 1 - waiting * math.exp(-(agents - traffic) * within_seconds / aht_seconds)


def _scheduled(agents: float, shrinkage: float) -> int:
    # A hair under an integer (11.999999…) from float division is that integer.
    return math.ceil(round(agents / (1 - shrinkage), 9))


def erlang_c(question: ErlangCQuestion) -> ErlangCAnswer:
    """The fewest agents meeting both the service level and the occupancy cap."""
    q = question
    traffic = q.arrivals * q.aht_seconds / (q.interval_minutes * 60)
    if traffic == 0:
        return ErlangCAnswer(
            agents=0, scheduled_agents=0, traffic_erlangs=0, probability_of_waiting=0,
            service_level=1, average_speed_of_answer_seconds=0, occupancy=0,
        )  # fmt: skip
    if traffic > MOST_AGENTS:
        raise ValueError(f"traffic of {traffic:.0f} erlangs: more than {MOST_AGENTS} agents")
    agents = max(math.floor(traffic) + 1, math.ceil(round(traffic / q.max_occupancy, 9)))
    while service_level(agents, traffic, q.aht_seconds, q.within_seconds) < q.service_level:
        agents += 1
    waiting = probability_of_waiting(agents, traffic)
    return ErlangCAnswer(
        agents=agents,
        scheduled_agents=_scheduled(agents, q.shrinkage),
        traffic_erlangs=round(traffic, 3),
        probability_of_waiting=round(waiting, 3),
        service_level=round(service_level(agents, traffic, q.aht_seconds, q.within_seconds), 3),
        average_speed_of_answer_seconds=round(waiting * q.aht_seconds / (agents - traffic), 1),
        occupancy=round(traffic / agents, 3),
    )


def workload(question: WorkloadQuestion) -> WorkloadAnswer:
    """Agents = volume × handle time ÷ (productive hours × max occupancy), rounded up."""
    q = question
    hours = q.per_day * q.handle_minutes / 60
    fte = hours / (q.productive_hours * q.max_occupancy)
    return WorkloadAnswer(
        agents=math.ceil(round(fte, 9)),
        scheduled_agents=_scheduled(fte, q.shrinkage),
        workload_hours=round(hours, 3),
        fte=round(fte, 3),
    )


def _check_profile(arrivals: list[float]) -> None:
    if not arrivals:
        raise ValueError("the profile has no intervals")
    if len(arrivals) > LONGEST_PROFILE:
        raise ValueError(f"at most {LONGEST_PROFILE} intervals")
    if any(not math.isfinite(a) or a < 0 for a in arrivals):
        raise ValueError("arrivals must be numbers ≥ 0")


def _profile(model: str, interval_minutes: float, needs: list[IntervalNeed]) -> ProfileAnswer:
    return ProfileAnswer(
        model=model,
        interval_minutes=interval_minutes,
        agents=max(n.agents for n in needs),
        scheduled_agents=max(n.scheduled_agents for n in needs),
        agent_hours=round(sum(n.scheduled_agents for n in needs) * interval_minutes / 60, 3),
        intervals=needs,
    )


def erlang_c_profile(arrivals: list[float], question: ErlangCQuestion) -> ProfileAnswer:
    """Erlang C in each interval of a profile (``question.arrivals`` is ignored)."""
    _check_profile(arrivals)
    needs = []
    for index, count in enumerate(arrivals):
        answer = erlang_c(question.model_copy(update={"arrivals": count}))
        needs.append(
            IntervalNeed(
                interval=index,
                arrivals=count,
                agents=answer.agents,
                scheduled_agents=answer.scheduled_agents,
                service_level=answer.service_level,
            )
        )
    return _profile("erlang_c", question.interval_minutes, needs)


def email_profile(
    arrivals: list[float],
    *,
    handle_minutes: float,
    interval_minutes: float = 60,
    response_hours: float = 1,
    max_occupancy: float = 1.0,
    shrinkage: float = 0.0,
) -> ProfileAnswer:
    """E-mail per interval: the mail of an interval may be answered within the response
    target, so its work is spread evenly over the next ``response_hours`` (whole intervals,
    at least one). The work done in an interval is then the average workload of the
    intervals within the target before it (the profile wraps: a day, or a week)."""
    _check_profile(arrivals)
    if not 0 < handle_minutes <= 24 * 60 or not 0 < interval_minutes <= 24 * 60:
        raise ValueError("handle and interval minutes must be between 0 and 1440")
    if not 0 < max_occupancy <= 1 or not 0 <= shrinkage < 1 or not 0 < response_hours <= 24 * 7:
        raise ValueError("occupancy in (0, 1], shrinkage in [0, 1), response hours in (0, 168]")
    spread = max(1, math.floor(round(response_hours * 60 / interval_minutes, 9)))
    spread = min(spread, len(arrivals))
    needs = []
    for index, count in enumerate(arrivals):
        window = [arrivals[(index - back) % len(arrivals)] for back in range(spread)]
        work_minutes = sum(window) * handle_minutes / spread
        fte = work_minutes / (interval_minutes * max_occupancy)
        needs.append(
            IntervalNeed(
                interval=index,
                arrivals=count,
                agents=math.ceil(round(fte, 9)),
                scheduled_agents=_scheduled(fte, shrinkage),
            )
        )
    return _profile("workload", interval_minutes, needs)

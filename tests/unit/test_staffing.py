"""Staffing: Erlang C for real-time channels and the workload model for e-mail, against
published worked examples and an independent implementation (pyworkforce), and
``atiende staffing`` printing one JSON line."""

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from pyworkforce.queuing import ErlangC as ReferenceErlangC

from helpdesk.reports.staffing import (
    ErlangCQuestion,
    WorkloadQuestion,
    email_profile,
    erlang_b,
    erlang_c,
    erlang_c_profile,
    probability_of_waiting,
    service_level,
    workload,
)
from local.cli import main as atiende

PUBLISHED = ErlangCQuestion(arrivals=100, interval_minutes=30, aht_seconds=180, service_level=0.8, within_seconds=20)


def test_the_published_erlang_c_example_needs_14_agents() -> None:
    # Given 100 calls in 30 minutes of 180 s each (10 erlangs), 80% within 20 s
    answer = erlang_c(PUBLISHED)
    # Then 14 agents: P(wait) 0.174, service level 0.888, occupancy 71.4%
    assert answer.traffic_erlangs == 10
    assert answer.agents == 14
    assert answer.probability_of_waiting == 0.174
    assert answer.service_level == 0.888
    assert answer.occupancy == 0.714
    # and one agent fewer misses the target (13 agents: 79.7%)
    assert service_level(13, 10, 180, 20) < 0.8 <= service_level(14, 10, 180, 20)


def test_erlang_b_matches_the_published_table() -> None:
    # Erlang B tables: 5 erlangs offered to 10 lines block 1.84% of calls; 2 erlangs on 5 lines, 3.67%
    assert erlang_b(10, 5) == pytest.approx(0.01838, abs=1e-5)
    assert erlang_b(5, 2) == pytest.approx(0.03670, abs=1e-5)


@pytest.mark.parametrize(
    ("arrivals", "interval", "aht", "target", "within", "occupancy", "shrinkage"),
    [
        (100, 30, 180, 0.8, 20, 1.0, 0.0),
        (100, 30, 180, 0.8, 20, 1.0, 0.3),
        (100, 30, 180, 0.8, 20, 0.65, 0.0),
        (360, 60, 240, 0.8, 60, 1.0, 0.0),
        (35, 60, 300, 0.9, 30, 0.85, 0.25),
        (1200, 60, 420, 0.95, 15, 0.9, 0.35),
        (3, 60, 600, 0.8, 20, 1.0, 0.0),
        (500, 15, 90, 0.7, 10, 1.0, 0.1),
    ],
)
def test_erlang_c_agrees_with_pyworkforce(
    arrivals: float, interval: float, aht: float, target: float, within: float, occupancy: float, shrinkage: float
) -> None:
    reference = ReferenceErlangC(
        transactions=arrivals, aht=aht / 60, asa=within / 60, interval=interval, shrinkage=shrinkage
    ).required_positions(service_level=target, max_occupancy=occupancy)
    answer = erlang_c(
        ErlangCQuestion(
            arrivals=arrivals,
            interval_minutes=interval,
            aht_seconds=aht,
            service_level=target,
            within_seconds=within,
            max_occupancy=occupancy,
            shrinkage=shrinkage,
        )
    )
    assert answer.agents == reference["raw_positions"]
    assert answer.scheduled_agents == reference["positions"]
    assert answer.probability_of_waiting == pytest.approx(reference["waiting_probability"], abs=5e-4)
    assert answer.service_level == pytest.approx(reference["service_level"], abs=5e-4)
    assert answer.occupancy == pytest.approx(reference["occupancy"], abs=5e-4)


def test_the_occupancy_cap_adds_agents_beyond_the_service_level() -> None:
    # 10 erlangs meet 80/20 with 14 agents (71% busy); capped at 65% they need 16
    capped = erlang_c(PUBLISHED.model_copy(update={"max_occupancy": 0.65}))
    assert capped.agents == 16
    assert capped.occupancy <= 0.65
    assert capped.service_level > erlang_c(PUBLISHED).service_level


def test_shrinkage_schedules_more_agents_than_sit_on_the_queue() -> None:
    answer = erlang_c(PUBLISHED.model_copy(update={"shrinkage": 0.3}))
    assert answer.agents == 14  # on the queue
    assert answer.scheduled_agents == 20  # 14 / 0.7


def test_no_arrivals_need_no_agents() -> None:
    answer = erlang_c(PUBLISHED.model_copy(update={"arrivals": 0}))
    assert (answer.agents, answer.scheduled_agents, answer.service_level, answer.occupancy) == (0, 0, 1, 0)
    assert workload(WorkloadQuestion(per_day=0, handle_minutes=10)).agents == 0


def test_too_few_agents_always_wait() -> None:
    assert probability_of_waiting(10, 10) == 1
    assert service_level(9, 10, 180, 20) == 0
    assert probability_of_waiting(3, 0) == 0


@pytest.mark.parametrize(
    "bad",
    [
        {"service_level": 1.0},  # never reached: someone always may wait
        {"service_level": 0},
        {"aht_seconds": 0},
        {"arrivals": -1},
        {"shrinkage": 1.0},
        {"max_occupancy": 0},
        {"interval_minutes": 0},
    ],
)
def test_impossible_questions_are_refused(bad: dict[str, float]) -> None:
    with pytest.raises(ValidationError):
        ErlangCQuestion(**{**PUBLISHED.model_dump(), **bad})


def test_the_seeds_email_example_needs_12_agents() -> None:
    # 500 tickets a day × 10 minutes = 83.3 hours of work ÷ 7 productive hours = 11.9 → 12
    answer = workload(WorkloadQuestion(per_day=500, handle_minutes=10, productive_hours=7))
    assert (answer.agents, answer.workload_hours, answer.fte) == (12, 83.333, 11.905)
    # with 30% shrinkage: 11.905 / 0.7 = 17.007 → 18 scheduled
    assert workload(WorkloadQuestion(per_day=500, handle_minutes=10, shrinkage=0.3)).scheduled_agents == 18
    # an exact fit is not rounded up: 420 × 10 min = 70 h = 10 agents of 7 h
    assert workload(WorkloadQuestion(per_day=420, handle_minutes=10)).agents == 10
    # at most 85% busy: 11.905 / 0.85 = 14.006 → 15
    assert workload(WorkloadQuestion(per_day=500, handle_minutes=10, max_occupancy=0.85)).agents == 15


def test_a_profile_gets_agents_per_interval_and_its_peak() -> None:
    answer = erlang_c_profile([0, 10, 100, 40], PUBLISHED.model_copy(update={"interval_minutes": 60}))
    assert [n.agents for n in answer.intervals] == [0, 2, 8, 4]
    assert answer.agents == 8
    assert answer.agent_hours == 14
    # each interval is the single-interval answer
    assert (
        answer.intervals[2].agents
        == erlang_c(PUBLISHED.model_copy(update={"arrivals": 100, "interval_minutes": 60})).agents
    )


def test_email_profile_spreads_each_hours_mail_over_the_response_target() -> None:
    # 60 mails at 10 minutes in hour 1 = 10 agent-hours; answered within 2 hours: 5 agents in hours 1 and 2
    answer = email_profile([0, 60, 0, 0], handle_minutes=10, response_hours=2)
    assert [n.agents for n in answer.intervals] == [0, 5, 5, 0]
    # within the hour: all 10 in hour 1
    assert [n.agents for n in email_profile([0, 60, 0, 0], handle_minutes=10).intervals] == [0, 10, 0, 0]
    # the profile wraps: the last hour's mail is answered in the first hour of the next day
    assert [n.agents for n in email_profile([0, 0, 0, 60], handle_minutes=10, response_hours=2).intervals] == [
        5,
        0,
        0,
        5,
    ]


def test_an_empty_or_negative_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="no intervals"):
        erlang_c_profile([], PUBLISHED)
    with pytest.raises(ValueError, match="≥ 0"):
        email_profile([1, -2], handle_minutes=5)


def _printed(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    assert atiende(["staffing", *argv]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


def test_the_cli_prints_one_json_line(capsys: pytest.CaptureFixture[str]) -> None:
    email = _printed(capsys, "--per-day", "500", "--handle-minutes", "10", "--productive-hours", "7")
    assert email["agents"] == 12 and email["model"] == "workload"
    chat = _printed(
        capsys, "--arrivals", "100", "--interval-minutes", "30", "--aht-seconds", "180",
        "--service-level", "0.8", "--within-seconds", "20", "--shrinkage", "0.3",
    )  # fmt: skip
    assert (chat["agents"], chat["scheduled_agents"], chat["probability_of_waiting"], chat["service_level"]) == (
        14, 20, 0.174, 0.888,
    )  # fmt: skip


def test_the_cli_reads_an_hourly_profile(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    profile = tmp_path / "arrivals.txt"
    profile.write_text("0, 10\n100 40\n", encoding="utf-8")
    chat = _printed(capsys, "--hourly", str(profile), "--aht-seconds", "180")
    assert chat["agents"] == 8 and len(chat["intervals"]) == 4
    profile.write_text("[0, 60, 0, 0]", encoding="utf-8")
    mail = _printed(capsys, "--hourly", str(profile), "--handle-minutes", "10", "--response-hours", "2")
    assert [i["agents"] for i in mail["intervals"]] == [0, 5, 5, 0]


def test_the_cli_refuses_bad_input_in_spanish_and_english(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert atiende(["staffing", "--arrivals", "10", "--aht-seconds", "180", "--service-level", "1.5"]) == 2
    assert "Datos de dotación no válidos / Invalid staffing input" in capsys.readouterr().err
    assert atiende(["staffing", "--handle-minutes", "10"]) == 2
    assert "--per-day" in capsys.readouterr().err
    assert atiende(["staffing", "--hourly", str(tmp_path / "missing.txt"), "--aht-seconds", "60"]) == 2
    assert "No se pudo leer el perfil" in capsys.readouterr().err
    (tmp_path / "bad.txt").write_text("3 x 4", encoding="utf-8")
    assert atiende(["staffing", "--hourly", str(tmp_path / "bad.txt"), "--aht-seconds", "60"]) == 2
    assert capsys.readouterr().out == ""

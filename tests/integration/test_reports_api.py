"""``GET /api/reports/kpis`` on the local stack's bootstrap: supervisors and
administrators read the KPIs of a range (from the rollups), agents are refused,
a bad range is refused in Spanish and English."""

from tests.integration.conftest import ADMIN_LOGIN, AGENT_LOGIN, SUPERVISOR_LOGIN, Api


def test_supervisors_read_the_kpis_of_a_range_and_agents_do_not(api: Api) -> None:
    supervisor = api.token(SUPERVISOR_LOGIN)
    answer = api.get("/api/reports/kpis", supervisor, **{"from": "2026-11-01", "to": "2026-11-30", "channel": "email"})
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["since"], report["until"], len(report["days"])) == ("2026-11-01", "2026-11-30", 30)
    assert set(report["totals"]) >= {"created", "solved", "reopened", "first_response_median_seconds", "sla"}
    assert set(report["previous"]) == set(report["totals"])

    assert api.get("/api/reports/kpis", api.token(ADMIN_LOGIN), **{"from": "2026-11-01", "to": "2026-11-01"}).ok
    refused = api.get("/api/reports/kpis", api.token(AGENT_LOGIN), **{"from": "2026-11-01", "to": "2026-11-01"})
    assert refused.status_code == 403

    backwards = api.get("/api/reports/kpis", supervisor, **{"from": "2026-12-01", "to": "2026-11-01"})
    assert backwards.status_code == 400
    assert set(backwards.json()["error"]["message"]) == {"es", "en"}
    too_long = api.get("/api/reports/kpis", supervisor, **{"from": "2020-01-01", "to": "2026-01-01"})
    assert too_long.status_code == 400
    assert (
        api.get(
            "/api/reports/kpis", supervisor, **{"from": "2026-11-01", "to": "2026-11-02", "group": "a|b"}
        ).status_code
        == 400
    )

"""Reports (``helpdesk.reports``): the KPIs of a date range for supervisors and
administrators, read from the per-day rollups only (never the tickets). No API
key reaches them (they name no scope)."""

from chalice import Response

from agent_api.routing import Area, Caller, json_answer
from helpdesk import connections
from helpdesk.access import Role
from helpdesk.reports.kpis import KpiQuery, KpiReport, kpi_report

area = Area("reports")


@area.route(
    "/api/reports/kpis",
    role=Role.SUPERVISOR,
    answer=KpiReport,
    query=KpiQuery,
    errors=("error.invalid_request", "error.forbidden", "error.api_key_refused"),
)
def kpis(caller: Caller, query: KpiQuery) -> Response:
    """KPIs for days ``from``..``to`` (the company's time zone), by channel, group
    and agent if asked: created, solved, reopened, first response and resolution
    median and p90 (seconds, histogram bounds), SLA met and breached per target;
    in total, per day, and for the period of the same length just before."""
    return json_answer(kpi_report(connections.store(), query))

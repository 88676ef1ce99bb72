"""The SLA compliance report as a regulatory report source (report type `sla`): the same
figures as GET /sla/report for the period."""

from __future__ import annotations

from datetime import datetime

from elcorp.compliance.reports.application.report_ports import ReportTable
from elcorp.compliance.sla.application.sla import ReportLine, SlaTracking

COLUMNS = (
    "case_type",
    "category",
    "priority",
    "cases",
    "response_met",
    "response_decided",
    "response_met_percent",
    "resolution_met",
    "resolution_decided",
    "resolution_met_percent",
    "breached",
)


def _row(line: ReportLine) -> tuple[str, ...]:
    return (
        line.case_type,
        line.category,
        line.priority,
        str(line.cases),
        str(line.response_met),
        str(line.response_decided),
        line.response_met_percent or "n/a",
        str(line.resolution_met),
        str(line.resolution_decided),
        line.resolution_met_percent or "n/a",
        str(line.breached),
    )


class SlaReportSource:
    report_type = "sla"

    def __init__(self, tracking: SlaTracking) -> None:
        self._tracking = tracking

    def table(self, start: datetime, end: datetime) -> ReportTable:
        report = self._tracking.report(start, end)
        return ReportTable(
            title="SLA compliance",
            columns=COLUMNS,
            rows=tuple(_row(line) for line in (*report.lines, *report.totals)),
            notes=(
                "Cases closed in the period, or still open and due in it; each goal judged at the "
                "period's end. Category and priority * = all of the case type.",
                "Percent = goals met / goals decided (met in time, or missed), one decimal.",
            ),
        )

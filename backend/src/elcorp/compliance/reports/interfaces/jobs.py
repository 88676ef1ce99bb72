"""Reports' background jobs: last month's regulatory reports, pre-generated."""

from __future__ import annotations

from collections.abc import Callable

import structlog

from elcorp.compliance.reports.application.reports import RegulatoryReports
from elcorp.shared.application.jobs import Beat, Cron, Job

logger = structlog.get_logger("elcorp.jobs")


def jobs(reports: RegulatoryReports) -> list[Job]:
    # 03:00 on the 1st in Windhoek (UTC+2): last month's regulatory reports (CSV and PDF).
    return [
        Job(
            "elcorp.compliance.generate_monthly_reports",
            _generate_monthly(reports),
            retry_backoff=True,
            max_retries=5,
            beat=Beat(
                "compliance-monthly-reports",
                Cron(minute="0", hour="1", day_of_month="1"),
                expires=12 * 3600.0,
            ),
        )
    ]


def _generate_monthly(reports: RegulatoryReports) -> Callable[[], dict[str, object]]:
    def run() -> dict[str, object]:
        """Monthly, early on the 1st (Africa/Windhoek): last month's regulatory report of every
        type with a source, as CSV and PDF, generated and recorded as the system. A report the
        system already generated for that month is skipped, so a retried run adds nothing."""
        done = reports.generate_monthly()
        for report in done:
            logger.info(
                "report.pregenerated",
                type=report.report_type,
                period=str(report.period),
                format=report.format.value,
                sha256=report.sha256,
            )
        return {"generated": len(done), "reports": [f"{r.report_type}.{r.format.value}" for r in done]}

    return run

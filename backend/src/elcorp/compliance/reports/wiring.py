"""The reports feature wires itself: the regulatory reports on their sources, its own (the
ledger's transactions, the data-subject requests, the audit trail) and those the other
features hand in (each implements the reports' source port)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_openapi3 import APIBlueprint

from elcorp.compliance.audit.application.audit_trail import AuditTrail
from elcorp.compliance.reports.application.report_ports import ReportSource
from elcorp.compliance.reports.application.reports import RegulatoryReports
from elcorp.compliance.reports.application.reports_sources import (
    AuditReport,
    LargeTransactionsReport,
    PrivacyRequestsReport,
    TransactionsReport,
)
from elcorp.compliance.reports.infrastructure.reports import (
    SqlAuditFigures,
    SqlPrivacyRequestFigures,
    SqlReportsUnitOfWork,
)
from elcorp.compliance.reports.infrastructure.reports_pdf import PdfReportDocuments
from elcorp.compliance.reports.interfaces import reports as report_routes
from elcorp.compliance.reports.interfaces.jobs import jobs as reports_jobs
from elcorp.compliance.upstream import Upstream
from elcorp.shared.application.jobs import Job
from elcorp.shared.domain.clock import Clock


@dataclass(frozen=True)
class ReportsFeature:
    reports: RegulatoryReports

    def jobs(self) -> list[Job]:
        return reports_jobs(self.reports)

    def blueprints(self) -> list[APIBlueprint]:
        return [report_routes.blueprint(self.reports)]


def wire(up: Upstream, *, trail: AuditTrail, fed_by: Sequence[ReportSource]) -> ReportsFeature:
    """`fed_by`: the other features' report sources, after the reports' own."""
    return ReportsFeature(regulatory_reports(up, report_sources(up, trail, fed_by), None))


def report_sources(up: Upstream, trail: AuditTrail, fed_by: Sequence[ReportSource]) -> list[ReportSource]:
    """Every report source: the ledger, the data-subject requests, the audit trail, then
    `fed_by` (the SLA tracking and the incidents)."""
    sessions = up.infra.session_factory
    return [
        TransactionsReport(up.ledger),
        LargeTransactionsReport(up.ledger, {"NAD": up.infra.settings.REPORT_LARGE_TRANSACTION_THRESHOLD}),
        PrivacyRequestsReport(SqlPrivacyRequestFigures(sessions)),
        AuditReport(SqlAuditFigures(sessions), trail),
        *fed_by,
    ]


def regulatory_reports(up: Upstream, sources: list[ReportSource], clock: Clock | None) -> RegulatoryReports:
    """The regulatory report service on `sources` (tests may hand their own, or a clock)."""
    sessions = up.infra.session_factory
    return RegulatoryReports(
        lambda: SqlReportsUnitOfWork(sessions), up.access, sources, PdfReportDocuments(), clock=clock
    )

"""HTTP routes of the compliance context: regulatory reports (CSV or PDF, with their SHA-256).

`GET /reports/{type}?period=YYYY-MM&format=csv|pdf` generates the month's report and
answers the file itself, its SHA-256 in `Repr-Digest` (RFC 9530) and the id of its stored
record in `X-Report-Id`; `GET /reports` lists the stored records. Both need report:generate.
"""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_openapi3 import APIBlueprint, Tag

from elcorp.compliance.reports.application.reports import RegulatoryReports
from elcorp.compliance.reports.domain.reports import (
    RegulatoryReport,
    ReportFormat,
    ReportPeriodInvalid,
    ReportPeriodNotOver,
    ReportSourceUnavailable,
    UnknownReportType,
)
from elcorp.compliance.reports.interfaces import reports_schemas as s
from elcorp.shared.domain.clock import isoformat_z
from elcorp.shared.interfaces.api import API_V1, BEARER
from elcorp.shared.interfaces.auth import current_caller, require_permission
from elcorp.shared.interfaces.downloads import file_response
from elcorp.shared.interfaces.openapi import download, listed
from elcorp.shared.interfaces.pagination import page_response

GENERATE = "report:generate"


def record_json(r: RegulatoryReport) -> dict[str, Any]:
    return {
        "id": str(r.id),
        "type": r.report_type,
        "period": str(r.period),
        "format": r.format.value,
        "sha256": r.sha256,
        "size_bytes": r.size_bytes,
        "rows": r.row_count,
        "generated_by": r.generated_by,
        "generated_at": isoformat_z(r.generated_at),
    }


def blueprint(reports: RegulatoryReports) -> APIBlueprint:
    """The routes, closing over the services they call (built by the context's wiring)."""
    api = APIBlueprint(
        "reports",
        __name__,
        url_prefix=API_V1,
        abp_tags=[Tag(name="reports", description="regulatory reports (CSV or PDF, with their SHA-256)")],
    )
    _report_routes(api, reports)
    return api


def _report_routes(api: APIBlueprint, reports: RegulatoryReports) -> None:
    @api.get(
        "/reports",
        security=BEARER,
        responses=listed(s.RegulatoryReport, UnknownReportType, ReportPeriodInvalid),
    )
    @require_permission(GENERATE)
    def list_reports(query: s.RegulatoryReportListQuery) -> Response:
        """List the stored records of generated reports, newest first.

        Staff with report:generate. Cursor-paginated (`cursor`, `limit`; `page`/`per_page` aliases).
        """
        page = reports.stored(
            current_caller().user_id, query.page_request(), report_type=query.type, period=query.period
        )
        return page_response([record_json(r) for r in page.items], page)

    @api.get(
        "/reports/<string:report_type>",
        security=BEARER,
        responses=download(
            ("text/csv", "application/pdf"),
            UnknownReportType,
            ReportPeriodInvalid,
            ReportPeriodNotOver,
            ReportSourceUnavailable,
        ),
    )
    @require_permission(GENERATE)
    def generate_report(path: s.RegulatoryReportPath, query: s.RegulatoryReportQuery) -> Response:
        """Generate a month's regulatory report as CSV or PDF.

        Staff with report:generate. The body is the file; its SHA-256 in `Repr-Digest`
        (RFC 9530) and the stored record's id in `X-Report-Id`.
        """
        fmt = ReportFormat(query.format)
        generated = reports.generate(current_caller().user_id, path.report_type, query.period, fmt)
        response = file_response(generated.content, mimetype=fmt.mimetype, filename=generated.filename)
        response.headers["X-Report-Id"] = str(generated.record.id)
        return response

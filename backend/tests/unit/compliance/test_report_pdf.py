"""The PDF rendering is reproducible: same table and period, same bytes; dated at the
period's end, never by the wall clock."""

from __future__ import annotations

import hashlib

from elcorp.compliance.reports.application.report_ports import ReportTable
from elcorp.compliance.reports.domain.reports import ReportPeriod
from elcorp.compliance.reports.infrastructure.reports_pdf import PdfReportDocuments

TABLE = ReportTable(
    title="Large transactions",
    columns=("completed_at", "transaction_id", "amount"),
    rows=tuple(
        ("2026-11-02T10:00:00.000Z", f"00000000-0000-0000-0000-{i:012d}", f"{25000 + i}.00")
        for i in range(80)
    ),
    notes=("Threshold NAD 25000.00.",),
)
PERIOD = ReportPeriod(2026, 11)


def render(table: ReportTable = TABLE, period: ReportPeriod = PERIOD) -> bytes:
    return PdfReportDocuments().pdf(table, report_type="large-transactions", period=period)


def test_the_same_table_and_period_give_the_same_bytes():
    first = render()
    assert first.startswith(b"%PDF-")
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(render()).hexdigest()


def test_the_creation_date_is_the_end_of_the_period():
    assert b"/CreationDate (D:20261130220000Z)" in render()


def test_another_row_or_another_period_gives_other_bytes():
    changed = ReportTable(TABLE.title, TABLE.columns, (*TABLE.rows, ("x", "y", "1.00")), TABLE.notes)
    assert render(changed) != render()
    assert render(period=ReportPeriod(2026, 10)) != render()


def test_an_empty_table_and_non_latin_text_still_render():
    empty = ReportTable("Audit trail summary \u2713", ("a",), (), ("\u00e9t\u00e9 \u4e2d",))
    assert render(empty).startswith(b"%PDF-")

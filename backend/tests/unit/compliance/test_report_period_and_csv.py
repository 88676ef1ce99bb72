"""Report periods (months in Africa/Windhoek) and the deterministic, formula-safe CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from elcorp.compliance.reports.domain.reports import (
    ReportPeriod,
    ReportPeriodInvalid,
    ReportPeriodNotOver,
    median_days,
    render_csv,
    safe_cell,
)


def test_a_month_is_bounded_by_windhoek_midnights_as_utc():
    period = ReportPeriod.parse("2026-11")
    assert period.start == datetime(2026, 10, 31, 22, 0, tzinfo=UTC)
    assert period.end == datetime(2026, 11, 30, 22, 0, tzinfo=UTC)


def test_december_ends_at_the_next_years_first_of_january():
    assert ReportPeriod.parse("2026-12").end == datetime(2026, 12, 31, 22, 0, tzinfo=UTC)
    assert ReportPeriod.parse("2027-01").previous() == ReportPeriod(2026, 12)


def test_the_month_of_an_instant_is_its_windhoek_month():
    assert ReportPeriod.containing(datetime(2026, 11, 30, 22, 30, tzinfo=UTC)) == ReportPeriod(2026, 12)
    assert ReportPeriod.containing(datetime(2026, 11, 30, 21, 59, tzinfo=UTC)) == ReportPeriod(2026, 11)


@pytest.mark.parametrize(
    "text", ["2026-13", "2026-00", "2026-1", "202611", "26-11", "", "1999-12", "2026-11x"]
)
def test_a_malformed_period_is_refused(text):
    with pytest.raises(ReportPeriodInvalid):
        ReportPeriod.parse(text)


def test_a_running_month_is_refused_and_an_ended_one_accepted():
    period = ReportPeriod.parse("2026-11")
    with pytest.raises(ReportPeriodNotOver):
        period.require_ended(datetime(2026, 11, 30, 21, 59, 59, tzinfo=UTC))
    period.require_ended(datetime(2026, 11, 30, 22, 0, tzinfo=UTC))


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("-12.50", "-12.50"),  # a plain number stays a number
        ("12", "12"),
        ("deposit", "deposit"),
    ],
)
def test_cells_a_spreadsheet_would_run_are_defused(cell, written):
    assert safe_cell(cell) == written


def test_the_csv_is_the_header_and_rows_in_order_with_newline_endings():
    body = render_csv(("a", "b"), [("1", "x,y"), ("2", "=cmd")])
    assert body == b'a,b\n1,"x,y"\n2,\'=cmd\n'
    assert b"\r" not in body
    assert list(csv.reader(io.StringIO(body.decode()))) == [["a", "b"], ["1", "x,y"], ["2", "'=cmd"]]


def test_the_same_table_renders_the_same_bytes():
    rows = [("NAD", "deposit", "completed", "3", "100.00")]
    assert render_csv(("c", "t", "s", "n", "a"), rows) == render_csv(("c", "t", "s", "n", "a"), list(rows))


def test_the_median_is_in_days_with_one_decimal():
    day = 86_400
    assert median_days([]) == ""
    assert median_days([3 * day]) == "3.0"
    assert median_days([1 * day, 10 * day, 2 * day]) == "2.0"
    assert median_days([1 * day, 2 * day]) == "1.5"

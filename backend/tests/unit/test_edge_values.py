"""Edge values the pure code refuses with its own error instead of crashing or misreading
(issue #17, items 8 and 9): digits that are not ASCII, page numbers past any table,
dates at the end of the calendar, JSON nested beyond reason."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

import pytest

from elcorp.compliance.reports.domain.reports import ReportPeriod, ReportPeriodInvalid
from elcorp.compliance.sla.domain.sla import SlaPeriodInvalid, month_bounds
from elcorp.governance.application.policies import canonical_params
from elcorp.governance.domain.approval_chains import ApprovalLevel
from elcorp.payments.domain.invoices import InvoiceLineInvalid, checked_lines
from elcorp.payments.domain.reconciliation import StatementMalformed, parse_statement
from elcorp.payments.domain.settlement import business_day_bounds
from elcorp.shared.application.pagination import MAX_PAGE, PageRequest
from elcorp.shared.domain.errors import InvalidMoney, ValidationFailed
from elcorp.shared.domain.money import Money, decimal_from_text
from elcorp.shared.domain.phone import PhoneNumber
from elcorp.shared.interfaces.middleware import MAX_JSON_DEPTH, json_depth_exceeds

# Ten, as Python's Decimal() and int() read it: Arabic-Indic, full-width, Persian, Devanagari.
UNICODE_TENS = ["\u0661\u0660", "\uff11\uff10", "\u06f1\u06f0", "\u0967\u0966"]


# -- money: ASCII digits only --------------------------------------------------------------------
@pytest.mark.parametrize("ten", UNICODE_TENS)
def test_money_refuses_an_amount_in_unicode_digits(ten):
    assert Decimal(ten) == 10  # what made the bug: the standard library reads them
    with pytest.raises(InvalidMoney):
        Money.of(ten)


@pytest.mark.parametrize("raw", ["1_000", "1 000", "\u0661\u0660.50", "10.\u06650"])
def test_money_refuses_underscores_and_mixed_digits(raw):
    with pytest.raises(InvalidMoney):
        Money.of(raw)


@pytest.mark.parametrize("raw", ["12.50", "-3", "+4.5", ".5", "5.", "1E+3", "0E-8"])
def test_decimal_from_text_keeps_every_ascii_decimal_form(raw):
    assert decimal_from_text(raw) == Decimal(raw)


@pytest.mark.parametrize("raw", [*UNICODE_TENS, "NaN", "Infinity", "", " 1", "1_0"])
def test_decimal_from_text_refuses_what_is_not_an_ascii_decimal(raw):
    with pytest.raises(InvalidOperation):
        decimal_from_text(raw)


@pytest.mark.parametrize("ten", UNICODE_TENS)
def test_an_invoice_line_in_unicode_digits_is_an_invalid_line(ten):
    with pytest.raises(InvoiceLineInvalid):
        checked_lines([("Roadworthy inspection", ten, "10.00")])
    with pytest.raises(InvoiceLineInvalid):
        checked_lines([("Roadworthy inspection", "1", ten)])


@pytest.mark.parametrize("ten", UNICODE_TENS)
def test_a_statement_amount_in_unicode_digits_is_a_malformed_row(ten):
    with pytest.raises(StatementMalformed) as malformed:
        parse_statement(f"date,reference,amount,currency\n2026-12-01,BANK-001,{ten},NAD\n")
    assert [d["line"] for d in malformed.value.details] == [2]


@pytest.mark.parametrize("ten", UNICODE_TENS)
def test_a_policy_threshold_in_unicode_digits_is_refused(ten):
    params = {
        "actions": ["payment:approve"],
        "thresholds": {"NAD": ten},
        "approval_permission": "payment:approve",
    }
    with pytest.raises(ValidationFailed):
        canonical_params("amount_threshold", params)
    with pytest.raises(ValidationFailed):
        ApprovalLevel.from_dict({"name": "finance", "required_role": "staff", "threshold": ten})


def test_a_report_period_in_unicode_digits_is_invalid():
    with pytest.raises(ReportPeriodInvalid):
        ReportPeriod.parse("\u0662\u0660\u0662\u0666-\u0661\u0661")
    with pytest.raises(SlaPeriodInvalid):
        month_bounds("\u0662\u0660\u0662\u0666-\u0661\u0661")


def test_a_phone_number_is_held_in_ascii_digits_only():
    with pytest.raises(ValidationFailed):
        PhoneNumber("+\u0662\u0666\u0664\u0668\u0661\u0661\u0662\u0663\u0664\u0665\u0666\u0667")
    assert (
        PhoneNumber.parse("+\u0662\u0666\u0664\u0668\u0661\u0661\u0662\u0663\u0664\u0665\u0666\u0667").e164
        == "+264811234567"
    )  # typed, then normalised


# -- pages ---------------------------------------------------------------------------------------
def test_a_page_past_the_bound_is_a_validation_error_naming_page():
    assert PageRequest(MAX_PAGE, 100).offset == (MAX_PAGE - 1) * 100
    with pytest.raises(ValidationFailed) as failed:
        PageRequest(2**70, 20)
    assert [d["field"] for d in failed.value.details] == ["page"]


# -- dates at the end of the calendar ------------------------------------------------------------
@pytest.mark.parametrize("period", ["9999-12", "2101-01", "1999-12", "0000-01"])
def test_a_report_period_outside_the_business_years_is_invalid(period):
    with pytest.raises(ReportPeriodInvalid):
        ReportPeriod.parse(period)
    with pytest.raises(SlaPeriodInvalid):
        month_bounds(period)


def test_the_last_month_of_the_business_years_still_has_an_end():
    assert ReportPeriod.parse("2100-12").end > ReportPeriod.parse("2100-12").start
    start, end = month_bounds("2100-12")
    assert end > start


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01"])
def test_a_statement_line_outside_the_business_years_is_a_malformed_row(day):
    with pytest.raises(StatementMalformed) as malformed:
        parse_statement(f"date,reference,amount,currency\n{day},BANK-001,100.00,NAD\n")
    assert [d["line"] for d in malformed.value.details] == [2]


@pytest.mark.parametrize("day", ["20261201", "2026-W49-2"])
def test_a_statement_date_must_be_written_yyyy_mm_dd(day):
    with pytest.raises(StatementMalformed):
        parse_statement(f"date,reference,amount,currency\n{day},BANK-001,100.00,NAD\n")


def test_a_business_day_outside_the_business_years_has_no_bounds():
    with pytest.raises(ValidationFailed) as failed:
        business_day_bounds(date(9999, 12, 31))
    assert [d["field"] for d in failed.value.details] == ["date"]
    start, end = business_day_bounds(date(2100, 12, 31))
    assert end > start


# -- JSON nesting --------------------------------------------------------------------------------
def test_json_depth_is_measured_without_recursion():
    nested: object = []
    for _ in range(100_000):
        nested = [nested]
    assert json_depth_exceeds(nested, MAX_JSON_DEPTH)
    assert not json_depth_exceeds({"lines": [{"description": "x"}]}, MAX_JSON_DEPTH)

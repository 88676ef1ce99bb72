"""Invoice amounts, states, credit limits and document numbers (payments/domain/invoices.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from elcorp.payments.domain.invoices import (
    CreditExceedsInvoice,
    InvoiceLineInvalid,
    InvoiceStateConflict,
    InvoiceStatus,
    Line,
    Series,
    check_credit,
    check_transition,
    checked_lines,
    document_number,
    totals,
)

D = Decimal


def test_lines_that_do_not_divide_evenly_are_rounded_per_line_and_vat_once():
    # 3 x 3.333 = 9.999 -> 10.00; 1 x 0.005 = 0.005 -> 0.01 (half up); subtotal 10.01
    lines = checked_lines([("Tyre fitting", "3", "3.333"), ("Valve cap", "1", "0.005")])
    result = totals(lines, "NAD")
    assert (result.subtotal, result.vat, result.total) == (D("10.01"), D("1.50"), D("11.51"))


def test_vat_is_rounded_on_the_document_not_per_line():
    # Three lines of 0.10: 15% VAT per line would be 0.015 -> 0.02 each (0.06); on the
    # document it is 15% of 0.30 = 0.045 -> 0.05.
    lines = [Line("Sticker", D(1), D("0.10")) for _ in range(3)]
    assert totals(lines, "NAD").vat == D("0.05")


def test_the_vat_rate_is_a_setting():
    assert totals([Line("Service", D(1), D(100))], "NAD", vat_rate=D("16.5")).total == D("116.50")


@given(
    st.lists(
        st.tuples(
            st.decimals(min_value=D("0.0001"), max_value=D(10_000), places=4),
            st.decimals(min_value=D(0), max_value=D(100_000), places=8),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_printed_lines_and_vat_always_add_up_to_the_total(raw):
    lines = [Line("x", quantity, price) for quantity, price in raw]
    result = totals(lines, "NAD")
    assert result.total == sum((line.net("NAD") for line in lines), D(0)) + result.vat
    assert result.vat == (result.subtotal * D("0.15")).quantize(D("0.01"), rounding="ROUND_HALF_UP")
    assert all(amount == amount.quantize(D("0.01")) for amount in (result.subtotal, result.vat, result.total))


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (("", "1", "10"), "description"),
        (("Oil", "0", "10"), "quantity"),
        (("Oil", "-1", "10"), "quantity"),
        (("Oil", "0.00001", "10"), "quantity"),
        (("Oil", "1", "-0.01"), "unit_price"),
        (("Oil", "1", "0.000000001"), "unit_price"),
        (("Oil", "NaN", "10"), "quantity"),
        (("Oil", "1", "Infinity"), "unit_price"),
    ],
)
def test_a_bad_line_is_refused_naming_the_field(line, problem):
    with pytest.raises(InvoiceLineInvalid) as refused:
        checked_lines([("Filter", "1", "50"), line])
    assert str(refused.value.code) == "INV_001"
    assert refused.value.details[0]["field"] == "lines[1]"
    assert problem in refused.value.details[0]["message"]


def test_a_line_that_is_not_a_number_is_refused():
    with pytest.raises(InvoiceLineInvalid):
        checked_lines([("Oil", "two", "10")])


def test_an_invoice_has_at_least_one_line():
    with pytest.raises(InvoiceLineInvalid):
        checked_lines([])


@pytest.mark.parametrize(
    ("current", "wanted"),
    [
        (InvoiceStatus.DRAFT, InvoiceStatus.ISSUED),
        (InvoiceStatus.DRAFT, InvoiceStatus.VOID),
        (InvoiceStatus.ISSUED, InvoiceStatus.PAID),
        (InvoiceStatus.ISSUED, InvoiceStatus.VOID),
    ],
)
def test_the_allowed_transitions(current, wanted):
    check_transition(current, wanted)


@pytest.mark.parametrize(
    ("current", "wanted"),
    [
        (InvoiceStatus.DRAFT, InvoiceStatus.PAID),  # never paid before it is issued
        (InvoiceStatus.ISSUED, InvoiceStatus.DRAFT),  # an issued invoice is never edited
        (InvoiceStatus.PAID, InvoiceStatus.VOID),  # a paid one is corrected by credit note
        (InvoiceStatus.VOID, InvoiceStatus.ISSUED),
        (InvoiceStatus.PAID, InvoiceStatus.PAID),
    ],
)
def test_every_other_transition_is_refused(current, wanted):
    with pytest.raises(InvoiceStateConflict) as refused:
        check_transition(current, wanted)
    assert refused.value.details == {"state": current.value, "wanted": wanted.value}


def test_a_credit_note_never_credits_more_than_is_left():
    check_credit(InvoiceStatus.PAID, D("115.00"), D("100.00"), D("15.00"))
    with pytest.raises(CreditExceedsInvoice):
        check_credit(InvoiceStatus.PAID, D("115.00"), D("100.00"), D("15.01"))


@pytest.mark.parametrize("status", [InvoiceStatus.DRAFT, InvoiceStatus.VOID])
def test_only_issued_or_paid_invoices_take_credit_notes(status):
    with pytest.raises(InvoiceStateConflict):
        check_credit(status, D("10.00"), D(0), D("1.00"))


def test_document_numbers_per_series_and_year():
    assert document_number(Series.INVOICE, 2026, 1) == "INV-2026-000001"
    assert document_number(Series.RECEIPT, 2026, 42) == "RCT-2026-000042"
    assert document_number(Series.CREDIT_NOTE, 2027, 123456) == "CRN-2027-123456"
    with pytest.raises(ValueError, match="start at 1"):
        document_number(Series.INVOICE, 2026, 0)

"""Bank statements and their matching against the ledger (payments/domain/reconciliation.py):
matched, missing, extra and malformed rows, each reported; a malformed file is refused whole."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from elcorp.payments.domain.reconciliation import (
    LedgerMovement,
    StatementLine,
    StatementMalformed,
    paid_top_ups,
    parse_statement,
    reconcile,
)
from support.factories.payments import LedgerMovementFactory

D = Decimal
HEADER = "date,reference,amount,currency\n"


def movement(reference: str, amount: str, currency: str = "NAD") -> LedgerMovement:
    return LedgerMovementFactory(
        reference=reference, amount=D(amount), currency=currency, on=date(2026, 12, 1)
    )


def test_a_statement_is_read_in_any_column_order_and_case_with_other_columns_ignored():
    content = (
        "Amount,Currency,Balance,Reference,Date\n"
        "250.00,nad,1000.00,BANK-1,2026-12-01\n"
        "-40.5,NAD,959.5,BANK-2,2026-12-02\n"
    )
    assert parse_statement(content) == [
        StatementLine(2, date(2026, 12, 1), "BANK-1", D("250.00"), "NAD"),
        StatementLine(3, date(2026, 12, 2), "BANK-2", D("-40.5"), "NAD"),
    ]


def test_blank_lines_are_skipped_and_lines_keep_their_file_numbers():
    lines = parse_statement(HEADER + "2026-12-01,A,1.00,NAD\n\n2026-12-01,B,2.00,NAD\n")
    assert [(line.line, line.reference) for line in lines] == [(2, "A"), (4, "B")]


def test_every_malformed_row_is_reported_by_its_line_and_nothing_is_read():
    content = (
        HEADER
        + "2026-12-01,OK-1,10.00,NAD\n"
        + "01/12/2026,BAD-DATE,10.00,NAD\n"
        + "2026-12-01,,10.00,NAD\n"
        + "2026-12-01,BAD-AMOUNT,ten,NAD\n"
        + "2026-12-01,ZERO,0.00,NAD\n"
        + "2026-12-01,BAD-CURRENCY,10.00,N$\n"
        + "2026-12-01,SHORT\n"
        + "2026-12-01,OK-2,10.00,NAD\n"
    )
    with pytest.raises(StatementMalformed) as refused:
        parse_statement(content)
    assert str(refused.value.code) == "REC_001"
    assert [d["line"] for d in refused.value.details] == [3, 4, 5, 6, 7, 8]
    messages = [d["message"] for d in refused.value.details]
    assert "YYYY-MM-DD" in messages[0] and "reference" in messages[1] and "decimal" in messages[2]
    assert "decimal" in messages[3] and "ISO 4217" in messages[4] and "fields" in messages[5]
    assert "6 malformed row(s)" in refused.value.message


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", "empty"),
        ("when,what,how much\n2026-12-01,A,1\n", "the header lacks date, reference, amount, currency"),
    ],
)
def test_a_file_without_a_usable_header_is_refused(content, problem):
    with pytest.raises(StatementMalformed) as refused:
        parse_statement(content)
    assert refused.value.details == [{"line": 1, "message": refused.value.details[0]["message"]}]
    assert problem in refused.value.details[0]["message"]


def test_matched_missing_and_extra_lines_are_each_reported():
    statement = parse_statement(
        HEADER
        + "2026-12-01,DEP-1,100.00,NAD\n"  # matches the deposit
        + "2026-12-01,WDR-1,-30.00,NAD\n"  # matches the withdrawal
        + "2026-12-01,DEP-2,55.00,NAD\n"  # the ledger has DEP-2 for 50.00: amounts differ
        + "2026-12-02,NEW-9,12.00,NAD\n"  # the ledger never booked it
    )
    deposit, withdrawal, other = (
        movement("DEP-1", "100.00"),
        movement("WDR-1", "-30.00"),
        movement("DEP-2", "50.00"),
    )
    late = movement("DEP-3", "70.00")  # booked, not on the bank's statement yet
    result = reconcile(statement, [deposit, withdrawal, other, late])
    assert [(line.reference, found) for line, found in result.matched] == [
        ("DEP-1", deposit),
        ("WDR-1", withdrawal),
    ]
    assert [line.reference for line in result.unmatched_in_bank] == ["DEP-2", "NEW-9"]
    assert result.unmatched_in_ledger == [other, late]


def test_a_line_and_a_movement_are_each_matched_at_most_once():
    statement = parse_statement(HEADER + "2026-12-01,DEP-1,100.00,NAD\n2026-12-01,DEP-1,100.00,NAD\n")
    only = movement("DEP-1", "100.00")
    result = reconcile(statement, [only])
    assert len(result.matched) == 1 and [line.line for line in result.unmatched_in_bank] == [3]
    assert result.unmatched_in_ledger == []


def test_the_currency_must_match_too():
    statement = parse_statement(HEADER + "2026-12-01,DEP-1,100.00,ZAR\n")
    result = reconcile(statement, [movement("DEP-1", "100.00", "NAD")])
    assert (
        result.matched == [] and len(result.unmatched_in_bank) == 1 and len(result.unmatched_in_ledger) == 1
    )


def test_amounts_compare_as_numbers_not_text():
    statement = parse_statement(HEADER + "2026-12-01,DEP-1,100,NAD\n")
    assert len(reconcile(statement, [movement("DEP-1", "100.00")]).matched) == 1


# -- top-ups the statement pays ---------------------------------------------------------------
def announced(reference: str, amount: str, on: date) -> LedgerMovement:
    return LedgerMovementFactory(reference=reference, amount=D(amount), currency="NAD", on=on)


def test_a_line_pays_a_top_up_announced_on_or_before_its_date_once():
    early, late = (
        announced("EFT-1", "50.00", date(2026, 12, 1)),
        announced("EFT-2", "20.00", date(2026, 12, 3)),
    )
    lines = [
        StatementLine(2, date(2026, 12, 2), "EFT-1", D("50.00"), "NAD"),
        StatementLine(3, date(2026, 12, 2), "EFT-1", D("50.00"), "NAD"),  # the same payment twice
        StatementLine(4, date(2026, 12, 2), "EFT-2", D("20.00"), "NAD"),  # before it was announced
        StatementLine(5, date(2026, 12, 4), "EFT-2", D("-20.00"), "NAD"),  # money out pays nothing
    ]
    assert paid_top_ups(lines, [early, late]) == [(lines[0], early)]


def test_a_top_up_needs_the_same_amount_and_currency():
    top_up = announced("EFT-3", "50.00", date(2026, 12, 1))
    lines = [
        StatementLine(2, date(2026, 12, 1), "EFT-3", D("49.99"), "NAD"),
        StatementLine(3, date(2026, 12, 1), "EFT-3", D("50.00"), "USD"),
    ]
    assert paid_top_ups(lines, [top_up]) == []
    assert paid_top_ups([StatementLine(4, date(2026, 12, 1), "EFT-3", D("50.00"), "NAD")], [top_up])

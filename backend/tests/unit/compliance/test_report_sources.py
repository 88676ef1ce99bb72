"""The report sources' rules, with in-memory figures: privacy-request counts from the
requests' own timestamps, the transaction summary's per-currency lines, the audit summary."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from elcorp.compliance.audit.application.audit_trail import VerificationReport
from elcorp.compliance.reports.application.reports_sources import (
    AuditMonth,
    AuditReport,
    LargeTransactionsReport,
    PrivacyRequestFacts,
    TransactionsReport,
    privacy_request_rows,
)
from elcorp.payments.application.api import LargeTransaction, TransactionTotals

START = datetime(2026, 10, 31, 22, 0, tzinfo=UTC)
END = datetime(2026, 11, 30, 22, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def fact(type_, status, received, closed=None, due_days=30):
    return PrivacyRequestFacts(type_, status, received, received + due_days * DAY, closed)


def by_type(rows):
    return {r[0]: r for r in rows}


def test_requests_are_counted_from_their_timestamps():
    facts = [
        fact("access", "completed", START + DAY, START + 5 * DAY),  # answered in the month
        fact("access", "refused", START + 2 * DAY, START + 4 * DAY),
        fact("access", "completed", START + 3 * DAY, END + DAY),  # closed later: open at the end
        fact("erasure", "in_progress", START - 40 * DAY),  # overdue at the end
        fact("erasure", "completed", START - 40 * DAY, START + DAY),  # answered late
    ]
    rows = by_type(privacy_request_rows(facts, START, END))
    #          type      received completed refused open median late overdue
    assert rows["access"] == ("access", "3", "1", "1", "1", "3.0", "0", "0")
    assert rows["erasure"] == ("erasure", "0", "1", "0", "1", "41.0", "1", "1")
    assert rows["objection"] == ("objection", "0", "0", "0", "0", "", "0", "0")
    assert rows["all"] == ("all", "3", "2", "1", "2", "4.0", "1", "1")
    assert list(rows) == ["access", "correction", "erasure", "objection", "marketing_opt_out", "all"]


class FakeLedger:
    def __init__(self, totals=(), large=()):
        self._totals, self._large = list(totals), list(large)
        self.thresholds = None

    def totals(self, start, end):
        return self._totals

    def large(self, start, end, thresholds):
        self.thresholds = thresholds
        return self._large


def test_the_transaction_summary_adds_an_all_line_per_currency():
    ledger = FakeLedger(
        [
            TransactionTotals("NAD", "deposit", "completed", 2, Decimal("300"), Decimal("0")),
            TransactionTotals("NAD", "transfer", "completed", 1, Decimal("50.5"), Decimal("1.25")),
            TransactionTotals("ZAR", "deposit", "completed", 1, Decimal("10"), Decimal("0")),
        ]
    )
    table = TransactionsReport(ledger).table(START, END)
    assert table.rows == (
        ("NAD", "deposit", "completed", "2", "300.00", "0.00"),
        ("NAD", "transfer", "completed", "1", "50.50", "1.25"),
        ("NAD", "all", "all", "3", "350.50", "1.25"),
        ("ZAR", "deposit", "completed", "1", "10.00", "0.00"),
        ("ZAR", "all", "all", "1", "10.00", "0.00"),
    )


def test_large_transactions_are_one_row_each_with_the_threshold_in_the_notes():
    tx = LargeTransaction(
        uuid.uuid4(), "deposit", "completed", "NAD", Decimal("25000"), Decimal("0"),
        uuid.uuid4(), uuid.uuid4(), START + DAY,
    )  # fmt: skip
    ledger = FakeLedger(large=[tx])
    table = LargeTransactionsReport(ledger, {"NAD": Decimal("25000")}).table(START, END)
    assert ledger.thresholds == {"NAD": Decimal("25000")}
    assert table.rows[0][1:6] == (str(tx.id), "deposit", "completed", "NAD", "25000.00")
    assert "NAD 25000.00" in table.notes[0]


class FakeAuditFigures:
    def __init__(self, month):
        self._month = month

    def month(self, start, end):
        return self._month


class FakeTrail:
    def __init__(self, ok=True):
        self.ok, self.asked = ok, None

    def verify(self, first_seq=1, last_seq=None):
        self.asked = (first_seq, last_seq)
        problems = [] if self.ok else [{"seq": 7, "reason": "hash mismatch"}]
        return VerificationReport(self.ok, 5, first_seq, last_seq or 0, None, 1, problems)


def test_the_audit_summary_verifies_the_months_chain_range():
    month = AuditMonth({("payment", "staff"): 4, ("auth", "user"): 2}, 6, 5, 10, 14)
    trail = FakeTrail(ok=False)
    table = AuditReport(FakeAuditFigures(month), trail).table(START, END)
    assert trail.asked == (10, 14)
    assert table.rows[:2] == (("entries", "auth", "user", "2"), ("entries", "payment", "staff", "4"))
    assert ("chain", "not_yet_chained", "", "1") in table.rows
    assert ("chain", "verification", "", "failed") in table.rows
    assert any("seq 7" in note for note in table.notes)


def test_a_month_with_nothing_chained_has_nothing_to_verify():
    trail = FakeTrail()
    table = AuditReport(FakeAuditFigures(AuditMonth({}, 0, 0, None, None)), trail).table(START, END)
    assert trail.asked is None
    assert ("chain", "verification", "", "nothing to verify") in table.rows

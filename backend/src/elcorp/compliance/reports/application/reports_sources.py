"""The report sources of the ledger, the data-subject requests and the audit trail.

- `transactions`: the transactions created in the month, per currency, type and status
  (as they stand when the report is generated): count, total amount, total fees; and a
  per-currency line over all of them.
- `large-transactions`: every transaction completed in the month at or above its
  currency's threshold (REPORT_LARGE_TRANSACTION_THRESHOLD, NAD), one row each. The idea is
  the Financial Intelligence Act 2012's threshold reporting (an accountable institution
  reports transactions at or above a prescribed amount to the Financial Intelligence
  Centre); the figure here is a setting, not the prescribed amount. A currency without a
  threshold has every completed transaction listed: over-reporting, never under.
- `privacy-requests`: per request type, from the requests' own timestamps (so a month's
  figures do not move when a request is closed later): received, completed and refused in
  the month, open at its end, median days to answer (closed in the month), answered late,
  overdue at its end.
- `audit`: the month's entries by action category and actor type, and the verification of
  the chain links and signed checkpoints that cover them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from elcorp.compliance.audit.application.audit_trail import AuditTrail
from elcorp.compliance.privacy.domain.privacy_requests import RequestStatus, RequestType
from elcorp.compliance.reports.application.report_ports import ReportTable
from elcorp.compliance.reports.domain.reports import median_days
from elcorp.payments.application.api import LedgerReports, money_text
from elcorp.shared.domain.clock import isoformat_z

ALL = "all"


class TransactionsReport:
    report_type = "transactions"

    def __init__(self, ledger: LedgerReports) -> None:
        self._ledger = ledger

    def table(self, start: datetime, end: datetime) -> ReportTable:
        rows: list[tuple[str, ...]] = []
        totals = self._ledger.totals(start, end)
        for currency in sorted({t.currency for t in totals}):
            of_currency = [t for t in totals if t.currency == currency]
            for t in of_currency:
                rows.append(
                    (
                        currency,
                        t.type,
                        t.status,
                        str(t.count),
                        money_text(t.amount, currency),
                        money_text(t.fees, currency),
                    )
                )
            rows.append(
                (
                    currency,
                    ALL,
                    ALL,
                    str(sum(t.count for t in of_currency)),
                    money_text(sum((t.amount for t in of_currency), Decimal(0)), currency),
                    money_text(sum((t.fees for t in of_currency), Decimal(0)), currency),
                )
            )
        return ReportTable(
            title="Monthly transaction summary",
            columns=("currency", "type", "status", "count", "amount", "fees"),
            rows=tuple(rows),
            notes=(
                "Transactions created in the month (Africa/Windhoek), by their status when the "
                "report was generated; 'all' lines sum each currency.",
            ),
        )


class LargeTransactionsReport:
    report_type = "large-transactions"

    def __init__(self, ledger: LedgerReports, thresholds: Mapping[str, Decimal]) -> None:
        self._ledger = ledger
        self._thresholds = dict(thresholds)

    def table(self, start: datetime, end: datetime) -> ReportTable:
        found = self._ledger.large(start, end, self._thresholds)
        limits = ", ".join(f"{c} {money_text(v, c)}" for c, v in sorted(self._thresholds.items()))
        return ReportTable(
            title="Large transactions",
            columns=(
                "completed_at",
                "transaction_id",
                "type",
                "status",
                "currency",
                "amount",
                "fee",
                "source_wallet_id",
                "destination_wallet_id",
            ),
            rows=tuple(
                (
                    isoformat_z(t.completed_at),
                    str(t.id),
                    t.type,
                    t.status,
                    t.currency,
                    money_text(t.amount, t.currency),
                    money_text(t.fee, t.currency),
                    str(t.source_wallet_id),
                    str(t.destination_wallet_id),
                )
                for t in found
            ),
            notes=(
                f"Transactions completed in the month at or above the threshold ({limits or 'none set'}); "
                "in a currency without a threshold every completed transaction is listed.",
                "Threshold reporting after the Financial Intelligence Act 2012; the threshold is the "
                "REPORT_LARGE_TRANSACTION_THRESHOLD setting.",
                f"{len(found)} transactions.",
            ),
        )


# -- data-subject requests ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PrivacyRequestFacts:
    """The timestamps of one request that overlaps a period."""

    type: str
    status: str
    received_at: datetime
    due_at: datetime
    closed_at: datetime | None


class PrivacyRequestFigures(Protocol):
    def overlapping(self, start: datetime, end: datetime) -> list[PrivacyRequestFacts]:
        """Requests received before `end` and not closed before `start`."""
        ...


def privacy_request_rows(
    facts: Sequence[PrivacyRequestFacts], start: datetime, end: datetime
) -> tuple[tuple[str, ...], ...]:
    """One row per request type (all types, in their fixed order) and an 'all' row."""

    def row(label: str, of: Sequence[PrivacyRequestFacts]) -> tuple[str, ...]:
        received = [f for f in of if start <= f.received_at < end]
        closed = [f for f in of if f.closed_at is not None and start <= f.closed_at < end]
        open_at_end = [f for f in of if f.received_at < end and (f.closed_at is None or f.closed_at >= end)]
        return (
            label,
            str(len(received)),
            str(sum(1 for f in closed if f.status == RequestStatus.COMPLETED)),
            str(sum(1 for f in closed if f.status == RequestStatus.REFUSED)),
            str(len(open_at_end)),
            median_days([int((f.closed_at - f.received_at).total_seconds()) for f in closed if f.closed_at]),
            str(sum(1 for f in closed if f.closed_at and f.closed_at > f.due_at)),
            str(sum(1 for f in open_at_end if f.due_at < end)),
        )

    rows = [row(t.value, [f for f in facts if f.type == t.value]) for t in RequestType]
    rows.append(row(ALL, facts))
    return tuple(rows)


class PrivacyRequestsReport:
    report_type = "privacy-requests"

    def __init__(self, figures: PrivacyRequestFigures) -> None:
        self._figures = figures

    def table(self, start: datetime, end: datetime) -> ReportTable:
        return ReportTable(
            title="Data-subject requests (POPIA s23-s25)",
            columns=(
                "type",
                "received",
                "completed",
                "refused",
                "open_at_period_end",
                "median_days_to_answer",
                "answered_late",
                "overdue_at_period_end",
            ),
            rows=privacy_request_rows(self._figures.overlapping(start, end), start, end),
            notes=(
                "completed/refused: answered in the month; median over the requests answered in "
                "the month, from receipt to answer; late: answered after the due date (PAIA s25: "
                "30 days, once extended by up to 30 days under s26).",
                "overdue_at_period_end: still open at the month's end and past the due date.",
            ),
        )


# -- audit trail -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class AuditMonth:
    """The month's audit entries: counts by (action category, actor type), how many are
    chained, and the chain positions they occupy."""

    counts: Mapping[tuple[str, str], int]
    entries: int
    chained: int
    first_seq: int | None
    last_seq: int | None


class AuditFigures(Protocol):
    def month(self, start: datetime, end: datetime) -> AuditMonth: ...


class AuditReport:
    report_type = "audit"

    def __init__(self, figures: AuditFigures, trail: AuditTrail) -> None:
        self._figures = figures
        self._trail = trail

    def table(self, start: datetime, end: datetime) -> ReportTable:
        month = self._figures.month(start, end)
        rows: list[tuple[str, ...]] = [
            ("entries", category, actor_type, str(n))
            for (category, actor_type), n in sorted(Counter(month.counts).items())
        ]
        rows += [
            ("chain", "entries_in_period", "", str(month.entries)),
            ("chain", "chained", "", str(month.chained)),
            ("chain", "not_yet_chained", "", str(month.entries - month.chained)),
        ]
        notes: list[str] = []
        if month.first_seq is None or month.last_seq is None:
            rows.append(("chain", "verification", "", "nothing to verify"))
        else:
            report = self._trail.verify(month.first_seq, month.last_seq)
            rows += [
                ("chain", "first_seq", "", str(month.first_seq)),
                ("chain", "last_seq", "", str(month.last_seq)),
                ("chain", "links_checked", "", str(report.checked)),
                ("chain", "verification", "", "ok" if report.ok else "failed"),
                ("checkpoints", "checked", "", str(report.checkpoints_checked)),
                ("checkpoints", "problems", "", str(len(report.problems))),
            ]
            notes += [f"problem at seq {p.get('seq')}: {p.get('reason')}" for p in report.problems]
        return ReportTable(
            title="Audit trail summary",
            columns=("section", "item", "actor_type", "value"),
            rows=tuple(rows),
            notes=(
                "entries: the month's audit entries by action category (the action's first word) "
                "and actor type (system, or the actor's highest role: admin, staff, user).",
                "chain: the SHA-256 links over the chain positions the month's entries hold, and "
                "the signed checkpoints inside them, recomputed when the report was generated.",
                *notes,
            ),
        )

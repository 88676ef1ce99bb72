"""How a regulatory report gets its content: each part of compliance operations (and the
ledger, the privacy requests, the audit trail) provides a `ReportSource` for its report
type; the report service renders the table as CSV or PDF, digests and stores it. The
composition root hands the sources to the report service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

# The report types of DESIGN.md section 5: GET /reports/{type}?period=YYYY-MM&format=csv|pdf
REPORT_TYPES = ("transactions", "large-transactions", "sla", "incidents", "privacy-requests", "audit")


@dataclass(frozen=True, slots=True)
class ReportTable:
    """A report's content, already formatted: deterministic for a period whose data did
    not change (rows in a stable order, no "generated at" inside), so its digest is too."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...] = ()  # lines printed under the table (totals, definitions)


class ReportSource(Protocol):
    report_type: str  # one of REPORT_TYPES

    def table(self, start: datetime, end: datetime) -> ReportTable:
        """The report for [start, end) (the month's bounds in Africa/Windhoek, as UTC)."""
        ...

"""Regulatory reports: the reporting period, the formats, the stored record of a generated
report and the rules that make a report reproducible.

- A period is a calendar month in Africa/Windhoek (`YYYY-MM`); its bounds are the local
  midnights of the 1st and of the next 1st, as UTC instants.
- Only a month that has ended can be reported: a report of a running month would change
  with every new transaction (and with its own audit entry), so its digest would prove
  nothing. Such a request is refused (422 RPT_003), never answered "to date".
- The CSV rendering is deterministic: fixed column order, the rows as the source ordered
  them, "\\n" line endings, UTF-8 without BOM, and cells a spreadsheet would run as a
  formula (=, +, -, @, tab, CR) prefixed with an apostrophe (OWASP "CSV injection"),
  except plain numbers such as -12.50.

Pure: standard library and the shared kernel only.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from enum import StrEnum

from elcorp.shared.domain.clock import (
    EARLIEST_BUSINESS_YEAR,
    LATEST_BUSINESS_YEAR,
    WINDHOEK,
    within_business_years,
)
from elcorp.shared.domain.errors import DomainError, ValidationFailed

PERIOD_PATTERN = re.compile(r"^([0-9]{4})-([0-9]{2})$")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
SECONDS_PER_DAY = Decimal(86_400)


class ReportFormat(StrEnum):
    CSV = "csv"
    PDF = "pdf"

    @property
    def mimetype(self) -> str:
        return "text/csv" if self is ReportFormat.CSV else "application/pdf"


# -- errors (RPT_ codes; HTTP statuses in shared.interfaces.errors) ---------------------------
class UnknownReportType(DomainError):
    code = "RPT_001"
    status = 404
    default_message = "There is no report of this type"


class ReportPeriodInvalid(ValidationFailed):
    code = "RPT_002"
    default_message = "The period must be a month written YYYY-MM"


class ReportPeriodNotOver(ValidationFailed):
    code = "RPT_003"
    default_message = "The month has not ended yet: only a past month can be reported"


class ReportSourceUnavailable(DomainError):
    code = "RPT_004"
    status = 409
    default_message = "This report type has no data source on this deployment yet"


@dataclass(frozen=True, slots=True, order=True)
class ReportPeriod:
    """A calendar month in Africa/Windhoek."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> ReportPeriod:
        found = PERIOD_PATTERN.fullmatch(text or "")
        if (
            found is None
            or not 1 <= int(found.group(2)) <= 12
            or not within_business_years(int(found.group(1)))
        ):
            raise ReportPeriodInvalid(
                f"{text!r} is not a month: write it YYYY-MM, e.g. 2026-11",
                details=[
                    {
                        "field": "period",
                        "message": (
                            f"expected YYYY-MM (month 01-12, year {EARLIEST_BUSINESS_YEAR} "
                            f"to {LATEST_BUSINESS_YEAR})"
                        ),
                    }
                ],
            )
        return cls(int(found.group(1)), int(found.group(2)))

    @classmethod
    def containing(cls, moment: datetime) -> ReportPeriod:
        local = moment.astimezone(WINDHOEK)
        return cls(local.year, local.month)

    def previous(self) -> ReportPeriod:
        return ReportPeriod(self.year - 1, 12) if self.month == 1 else ReportPeriod(self.year, self.month - 1)

    def following(self) -> ReportPeriod:
        return ReportPeriod(self.year + 1, 1) if self.month == 12 else ReportPeriod(self.year, self.month + 1)

    @property
    def start(self) -> datetime:
        """The local midnight of the 1st, as UTC."""
        return datetime.combine(date(self.year, self.month, 1), time.min, tzinfo=WINDHOEK).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """The local midnight of the next month's 1st, as UTC (exclusive)."""
        return self.following().start

    def ended(self, now: datetime) -> bool:
        return now >= self.end

    def require_ended(self, now: datetime) -> None:
        if not self.ended(now):
            raise ReportPeriodNotOver(
                f"{self} ends at {self.end.isoformat()}; "
                "a report of a running month would not be reproducible",
                details=[{"field": "period", "message": "choose a month that has ended"}],
            )

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True, slots=True)
class RegulatoryReport:
    """The stored record of one generated report: what, for when, by whom, and its SHA-256
    (the bytes are not kept: the same period regenerates the same file while its data
    stands, and the digest proves it)."""

    id: uuid.UUID
    report_type: str
    period: ReportPeriod
    format: ReportFormat
    sha256: str
    size_bytes: int
    row_count: int
    generated_by: str  # a user id, or "system" for the monthly job
    generated_at: datetime


def safe_cell(value: str) -> str:
    """A CSV cell no spreadsheet runs as a formula."""
    if value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def render_csv(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    """The header and the rows, in the given order: the same table gives the same bytes."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([safe_cell(c) for c in columns])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue().encode("utf-8")


def median_days(durations_seconds: Sequence[int]) -> str:
    """The median of durations, in days with one decimal ("" when there are none)."""
    if not durations_seconds:
        return ""
    ordered = sorted(durations_seconds)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        seconds = Decimal(ordered[middle])
    else:
        seconds = (Decimal(ordered[middle - 1]) + Decimal(ordered[middle])) / 2
    return str((seconds / SECONDS_PER_DAY).quantize(Decimal("0.1")))

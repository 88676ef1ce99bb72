"""Time: UTC everywhere; `Africa/Windhoek` only where a business rule reads local time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

WINDHOEK = ZoneInfo("Africa/Windhoek")

# The years a business date (a statement line, a reporting month) may fall in. The platform
# holds no record from before 2000 and schedules nothing past 2100, so a date outside is a
# typing error (9999-12-31 is many a spreadsheet's "no end date"); the window also keeps the
# "next day" and "next month" arithmetic far from `datetime`'s year-9999 limit. A fixed
# window, not one relative to today, so that parsing a date never depends on the clock.
EARLIEST_BUSINESS_YEAR = 2000
LATEST_BUSINESS_YEAR = 2100


def within_business_years(year: int) -> bool:
    """Whether a date in `year` can be a business date (see EARLIEST/LATEST_BUSINESS_YEAR)."""
    return EARLIEST_BUSINESS_YEAR <= year <= LATEST_BUSINESS_YEAR


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """The real clock: timezone-aware UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


def isoformat_z(moment: datetime) -> str:
    """ISO 8601 in UTC with a `Z` suffix, millisecond precision (the API's time format)."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")

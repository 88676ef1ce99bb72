"""Working time for SLA clocks: business hours in Windhoek, or round the clock.

Business hours are weekdays 08:00-17:00 Africa/Windhoek, except public holidays. The
holidays are data (the `holidays` package's Namibian calendar plus proclaimed days, handed
in by the composition root as a `HolidayCalendar`), never code. Namibia keeps UTC+2 all
year (Namibian Time Act 2017), but the arithmetic goes through the zone database anyway.
Pure: standard library and the shared kernel only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from elcorp.shared.domain.clock import WINDHOEK

ZERO = timedelta(0)
MAX_DAYS = 20 * 366  # a guard: no SLA target spans more than a few years of working days


class HolidayCalendar(Protocol):
    def is_holiday(self, day: date) -> bool: ...


@dataclass(frozen=True, slots=True)
class FixedHolidays:
    """A calendar of listed dates (tests, and proclaimed days on their own)."""

    days: frozenset[date] = frozenset()

    @classmethod
    def of(cls, days: Iterable[date]) -> FixedHolidays:
        return cls(frozenset(days))

    def is_holiday(self, day: date) -> bool:
        return day in self.days


class WorkingTime(Protocol):
    """How an SLA clock counts: the working time between two instants, and the instant a
    given amount of working time after another."""

    def between(self, start: datetime, end: datetime) -> timedelta: ...

    def add(self, start: datetime, amount: timedelta) -> datetime: ...


class RoundTheClock:
    """24x7: every second counts (P1/P2 incidents, the PAIA calendar-day clock)."""

    def between(self, start: datetime, end: datetime) -> timedelta:
        return max(end - start, ZERO)

    def add(self, start: datetime, amount: timedelta) -> datetime:
        return start + max(amount, ZERO)


@dataclass(frozen=True, slots=True)
class BusinessHours:
    """Weekdays `opens`-`closes` local time in `zone`, public holidays excluded."""

    holidays: HolidayCalendar
    opens: time = time(8, 0)
    closes: time = time(17, 0)
    zone: ZoneInfo = WINDHOEK
    workdays: frozenset[int] = field(default=frozenset({0, 1, 2, 3, 4}))  # Monday = 0

    def is_business_day(self, day: date) -> bool:
        return day.weekday() in self.workdays and not self.holidays.is_holiday(day)

    def _window(self, day: date) -> tuple[datetime, datetime]:
        return (
            datetime.combine(day, self.opens, self.zone),
            datetime.combine(day, self.closes, self.zone),
        )

    def between(self, start: datetime, end: datetime) -> timedelta:
        if end <= start:
            return ZERO
        total = ZERO
        day = start.astimezone(self.zone).date()
        last = end.astimezone(self.zone).date()
        while day <= last:
            if self.is_business_day(day):
                opens, closes = self._window(day)
                lo, hi = max(opens, start), min(closes, end)
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return total

    def add(self, start: datetime, amount: timedelta) -> datetime:
        remaining = max(amount, ZERO)
        day = start.astimezone(self.zone).date()
        for _ in range(MAX_DAYS):
            if self.is_business_day(day):
                opens, closes = self._window(day)
                lo = max(opens, start)
                if closes > lo:
                    available = closes - lo
                    if remaining <= available:
                        return lo + remaining
                    remaining -= available
            day += timedelta(days=1)
        raise ValueError("working-time target out of range")

"""The business calendar: public holidays from the `holidays` package, plus proclaimed days.

Namibia's Public Holidays Act lets the President proclaim extra days off at short notice
(e.g. election days); those come from the `BUSINESS_HOLIDAYS_EXTRA` setting, since no
library can know them in advance. A holiday falling on a Sunday moves to the Monday, which
the `holidays` package already reflects.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import UTC, date, datetime

import holidays


class CountryHolidayCalendar:
    """A `HolidayCalendar` for one country (ISO 3166 alpha-2, default Namibia)."""

    def __init__(self, country: str = "NA", extra: Iterable[date] = ()) -> None:
        self._country = country
        self._extra = frozenset(extra)
        self._years: dict[int, frozenset[date]] = {}
        self._lock = threading.Lock()
        self._dates(datetime.now(UTC).year)  # fail at start-up on an unknown country code

    def _dates(self, year: int) -> frozenset[date]:
        found = self._years.get(year)
        if found is None:
            with self._lock:
                found = frozenset(holidays.country_holidays(self._country, years=year))
                self._years[year] = found
        return found

    def is_holiday(self, day: date) -> bool:
        return day in self._extra or day in self._dates(day.year)

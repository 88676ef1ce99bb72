"""The ledger's figures on the staff dashboard's home page: completed transfers per business
day, and the movements waiting for a second person's approval with how long they have waited.

Small, bounded aggregates (at most `MAX_DAYS` days; a handful of counts), read-only, over
indexed columns of `payment_transaction`. Days are calendar days in Africa/Windhoek.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Protocol

from elcorp.governance.application.api import AccessControl
from elcorp.payments.application.ledger_common import is_staff
from elcorp.shared.domain.clock import WINDHOEK, Clock, SystemClock
from elcorp.shared.domain.errors import AccessDenied

MAX_DAYS = 90
DEFAULT_DAYS = 14


@dataclass(frozen=True, slots=True)
class CurrencyTotal:
    """The transfers of one day in one currency: how many, and the sum of their amounts."""

    currency: str
    count: int
    value: Decimal


@dataclass(frozen=True, slots=True)
class TransferDay:
    """One Windhoek calendar day; `totals` ordered by currency (empty on a day without any)."""

    day: date
    totals: tuple[CurrencyTotal, ...]

    @property
    def count(self) -> int:
        return sum(t.count for t in self.totals)


@dataclass(frozen=True, slots=True)
class DailyTransfers:
    """Every day from `first` to `last` (inclusive, Africa/Windhoek), oldest first."""

    first: date
    last: date
    days: tuple[TransferDay, ...]


@dataclass(frozen=True, slots=True)
class ApprovalQueue:
    """Movements in `pending_approval`, by how long they have waited (since created_at)."""

    pending: int
    under_1h: int
    from_1h_to_4h: int
    from_4h_to_24h: int
    over_24h: int
    oldest_created_at: datetime | None


class DashboardFigures(Protocol):
    """The read-only queries behind the figures (payments.infrastructure.dashboard)."""

    def completed_transfers(self, start: datetime, end: datetime) -> list[tuple[date, str, int, Decimal]]:
        """(Windhoek day of created_at, currency, count, sum of amount) of the transfers
        created in [start, end) whose status is `completed`; ordered by day, currency."""
        ...

    def approval_queue(self, now: datetime) -> ApprovalQueue:
        """Counts of the `pending_approval` movements by age at `now`, and the oldest."""
        ...


def windhoek_midnight(day: date) -> datetime:
    """The instant a Windhoek calendar day begins (timezone-aware)."""
    return datetime.combine(day, time.min, tzinfo=WINDHOEK)


class PaymentsDashboard:
    def __init__(self, figures: DashboardFigures, access: AccessControl, clock: Clock | None = None) -> None:
        self._figures = figures
        self._access = access
        self._clock = clock or SystemClock()

    def daily_transfers(self, caller: uuid.UUID, days: int = DEFAULT_DAYS) -> DailyTransfers:
        """The last `days` Windhoek calendar days, today included (1 <= days <= MAX_DAYS).

        What counts: transactions of type `transfer` whose status is now `completed`,
        on the Windhoek day of their `created_at` (when they were initiated; a transfer that
        waited for approval counts on the day it was made). Reversed, rejected, expired and
        failed transfers, deposits, withdrawals and reversals do not count. `value` is the sum
        of `amount` (fees excluded) per currency. Staff who see every transaction only.
        """
        if not is_staff(self._access.grants_for(caller)):
            raise AccessDenied("Transaction figures are for staff who see every transaction")
        if not 1 <= days <= MAX_DAYS:
            raise ValueError(f"days must be 1..{MAX_DAYS}")
        today = self._clock.now().astimezone(WINDHOEK).date()
        first = today - timedelta(days=days - 1)
        rows = self._figures.completed_transfers(
            windhoek_midnight(first), windhoek_midnight(today + timedelta(days=1))
        )
        by_day: dict[date, list[CurrencyTotal]] = {}
        for day, currency, count, value in rows:
            by_day.setdefault(day, []).append(CurrencyTotal(currency, count, value))
        series = tuple(
            TransferDay(day, tuple(sorted(by_day.get(day, []), key=lambda t: t.currency)))
            for day in (first + timedelta(days=i) for i in range(days))
        )
        return DailyTransfers(first, today, series)

    def approval_queue(self, caller: uuid.UUID) -> ApprovalQueue:
        """Movements waiting for approval by age. The route requires payment:approve."""
        del caller  # the permission gate decides; every approver sees the whole queue
        return self._figures.approval_queue(self._clock.now())

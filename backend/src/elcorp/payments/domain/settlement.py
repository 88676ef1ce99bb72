"""Settlement: the money the platform exchanged with the bank on one business day, per
currency, closed into a batch. Pure: the store gathers the day's movements, the batch's
totals and states are computed here.

A business day is a calendar day in Africa/Windhoek. A batch holds the deposits (money in
from the bank: clearing -> wallet) and withdrawals (money out: wallet -> clearing) that
completed on that day and are in no other batch: a transaction is settled at most once.
Its totals are exact decimals: deposits, withdrawals, and net = deposits - withdrawals.

States: `open` (the batch row exists and is gathering its day's movements) -> `closed`
(its items and totals are final). Both steps happen in the transaction that closes the
day, so a batch is either not there or closed; nothing changes a closed batch.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum

from elcorp.shared.domain.clock import (
    EARLIEST_BUSINESS_YEAR,
    LATEST_BUSINESS_YEAR,
    WINDHOEK,
    within_business_years,
)
from elcorp.shared.domain.errors import ValidationFailed

SETTLED_TYPES = ("deposit", "withdrawal")
# A deposit or withdrawal reversed later still moved money through the bank on its day.
SETTLED_STATUSES = ("completed", "reversed")


class BatchStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class BusinessDayNotOver(ValidationFailed):
    code = "SET_001"
    default_message = "A business day can be settled only once it is over (Africa/Windhoek)"


def business_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants [start, end) of a Windhoek business day. A day outside the business
    years is refused (422): 9999-12-31 has no next day to end on."""
    if not within_business_years(day.year):
        raise ValidationFailed(
            f"{day.isoformat()} is not a business day the platform keeps records for",
            details=[
                {"field": "date", "message": f"a day from {EARLIEST_BUSINESS_YEAR} to {LATEST_BUSINESS_YEAR}"}
            ],
        )
    start = datetime.combine(day, time.min, tzinfo=WINDHOEK)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=WINDHOEK)
    return start.astimezone(UTC), end.astimezone(UTC)


def business_date(moment: datetime) -> date:
    """The Windhoek business date of an instant."""
    return moment.astimezone(WINDHOEK).date()


def previous_business_date(now: datetime) -> date:
    """Yesterday in Windhoek: the day the nightly close settles."""
    return business_date(now) - timedelta(days=1)


def check_day_over(day: date, now: datetime) -> None:
    """Only a finished day is settled: a movement completing later could not join its batch."""
    if business_day_bounds(day)[1] > now:
        raise BusinessDayNotOver(
            f"{day.isoformat()} is not over yet in Africa/Windhoek; the latest day that can be "
            f"settled is {previous_business_date(now).isoformat()}",
            details=[{"field": "date", "message": "the business day is not over yet"}],
        )


@dataclass(frozen=True, slots=True)
class SettlementItem:
    """One settled movement, as copied into its batch."""

    transaction_id: uuid.UUID
    type: str  # deposit | withdrawal
    amount: Decimal  # positive; the type says the direction
    currency: str
    completed_at: datetime
    reference: str | None


@dataclass(frozen=True, slots=True)
class SettlementTotals:
    deposits_count: int
    deposits_total: Decimal
    withdrawals_count: int
    withdrawals_total: Decimal

    @property
    def count(self) -> int:
        return self.deposits_count + self.withdrawals_count

    @property
    def net(self) -> Decimal:
        """Money in less money out: what the bank account should have gained that day."""
        return self.deposits_total - self.withdrawals_total


def settlement_totals(items: Iterable[SettlementItem]) -> SettlementTotals:
    """Counts and exact Decimal sums per direction."""
    deposits = withdrawals = 0
    deposited = withdrawn = Decimal(0)
    for item in items:
        if item.type == "deposit":
            deposits, deposited = deposits + 1, deposited + item.amount
        elif item.type == "withdrawal":
            withdrawals, withdrawn = withdrawals + 1, withdrawn + item.amount
        else:
            raise ValueError(f"a {item.type} is not settled")
    return SettlementTotals(deposits, deposited, withdrawals, withdrawn)

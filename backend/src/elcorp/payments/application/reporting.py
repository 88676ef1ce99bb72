"""What the ledger tells a regulatory report: the month's transactions summed per currency,
type and status, and the large transactions one by one. Read-only figures: the compliance
context renders them (its report sources receive a `LedgerReports`)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True, slots=True)
class TransactionTotals:
    """The transactions created in a period with one currency, type and (current) status."""

    currency: str
    type: str
    status: str
    count: int
    amount: Decimal
    fees: Decimal


@dataclass(frozen=True, slots=True)
class LargeTransaction:
    """One transaction completed in a period at or above its currency's threshold."""

    id: uuid.UUID
    type: str
    status: str
    currency: str
    amount: Decimal
    fee: Decimal
    source_wallet_id: uuid.UUID
    destination_wallet_id: uuid.UUID
    completed_at: datetime


class LedgerReports(Protocol):
    def totals(self, start: datetime, end: datetime) -> list[TransactionTotals]:
        """Transactions created in [start, end), grouped; ordered by currency, type, status."""
        ...

    def large(
        self, start: datetime, end: datetime, thresholds: Mapping[str, Decimal]
    ) -> list[LargeTransaction]:
        """Transactions completed in [start, end) with amount >= thresholds[currency] (every
        completed one in a currency without a threshold); ordered by completed_at, id."""
        ...

"""Settlement use cases: close a business day's batch per currency, list, read and export.

Closing is idempotent and safe under concurrency: the batch row of (day, currency) is
created `open` if missing and locked, so a second close of the same day waits for the
first and then finds the batch closed and answers it unchanged. While open, the batch
takes the day's completed deposits and withdrawals that are in no batch yet (a
transaction id is unique among the items, enforced by the database), its counts and
Decimal totals are computed, and it is closed with its audit entry, in one transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from elcorp.governance.application.api import AccessControl
from elcorp.payments.domain.ledger import money_text
from elcorp.payments.domain.settlement import (
    BatchStatus,
    SettlementItem,
    SettlementTotals,
    business_day_bounds,
    check_day_over,
    previous_business_date,
    settlement_totals,
)
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.application.pagination import Page, PageRequest
from elcorp.shared.application.unit_of_work import UnitOfWork
from elcorp.shared.domain.clock import Clock, SystemClock
from elcorp.shared.domain.errors import NotFound, ValidationFailed

SETTLE = "payment:reconcile"  # reconciliation and settlement are one duty
CATCH_UP_DAYS = 7  # the nightly close also settles days a missed run left open


class UnknownSettlementCurrency(ValidationFailed):
    code = "SET_002"
    default_message = "The ledger has no clearing account in this currency"


@dataclass(frozen=True, slots=True)
class SettlementBatch:
    id: uuid.UUID
    business_date: date
    currency: str
    status: str
    totals: SettlementTotals
    created_at: datetime
    closed_at: datetime | None
    closed_by: uuid.UUID | None  # None: the nightly job


@dataclass(frozen=True, slots=True)
class SettlementFilter:
    currency: str | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True, slots=True)
class Closing:
    """A close's answer: the batch, and whether this call closed it (or found it closed)."""

    batch: SettlementBatch
    closed_now: bool


class SettlementBatches(Protocol):
    def currencies(self) -> list[str]:
        """The currencies the ledger exchanges with the bank (those with a clearing account)."""
        ...

    def open(self, day: date, currency: str) -> SettlementBatch:
        """The day's batch, created `open` if there is none, locked until the transaction ends."""
        ...

    def gather(
        self, batch_id: uuid.UUID, currency: str, start: datetime, end: datetime
    ) -> list[SettlementItem]:
        """Put the deposits and withdrawals of `currency` completed in [start, end) that are
        in no batch into this (open) one; return them."""
        ...

    def close(
        self, batch_id: uuid.UUID, totals: SettlementTotals, closed_by: uuid.UUID | None
    ) -> SettlementBatch: ...

    def unsettled_days(self, currency: str, start: datetime, end: datetime) -> list[date]:
        """Business days with deposits or withdrawals completed in [start, end) in no batch."""
        ...

    def get(self, batch_id: uuid.UUID) -> SettlementBatch | None: ...

    def items(self, batch_id: uuid.UUID) -> list[SettlementItem]:
        """Oldest first."""
        ...

    def list(self, where: SettlementFilter, *, offset: int, limit: int) -> tuple[list[SettlementBatch], int]:
        """Newest day first; and the total."""
        ...


class SettlementUnitOfWork(UnitOfWork, Protocol):
    @property
    def batches(self) -> SettlementBatches: ...


@dataclass(frozen=True, slots=True)
class BatchExport:
    batch: SettlementBatch
    items: list[SettlementItem]


class Settlement:
    def __init__(
        self,
        uow: Callable[[], SettlementUnitOfWork],
        access: AccessControl,
        *,
        clock: Clock | None = None,
    ) -> None:
        self._uow = uow
        self._access = access
        self._clock = clock or SystemClock()

    def close(self, caller: uuid.UUID, day: date | None = None, currency: str = "NAD") -> Closing:
        """Close `day`'s batch (default: yesterday in Windhoek) in `currency`, by a person."""
        grants = self._access.require(caller, SETTLE)
        actor = Actor(str(caller), tuple(sorted(grants.roles)))
        return self._close(day or previous_business_date(self._clock.now()), currency, actor, caller)

    def close_due(self) -> list[Closing]:
        """Nightly job: in each currency, yesterday's batch, and any of the days before it
        (within CATCH_UP_DAYS) whose movements a missed run left unsettled."""
        now = self._clock.now()
        yesterday = previous_business_date(now)
        window = (
            business_day_bounds(yesterday - timedelta(days=CATCH_UP_DAYS))[0],
            business_day_bounds(yesterday)[0],
        )
        with self._uow() as uow:
            plan = [
                (day, currency)
                for currency in uow.batches.currencies()
                for day in [*uow.batches.unsettled_days(currency, *window), yesterday]
            ]
        return [self._close(day, currency, Actor(), None) for day, currency in plan]

    def _close(self, day: date, currency: str, actor: Actor, closed_by: uuid.UUID | None) -> Closing:
        """One day and currency, in one transaction; `closed_by` None: the nightly job."""
        check_day_over(day, self._clock.now())
        with self._uow() as uow:
            if currency not in uow.batches.currencies():
                raise UnknownSettlementCurrency(
                    f"The ledger has no {currency} clearing account: nothing is settled in {currency}",
                    details=[{"field": "currency", "message": "no clearing account in this currency"}],
                )
            batch = uow.batches.open(day, currency)
            if batch.status == BatchStatus.CLOSED:
                return Closing(batch, closed_now=False)
            start, end = business_day_bounds(day)
            totals = settlement_totals(uow.batches.gather(batch.id, currency, start, end))
            closed = uow.batches.close(batch.id, totals, closed_by)
            uow.audit.record(
                "settlement.batch_closed",
                actor,
                Resource("settlement_batch", str(closed.id)),
                Changes(
                    before={"status": BatchStatus.OPEN.value},
                    after={
                        "status": closed.status,
                        "business_date": day.isoformat(),
                        "currency": currency,
                        **totals_json(totals, currency),
                    },
                ),
                reason="nightly settlement close" if closed_by is None else None,
            )
            uow.commit()
        return Closing(closed, closed_now=True)

    def batches(self, caller: uuid.UUID, where: SettlementFilter, page: PageRequest) -> Page[SettlementBatch]:
        self._access.require(caller, SETTLE)
        with self._uow() as uow:
            found, total = uow.batches.list(where, offset=page.offset, limit=page.per_page)
        return Page(found, page.page, page.per_page, total)

    def batch(self, caller: uuid.UUID, batch_id: uuid.UUID) -> SettlementBatch:
        self._access.require(caller, SETTLE)
        with self._uow() as uow:
            found = uow.batches.get(batch_id)
        if found is None:
            raise NotFound("Settlement batch not found")
        return found

    def export(self, caller: uuid.UUID, batch_id: uuid.UUID) -> BatchExport:
        """The batch and its items, for the CSV file."""
        self._access.require(caller, SETTLE)
        with self._uow() as uow:
            found = uow.batches.get(batch_id)
            if found is None:
                raise NotFound("Settlement batch not found")
            return BatchExport(found, uow.batches.items(batch_id))


def totals_json(totals: SettlementTotals, currency: str) -> dict[str, int | str]:
    """Counts as integers, amounts as exact decimal strings in the currency's minor units."""
    return {
        "deposits_count": totals.deposits_count,
        "deposits_total": money_text(totals.deposits_total, currency),
        "withdrawals_count": totals.withdrawals_count,
        "withdrawals_total": money_text(totals.withdrawals_total, currency),
        "net": money_text(totals.net, currency),
    }

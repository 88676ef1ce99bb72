"""The ledger's rules: what a money movement posts, when it needs a second person, what a
reversal may return. Pure: the store applies the plan or refuses it.

A movement of `amount` from a source to a destination account, with a `fee` to the fees
account, is one journal entry of postings that sum to zero:

    source        -(amount + fee)
    destination   +amount
    fees          +fee             (only when the fee is not zero)

Above the approval threshold of its currency a movement is not posted: it waits as
`pending_approval` with `amount + fee` held on the source (the available balance drops,
the balance does not) until a second person approves it (posted) or rejects it, or it
expires (the hold is released).

Segregation of duties for staff movements (deposits, withdrawals, reversals): staff never
book them on a wallet of their own, and one person alone moves at most the approval
threshold per movement and the staff daily limit per business day; beyond either, the
same maker-checker approval applies.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from elcorp.shared.domain.clock import WINDHOEK
from elcorp.shared.domain.errors import AccessDenied, InvalidMoney, ValidationFailed
from elcorp.shared.domain.money import Money

# Decimal places an amount may have, per currency (ISO 4217 minor units); others: 8.
MINOR_UNITS: dict[str, int] = {"NAD": 2, "ZAR": 2, "USD": 2, "EUR": 2, "GBP": 2, "BWP": 2}
MAX_DESCRIPTION = 500


class TransactionType(StrEnum):
    TRANSFER = "transfer"
    DEPOSIT = "deposit"
    WITHDRAWAL = "withdrawal"
    REVERSAL = "reversal"


class TransactionStatus(StrEnum):
    PENDING_APPROVAL = "pending_approval"
    COMPLETED = "completed"
    REJECTED = "rejected"
    EXPIRED = "expired"
    REVERSED = "reversed"
    FAILED = "failed"


class SegregationOfDuties(AccessDenied):
    default_message = "The initiator of a transaction cannot approve or reject it"


# The movements staff make with their own powers (not a customer's transfer).
STAFF_MOVEMENTS = frozenset({TransactionType.DEPOSIT, TransactionType.WITHDRAWAL, TransactionType.REVERSAL})


class OwnWalletMovement(AccessDenied):
    code = "PAY_009"
    default_message = "Staff cannot move money on a wallet of their own: another staff member must"


class ReversalExceedsOriginal(ValidationFailed):
    code = "PAY_008"
    default_message = "A reversal cannot return more than the original transaction moved"


def to_minor_unit(amount: Decimal, currency: str) -> Decimal:
    """`amount` rounded half-up to the currency's minor unit (8 places where none is known)."""
    return amount.quantize(Decimal(1).scaleb(-MINOR_UNITS.get(currency, 8)), rounding=ROUND_HALF_UP)


def checked_amount(amount: Money) -> Money:
    """A positive amount with no more decimal places than its currency has."""
    if amount.amount <= 0:
        raise InvalidMoney(
            "Amount must be greater than zero",
            details=[{"field": "amount", "message": "must be greater than zero"}],
        )
    if amount.amount != to_minor_unit(amount.amount, amount.currency):
        places = MINOR_UNITS.get(amount.currency, 8)
        message = f"{amount.currency} amounts have at most {places} decimal places"
        raise InvalidMoney(message, details=[{"field": "amount", "message": message}])
    return amount


@dataclass(frozen=True, slots=True)
class FeeSchedule:
    """`percent` of the amount plus `fixed`, rounded half-up to the currency's minor unit."""

    percent: Decimal = Decimal(0)
    fixed: Decimal = Decimal(0)

    def fee_for(self, amount: Money) -> Money:
        raw = amount.amount * self.percent / Decimal(100) + self.fixed
        return Money(to_minor_unit(raw, amount.currency), amount.currency)


@dataclass(frozen=True, slots=True)
class ApprovalThresholds:
    """Above these amounts (per currency) a movement waits for a second person. A currency
    without a threshold always waits (fail closed)."""

    transfers: Mapping[str, Decimal] = field(default_factory=lambda: {"NAD": Decimal("50000")})
    deposits: Mapping[str, Decimal] = field(default_factory=lambda: {"NAD": Decimal("50000")})

    def needs_approval(self, kind: TransactionType, amount: Money) -> bool:
        """Transfers against `transfers`; the staff movements (deposits, withdrawals and
        reversals) against `deposits`."""
        table = self.transfers if kind is TransactionType.TRANSFER else self.deposits
        limit = table.get(amount.currency)
        return limit is None or amount.amount > limit


@dataclass(frozen=True, slots=True)
class StaffDailyLimits:
    """What one staff member may deposit, withdraw and reverse alone in one business day
    (Africa/Windhoek), per currency: a movement that would take their day's total above it
    waits for a second person. A currency without a limit allows nothing alone (fail
    closed). The store sums the day under a per-person lock, so parallel movements cannot
    all slip under the limit."""

    limits: Mapping[str, Decimal] = field(default_factory=lambda: {"NAD": Decimal("100000.00")})

    def limit_for(self, currency: str) -> Decimal | None:
        return self.limits.get(currency)


def business_day_start(moment: datetime) -> datetime:
    """Midnight in Windhoek of the business day `moment` falls in: where a staff member's
    daily total starts."""
    local = moment.astimezone(WINDHOEK)
    return datetime.combine(local.date(), time(0), tzinfo=WINDHOEK)


@dataclass(frozen=True, slots=True)
class MovementPlan:
    """What the store must do: post now (`completed`) or hold (`pending_approval`)."""

    transaction_id: uuid.UUID
    journal_entry_id: uuid.UUID
    kind: TransactionType
    amount: Money
    fee: Money
    status: TransactionStatus

    @property
    def debit(self) -> Money:
        """What leaves (or is held on) the source."""
        return self.amount + self.fee


def plan_movement(
    kind: TransactionType,
    amount: Money,
    *,
    fees: FeeSchedule,
    thresholds: ApprovalThresholds,
) -> MovementPlan:
    """Post now or wait for a second person: above its currency's threshold every movement
    waits, reversals included (a reversal moves money as surely as a deposit does)."""
    checked_amount(amount)
    fee = fees.fee_for(amount) if kind is TransactionType.TRANSFER else Money.zero(amount.currency)
    status = (
        TransactionStatus.PENDING_APPROVAL
        if thresholds.needs_approval(kind, amount)
        else TransactionStatus.COMPLETED
    )
    return MovementPlan(uuid.uuid4(), uuid.uuid4(), kind, amount, fee, status)


def check_decider(initiator: uuid.UUID, decider: uuid.UUID) -> None:
    """Maker-checker: whoever started a transaction never decides on it."""
    if initiator == decider:
        raise SegregationOfDuties()


def check_not_own_wallet(staff: uuid.UUID, *owners: uuid.UUID | None) -> None:
    """Segregation of duties: staff powers (booking a deposit or withdrawal, reversing,
    approving) never move money on a wallet the staff member owns; a colleague must."""
    if staff in owners:
        raise OwnWalletMovement()


def reversal_amount(original: Money, already_reversed: Decimal, requested: Money | None) -> Money:
    """What a reversal returns: `requested` (partial) or all that is left, never more."""
    left = original.amount - already_reversed
    amount = requested if requested is not None else Money(left, original.currency)
    if amount.currency != original.currency:
        raise InvalidMoney(
            "A reversal is in the original transaction's currency",
            details=[{"field": "amount", "message": f"an amount in {original.currency}"}],
        )
    checked_amount(amount)
    if amount.amount > left:
        message = f"At most {left} {original.currency} of this transaction can still be reversed"
        raise ReversalExceedsOriginal(message, details=[{"field": "amount", "message": message}])
    return amount


def money_text(amount: Decimal, currency: str) -> str:
    """An amount as the API writes it: the currency's minor units, more only if present."""
    places = MINOR_UNITS.get(currency, 2)
    normal = amount.normalize()
    exponent = normal.as_tuple().exponent
    shown = max(places, -exponent if isinstance(exponent, int) else places)
    return f"{amount:.{shown}f}"

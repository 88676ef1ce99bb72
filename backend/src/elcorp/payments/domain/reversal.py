"""What a reversal may send back, checked under the original's row lock: only a completed
(or partly reversed) transaction that is not itself a reversal, in its own currency, and
never more than it moved counting every reversal already made or awaiting approval (a
pending reversal reserves its amount, given back if it is rejected or expires).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from elcorp.payments.domain.ledger import TransactionStatus, TransactionType
from elcorp.payments.domain.movement import CurrencyMismatch, NotReversible, ReversalLimitReached

REVERSIBLE = frozenset({TransactionStatus.COMPLETED, TransactionStatus.REVERSED})


@dataclass(frozen=True, slots=True)
class Original:
    """The transaction a reversal sends back, as its row reads under lock."""

    id: uuid.UUID
    kind: TransactionType
    status: TransactionStatus
    amount: Decimal
    currency: str
    reversed_amount: Decimal
    source_account_id: uuid.UUID
    destination_account_id: uuid.UUID

    @property
    def left(self) -> Decimal:
        """What reversals may still return."""
        return self.amount - self.reversed_amount


def check_reversal(original: Original, amount: Decimal, currency: str) -> None:
    if original.kind is TransactionType.REVERSAL or original.status not in REVERSIBLE:
        raise NotReversible()
    if original.currency != currency:
        raise CurrencyMismatch("a reversal is in the original transaction's currency")
    if original.reversed_amount + amount > original.amount:
        raise ReversalLimitReached(f"at most {original.left} {original.currency} can still be reversed")


def reversed_route(original: Original) -> tuple[uuid.UUID, uuid.UUID]:
    """A reversal moves money back: from the original's destination to its source."""
    return original.destination_account_id, original.source_account_id


def fully_reversed(original: Original, completed_reversals: Decimal) -> bool:
    """The original becomes `reversed` once completed reversals returned all it moved."""
    return completed_reversals == original.amount

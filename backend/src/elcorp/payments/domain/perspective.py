"""A transaction as one person sees it: which way the money went relative to their own
wallets, who was on the other side, and what it did to their money.

- `out`: from one of the person's wallets to an account that is not theirs; the
  counterparty is the destination; the signed amount is `-(amount + fee)` (all that left).
- `in`: to one of the person's wallets from an account that is not theirs; the
  counterparty is the source (a deposit's: the clearing account); the signed amount is
  `+amount`.
- `internal`: between two wallets of the same person; the counterparty is the
  destination; the signed amount is `-fee` (only the fee leaves them).
- none of the two accounts is theirs (staff looking at a customer's transaction): no
  direction, counterparty or signed amount.

The signed amount is what the movement does to the person's money once completed; a
pending, rejected or expired movement shows what it would do (its `status` says whether
it did).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Direction(StrEnum):
    IN = "in"
    OUT = "out"
    INTERNAL = "internal"


@dataclass(frozen=True, slots=True)
class Perspective:
    direction: Direction | None
    counterparty_id: uuid.UUID | None
    signed_amount: Decimal | None


NONE = Perspective(None, None, None)


def perspective(
    source: uuid.UUID,
    destination: uuid.UUID,
    amount: Decimal,
    fee: Decimal,
    mine: Collection[uuid.UUID],
) -> Perspective:
    """The movement `source -> destination` of `amount` (plus `fee` paid by the source) seen
    by the owner of the accounts `mine`."""
    sends, receives = source in mine, destination in mine
    if sends and receives:
        return Perspective(Direction.INTERNAL, destination, -fee)
    if sends:
        return Perspective(Direction.OUT, destination, -(amount + fee))
    if receives:
        return Perspective(Direction.IN, source, amount)
    return NONE

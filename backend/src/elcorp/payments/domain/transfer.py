"""Which accounts a movement may touch, and the checks every movement passes, in the
order the store applies them (so that a request breaking two rules is refused for the
same one by every backend):

1. the route: a transfer from the caller's wallet to a wallet (an invoice payment also to
   the revenue account), a deposit from clearing to a wallet, a withdrawal from a wallet
   to clearing, a fee only to the fees account; anything else is "not found", so a
   customer cannot learn of, credit or debit a system account;
2. never from an account to itself;
3. staff powers (deposit, withdrawal, reversal) never on the staff member's own wallet;
4. both accounts active; 5. both in the movement's currency; 6. the source can pay.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from elcorp.payments.domain.ledger import STAFF_MOVEMENTS, TransactionType
from elcorp.payments.domain.movement import LedgerAccountNotFound, OwnWalletRefused, SameAccount
from elcorp.payments.domain.wallet import (
    AccountKind,
    LedgerAccount,
    check_active,
    check_currency,
    check_funds,
)

# What a movement of each kind may take money from and give it to (a reversal mirrors its
# original, so it may touch what the original touched).
SOURCES: dict[TransactionType, frozenset[AccountKind] | None] = {
    TransactionType.TRANSFER: frozenset({AccountKind.WALLET}),
    TransactionType.WITHDRAWAL: frozenset({AccountKind.WALLET}),
    TransactionType.DEPOSIT: frozenset({AccountKind.CLEARING}),
    TransactionType.REVERSAL: None,
}
DESTINATIONS: dict[TransactionType, frozenset[AccountKind] | None] = {
    TransactionType.TRANSFER: frozenset({AccountKind.WALLET}),
    TransactionType.DEPOSIT: frozenset({AccountKind.WALLET}),
    TransactionType.WITHDRAWAL: frozenset({AccountKind.CLEARING}),
    TransactionType.REVERSAL: None,
}


@dataclass(frozen=True, slots=True)
class Route:
    """A movement's accounts as found, before any rule is checked."""

    kind: TransactionType
    source: LedgerAccount | None
    destination: LedgerAccount | None
    source_owner: uuid.UUID | None = None  # a transfer: the wallet must be the caller's
    invoice_payment: bool = False
    fee_account: LedgerAccount | None = None


def _allowed(kinds: frozenset[AccountKind] | None, account: LedgerAccount) -> bool:
    return kinds is None or account.kind in kinds


def _destination_allowed(route: Route, destination: LedgerAccount) -> bool:
    if route.kind is TransactionType.TRANSFER and route.invoice_payment:
        return destination.kind in (AccountKind.WALLET, AccountKind.REVENUE)
    return _allowed(DESTINATIONS[route.kind], destination)


def checked_route(route: Route, fee: Decimal) -> tuple[LedgerAccount, LedgerAccount]:
    """The source and destination when the movement may touch them; "not found" otherwise."""
    source = route.source
    if (
        source is None
        or (route.source_owner is not None and source.owner_id != route.source_owner)
        or not _allowed(SOURCES[route.kind], source)
    ):
        raise LedgerAccountNotFound("source wallet not found")
    destination = route.destination
    if destination is None or not _destination_allowed(route, destination):
        raise LedgerAccountNotFound("destination wallet not found")
    if fee != 0 and (route.fee_account is None or route.fee_account.kind is not AccountKind.FEES):
        raise LedgerAccountNotFound("fees account not found")
    return source, destination


def check_not_staff_own_wallet(
    kind: TransactionType, caller: uuid.UUID, source: LedgerAccount, destination: LedgerAccount
) -> None:
    """Segregation of duties, enforced again where the accounts are locked."""
    if kind in STAFF_MOVEMENTS and caller in (source.owner_id, destination.owner_id):
        raise OwnWalletRefused()


def check_movement(
    route: Route, caller: uuid.UUID, *, amount: Decimal, fee: Decimal, currency: str
) -> tuple[LedgerAccount, LedgerAccount]:
    """Every rule of a movement (see the module docstring), in the store's order; the
    accounts it moves money between when it passes."""
    source, destination = checked_route(route, fee)
    if source.id == destination.id:
        raise SameAccount()
    check_not_staff_own_wallet(route.kind, caller, source, destination)
    check_active(source, destination)
    check_currency(source, destination, currency)
    check_funds(source, amount + fee)
    return source, destination

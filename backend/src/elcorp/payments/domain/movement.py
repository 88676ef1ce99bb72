"""A money movement's refusals and its idempotency rule, shared by every ledger backend.

The store (`payments_execute`) raises each refusal with a stable SQLSTATE, mapped back to
these classes; an in-memory ledger raises them directly. They are plain `DomainError`s with
the code of the shared vocabulary, so the API answers them exactly as it always has (never
as validation failures with field details).
"""

from __future__ import annotations

from typing import Any

from elcorp.shared.domain.errors import DomainError, ErrorCode


class LedgerRefusal(DomainError):
    """The ledger refused the movement; nothing was written."""

    def __init__(self, message: str | None = None, *, details: Any = None) -> None:
        super().__init__(message, details=details)


class InsufficientFunds(LedgerRefusal):
    code = "PAY_001"
    default_message = "insufficient available funds"


class CurrencyMismatch(LedgerRefusal):
    code = "PAY_002"
    default_message = "the currency must be that of both wallets"


class AccountNotActive(LedgerRefusal):
    code = "PAY_003"
    default_message = "a wallet of this transfer is not active"


class IdempotencyKeyReused(LedgerRefusal):
    code = "PAY_005"
    default_message = "this Idempotency-Key was used with a different request"


class IdempotencyKeyInProgress(LedgerRefusal):
    code = "PAY_006"
    status = 409
    default_message = "a request with this Idempotency-Key is still being processed"


class SameAccount(LedgerRefusal):
    code = "PAY_007"
    default_message = "source and destination are the same wallet"


class ReversalLimitReached(LedgerRefusal):
    code = "PAY_008"
    default_message = "the reversal returns more than the original transaction moved"


class OwnWalletRefused(LedgerRefusal):
    code = "PAY_009"
    status = 403
    default_message = "staff cannot move money on a wallet of their own"


class DuplicateExternalReference(LedgerRefusal):
    code = "PAY_010"
    status = 409
    default_message = "this external reference is already booked"


class LedgerAccountNotFound(LedgerRefusal):
    code = ErrorCode.RESOURCE_NOT_FOUND
    status = 404
    default_message = "account not found"


class NotReversible(LedgerRefusal):
    code = ErrorCode.CONFLICT
    status = 409
    default_message = "only a completed transaction can be reversed"


# Every refusal by its error code: what a backend that reports codes maps back from.
REFUSALS: dict[str, type[LedgerRefusal]] = {
    cls.code: cls
    for cls in (
        InsufficientFunds,
        CurrencyMismatch,
        AccountNotActive,
        IdempotencyKeyReused,
        IdempotencyKeyInProgress,
        SameAccount,
        ReversalLimitReached,
        OwnWalletRefused,
        DuplicateExternalReference,
        LedgerAccountNotFound,
        NotReversible,
    )
}


def check_replay(stored_hash: str, request_hash: str) -> None:
    """A live Idempotency-Key answers only the request it was first used with: the same
    body replays the first answer, any other body is refused (nothing moves twice)."""
    if stored_hash != request_hash:
        raise IdempotencyKeyReused()

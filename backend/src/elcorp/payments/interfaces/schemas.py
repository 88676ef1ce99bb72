"""Request and response models of the payments API (pydantic v2; unknown fields refused).

Schema names are unique across the whole API (the OpenAPI document names them by class).
The response models describe exactly the JSON the routes send: money as decimal strings,
timestamps as ISO 8601 strings in UTC with `Z` and milliseconds.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, WithJsonSchema, model_validator

from elcorp.shared.interfaces.pagination import ListQuery

AMOUNT = r"^[0-9]{1,12}(\.[0-9]{1,8})?$"
AMOUNT_DOC = 'A decimal string greater than zero, "12.50" (NAD: at most 2 decimal places)'
MONEY_DOC = "A decimal string in the currency's minor units"
StatusName = Literal["pending_approval", "completed", "rejected", "expired", "reversed", "failed"]
TypeName = Literal["transfer", "deposit", "withdrawal", "reversal"]


Moment = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- request models ---------------------------------------------------------------------------
class WalletPath(Strict):
    wallet_id: uuid.UUID


class TransactionPath(Strict):
    transaction_id: uuid.UUID


class PaymentTransferBody(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "source_wallet_id": "0b9d1f2e-3c4a-4e5f-8a6b-7c8d9e0f1a2b",
                    "destination_wallet_address": "5f0c8a2e-9b7d-4c3e-a1f2-6d5e4c3b2a19",
                    "amount": "250.00",
                    "currency": "NAD",
                    "description": "Rent, November",
                }
            ]
        },
    )

    source_wallet_id: uuid.UUID
    destination_wallet_id: uuid.UUID | None = None
    destination_wallet_address: uuid.UUID | None = Field(
        default=None, description="The recipient's wallet address (their `wallet_address`)"
    )
    amount: str = Field(pattern=AMOUNT, description=AMOUNT_DOC)
    currency: str = Field(default="NAD", pattern=r"^[A-Z]{3}$")
    description: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def one_destination(self) -> PaymentTransferBody:
        if (self.destination_wallet_id is None) == (self.destination_wallet_address is None):
            raise ValueError("give exactly one of destination_wallet_id or destination_wallet_address")
        return self


class DepositBody(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"amount": "1500.00", "currency": "NAD", "external_reference": "FNB-20261123-0042"}]
        },
    )

    amount: str = Field(pattern=AMOUNT, description=AMOUNT_DOC)
    currency: str = Field(default="NAD", pattern=r"^[A-Z]{3}$")
    external_reference: str = Field(min_length=1, max_length=100, description="The bank's reference")


class TopUpBody(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"amount": "500.00", "currency": "NAD", "external_reference": "EFT-7Q4K2M9X"}]
        },
    )

    amount: str = Field(pattern=AMOUNT, description=AMOUNT_DOC)
    currency: str = Field(default="NAD", pattern=r"^[A-Z]{3}$", description="The wallet's currency")
    external_reference: str = Field(
        min_length=1,
        max_length=100,
        description="The reference the customer puts on the bank payment; a statement line with "
        "it (and the same amount and currency) completes the top-up",
    )


class TransactionRejectBody(Strict):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "The payee could not be verified"}]}
    )

    reason: str = Field(min_length=1, max_length=500)


class TransactionApproveBody(Strict):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{}, {"comment": "Payment seen on the bank account"}]}
    )

    comment: str | None = Field(default=None, max_length=500)


class TransactionListQuery(ListQuery):
    wallet_id: uuid.UUID | None = None
    status: StatusName | None = None
    type: TypeName | None = None
    created_from: AwareDatetime | None = Field(
        default=None, alias="from", description="Created at or after (date-time with offset)"
    )
    created_to: AwareDatetime | None = Field(default=None, alias="to", description="Created before")
    amount_min: str | None = Field(default=None, pattern=AMOUNT)
    amount_max: str | None = Field(default=None, pattern=AMOUNT)


class ReversalBody(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"reason": "Paid to the wrong account"},
                {"amount": "100.00", "reason": "Partly refunded"},
            ]
        },
    )

    amount: str | None = Field(
        default=None, pattern=AMOUNT, description="Part of the amount; default all that is left"
    )
    reason: str = Field(min_length=1, max_length=500)


class StatementQuery(Strict):
    start: AwareDatetime | None = Field(default=None, alias="from", description="Postings at or after")
    end: AwareDatetime | None = Field(default=None, alias="to", description="Postings before")
    format: Literal["csv", "pdf"] = Field(default="csv", description="csv (default) or pdf")


# -- response models --------------------------------------------------------------------------
class Wallet(BaseModel):
    id: uuid.UUID
    currency: str
    balance: str = Field(description=MONEY_DOC)
    available_balance: str = Field(description="The balance less what holds keep aside")
    held: str = Field(description="Held for movements waiting for approval")
    status: str = Field(description="active | frozen | closed")
    address: uuid.UUID | None = Field(description="The wallet address others pay to")
    created_at: Moment = Field(description="When the wallet was opened")


class TransactionCounterparty(BaseModel):
    """The account on the other side, never its owner's personal data."""

    wallet_id: uuid.UUID = Field(
        description="The other account's id (for a deposit or withdrawal the currency's clearing account)"
    )
    kind: str = Field(description="wallet | clearing | revenue")
    address: uuid.UUID | None = Field(description="A wallet's address; null for the platform's own accounts")


class TransactionRecord(BaseModel):
    """A transaction's own fields, as embedded in another resource (an invoice's payment)."""

    id: uuid.UUID
    type: TypeName
    status: StatusName
    amount: str = Field(description=MONEY_DOC)
    fee: str = Field(description="Paid by the source on top of the amount")
    currency: str
    source_wallet_id: uuid.UUID
    destination_wallet_id: uuid.UUID
    description: str | None
    external_reference: str | None
    initiated_by: uuid.UUID
    expires_at: Moment | None = Field(description="Deadline of a movement pending approval")
    created_at: Moment = Field(description="When it was made")
    completed_at: Moment | None = Field(description="When it was posted")
    decided_by: uuid.UUID | None
    decided_at: Moment | None = Field(description="When it was approved, rejected or expired")
    decision_reason: str | None
    reversed_amount: str
    reversal_of: uuid.UUID | None


class Transaction(TransactionRecord):
    """The one transaction representation of the payments routes (create, read, list,
    approve, reject): the record and how it looks from the caller's wallets."""

    direction: Literal["in", "out", "internal"] | None = Field(
        description="Relative to the caller's wallets: out (from one of them), in (to one of them), "
        "internal (between two of them); null when neither wallet is the caller's (staff)"
    )
    counterparty: TransactionCounterparty | None = Field(
        description="The other side (out, internal: the destination; in: the source); null with direction"
    )
    signed_amount: str | None = Field(
        description="What it does to the caller's money: out -(amount + fee), in +amount, internal -fee; "
        "null with direction"
    )


class TrialBalanceReport(BaseModel):
    balanced: bool
    totals: dict[str, str] = Field(description="Currency -> sum of every posting (0 when the books balance)")
    mismatched_accounts: list[dict[str, str]] = Field(
        description="Accounts whose cached balance or holds differ from their rows"
    )


class LedgerVerification(BaseModel):
    ok: bool
    accounts_checked: int
    postings_checked: int
    first_broken: dict[str, object] | None = Field(
        description="The first broken link of a posting hash chain"
    )


class WalletListQuery(ListQuery):
    """The caller's wallets (or, for staff, another user's): a small bounded set (one per
    currency), answered in one page."""

    owner_id: uuid.UUID | None = Field(
        default=None,
        description="Staff only: list this user's wallets instead of the caller's. Anyone else "
        "naming another user gets an empty list.",
    )

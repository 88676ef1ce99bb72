"""Request models of the payments API (pydantic v2; unknown fields refused)."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

AMOUNT = r"^[0-9]{1,12}(\.[0-9]{1,8})?$"
AMOUNT_DOC = 'A decimal string greater than zero, "12.50" (NAD: at most 2 decimal places)'


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WalletPath(Strict):
    wallet_id: uuid.UUID


class TransactionPath(Strict):
    transaction_id: uuid.UUID


class TransferBody(Strict):
    source_wallet_id: uuid.UUID
    destination_wallet_id: uuid.UUID | None = None
    destination_wallet_address: uuid.UUID | None = Field(
        default=None, description="The recipient's wallet address (their `wallet_address`)"
    )
    amount: str = Field(pattern=AMOUNT, description=AMOUNT_DOC)
    currency: str = Field(default="NAD", pattern=r"^[A-Z]{3}$")
    description: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def one_destination(self) -> TransferBody:
        if (self.destination_wallet_id is None) == (self.destination_wallet_address is None):
            raise ValueError("give exactly one of destination_wallet_id or destination_wallet_address")
        return self


class DepositBody(Strict):
    amount: str = Field(pattern=AMOUNT, description=AMOUNT_DOC)
    currency: str = Field(default="NAD", pattern=r"^[A-Z]{3}$")
    external_reference: str = Field(min_length=1, max_length=100, description="The bank's reference")


class RejectBody(Strict):
    reason: str = Field(min_length=1, max_length=500)


class ApproveBody(Strict):
    comment: str | None = Field(default=None, max_length=500)


class TransactionQuery(Strict):
    wallet_id: uuid.UUID | None = None
    status: Literal["pending_approval", "completed", "rejected", "expired", "reversed", "failed"] | None = (
        None
    )
    type: Literal["transfer", "deposit", "withdrawal", "reversal"] | None = None
    created_from: AwareDatetime | None = Field(default=None, alias="from")
    created_to: AwareDatetime | None = Field(default=None, alias="to")
    amount_min: str | None = Field(default=None, pattern=AMOUNT)
    amount_max: str | None = Field(default=None, pattern=AMOUNT)
    cursor: str | None = Field(default=None, max_length=200)
    limit: int = Field(default=50, ge=1, le=100)


class ReversalBody(Strict):
    amount: str | None = Field(
        default=None, pattern=AMOUNT, description="Part of the amount; default all that is left"
    )
    reason: str = Field(min_length=1, max_length=500)


class StatementQuery(Strict):
    start: AwareDatetime | None = Field(default=None, alias="from")
    end: AwareDatetime | None = Field(default=None, alias="to")

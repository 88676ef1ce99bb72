"""Request and response models of the reconciliation and settlement routes (pydantic v2;
unknown fields refused). Schema names are unique across the whole API."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from flask_openapi3 import FileStorage
from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from elcorp.shared.interfaces.pagination import ListQuery

Moment = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
Day = Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]
MONEY_DOC = "A decimal string in the currency's minor units"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReconciliationRunListQuery(ListQuery):
    """Newest first."""


class StatementForm(Strict):
    file: FileStorage | None = Field(
        default=None,
        description="The bank statement: CSV (text/csv), UTF-8, header `date, reference, amount, currency`",
    )


class RunPath(Strict):
    run_id: uuid.UUID


class BatchPath(Strict):
    batch_id: uuid.UUID


class SettlementCloseBody(Strict):
    date: dt.date | None = Field(
        default=None, description="The business day (Africa/Windhoek) to close; default yesterday"
    )
    currency: str = Field(default="NAD", pattern=r"^[A-Z]{3}$")


class SettlementBatchListQuery(ListQuery):
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    status: Literal["open", "closed"] | None = None
    date_from: dt.date | None = Field(default=None, alias="from")
    date_to: dt.date | None = Field(default=None, alias="to")


# -- response models --------------------------------------------------------------------------
class ReconciliationCounts(BaseModel):
    matched: int
    unmatched_in_bank: int
    unmatched_in_ledger: int


class ReconciliationStatementLine(BaseModel):
    """A bank statement line no ledger movement matched."""

    line: int = Field(description="Line of the file (the header is line 1)")
    date: Day
    reference: str
    amount: str = Field(description="Signed as the bank writes it: money received +, paid out -")
    currency: str


class ReconciliationLedgerMovement(BaseModel):
    """A ledger deposit (+) or withdrawal (-) the statement does not show."""

    transaction_id: uuid.UUID
    type: Literal["deposit", "withdrawal"]
    date: Day
    reference: str
    amount: str = Field(description="Signed as the bank sees it: deposits +, withdrawals -")
    currency: str


class ReconciliationMatch(ReconciliationStatementLine):
    """A statement line and the ledger movement it matched."""

    transaction_id: uuid.UUID
    type: Literal["deposit", "withdrawal"]
    ledger_date: Day


class ReconciliationRun(BaseModel):
    """A run; `matched`, `unmatched_in_bank` and `unmatched_in_ledger` are present when one
    run is read or created, absent in the list (whose items carry only the counts)."""

    id: uuid.UUID
    status: Literal["completed"]
    statement_from: Day
    statement_to: Day
    file_name: str | None
    file_sha256: str
    statement_lines: int
    counts: ReconciliationCounts
    created_by: uuid.UUID
    created_at: Moment
    matched: list[ReconciliationMatch] | None = None
    unmatched_in_bank: list[ReconciliationStatementLine] | None = None
    unmatched_in_ledger: list[ReconciliationLedgerMovement] | None = None


class SettlementBatch(BaseModel):
    id: uuid.UUID
    business_date: Day
    currency: str
    status: Literal["open", "closed"]
    count: int = Field(description="Settled movements (deposits and withdrawals)")
    deposits_count: int
    deposits_total: str = Field(description=MONEY_DOC)
    withdrawals_count: int
    withdrawals_total: str = Field(description=MONEY_DOC)
    net: str = Field(description="Deposits less withdrawals")
    created_at: Moment
    closed_at: Moment | None
    closed_by: uuid.UUID | None = Field(description="null: closed by the nightly job")

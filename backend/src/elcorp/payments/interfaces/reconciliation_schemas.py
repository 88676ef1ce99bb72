"""Request models of the reconciliation and settlement routes (pydantic v2; unknown fields
refused)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from flask_openapi3 import FileStorage
from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Paging(Strict):
    page: int = Field(default=1, ge=1)
    per_page: int = Field(default=20, ge=1, le=100)


class StatementForm(Strict):
    file: FileStorage | None = Field(
        default=None,
        description="The bank statement: CSV (text/csv), UTF-8, header `date, reference, amount, currency`",
    )


class RunPath(Strict):
    run_id: uuid.UUID


class BatchPath(Strict):
    batch_id: uuid.UUID


class CloseBody(Strict):
    date: dt.date | None = Field(
        default=None, description="The business day (Africa/Windhoek) to close; default yesterday"
    )
    currency: str = Field(default="NAD", pattern=r"^[A-Z]{3}$")


class BatchQuery(Paging):
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    status: Literal["open", "closed"] | None = None
    date_from: dt.date | None = Field(default=None, alias="from")
    date_to: dt.date | None = Field(default=None, alias="to")

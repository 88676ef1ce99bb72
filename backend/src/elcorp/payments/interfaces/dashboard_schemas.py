"""Request and response models of the payments dashboard figures (unique schema names)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from elcorp.payments.application.dashboard import DEFAULT_DAYS, MAX_DAYS


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DailyTransfersQuery(Strict):
    days: int = Field(
        default=DEFAULT_DAYS,
        ge=1,
        le=MAX_DAYS,
        description=f"How many Windhoek calendar days, today included (1-{MAX_DAYS}, default {DEFAULT_DAYS})",
    )


class TransferCurrencyTotal(Strict):
    currency: str = Field(description="ISO 4217")
    count: int
    value: str = Field(
        description="Sum of the amounts (fees excluded), a decimal string", examples=["4500.00"]
    )


class TransferDayFigures(Strict):
    date: dt.date = Field(description="A calendar day in Africa/Windhoek")
    count: int = Field(description="Completed transfers of the day, every currency")
    totals: list[TransferCurrencyTotal] = Field(description="Per currency, by currency; empty on a quiet day")


class DailyTransfers(Strict):
    time_zone: str = Field(examples=["Africa/Windhoek"])
    first: dt.date
    last: dt.date = Field(description="Today in Africa/Windhoek")
    days: list[TransferDayFigures] = Field(description="Every day from `first` to `last`, oldest first")


class ApprovalQueueSummary(Strict):
    pending: int = Field(description="Movements in pending_approval")
    under_1h: int = Field(description="Waiting less than 1 hour")
    from_1h_to_4h: int = Field(description="Waiting 1 hour or more, less than 4")
    from_4h_to_24h: int = Field(description="Waiting 4 hours or more, less than 24")
    over_24h: int = Field(description="Waiting 24 hours or more")
    oldest_created_at: dt.datetime | None = Field(description="When the oldest waiting movement was made")

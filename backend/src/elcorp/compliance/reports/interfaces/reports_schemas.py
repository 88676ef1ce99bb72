"""Request models of the regulatory report API (pydantic v2; unknown fields refused)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from elcorp.shared.application.pagination import DEFAULT_PER_PAGE, MAX_PER_PAGE


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReportPath(Strict):
    # Checked by the service, so an unknown type is a 404 RPT_001, not a validation error.
    report_type: str = Field(
        max_length=40,
        description="transactions | large-transactions | sla | incidents | privacy-requests | audit",
    )


class ReportQuery(Strict):
    period: str = Field(max_length=32, description="A month in Africa/Windhoek that has ended: YYYY-MM")
    format: Literal["csv", "pdf"] = Field(default="csv", description="csv (default) or pdf")


class StoredReportsQuery(Strict):
    page: int = Field(default=1, ge=1)
    per_page: int = Field(default=DEFAULT_PER_PAGE, ge=1, le=MAX_PER_PAGE)
    type: str | None = Field(default=None, max_length=40, description="Only reports of this type")
    period: str | None = Field(
        default=None, max_length=32, description="Only reports of this month (YYYY-MM)"
    )

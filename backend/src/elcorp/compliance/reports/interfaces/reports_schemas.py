"""Request and response models of the regulatory report API (pydantic v2; unknown fields
refused; names unique across the API)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from elcorp.shared.interfaces.pagination import ListQuery


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RegulatoryReportPath(Strict):
    # Checked by the service, so an unknown type is a 404 RPT_001, not a validation error.
    report_type: str = Field(
        max_length=40,
        description="transactions | large-transactions | sla | incidents | privacy-requests | audit",
    )


class RegulatoryReportQuery(Strict):
    period: str = Field(max_length=32, description="A month in Africa/Windhoek that has ended: YYYY-MM")
    format: Literal["csv", "pdf"] = Field(default="csv", description="csv (default) or pdf")


class RegulatoryReportListQuery(ListQuery):
    type: str | None = Field(default=None, max_length=40, description="Only reports of this type")
    period: str | None = Field(
        default=None, max_length=32, description="Only reports of this month (YYYY-MM)"
    )


# -- responses: exactly what the routes send -------------------------------------------------
class RegulatoryReport(Strict):
    """The stored record of a generated report (the file itself is not kept)."""

    id: uuid.UUID
    type: str = Field(
        description="transactions | large-transactions | sla | incidents | privacy-requests | audit"
    )
    period: str = Field(description="YYYY-MM")
    format: Literal["csv", "pdf"]
    sha256: str = Field(description="Hex SHA-256 of the file")
    size_bytes: int
    rows: int
    generated_by: str = Field(description="A user id, or `system` for the monthly job")
    generated_at: datetime

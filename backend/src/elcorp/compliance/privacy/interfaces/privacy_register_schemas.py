"""Request models of the data inventory and processing register API (pydantic v2; unknown
fields refused). Shapes and enumerations are checked here; the register's own rules
(declared categories, transfers to listed recipients, unique names) are the domain's
(`compliance/privacy/domain/privacy_register.py`), each with its `PRV_` code."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from elcorp.compliance.privacy.domain.privacy_register import (
    ActivityStatus,
    DataSubjectCategory,
    LawfulBasis,
    RecipientRole,
    TransferGround,
)
from elcorp.shared.application.pagination import DEFAULT_PER_PAGE, MAX_PER_PAGE
from elcorp.shared.domain.personal_data import RetentionBasis

COUNTRY = r"^[A-Za-z]{2}$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RecipientBody(Strict):
    name: str = Field(min_length=1, max_length=200)
    role: RecipientRole = Field(description="operator (s20, s21) | third_party | regulator")
    contract_reference: str | None = Field(
        default=None, min_length=1, max_length=200, description="The operator agreement / DPA reference"
    )
    country: str = Field(default="NA", pattern=COUNTRY, description="ISO 3166-1 alpha-2")


class TransferBody(Strict):
    recipient: str = Field(min_length=1, max_length=200, description="The name of one of the recipients")
    country: str = Field(pattern=COUNTRY, description="ISO 3166-1 alpha-2, not NA")
    ground: TransferGround = Field(description="The POPIA s72(1)(a)-(e) ground")
    safeguards: str | None = Field(default=None, min_length=1, max_length=1000)


class ActivityBody(Strict):
    name: str = Field(min_length=1, max_length=200)
    purpose: str = Field(min_length=1, max_length=2000)
    lawful_basis: LawfulBasis = Field(description="The POPIA s11(1)(a)-(f) basis")
    categories: list[str] = Field(
        min_length=1, max_length=100, description="Data categories declared in the data inventory"
    )
    data_subjects: list[DataSubjectCategory] = Field(min_length=1, max_length=20)
    recipients: list[RecipientBody] = Field(default_factory=list, max_length=50)
    transfers: list[TransferBody] = Field(default_factory=list, max_length=50)
    retention: str = Field(min_length=1, max_length=1000, description="How long, in words")
    retention_basis: RetentionBasis
    status: ActivityStatus = ActivityStatus.ACTIVE


class ActivityPatch(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    purpose: str | None = Field(default=None, min_length=1, max_length=2000)
    lawful_basis: LawfulBasis | None = None
    categories: list[str] | None = Field(default=None, min_length=1, max_length=100)
    data_subjects: list[DataSubjectCategory] | None = Field(default=None, min_length=1, max_length=20)
    recipients: list[RecipientBody] | None = Field(default=None, max_length=50)
    transfers: list[TransferBody] | None = Field(default=None, max_length=50)
    retention: str | None = Field(default=None, min_length=1, max_length=1000)
    retention_basis: RetentionBasis | None = None
    status: ActivityStatus | None = None


class ActivityPath(Strict):
    activity_id: uuid.UUID


class ActivityListQuery(Strict):
    page: int = Field(default=1, ge=1)
    per_page: int = Field(default=DEFAULT_PER_PAGE, ge=1, le=MAX_PER_PAGE)
    status: ActivityStatus | None = None


class PaiaManualQuery(Strict):
    format: Literal["md", "pdf"] = "md"


class DataFlowQuery(Strict):
    format: Literal["json", "svg"] = "json"

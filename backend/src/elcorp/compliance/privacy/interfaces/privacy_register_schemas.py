"""Request models of the data inventory and processing register API (pydantic v2; unknown
fields refused). Shapes and enumerations are checked here; the register's own rules
(declared categories, transfers to listed recipients, unique names) are the domain's
(`compliance/privacy/domain/privacy_register.py`), each with its `PRV_` code."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from elcorp.compliance.privacy.domain.privacy_register import (
    ActivityStatus,
    DataSubjectCategory,
    LawfulBasis,
    RecipientRole,
    TransferGround,
)
from elcorp.shared.domain.personal_data import Classification, Disposal, RetentionBasis
from elcorp.shared.interfaces.pagination import ListQuery

COUNTRY = r"^[A-Za-z]{2}$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProcessingRecipientBody(Strict):
    name: str = Field(min_length=1, max_length=200)
    role: RecipientRole = Field(description="operator (s20, s21) | third_party | regulator")
    contract_reference: str | None = Field(
        default=None, min_length=1, max_length=200, description="The operator agreement / DPA reference"
    )
    country: str = Field(default="NA", pattern=COUNTRY, description="ISO 3166-1 alpha-2")


class CrossBorderTransferBody(Strict):
    recipient: str = Field(min_length=1, max_length=200, description="The name of one of the recipients")
    country: str = Field(pattern=COUNTRY, description="ISO 3166-1 alpha-2, not NA")
    ground: TransferGround = Field(description="The POPIA s72(1)(a)-(e) ground")
    safeguards: str | None = Field(default=None, min_length=1, max_length=1000)


class ProcessingActivityBody(Strict):
    name: str = Field(min_length=1, max_length=200)
    purpose: str = Field(min_length=1, max_length=2000)
    lawful_basis: LawfulBasis = Field(description="The POPIA s11(1)(a)-(f) basis")
    categories: list[str] = Field(
        min_length=1, max_length=100, description="Data categories declared in the data inventory"
    )
    data_subjects: list[DataSubjectCategory] = Field(min_length=1, max_length=20)
    recipients: list[ProcessingRecipientBody] = Field(default_factory=list, max_length=50)
    transfers: list[CrossBorderTransferBody] = Field(default_factory=list, max_length=50)
    retention: str = Field(min_length=1, max_length=1000, description="How long, in words")
    retention_basis: RetentionBasis
    status: ActivityStatus = ActivityStatus.ACTIVE


class ProcessingActivityPatch(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    purpose: str | None = Field(default=None, min_length=1, max_length=2000)
    lawful_basis: LawfulBasis | None = None
    categories: list[str] | None = Field(default=None, min_length=1, max_length=100)
    data_subjects: list[DataSubjectCategory] | None = Field(default=None, min_length=1, max_length=20)
    recipients: list[ProcessingRecipientBody] | None = Field(default=None, max_length=50)
    transfers: list[CrossBorderTransferBody] | None = Field(default=None, max_length=50)
    retention: str | None = Field(default=None, min_length=1, max_length=1000)
    retention_basis: RetentionBasis | None = None
    status: ActivityStatus | None = None


class ProcessingActivityPath(Strict):
    activity_id: uuid.UUID


class ProcessingActivityListQuery(ListQuery):
    """By name."""

    status: ActivityStatus | None = None


class PaiaManualQuery(Strict):
    format: Literal["md", "pdf"] = "md"


class DataFlowMapQuery(Strict):
    format: Literal["json", "svg"] = "json"


# -- responses: exactly what the routes send -------------------------------------------------
class DataInventoryColumn(Strict):
    table: str
    column: str
    context: str
    purpose: str
    classification: Classification
    retention: RetentionBasis
    disposal: Disposal
    special: bool


class DataInventoryCategory(Strict):
    """One data category held, every column that holds it, and the activities that process it."""

    category: str
    activities: list[str] = Field(description="Names of the processing activities that declare it")
    classification: Classification = Field(description="The strictest of its columns")
    retention: RetentionBasis
    disposal: Disposal
    special: bool = Field(description="Special personal information (POPIA s26) in any of its columns")
    contexts: list[str]
    columns: list[DataInventoryColumn]


class ProcessingRecipient(Strict):
    name: str
    role: RecipientRole
    contract_reference: str | None
    country: str


class CrossBorderTransfer(Strict):
    recipient: str
    country: str
    ground: TransferGround
    section: str = Field(description="e.g. s72(1)(a)")
    safeguards: str | None


class ProcessingActivity(Strict):
    """An entry of the processing register (POPIA s17), the same shape on every route."""

    id: uuid.UUID
    name: str
    purpose: str
    lawful_basis: LawfulBasis
    categories: list[str]
    data_subjects: list[DataSubjectCategory]
    recipients: list[ProcessingRecipient]
    transfers: list[CrossBorderTransfer]
    retention: str
    retention_basis: RetentionBasis
    status: ActivityStatus
    lawful_basis_section: str
    lawful_basis_text: str
    created_at: datetime
    updated_at: datetime
    created_by: uuid.UUID | None
    updated_by: uuid.UUID | None


class DataFlowNode(Strict):
    id: str = Field(description="category:<name> | context:<name> | recipient:<name>")
    kind: Literal["category", "context", "recipient"]
    label: str
    role: str | None
    country: str | None


class DataFlowCrossBorder(Strict):
    country: str
    ground: str
    section: str


class DataFlowEdge(Strict):
    source: str
    target: str
    kind: Literal["held_by", "disclosed_to"]
    categories: list[str]
    activities: list[str]
    cross_border: bool
    transfers: list[DataFlowCrossBorder]


class DataFlowMap(Strict):
    """Which contexts hold each data category and to whom it is disclosed."""

    nodes: list[DataFlowNode]
    edges: list[DataFlowEdge]

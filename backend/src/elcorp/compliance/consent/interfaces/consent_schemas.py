"""Request and response models of the privacy-notice and consent API (pydantic v2; unknown
fields refused; schema names unique across the API).

The notice's completeness against POPIA s18 is the domain's rule (CON_004 with each gap
named); here only the shape is checked.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from elcorp.shared.interfaces.pagination import ListQuery


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PartyBody(Strict):
    name: str = Field(min_length=1, max_length=200)
    address: str = Field(min_length=1, max_length=500)
    email: str = Field(min_length=3, max_length=254)
    phone: str | None = Field(default=None, max_length=40)
    website: str | None = Field(default=None, max_length=500)


class NoticeBody(Strict):
    """A new version of the privacy notice, with every field POPIA s18(1) asks for."""

    language: str = Field(default="en", pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
    title: str = Field(min_length=1, max_length=200)
    responsible_party: PartyBody = Field(description="s18(1)(b): name and address")
    information_collected: list[str] = Field(min_length=1, max_length=50, description="s18(1)(a)")
    source: str = Field(min_length=1, max_length=2000, description="s18(1)(a): where it comes from")
    purposes: list[str] = Field(min_length=1, max_length=50, description="s18(1)(c)")
    supply: Literal["voluntary", "mandatory", "mixed"] = Field(description="s18(1)(d)")
    consequences_of_not_supplying: str = Field(min_length=1, max_length=5000, description="s18(1)(e)")
    laws: list[str] = Field(min_length=1, max_length=20, description="s18(1)(f), e.g. the FIA 2012")
    recipients: list[str] = Field(min_length=1, max_length=50, description="s18(1)(h)(i)")
    cross_border_transfers: str = Field(min_length=1, max_length=5000, description="s18(1)(g)")
    rights: dict[str, str] = Field(
        description="right -> how to exercise it: access, correction, deletion, objection, complaint "
        "(s18(1)(h)) at least"
    )
    regulator: PartyBody = Field(description="s18(1)(h)(v): the Information Regulator's contact details")
    consent_purposes: dict[str, str] = Field(
        default_factory=dict, description="consent purpose -> what it means, as shown to the subject"
    )
    summary_of_changes: str | None = Field(default=None, max_length=5000)


class NoticePath(Strict):
    version: int = Field(ge=1, le=1_000_000)


class ConsentBody(Strict):
    purpose: str = Field(
        min_length=1, max_length=40, description="marketing | analytics | third_party_sharing"
    )
    granted: bool = Field(description="true: grant; false: withdraw (effective at once)")
    notice_version: int | None = Field(
        default=None,
        ge=1,
        description="The notice version the subject was shown; refused (CON_003) if not current",
    )
    channel: Literal["web", "mobile"] = "web"


class StaffConsentBody(Strict):
    purpose: str = Field(
        min_length=1, max_length=40, description="marketing | analytics | third_party_sharing"
    )
    granted: bool
    reason: str = Field(
        min_length=3,
        max_length=500,
        description="How the subject's instruction came (call, branch visit, letter)",
    )


class ReceiptPath(Strict):
    record_id: uuid.UUID


class SubjectPath(Strict):
    user_id: uuid.UUID


class PrivacyNoticeListQuery(ListQuery):
    """Newest version first."""


# -- responses: exactly what the routes send -------------------------------------------------
class NoticeParty(Strict):
    name: str
    address: str
    email: str
    phone: str | None
    website: str | None


class PrivacyNoticeSummary(Strict):
    """A published version without its text (read the whole notice by its version)."""

    version: int
    language: str
    title: str
    summary_of_changes: str | None
    published_at: datetime
    sha256: str = Field(description="SHA-256 (hex) of the notice's canonical content")


class PrivacyNotice(Strict):
    """A published version of the privacy notice (POPIA s18), the same shape on publish and read."""

    version: int
    language: str
    title: str
    responsible_party: NoticeParty
    information_collected: list[str]
    source: str
    purposes: list[str]
    supply: Literal["voluntary", "mandatory", "mixed"]
    consequences_of_not_supplying: str
    laws: list[str]
    recipients: list[str]
    cross_border_transfers: str
    rights: dict[str, str]
    regulator: NoticeParty
    consent_purposes: dict[str, str]
    summary_of_changes: str | None
    published_at: datetime
    published_by: uuid.UUID | None
    sha256: str


class ConsentRecord(Strict):
    """One entry of the append-only consent ledger."""

    id: uuid.UUID
    subject_id: uuid.UUID
    purpose: str = Field(description="marketing | analytics | third_party_sharing")
    notice_version: int
    action: Literal["granted", "withdrawn"]
    channel: str = Field(description="registration | web | mobile | privacy_request | staff")
    recorded_at: datetime
    actor_id: uuid.UUID | None = Field(description="Who recorded it when not the subject (staff)")


class ConsentState(Strict):
    purpose: str
    granted: bool
    notice_version: int | None = Field(description="Under which notice the latest record was made")
    since: datetime | None
    record_id: uuid.UUID | None


class ConsentOverview(Strict):
    """A subject's consents: the state of each purpose and every record, oldest first."""

    subject_id: uuid.UUID
    current_notice_version: int | None
    consents: list[ConsentState]
    history: list[ConsentRecord]


class ConsentReceiptSignature(Strict):
    alg: Literal["Ed25519"]
    kid: str
    canonicalization: Literal["RFC 8785"]
    value: str = Field(description="base64 signature over the receipt's RFC 8785 canonical JSON")


class ConsentReceipt(Strict):
    """A signed receipt of one consent record (Kantara Consent Receipt 1.1 field names)."""

    receipt: dict[str, Any] = Field(description="What is signed, exactly as signed")
    signature: ConsentReceiptSignature


class ConsentReceiptKey(Strict):
    kid: str
    algorithm: Literal["Ed25519"]
    public_key: str = Field(description="Raw Ed25519 public key, base64")

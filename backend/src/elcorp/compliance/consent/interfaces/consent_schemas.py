"""Request models of the privacy-notice and consent API (pydantic v2; unknown fields refused).

The notice's completeness against POPIA s18 is the domain's rule (CON_004 with each gap
named); here only the shape is checked.
"""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


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

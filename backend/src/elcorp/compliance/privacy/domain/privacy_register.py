"""The processing register (POPIA s17 read with PAIA s51): what the platform does with
personal information, why, on which lawful basis, with whom it is shared and where it goes.

Each processing activity names its purpose, its lawful basis (POPIA s11(1)(a)-(f)), the data
categories it processes (categories the data inventory declares, never free text), the
categories of data subjects, its recipients and operators (with the written contract an
operator needs under s21), its cross-border transfers (with their s72 ground) and its
retention. The rules an activity obeys are the functions at the end of this module.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from elcorp.shared.domain.errors import DomainError, ValidationFailed
from elcorp.shared.domain.personal_data import RetentionBasis

HOME_COUNTRY = "NA"  # Namibia: a transfer to anywhere else is cross-border (s72)


class LawfulBasis(StrEnum):
    """POPIA s11(1): personal information may only be processed if one of these holds."""

    CONSENT = "consent"
    CONTRACT = "contract"
    LEGAL_OBLIGATION = "legal_obligation"
    SUBJECT_INTEREST = "subject_interest"
    PUBLIC_DUTY = "public_duty"
    LEGITIMATE_INTEREST = "legitimate_interest"

    @property
    def section(self) -> str:
        return _BASIS_TEXT[self][0]

    @property
    def text(self) -> str:
        return _BASIS_TEXT[self][1]


_BASIS_TEXT: dict[LawfulBasis, tuple[str, str]] = {
    LawfulBasis.CONSENT: (
        "s11(1)(a)",
        "the data subject or a competent person where the data subject is a child consents to the processing",
    ),
    LawfulBasis.CONTRACT: (
        "s11(1)(b)",
        "processing is necessary to carry out actions for the conclusion or performance of a contract "
        "to which the data subject is party",
    ),
    LawfulBasis.LEGAL_OBLIGATION: (
        "s11(1)(c)",
        "processing complies with an obligation imposed by law on the responsible party",
    ),
    LawfulBasis.SUBJECT_INTEREST: (
        "s11(1)(d)",
        "processing protects a legitimate interest of the data subject",
    ),
    LawfulBasis.PUBLIC_DUTY: (
        "s11(1)(e)",
        "processing is necessary for the proper performance of a public law duty by a public body",
    ),
    LawfulBasis.LEGITIMATE_INTEREST: (
        "s11(1)(f)",
        "processing is necessary for pursuing the legitimate interests of the responsible party or of a "
        "third party to whom the information is supplied",
    ),
}


class TransferGround(StrEnum):
    """POPIA s72(1): personal information may only leave the country on one of these grounds."""

    ADEQUATE_PROTECTION = "adequate_protection"
    CONSENT = "consent"
    CONTRACT_WITH_SUBJECT = "contract_with_subject"
    CONTRACT_IN_SUBJECT_INTEREST = "contract_in_subject_interest"
    SUBJECT_BENEFIT = "subject_benefit"

    @property
    def section(self) -> str:
        return _GROUND_TEXT[self][0]

    @property
    def text(self) -> str:
        return _GROUND_TEXT[self][1]


_GROUND_TEXT: dict[TransferGround, tuple[str, str]] = {
    TransferGround.ADEQUATE_PROTECTION: (
        "s72(1)(a)",
        "the third party is subject to a law, binding corporate rules or a binding agreement that provide "
        "an adequate level of protection",
    ),
    TransferGround.CONSENT: ("s72(1)(b)", "the data subject consents to the transfer"),
    TransferGround.CONTRACT_WITH_SUBJECT: (
        "s72(1)(c)",
        "the transfer is necessary for the performance of a contract between the data subject and the "
        "responsible party, or for pre-contractual measures taken at the data subject's request",
    ),
    TransferGround.CONTRACT_IN_SUBJECT_INTEREST: (
        "s72(1)(d)",
        "the transfer is necessary for the conclusion or performance of a contract concluded in the "
        "interest of the data subject between the responsible party and a third party",
    ),
    TransferGround.SUBJECT_BENEFIT: (
        "s72(1)(e)",
        "the transfer is for the benefit of the data subject, consent cannot reasonably be obtained, and "
        "the data subject would be likely to give it",
    ),
}


class RecipientRole(StrEnum):
    OPERATOR = "operator"  # processes for the platform under a written contract (s20, s21)
    THIRD_PARTY = "third_party"  # receives the information for its own purposes
    REGULATOR = "regulator"  # a supervisory or public body the law requires us to report to


class DataSubjectCategory(StrEnum):
    CUSTOMERS = "customers"  # individuals holding an account
    BUSINESS_CUSTOMERS = "business_customers"  # organisations and the people acting for them
    STAFF = "staff"  # the platform's staff and administrators
    INVOICE_PARTIES = "invoice_parties"  # payers and issuers named on invoices
    VEHICLE_OWNERS = "vehicle_owners"
    PROSPECTS = "prospects"  # people who receive marketing


class ActivityStatus(StrEnum):
    ACTIVE = "active"
    PLANNED = "planned"
    RETIRED = "retired"


@dataclass(frozen=True, slots=True)
class Recipient:
    """Someone the activity's information is disclosed to, or an operator processing it."""

    name: str
    role: RecipientRole
    contract_reference: str | None = None  # the operator agreement / DPA, for operators (s21)
    country: str = HOME_COUNTRY  # ISO 3166-1 alpha-2


@dataclass(frozen=True, slots=True)
class CrossBorderTransfer:
    """Personal information sent to a recipient outside Namibia, and why that is lawful."""

    recipient: str  # the name of one of the activity's recipients
    country: str  # ISO 3166-1 alpha-2, not Namibia
    ground: TransferGround
    safeguards: str | None = None


@dataclass(frozen=True, slots=True)
class ActivityFacts:
    """Everything about an activity that its owner writes (a draft, or its replacement)."""

    name: str
    purpose: str
    lawful_basis: LawfulBasis
    categories: tuple[str, ...]
    data_subjects: tuple[DataSubjectCategory, ...]
    recipients: tuple[Recipient, ...] = ()
    transfers: tuple[CrossBorderTransfer, ...] = ()
    retention: str = ""
    retention_basis: RetentionBasis = RetentionBasis.ACCOUNT
    status: ActivityStatus = ActivityStatus.ACTIVE


@dataclass(frozen=True, slots=True)
class ProcessingActivity:
    id: uuid.UUID
    facts: ActivityFacts
    created_at: datetime
    updated_at: datetime
    created_by: uuid.UUID | None = None
    updated_by: uuid.UUID | None = None

    @property
    def name(self) -> str:
        return self.facts.name


# -- errors ------------------------------------------------------------------------------
class UndeclaredCategory(ValidationFailed):
    """An activity names a data category the data inventory does not declare."""

    code = "PRV_001"
    default_message = "Unknown data category: every category must be declared in the data inventory"


class ActivityNameTaken(DomainError):
    code = "PRV_002"
    status = 409
    default_message = "A processing activity with this name already exists"


class TransferInvalid(ValidationFailed):
    """A cross-border transfer that names no listed recipient, or a country that is not abroad."""

    code = "PRV_003"
    default_message = "Invalid cross-border transfer"


# -- rules -------------------------------------------------------------------------------
def check_activity(facts: ActivityFacts, declared_categories: Collection[str]) -> None:
    """The rules every activity obeys, each failure naming its field."""
    undeclared = [
        {"field": f"categories.{index}", "message": f"{category!r} is not a declared data category"}
        for index, category in enumerate(facts.categories)
        if category not in declared_categories
    ]
    if undeclared:
        raise UndeclaredCategory(details=undeclared)
    problems = _duplicates("categories", facts.categories)
    problems += _duplicates("data_subjects", [s.value for s in facts.data_subjects])
    problems += _duplicates("recipients", [r.name.casefold() for r in facts.recipients])
    if problems:
        raise ValidationFailed(details=problems)
    listed = {r.name.casefold() for r in facts.recipients}
    wrong: list[dict[str, str]] = []
    for index, transfer in enumerate(facts.transfers):
        if transfer.recipient.casefold() not in listed:
            wrong.append(
                {
                    "field": f"transfers.{index}.recipient",
                    "message": "must name one of the activity's recipients",
                }
            )
        if transfer.country.upper() == HOME_COUNTRY:
            wrong.append(
                {
                    "field": f"transfers.{index}.country",
                    "message": "a transfer within Namibia is not cross-border",
                }
            )
    if wrong:
        raise TransferInvalid(details=wrong)


def _duplicates(name: str, values: Sequence[str]) -> list[dict[str, str]]:
    seen: set[str] = set()
    found = []
    for index, value in enumerate(values):
        if value in seen:
            found.append({"field": f"{name}.{index}", "message": "listed twice"})
        seen.add(value)
    return found


@dataclass(frozen=True, slots=True)
class ActivityChanges:
    """A partial update: None leaves a field as it is."""

    name: str | None = None
    purpose: str | None = None
    lawful_basis: LawfulBasis | None = None
    categories: tuple[str, ...] | None = None
    data_subjects: tuple[DataSubjectCategory, ...] | None = None
    recipients: tuple[Recipient, ...] | None = None
    transfers: tuple[CrossBorderTransfer, ...] | None = None
    retention: str | None = None
    retention_basis: RetentionBasis | None = None
    status: ActivityStatus | None = None

    def applied_to(self, facts: ActivityFacts) -> ActivityFacts:
        given = {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}
        return replace(facts, **given)


def recipient_json(r: Recipient) -> dict[str, Any]:
    return {
        "name": r.name,
        "role": r.role.value,
        "contract_reference": r.contract_reference,
        "country": r.country,
    }


def transfer_json(t: CrossBorderTransfer) -> dict[str, Any]:
    return {
        "recipient": t.recipient,
        "country": t.country,
        "ground": t.ground.value,
        "section": t.ground.section,
        "safeguards": t.safeguards,
    }


def facts_json(f: ActivityFacts) -> dict[str, Any]:
    """The facts as the API, the audit trail and the store write them."""
    return {
        "name": f.name,
        "purpose": f.purpose,
        "lawful_basis": f.lawful_basis.value,
        "categories": list(f.categories),
        "data_subjects": [s.value for s in f.data_subjects],
        "recipients": [recipient_json(r) for r in f.recipients],
        "transfers": [transfer_json(t) for t in f.transfers],
        "retention": f.retention,
        "retention_basis": f.retention_basis.value,
        "status": f.status.value,
    }


def recipient_from(value: dict[str, Any]) -> Recipient:
    return Recipient(
        name=value["name"],
        role=RecipientRole(value["role"]),
        contract_reference=value.get("contract_reference"),
        country=value.get("country") or HOME_COUNTRY,
    )


def transfer_from(value: dict[str, Any]) -> CrossBorderTransfer:
    return CrossBorderTransfer(
        recipient=value["recipient"],
        country=value["country"],
        ground=TransferGround(value["ground"]),
        safeguards=value.get("safeguards"),
    )

"""Privacy notices (POPIA s18: notification to the data subject when collecting).

A notice is versioned and, once published, never changes (the database refuses it too):
every consent record names the version the subject was shown, so what they agreed to can
always be read again. A change of wording is a new version.

The s18(1) fields and where they live here:
(a) the information collected and its source       -> `information_collected`, `source`
(b) the responsible party's name and address       -> `responsible_party`
(c) the purpose of collection                       -> `purposes`
(d) whether supply is voluntary or mandatory        -> `supply`
(e) the consequences of failure to supply           -> `consequences_of_not_supplying`
(f) the law authorising or requiring collection     -> `laws` (Financial Intelligence Act 2012)
(g) intended cross-border transfer and its protection -> `cross_border_transfers`
(h) recipients; the rights of access, correction and objection, and to complain to the
    Information Regulator with its contact details  -> `recipients`, `rights`, `regulator`

Pure: imports nothing but the standard library and the shared kernel.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from elcorp.shared.domain.errors import ValidationFailed

# The rights s18(1)(h)(iv)-(v) says the notice must name; each needs a "how to" line.
REQUIRED_RIGHTS = ("access", "correction", "deletion", "objection", "complaint")
SUPPLY = ("voluntary", "mandatory", "mixed")


class NoticeIncomplete(ValidationFailed):
    code = "CON_004"
    default_message = "The privacy notice lacks information POPIA s18 requires"


@dataclass(frozen=True, slots=True)
class Party:
    """A responsible party or the regulator: who, where, how to reach them."""

    name: str
    address: str
    email: str
    phone: str | None = None
    website: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "address": self.address,
            "email": self.email,
            "phone": self.phone,
            "website": self.website,
        }


@dataclass(frozen=True, slots=True)
class NoticeContent:
    """What a notice says (everything but its version and publication stamp)."""

    language: str
    title: str
    responsible_party: Party
    information_collected: tuple[str, ...]
    source: str
    purposes: tuple[str, ...]
    supply: str  # voluntary | mandatory | mixed
    consequences_of_not_supplying: str
    laws: tuple[str, ...]
    recipients: tuple[str, ...]
    cross_border_transfers: str
    rights: dict[str, str]  # right -> how to exercise it
    regulator: Party
    consent_purposes: dict[str, str] = field(default_factory=dict)  # purpose -> what it means
    summary_of_changes: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "title": self.title,
            "responsible_party": self.responsible_party.as_json(),
            "information_collected": list(self.information_collected),
            "source": self.source,
            "purposes": list(self.purposes),
            "supply": self.supply,
            "consequences_of_not_supplying": self.consequences_of_not_supplying,
            "laws": list(self.laws),
            "recipients": list(self.recipients),
            "cross_border_transfers": self.cross_border_transfers,
            "rights": dict(self.rights),
            "regulator": self.regulator.as_json(),
            "consent_purposes": dict(self.consent_purposes),
            "summary_of_changes": self.summary_of_changes,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> NoticeContent:
        return cls(
            language=data["language"],
            title=data["title"],
            responsible_party=Party(**data["responsible_party"]),
            information_collected=tuple(data["information_collected"]),
            source=data["source"],
            purposes=tuple(data["purposes"]),
            supply=data["supply"],
            consequences_of_not_supplying=data["consequences_of_not_supplying"],
            laws=tuple(data["laws"]),
            recipients=tuple(data["recipients"]),
            cross_border_transfers=data["cross_border_transfers"],
            rights=dict(data["rights"]),
            regulator=Party(**data["regulator"]),
            consent_purposes=dict(data.get("consent_purposes") or {}),
            summary_of_changes=data.get("summary_of_changes"),
        )


@dataclass(frozen=True, slots=True)
class PrivacyNotice:
    version: int
    content: NoticeContent
    published_at: datetime
    published_by: uuid.UUID | None  # None: seeded by the migration
    sha256: str  # of the canonical JSON of the content, as published


def check_complete(content: NoticeContent, known_purposes: frozenset[str]) -> NoticeContent:
    """Refuse a notice that leaves out what s18 requires (details name each gap)."""
    gaps: list[dict[str, str]] = []

    def need(name: str, value: str | None) -> None:
        if not (value or "").strip():
            gaps.append({"field": name, "message": "is required (POPIA s18)"})

    need("title", content.title)
    need("language", content.language)
    for role, party in (("responsible_party", content.responsible_party), ("regulator", content.regulator)):
        need(f"{role}.name", party.name)
        need(f"{role}.address", party.address)
        need(f"{role}.email", party.email)
    need("source", content.source)
    need("consequences_of_not_supplying", content.consequences_of_not_supplying)
    need("cross_border_transfers", content.cross_border_transfers)
    for name, items in (
        ("information_collected", content.information_collected),
        ("purposes", content.purposes),
        ("laws", content.laws),
        ("recipients", content.recipients),
    ):
        if not [i for i in items if i.strip()]:
            gaps.append({"field": name, "message": "must list at least one item (POPIA s18)"})
    if content.supply not in SUPPLY:
        gaps.append({"field": "supply", "message": f"one of {', '.join(SUPPLY)}"})
    for right in REQUIRED_RIGHTS:
        if not (content.rights.get(right) or "").strip():
            gaps.append({"field": f"rights.{right}", "message": "say how to exercise this right (s18(1)(h))"})
    for purpose in content.consent_purposes:
        if purpose not in known_purposes:
            gaps.append({"field": f"consent_purposes.{purpose}", "message": "not a consent purpose"})
    if gaps:
        raise NoticeIncomplete(details=gaps)
    return content

"""The ports by which the parts of the privacy programme call each other: data-subject
requests (privacy_requests.py) hand an erasure to the erasure service (erasure.py) and a
marketing opt-out to the consent ledger (consent.py). The composition root wires them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class ErasedCategory:
    category: str  # e.g. `user.contact.phone`
    disposal: str  # delete | anonymise | crypto_shred | pseudonymise
    count: int  # values or rows disposed of


@dataclass(frozen=True, slots=True)
class KeptCategory:
    category: str
    basis: str  # the retention basis, e.g. `fia_transaction`
    legal_basis: str  # in words, e.g. "Financial Intelligence Act 2012, s26: 5 years after ..."
    until: date | None  # when it is due for final disposal (None: as long as the record lives)
    restricted: bool  # no use except for the legal purpose


@dataclass(frozen=True, slots=True)
class ErasureOutcome:
    """What an erasure did: the outcome notice the subject receives is made from it."""

    subject_id: uuid.UUID
    blocked: bool  # a legal hold stopped it: nothing was changed
    hold_reasons: list[str] = field(default_factory=list)
    erased: list[ErasedCategory] = field(default_factory=list)
    kept: list[KeptCategory] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "subject_id": str(self.subject_id),
            "blocked": self.blocked,
            "hold_reasons": list(self.hold_reasons),
            "erased": [
                {"category": e.category, "disposal": e.disposal, "count": e.count} for e in self.erased
            ],
            "kept": [
                {
                    "category": k.category,
                    "basis": k.basis,
                    "legal_basis": k.legal_basis,
                    "until": None if k.until is None else k.until.isoformat(),
                    "restricted": k.restricted,
                }
                for k in self.kept
            ],
        }


class SubjectErasure(Protocol):
    def erase(
        self, subject_id: uuid.UUID, *, request_id: uuid.UUID | None, actor_id: uuid.UUID
    ) -> ErasureOutcome:
        """Erase what has no retention basis left, restrict and pseudonymise what the law
        requires to keep, schedule its final disposal, all in one transaction with its audit
        entry; a legal hold on the subject blocks it (blocked=True, nothing changed)."""
        ...


class MarketingOptOut(Protocol):
    def opt_out(self, subject_id: uuid.UUID, *, channel: str, actor_id: uuid.UUID) -> None:
        """Withdraw the subject's marketing consent (a consent-ledger record), at once."""
        ...

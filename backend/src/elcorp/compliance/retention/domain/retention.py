"""Retention policies and purge evidence (POPIA s14: personal information is not kept longer
than its purpose or the law requires; the Financial Intelligence Act 2012 sets the floor).

A policy says, per data category, how long after its trigger the data is kept and how it
is disposed of. A purge run applies every policy and leaves an evidence record: per
policy, what was (or in a dry run would be) disposed of, how many, and how many a legal
hold kept.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from elcorp.shared.domain.errors import ValidationFailed
from elcorp.shared.domain.personal_data import RetentionBasis

MAX_PERIOD_DAYS = 100 * 366


class Trigger(StrEnum):
    CREATED = "created"
    RELATIONSHIP_END = "relationship_end"
    TRANSACTION_DATE = "transaction_date"
    EXPIRY = "expiry"


class PolicyDisposal(StrEnum):
    DELETE = "delete"
    ANONYMISE = "anonymise"
    CRYPTO_SHRED = "crypto_shred"


class RetentionBelowLegalMinimum(ValidationFailed):
    code = "RET_003"
    default_message = "The retention period is shorter than the law requires"


@dataclass
class RetentionPolicy:
    category: str
    description: str
    period_days: int
    trigger: Trigger
    disposal: PolicyDisposal
    basis: str
    legal_basis: str
    updated_at: datetime | None = None
    updated_by: uuid.UUID | None = None

    @property
    def period(self) -> timedelta:
        return timedelta(days=self.period_days)

    def change(
        self,
        *,
        period_days: int | None,
        disposal: PolicyDisposal | None,
        description: str | None,
        minimum_days: int,
        by: uuid.UUID,
        at: datetime,
    ) -> dict[str, tuple[Any, Any]]:
        """Apply the changes given; FIA categories never drop below the Act's period."""
        changes: dict[str, tuple[Any, Any]] = {}
        if period_days is not None and period_days != self.period_days:
            if not 0 <= period_days <= MAX_PERIOD_DAYS:
                raise ValidationFailed(details=[{"field": "period_days", "message": "out of range"}])
            if period_days < minimum_days:
                raise RetentionBelowLegalMinimum(
                    details=[
                        {
                            "field": "period_days",
                            "message": f"at least {minimum_days} days ({self.legal_basis})",
                        }
                    ]
                )
            changes["period_days"] = (self.period_days, period_days)
            self.period_days = period_days
        if disposal is not None and disposal != self.disposal:
            changes["disposal"] = (self.disposal.value, disposal.value)
            self.disposal = disposal
        if description is not None and description.strip() and description.strip() != self.description:
            changes["description"] = (self.description, description.strip())
            self.description = description.strip()
        if changes:
            self.updated_at, self.updated_by = at, by
        return changes


def legal_minimum_days(basis: str, *, customer_years: int, transaction_years: int) -> int:
    """The shortest period a policy of `basis` may have (0 outside the FIA bases)."""
    if basis == RetentionBasis.FIA_CUSTOMER.value:
        return customer_years * 365 + customer_years // 4
    if basis == RetentionBasis.FIA_TRANSACTION.value:
        return transaction_years * 365 + transaction_years // 4
    return 0


@dataclass(frozen=True, slots=True)
class PurgeItem:
    """One policy's line in a purge run's evidence."""

    policy: str  # the category of the policy applied
    what: str  # in words, e.g. "device sessions expired or revoked more than 30 days ago"
    count: int  # disposed of (or, in a dry run, that would be)
    held: int = 0  # kept because a legal hold covers them
    disposal: str = PolicyDisposal.DELETE.value

    def as_json(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "what": self.what,
            "count": self.count,
            "held": self.held,
            "disposal": self.disposal,
        }


@dataclass
class PurgeRun:
    id: uuid.UUID
    dry_run: bool
    triggered_by: str
    started_at: datetime
    finished_at: datetime | None = None
    items: list[PurgeItem] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(i.count for i in self.items)

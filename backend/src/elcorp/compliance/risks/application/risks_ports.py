"""Ports of the risk register: its stores, the unit of work, and what it asks of other
capabilities (the staff directory, the incidents)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from elcorp.compliance.risks.domain.risks import Control, Rating, Review, Risk, RiskStatus
from elcorp.shared.application.pagination import PageRequest
from elcorp.shared.application.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class RiskQuery:
    page: PageRequest
    status: RiskStatus | None = None
    rating: Rating | None = None  # the current rating (residual once assessed, else inherent)
    overdue: bool | None = None  # review date before today (Windhoek), not closed
    owner_id: uuid.UUID | None = None


class RiskStore(Protocol):
    def add(self, risk: Risk) -> None: ...

    def save(self, risk: Risk) -> None:
        """Write the risk and replace its control and incident links."""
        ...

    def get(self, risk_id: uuid.UUID, *, for_update: bool = False) -> Risk | None: ...

    def search(self, query: RiskQuery, today: date) -> tuple[list[Risk], int]: ...

    def add_review(self, review: Review) -> None: ...

    def reviews(self, risk_id: uuid.UUID) -> list[Review]:
        """The review history, oldest first."""
        ...

    def reviews_of(self, risk_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, list[Review]]:
        """The review histories of several risks (a page of the register), oldest first."""
        ...

    def claim_overdue_reviews(self, today: date, now: datetime, every: timedelta, limit: int) -> list[Risk]:
        """Risks past their review date, not closed, not reminded within `every`; each one
        returned is recorded as reminded at `now` (rows locked, SKIP LOCKED: two runs at once
        never remind the same risk twice)."""
        ...


class ControlStore(Protocol):
    def add(self, control: Control) -> None:
        """ControlNameTaken when the name is in use."""
        ...

    def save(self, control: Control) -> None:
        """ControlNameTaken when the new name is in use."""
        ...

    def get(self, control_id: uuid.UUID, *, for_update: bool = False) -> Control | None: ...

    def all(self) -> list[Control]: ...

    def existing(self, control_ids: Collection[uuid.UUID]) -> frozenset[uuid.UUID]: ...

    def of_risks(self, risk_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, list[Control]]: ...


class RisksUnitOfWork(UnitOfWork, Protocol):
    @property
    def risks(self) -> RiskStore: ...

    @property
    def controls(self) -> ControlStore: ...


class IncidentDirectory(Protocol):
    """The incidents capability, as the register needs it: which of these incidents exist."""

    def existing(self, incident_ids: Collection[uuid.UUID]) -> frozenset[uuid.UUID]: ...


class StaffDirectory(Protocol):
    """Identity's public API, as the register needs it."""

    def active_among(self, user_ids: Collection[uuid.UUID]) -> frozenset[uuid.UUID]: ...

    def addresses(self, user_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]: ...

"""Ports of the processing register: the activity store, its unit of work, the data
inventory's source, and the renderers of the PAIA manual (PDF) and the data-flow map (SVG)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Protocol

from elcorp.compliance.privacy.domain.data_flow import DataFlowMap
from elcorp.compliance.privacy.domain.paia_manual import PaiaManual
from elcorp.compliance.privacy.domain.privacy_register import (
    ActivityFacts,
    ActivityStatus,
    ProcessingActivity,
)
from elcorp.shared.application.unit_of_work import UnitOfWork
from elcorp.shared.domain.personal_data import DeclaredColumn

# Every declaration of every context's tables (the composition root passes one that reads
# the complete SQLAlchemy metadata).
Declarations = Callable[[], list[DeclaredColumn]]


class ProcessingActivities(Protocol):
    def add(self, activity_id: uuid.UUID, facts: ActivityFacts, by: uuid.UUID) -> ProcessingActivity | None:
        """Store a new activity, stamped by the database clock; None when its name is taken
        (names are unique whatever their case)."""
        ...

    def get(self, activity_id: uuid.UUID, *, lock: bool = False) -> ProcessingActivity | None: ...

    def replace(
        self, activity_id: uuid.UUID, facts: ActivityFacts, by: uuid.UUID
    ) -> ProcessingActivity | None:
        """Replace the activity's facts; None when the new name is another activity's."""
        ...

    def remove(self, activity_id: uuid.UUID) -> None: ...

    def search(
        self, *, status: ActivityStatus | None, offset: int, limit: int
    ) -> tuple[list[ProcessingActivity], int]:
        """Activities by name, and how many match."""
        ...

    def every(self) -> list[ProcessingActivity]:
        """The whole register, by name."""
        ...


class PrivacyRegisterUnitOfWork(UnitOfWork, Protocol):
    @property
    def activities(self) -> ProcessingActivities: ...


class PaiaDocuments(Protocol):
    def pdf(self, manual: PaiaManual) -> bytes: ...


class DataFlowDiagrams(Protocol):
    def svg(self, flows: DataFlowMap) -> bytes: ...

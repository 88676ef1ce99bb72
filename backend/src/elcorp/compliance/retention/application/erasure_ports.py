"""Ports of erasure, retention and legal holds: the compliance unit of work and its stores,
and the files the purge disposes of. SQL adapters: compliance/retention/infrastructure/erasure_store.py."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from elcorp.compliance.retention.domain.legal_hold import LegalHold
from elcorp.compliance.retention.domain.retention import PurgeRun, RetentionPolicy
from elcorp.shared.application.pagination import PageRequest
from elcorp.shared.application.unit_of_work import UnitOfWork


class LegalHoldStore(Protocol):
    def add(self, hold: LegalHold) -> None: ...

    def get(self, hold_id: uuid.UUID, *, for_update: bool = False) -> LegalHold | None: ...

    def save(self, hold: LegalHold) -> None: ...

    def page(
        self, request: PageRequest, *, active: bool | None, subject_id: uuid.UUID | None
    ) -> tuple[list[LegalHold], int]: ...

    def active(self) -> list[LegalHold]:
        """Every active hold (there are few; the purge and erasure read them all)."""
        ...


@dataclass(frozen=True, slots=True)
class ScheduledDisposal:
    id: uuid.UUID
    subject_id: uuid.UUID
    category: str
    basis: str
    due_on: date


class ErasureRecords(Protocol):
    """Erasures done, the restricted copies they keep and the final disposals they schedule."""

    def lock_subject(self, subject_id: uuid.UUID) -> None:
        """Serialise erasures and subject-level holds of one subject (until the transaction ends)."""
        ...

    def outcome_of(self, subject_id: uuid.UUID) -> dict[str, Any] | None: ...

    def record(
        self,
        subject_id: uuid.UUID,
        *,
        request_id: uuid.UUID | None,
        actor_id: uuid.UUID,
        at: datetime,
        outcome: dict[str, Any],
    ) -> None: ...

    def keep_restricted(self, subject_id: uuid.UUID, basis: str, values: dict[str, Any]) -> None:
        """Store `values` encrypted, readable by no API, until the basis' final disposal."""
        ...

    def schedule(self, subject_id: uuid.UUID, category: str, basis: str, due_on: date) -> None: ...

    def due(self, on: date) -> list[ScheduledDisposal]: ...

    def dispose(self, disposal: ScheduledDisposal, *, at: datetime, run_id: uuid.UUID) -> int:
        """Destroy the restricted copy of the disposal's basis and mark it done; rows removed."""
        ...


class RetentionPolicies(Protocol):
    def all(self) -> list[RetentionPolicy]: ...

    def get(self, category: str, *, for_update: bool = False) -> RetentionPolicy | None: ...

    def save(self, policy: RetentionPolicy) -> None: ...


class PurgeRuns(Protocol):
    def add(self, run: PurgeRun) -> None: ...

    def get(self, run_id: uuid.UUID) -> PurgeRun | None: ...

    def page(self, request: PageRequest) -> tuple[list[PurgeRun], int]: ...


class RetentionUnitOfWork(UnitOfWork, Protocol):
    @property
    def holds(self) -> LegalHoldStore: ...

    @property
    def erasures(self) -> ErasureRecords: ...

    @property
    def policies(self) -> RetentionPolicies: ...

    @property
    def purge_runs(self) -> PurgeRuns: ...


class FileRetention(Protocol):
    """Files outside the database (mail spool, export files) older than a cut-off."""

    def older_than(self, directory_key: str, before: datetime) -> Sequence[str]:
        """Names of the files under the directory (`mail` or `exports`) older than `before`."""
        ...

    def remove(self, directory_key: str, names: Sequence[str]) -> int: ...

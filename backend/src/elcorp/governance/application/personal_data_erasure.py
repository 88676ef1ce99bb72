"""Governance's part of a data subject's erasure: role assignments, organization and team
memberships and invitations to organizations exist to give the account access; once it is
erased nothing retains them (POPIA s14), so they are deleted. Service requests the subject
raised stay as workflow records by id and state; their free text (title, description,
comments), which may name anyone, is replaced, and so is what the subject wrote on other
requests."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Protocol

from elcorp.shared.application.personal_data_erasure import (
    ContextErasure,
    ErasureStep,
    ErasureSubject,
    RecordRef,
    SubjectFootprint,
)
from elcorp.shared.application.unit_of_work import UnitOfWork


class GovernanceErasureStore(Protocol):
    def records(self, subject_id: uuid.UUID) -> list[RecordRef]: ...

    def delete_access(self, subject_id: uuid.UUID) -> list[ErasureStep]:
        """Delete the subject's role assignments, memberships and invitations."""
        ...

    def anonymise_texts(self, subject_id: uuid.UUID) -> list[ErasureStep]:
        """Replace the free text of the subject's service requests and what they wrote."""
        ...


class GovernancePersonalDataErasure:
    """Governance's `PersonalDataEraser` (published through governance.application.api)."""

    context = "governance"

    def __init__(
        self, store: Callable[[UnitOfWork], GovernanceErasureStore], forget: Callable[[uuid.UUID], None]
    ) -> None:
        self._store = store
        self._forget = forget  # drops the cached grants

    def footprint(self, tx: UnitOfWork, subject_id: uuid.UUID) -> SubjectFootprint:
        return SubjectFootprint()

    def records(self, tx: UnitOfWork, subject_id: uuid.UUID) -> list[RecordRef]:
        return self._store(tx).records(subject_id)

    def erase(self, tx: UnitOfWork, subject: ErasureSubject) -> ContextErasure:
        store = self._store(tx)
        steps = store.delete_access(subject.subject_id) + store.anonymise_texts(subject.subject_id)
        self._forget(subject.subject_id)
        return ContextErasure(context=self.context, steps=steps)

"""Payments' part of a data subject's erasure (POPIA s24 against FIA 2012 s26; DESIGN §7).

The ledger holds no personal values: accounts, transactions and postings reference the
subject by id, so they stay exactly as they are (trial balance and hash chains keep
verifying) and are kept for the Financial Intelligence Act's transaction-record period.
What payments copies by value is pseudonymised: the payer's (and an issuer's) name and
address snapshots on invoices; the originals go to the erasure service's restricted copy.
The subject's wallets are frozen (restricted: no use except for legal purposes), and
idempotency keys, whose stored responses are replays of the subject's requests, are deleted.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, Protocol

from elcorp.shared.application.personal_data_erasure import (
    ContextErasure,
    ErasureStep,
    ErasureSubject,
    RecordRef,
    SubjectFootprint,
)
from elcorp.shared.application.unit_of_work import UnitOfWork


class PaymentsErasureStore(Protocol):
    """The SQL side of payments' erasure, bound to the erasure's unit of work."""

    def footprint(self, subject_id: uuid.UUID) -> SubjectFootprint: ...

    def records(self, subject_id: uuid.UUID) -> list[RecordRef]: ...

    def invoice_snapshots(self, subject_id: uuid.UUID) -> dict[str, Any]:
        """Name/address snapshots of the subject on invoices (payer or issuer), by invoice."""
        ...

    def pseudonymise(self, subject: ErasureSubject) -> list[ErasureStep]:
        """Replace the snapshots by the pseudonym, freeze the wallets, delete idempotency keys."""
        ...


class PaymentsPersonalDataErasure:
    """Payments' `PersonalDataEraser` (published through payments.application.api)."""

    context = "payments"

    def __init__(self, store: Callable[[UnitOfWork], PaymentsErasureStore]) -> None:
        self._store = store

    def footprint(self, tx: UnitOfWork, subject_id: uuid.UUID) -> SubjectFootprint:
        return self._store(tx).footprint(subject_id)

    def records(self, tx: UnitOfWork, subject_id: uuid.UUID) -> list[RecordRef]:
        return self._store(tx).records(subject_id)

    def erase(self, tx: UnitOfWork, subject: ErasureSubject) -> ContextErasure:
        store = self._store(tx)
        snapshots = store.invoice_snapshots(subject.subject_id)
        steps = store.pseudonymise(subject)
        kept = "fia_transaction" in subject.kept_bases
        restricted = {"fia_transaction": {"invoices": snapshots}} if snapshots and kept else {}
        return ContextErasure(context=self.context, steps=steps, restricted=restricted)

"""Identity's part of a data subject's erasure (POPIA s24; DESIGN §7).

The account row stays (ledger accounts and invoices reference it by id) but is closed for
good: status `erased`, no way to sign in, not listed, names replaced by the subject's
pseudonym. Credentials and security records (password history, devices and refresh-token
families, MFA secrets and backup codes, one-time links) have no basis left and are
deleted; the encrypted phone's ciphertext is destroyed (crypto-shred). When the Financial
Intelligence Act 2012 requires the customer's identification to be kept, the values are
handed to the erasure service, which keeps them encrypted and restricted until their final
disposal. Every token the subject holds stops working at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from elcorp.shared.application.personal_data_erasure import (
    ContextErasure,
    ErasureStep,
    ErasureSubject,
    PurgeCount,
    RecordRef,
    SubjectFootprint,
)
from elcorp.shared.application.unit_of_work import UnitOfWork
from elcorp.shared.domain.errors import NotFound


class IdentityErasureStore(Protocol):
    """The SQL side of identity's erasure, bound to the erasure's unit of work."""

    def identification(self, subject_id: uuid.UUID) -> dict[str, Any] | None:
        """The subject's identifying values (decrypted), or None if there is no such account."""
        ...

    def close_and_pseudonymise(self, subject: ErasureSubject) -> list[ErasureStep]:
        """Close the account (status `erased`) and replace or destroy its personal values."""
        ...

    def delete_security_records(self, subject_id: uuid.UUID) -> list[ErasureStep]:
        """Delete credentials and security records: nothing retains them once erased."""
        ...

    def restricted_values(self, subject: ErasureSubject, found: dict[str, Any]) -> dict[str, Any]:
        """Of `found`, the values whose retention basis is kept, by basis (held restricted)."""
        ...

    def spool_cleaner(self, needles: list[str]) -> Callable[[], int] | None:
        """Deletes the spooled mail naming the subject (after commit), if there is a spool."""
        ...

    def purge_expired(
        self,
        table: str,
        *,
        before: datetime,
        held_subjects: frozenset[uuid.UUID],
        held_records: frozenset[tuple[str, str]],
        dry_run: bool,
    ) -> PurgeCount:
        """Delete (dry run: count) the `device_token` / `one_time_token` rows that expired,
        were revoked or were spent before `before`, except held ones."""
        ...


class IdentityPersonalDataErasure:
    """Identity's `PersonalDataEraser` (published through identity.application.api)."""

    context = "identity"

    def __init__(
        self,
        store: Callable[[UnitOfWork], IdentityErasureStore],
        revoke_all_tokens: Callable[[uuid.UUID], None],
    ) -> None:
        self._store = store
        self._revoke = revoke_all_tokens

    def footprint(self, tx: UnitOfWork, subject_id: uuid.UUID) -> SubjectFootprint:
        return SubjectFootprint()

    def records(self, tx: UnitOfWork, subject_id: uuid.UUID) -> list[RecordRef]:
        return [RecordRef("user_account", str(subject_id))]

    def erase(self, tx: UnitOfWork, subject: ErasureSubject) -> ContextErasure:
        store = self._store(tx)
        found = store.identification(subject.subject_id)
        if found is None:
            raise NotFound("Account not found")
        steps = store.close_and_pseudonymise(subject)
        steps += store.delete_security_records(subject.subject_id)
        # Tokens die now, not at their expiry (DESIGN §6: deleting a user kills their tokens).
        self._revoke(subject.subject_id)
        needles = [str(v) for k, v in found.items() if k in ("email", "username", "full_name", "phone") and v]
        return ContextErasure(
            context=self.context,
            steps=steps,
            restricted=store.restricted_values(subject, found),
            after_commit=store.spool_cleaner(needles),
            values=needles,
        )


PURGED_TABLES = {"security.sessions": "device_token", "security.one_time_tokens": "one_time_token"}


class IdentityRetentionPurge:
    """Identity's `ExpiredDataPurger`: expired or revoked device sessions (refresh-token
    families) and spent or expired one-time links (published through identity.application.api)."""

    categories = tuple(PURGED_TABLES)

    def __init__(self, store: Callable[[UnitOfWork], IdentityErasureStore]) -> None:
        self._store = store

    def purge(
        self,
        tx: UnitOfWork,
        category: str,
        *,
        before: datetime,
        held_subjects: frozenset[uuid.UUID],
        held_records: frozenset[tuple[str, str]],
        dry_run: bool,
    ) -> PurgeCount:
        return self._store(tx).purge_expired(
            PURGED_TABLES[category],
            before=before,
            held_subjects=held_subjects,
            held_records=held_records,
            dry_run=dry_run,
        )

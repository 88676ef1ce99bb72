"""Ports of the notices and the consent ledger: the stores, the unit of work, the signer of
receipts, the subjects' directory and the mail sender."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from elcorp.compliance.consent.domain.consent import Channel, ConsentAction, ConsentRecord, Purpose
from elcorp.compliance.consent.domain.notices import NoticeContent, PrivacyNotice
from elcorp.shared.application.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class NewConsentRecord:
    """A record about to be appended; the store stamps it with the database clock."""

    id: uuid.UUID
    subject_id: uuid.UUID
    purpose: Purpose
    notice_version: int
    action: ConsentAction
    channel: Channel
    actor_id: uuid.UUID | None
    ip: str | None = None
    user_agent: str | None = None
    source_event_id: uuid.UUID | None = None  # the outbox event it came from (registration)
    recorded_at: datetime | None = None  # None: now (the database clock)


class Notices(Protocol):
    def current(self) -> PrivacyNotice | None:
        """The latest published version, or None before any."""
        ...

    def version(self, version: int) -> PrivacyNotice | None: ...

    def all(self) -> list[PrivacyNotice]:
        """Every published version, newest first."""
        ...

    def in_force_at(self, moment: datetime) -> PrivacyNotice | None:
        """The version that was current at `moment` (the latest published at or before)."""
        ...

    def publish(self, content: NoticeContent, sha256: str, published_by: uuid.UUID) -> PrivacyNotice:
        """Store the next version (current + 1) under a lock, stamped with the database clock."""
        ...


class ConsentRecords(Protocol):
    def append(self, record: NewConsentRecord) -> ConsentRecord | None:
        """Append one record; None when a record from the same source event and purpose is
        already there (a redelivered outbox event)."""
        ...

    def of_subject(self, subject_id: uuid.UUID, *, lock: bool = False) -> list[ConsentRecord]:
        """Every record of the subject, oldest first. `lock`: serialise concurrent changes of
        one subject's consents for the rest of the transaction."""
        ...

    def record(self, record_id: uuid.UUID) -> ConsentRecord | None: ...

    def clear_evidence(self, subject_id: uuid.UUID) -> int:
        """Clear the ip and user agent of the subject's records (their disposal); the
        records themselves stay. Returns how many records changed."""
        ...

    def granted_now(self, purpose: Purpose, *, after: uuid.UUID | None, limit: int) -> list[uuid.UUID]:
        """Subjects whose latest record for `purpose` is a grant, by id, after `after`."""
        ...


class ConsentUnitOfWork(UnitOfWork, Protocol):
    @property
    def notices(self) -> Notices: ...

    @property
    def consents(self) -> ConsentRecords: ...


class ReceiptSigner(Protocol):
    """Ed25519 signatures under a published key id (the platform's audit signing keys)."""

    def sign(self, message: bytes) -> tuple[str, str]:
        """(kid, base64 signature) of `message`."""
        ...

    def public_keys(self) -> dict[str, str]:
        """kid -> raw public key, base64."""
        ...


class Subjects(Protocol):
    """Identity's public API, as the consent ledger needs it."""

    def exists(self, user_id: uuid.UUID) -> bool: ...

    def addresses(self, user_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]:
        """Email addresses of those of `user_ids` whose accounts are active."""
        ...

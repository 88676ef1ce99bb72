"""Legal holds: while a hold is active, nothing it covers is erased or disposed of (a
litigation, an investigation by the Financial Intelligence Centre, a regulator's request).
A hold covers either a whole data subject or one record (table + id)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from elcorp.shared.domain.errors import Conflict, ValidationFailed

MAX_REASON = 1000


class LegalHoldTargetInvalid(ValidationFailed):
    code = "RET_001"
    default_message = "A legal hold names either a subject or a record (table and id), not both"


class LegalHoldAlreadyReleased(Conflict):
    code = "RET_002"
    default_message = "This legal hold has already been released"


@dataclass
class LegalHold:
    id: uuid.UUID
    reason: str
    placed_by: uuid.UUID
    placed_at: datetime
    subject_id: uuid.UUID | None = None
    record_table: str | None = None
    record_id: str | None = None
    released_at: datetime | None = None
    released_by: uuid.UUID | None = None
    release_reason: str | None = None

    @classmethod
    def place(
        cls,
        *,
        reason: str,
        placed_by: uuid.UUID,
        at: datetime,
        subject_id: uuid.UUID | None = None,
        record_table: str | None = None,
        record_id: str | None = None,
    ) -> LegalHold:
        record = record_table is not None or record_id is not None
        if (subject_id is None) == (not record) or (record and not (record_table and record_id)):
            raise LegalHoldTargetInvalid(
                details=[{"field": "subject_id", "message": "give subject_id, or record_table and record_id"}]
            )
        text = " ".join(reason.split())
        if not 1 <= len(text) <= MAX_REASON:
            raise ValidationFailed(
                details=[{"field": "reason", "message": f"must be 1-{MAX_REASON} characters"}]
            )
        return cls(
            id=uuid.uuid4(),
            reason=text,
            placed_by=placed_by,
            placed_at=at,
            subject_id=subject_id,
            record_table=record_table,
            record_id=record_id,
        )

    @property
    def active(self) -> bool:
        return self.released_at is None

    def release(self, *, by: uuid.UUID, at: datetime, reason: str | None) -> None:
        if not self.active:
            raise LegalHoldAlreadyReleased()
        self.released_at, self.released_by = at, by
        self.release_reason = " ".join(reason.split())[:MAX_REASON] if reason else None

    def covers(self, subject_id: uuid.UUID, records: Collection[tuple[str, str]]) -> bool:
        if not self.active:
            return False
        if self.subject_id is not None:
            return self.subject_id == subject_id
        return (self.record_table or "", self.record_id or "") in records

    def describe(self) -> str:
        """What the outcome notice says about the hold (its reason, never who placed it)."""
        target = "subject" if self.subject_id else f"record {self.record_table}/{self.record_id}"
        return f"legal hold on the {target}: {self.reason}"

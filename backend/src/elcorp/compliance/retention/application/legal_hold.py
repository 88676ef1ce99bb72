"""Legal holds: staff place them on a data subject or on one record, and release them; an
active hold blocks the subject's erasure and the disposal of what it covers."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from elcorp.compliance.retention.application.erasure_ports import RetentionUnitOfWork
from elcorp.compliance.retention.domain.legal_hold import LegalHold
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.application.pagination import Page, PageRequest
from elcorp.shared.domain.clock import Clock, SystemClock
from elcorp.shared.domain.errors import NotFound


class LegalHolds:
    def __init__(self, uow: Callable[[], RetentionUnitOfWork], *, clock: Clock | None = None) -> None:
        self._uow = uow
        self._clock = clock or SystemClock()

    def place(
        self,
        actor_id: uuid.UUID,
        *,
        reason: str,
        subject_id: uuid.UUID | None = None,
        record_table: str | None = None,
        record_id: str | None = None,
    ) -> LegalHold:
        hold = LegalHold.place(
            reason=reason,
            placed_by=actor_id,
            at=self._clock.now(),
            subject_id=subject_id,
            record_table=record_table,
            record_id=record_id,
        )
        with self._uow() as uow:
            if subject_id is not None:
                uow.erasures.lock_subject(subject_id)  # waits for an erasure of the subject running now
            uow.holds.add(hold)
            uow.audit.record(
                "privacy.legal_hold_placed",
                Actor(str(actor_id)),
                Resource("legal_hold", str(hold.id)),
                Changes(after=_target(hold)),
                reason=hold.reason,
            )
            uow.commit()
        return hold

    def release(self, actor_id: uuid.UUID, hold_id: uuid.UUID, *, reason: str | None) -> LegalHold:
        with self._uow() as uow:
            hold = uow.holds.get(hold_id, for_update=True)
            if hold is None:
                raise NotFound("Legal hold not found")
            hold.release(by=actor_id, at=self._clock.now(), reason=reason)
            uow.holds.save(hold)
            uow.audit.record(
                "privacy.legal_hold_released",
                Actor(str(actor_id)),
                Resource("legal_hold", str(hold.id)),
                Changes({"active": True}, {"active": False, **_target(hold)}),
                reason=hold.release_reason,
            )
            uow.commit()
        return hold

    def get(self, hold_id: uuid.UUID) -> LegalHold:
        with self._uow() as uow:
            hold = uow.holds.get(hold_id)
        if hold is None:
            raise NotFound("Legal hold not found")
        return hold

    def page(
        self, request: PageRequest, *, active: bool | None = None, subject_id: uuid.UUID | None = None
    ) -> Page[LegalHold]:
        with self._uow() as uow:
            items, total = uow.holds.page(request, active=active, subject_id=subject_id)
        return Page(items, request.page, request.per_page, total)


def _target(hold: LegalHold) -> dict[str, str | None]:
    return {
        "subject_id": None if hold.subject_id is None else str(hold.subject_id),
        "record_table": hold.record_table,
        "record_id": hold.record_id,
    }

"""SQL adapters of erasure, retention and legal holds, and their unit of work."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Self

from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from elcorp.compliance.consent.infrastructure.consent_store import SqlConsentRecords, consent_record
from elcorp.compliance.retention.application.erasure_ports import ScheduledDisposal
from elcorp.compliance.retention.domain.erasure import pseudonym_label
from elcorp.compliance.retention.domain.legal_hold import LegalHold
from elcorp.compliance.retention.domain.retention import (
    PolicyDisposal,
    PurgeItem,
    PurgeRun,
    RetentionPolicy,
    Trigger,
)
from elcorp.compliance.retention.infrastructure.retention_tables import (
    disposal_schedule,
    legal_hold,
    privacy_erasure,
    privacy_restricted_copy,
    purge_run,
    retention_policy,
)
from elcorp.shared.application.pagination import PageRequest
from elcorp.shared.application.personal_data_erasure import (
    ContextErasure,
    ErasureStep,
    ErasureSubject,
    RecordRef,
    SubjectFootprint,
)
from elcorp.shared.application.unit_of_work import UnitOfWork
from elcorp.shared.infrastructure.personal_data_erasure import session_of, treatment
from elcorp.shared.infrastructure.unit_of_work import SqlAlchemyUnitOfWork
from elcorp.shared.security.encryption import FieldCipher


class Pseudonyms:
    """`erased-<hmac>`: a keyed hash of the subject id, stable, meaningless without the key."""

    def __init__(self, key: str) -> None:
        self._key = key.encode()

    def __call__(self, subject_id: uuid.UUID) -> str:
        digest = hmac.new(self._key, b"erasure:" + subject_id.bytes, hashlib.sha256).hexdigest()
        return pseudonym_label(digest)


def _hold(row: Row[Any]) -> LegalHold:
    return LegalHold(
        id=row.id,
        reason=row.reason,
        placed_by=row.placed_by,
        placed_at=row.placed_at,
        subject_id=row.subject_id,
        record_table=row.record_table,
        record_id=row.record_id,
        released_at=row.released_at,
        released_by=row.released_by,
        release_reason=row.release_reason,
    )


class SqlLegalHolds:
    def __init__(self, session: Session) -> None:
        self._session = session

    def _values(self, hold: LegalHold) -> dict[str, Any]:
        return {
            "subject_id": hold.subject_id,
            "record_table": hold.record_table,
            "record_id": hold.record_id,
            "reason": hold.reason,
            "placed_by": hold.placed_by,
            "placed_at": hold.placed_at,
            "released_at": hold.released_at,
            "released_by": hold.released_by,
            "release_reason": hold.release_reason,
        }

    def add(self, hold: LegalHold) -> None:
        self._session.execute(insert(legal_hold).values(id=hold.id, **self._values(hold)))

    def save(self, hold: LegalHold) -> None:
        self._session.execute(
            update(legal_hold).where(legal_hold.c.id == hold.id).values(**self._values(hold))
        )

    def get(self, hold_id: uuid.UUID, *, for_update: bool = False) -> LegalHold | None:
        query = select(legal_hold).where(legal_hold.c.id == hold_id)
        row = self._session.execute(query.with_for_update() if for_update else query).one_or_none()
        return None if row is None else _hold(row)

    def page(
        self, request: PageRequest, *, active: bool | None, subject_id: uuid.UUID | None
    ) -> tuple[list[LegalHold], int]:
        conditions: list[Any] = []
        if active is not None:
            conditions.append(
                legal_hold.c.released_at.is_(None) if active else legal_hold.c.released_at.is_not(None)
            )
        if subject_id is not None:
            conditions.append(legal_hold.c.subject_id == subject_id)
        total = self._session.execute(
            select(func.count()).select_from(legal_hold).where(*conditions)
        ).scalar_one()
        rows = self._session.execute(
            select(legal_hold)
            .where(*conditions)
            .order_by(legal_hold.c.placed_at.desc(), legal_hold.c.id)
            .offset(request.offset)
            .limit(request.per_page)
        ).all()
        return [_hold(r) for r in rows], int(total)

    def active(self) -> list[LegalHold]:
        rows = self._session.execute(select(legal_hold).where(legal_hold.c.released_at.is_(None))).all()
        return [_hold(r) for r in rows]


class SqlErasureRecords:
    def __init__(self, session: Session, cipher: FieldCipher) -> None:
        self._session = session
        self._cipher = cipher

    def lock_subject(self, subject_id: uuid.UUID) -> None:
        self._session.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": f"erasure:{subject_id}"}
        )

    def outcome_of(self, subject_id: uuid.UUID) -> dict[str, Any] | None:
        found = self._session.execute(
            select(privacy_erasure.c.outcome).where(privacy_erasure.c.subject_id == subject_id)
        ).scalar_one_or_none()
        return None if found is None else dict(found)

    def record(
        self,
        subject_id: uuid.UUID,
        *,
        request_id: uuid.UUID | None,
        actor_id: uuid.UUID,
        at: datetime,
        outcome: dict[str, Any],
    ) -> None:
        self._session.execute(
            insert(privacy_erasure).values(
                id=uuid.uuid4(),
                subject_id=subject_id,
                request_id=request_id,
                actor_id=actor_id,
                erased_at=at,
                outcome=outcome,
            )
        )

    def keep_restricted(self, subject_id: uuid.UUID, basis: str, values: dict[str, Any]) -> None:
        payload = self._cipher.encrypt(json.dumps(values, sort_keys=True, default=str))
        self._session.execute(
            insert(privacy_restricted_copy).values(
                id=uuid.uuid4(), subject_id=subject_id, basis=basis, payload_encrypted=payload
            )
        )

    def schedule(self, subject_id: uuid.UUID, category: str, basis: str, due_on: date) -> None:
        self._session.execute(
            insert(disposal_schedule).values(
                id=uuid.uuid4(), subject_id=subject_id, category=category, basis=basis, due_on=due_on
            )
        )

    def due(self, on: date) -> list[ScheduledDisposal]:
        rows = self._session.execute(
            select(disposal_schedule)
            .where(disposal_schedule.c.disposed_at.is_(None), disposal_schedule.c.due_on <= on)
            .order_by(disposal_schedule.c.due_on, disposal_schedule.c.id)
        ).all()
        return [ScheduledDisposal(r.id, r.subject_id, r.category, r.basis, r.due_on) for r in rows]

    def dispose(self, disposal: ScheduledDisposal, *, at: datetime, run_id: uuid.UUID) -> int:
        removed = self._session.execute(
            delete(privacy_restricted_copy).where(
                privacy_restricted_copy.c.subject_id == disposal.subject_id,
                privacy_restricted_copy.c.basis == disposal.basis,
            )
        ).rowcount  # type: ignore[attr-defined]
        self._session.execute(
            update(disposal_schedule)
            .where(disposal_schedule.c.id == disposal.id)
            .values(disposed_at=at, purge_run_id=run_id)
        )
        return int(removed)


def _policy(row: Row[Any]) -> RetentionPolicy:
    return RetentionPolicy(
        category=row.category,
        description=row.description,
        period_days=row.period_days,
        trigger=Trigger(row.trigger),
        disposal=PolicyDisposal(row.disposal),
        basis=row.basis,
        legal_basis=row.legal_basis,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


class SqlRetentionPolicies:
    def __init__(self, session: Session) -> None:
        self._session = session

    def all(self) -> list[RetentionPolicy]:
        rows = self._session.execute(select(retention_policy).order_by(retention_policy.c.category)).all()
        return [_policy(r) for r in rows]

    def get(self, category: str, *, for_update: bool = False) -> RetentionPolicy | None:
        query = select(retention_policy).where(retention_policy.c.category == category)
        row = self._session.execute(query.with_for_update() if for_update else query).one_or_none()
        return None if row is None else _policy(row)

    def save(self, policy: RetentionPolicy) -> None:
        self._session.execute(
            update(retention_policy)
            .where(retention_policy.c.category == policy.category)
            .values(
                description=policy.description,
                period_days=policy.period_days,
                disposal=policy.disposal.value,
                updated_at=policy.updated_at,
                updated_by=policy.updated_by,
            )
        )


def _run(row: Row[Any]) -> PurgeRun:
    return PurgeRun(
        id=row.id,
        dry_run=row.dry_run,
        triggered_by=row.triggered_by,
        started_at=row.started_at,
        finished_at=row.finished_at,
        items=[
            PurgeItem(
                i["policy"], i["what"], int(i["count"]), int(i.get("held", 0)), i.get("disposal", "delete")
            )
            for i in row.items
        ],
    )


class SqlPurgeRuns:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, run: PurgeRun) -> None:
        self._session.execute(
            insert(purge_run).values(
                id=run.id,
                dry_run=run.dry_run,
                triggered_by=run.triggered_by,
                started_at=run.started_at,
                finished_at=run.finished_at or run.started_at,
                items=[i.as_json() for i in run.items],
                total=run.total,
            )
        )

    def get(self, run_id: uuid.UUID) -> PurgeRun | None:
        row = self._session.execute(select(purge_run).where(purge_run.c.id == run_id)).one_or_none()
        return None if row is None else _run(row)

    def page(self, request: PageRequest) -> tuple[list[PurgeRun], int]:
        total = self._session.execute(select(func.count()).select_from(purge_run)).scalar_one()
        rows = self._session.execute(
            select(purge_run)
            .order_by(purge_run.c.started_at.desc(), purge_run.c.id)
            .offset(request.offset)
            .limit(request.per_page)
        ).all()
        return [_run(r) for r in rows], int(total)


class SqlRetentionUnitOfWork(SqlAlchemyUnitOfWork):
    """The compliance unit of work of erasure and retention; every context's eraser works
    in its session (one transaction)."""

    holds: SqlLegalHolds
    erasures: SqlErasureRecords
    policies: SqlRetentionPolicies
    purge_runs: SqlPurgeRuns

    def __init__(self, session_factory: Callable[[], Session], cipher: FieldCipher) -> None:
        super().__init__(session_factory)
        self._cipher = cipher

    def __enter__(self) -> Self:
        super().__enter__()
        self.holds = SqlLegalHolds(self.session)
        self.erasures = SqlErasureRecords(self.session, self._cipher)
        self.policies = SqlRetentionPolicies(self.session)
        self.purge_runs = SqlPurgeRuns(self.session)
        return self


class SqlConsentEvidenceErasure:
    """The compliance context's own part of an erasure: the network evidence (IP address,
    user agent) of the subject's consent records is cleared in the erasure's transaction
    (the one change the consent ledger's append-only trigger allows). The records stay, by
    subject id: they prove what was consented to (POPIA s11(2)(a))."""

    context = "compliance"

    def footprint(self, tx: UnitOfWork, subject_id: uuid.UUID) -> SubjectFootprint:
        return SubjectFootprint()

    def records(self, tx: UnitOfWork, subject_id: uuid.UUID) -> list[RecordRef]:
        return []

    def erase(self, tx: UnitOfWork, subject: ErasureSubject) -> ContextErasure:
        cleared = SqlConsentRecords(session_of(tx)).clear_evidence(subject.subject_id)
        steps = [
            ErasureStep(t.category, "delete", cleared, t.basis)
            for column in ("ip", "user_agent")
            for t in [treatment(consent_record, column, f"consent.evidence.{column}", "consent", "delete")]
        ]
        return ContextErasure(context=self.context, steps=steps if cleared else [])

"""PostgreSQL adapter of the processing register (migration 0020_privacy_inventory_register
holds the table, its checks and the platform's own activities)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, Self

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Row,
    Table,
    Text,
    Uuid,
    delete,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from elcorp.compliance.privacy.domain.privacy_register import (
    ActivityFacts,
    ActivityStatus,
    DataSubjectCategory,
    LawfulBasis,
    ProcessingActivity,
    recipient_from,
    recipient_json,
    transfer_from,
    transfer_json,
)
from elcorp.shared.domain.personal_data import RetentionBasis
from elcorp.shared.infrastructure.db import metadata
from elcorp.shared.infrastructure.unit_of_work import SqlAlchemyUnitOfWork

# The register describes processing, not people: `name` is an activity's name and the
# recipients are organisations, so nothing here is declared as personal information.
processing_activity = Table(
    "processing_activity",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", Text, nullable=False),
    Column("purpose", Text, nullable=False),
    Column("lawful_basis", Text, nullable=False),
    Column("categories", ARRAY(Text), nullable=False),
    Column("data_subjects", ARRAY(Text), nullable=False),
    Column("recipients", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("transfers", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("retention", Text, nullable=False, server_default=text("''")),
    Column("retention_basis", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("created_by", Uuid, ForeignKey("user_account.id", ondelete="SET NULL")),
    Column("updated_by", Uuid, ForeignKey("user_account.id", ondelete="SET NULL")),
    Index("uq_processing_activity_name", text("lower(name)"), unique=True),
    comment="The processing register (POPIA s17): what is processed, why, on which basis, shared with whom "
    "(compliance).",
)


def _facts(row: Row[Any]) -> ActivityFacts:
    return ActivityFacts(
        name=row.name,
        purpose=row.purpose,
        lawful_basis=LawfulBasis(row.lawful_basis),
        categories=tuple(row.categories),
        data_subjects=tuple(DataSubjectCategory(s) for s in row.data_subjects),
        recipients=tuple(recipient_from(r) for r in row.recipients),
        transfers=tuple(transfer_from(t) for t in row.transfers),
        retention=row.retention,
        retention_basis=RetentionBasis(row.retention_basis),
        status=ActivityStatus(row.status),
    )


def _activity(row: Row[Any]) -> ProcessingActivity:
    return ProcessingActivity(
        id=row.id,
        facts=_facts(row),
        created_at=row.created_at,
        updated_at=row.updated_at,
        created_by=row.created_by,
        updated_by=row.updated_by,
    )


def _values(facts: ActivityFacts) -> dict[str, Any]:
    return {
        "name": facts.name,
        "purpose": facts.purpose,
        "lawful_basis": facts.lawful_basis.value,
        "categories": list(facts.categories),
        "data_subjects": [s.value for s in facts.data_subjects],
        "recipients": [recipient_json(r) for r in facts.recipients],
        "transfers": [{k: v for k, v in transfer_json(t).items() if k != "section"} for t in facts.transfers],
        "retention": facts.retention,
        "retention_basis": facts.retention_basis.value,
        "status": facts.status.value,
    }


class SqlProcessingActivities:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, activity_id: uuid.UUID, facts: ActivityFacts, by: uuid.UUID) -> ProcessingActivity | None:
        # The only unique key besides the fresh id is the name: a conflict means it is taken.
        row = self._session.execute(
            pg_insert(processing_activity)
            .values(id=activity_id, created_by=by, updated_by=by, **_values(facts))
            .on_conflict_do_nothing()
            .returning(*processing_activity.c)
        ).one_or_none()
        return None if row is None else _activity(row)

    def get(self, activity_id: uuid.UUID, *, lock: bool = False) -> ProcessingActivity | None:
        query = select(processing_activity).where(processing_activity.c.id == activity_id)
        if lock:
            query = query.with_for_update()
        row = self._session.execute(query).one_or_none()
        return None if row is None else _activity(row)

    def replace(
        self, activity_id: uuid.UUID, facts: ActivityFacts, by: uuid.UUID
    ) -> ProcessingActivity | None:
        statement = (
            update(processing_activity)
            .where(processing_activity.c.id == activity_id)
            .values(updated_by=by, updated_at=func.now(), **_values(facts))
            .returning(*processing_activity.c)
        )
        try:
            with self._session.begin_nested():
                row = self._session.execute(statement).one()
        except IntegrityError:
            return None  # the unique name index: another activity has this name
        return _activity(row)

    def remove(self, activity_id: uuid.UUID) -> None:
        self._session.execute(delete(processing_activity).where(processing_activity.c.id == activity_id))

    def search(
        self, *, status: ActivityStatus | None, offset: int, limit: int
    ) -> tuple[list[ProcessingActivity], int]:
        where = [] if status is None else [processing_activity.c.status == status.value]
        total = self._session.execute(
            select(func.count()).select_from(processing_activity).where(*where)
        ).scalar_one()
        rows = self._session.execute(
            select(processing_activity)
            .where(*where)
            .order_by(func.lower(processing_activity.c.name), processing_activity.c.id)
            .offset(offset)
            .limit(limit)
        ).all()
        return [_activity(r) for r in rows], total

    def every(self) -> list[ProcessingActivity]:
        rows = self._session.execute(
            select(processing_activity).order_by(func.lower(processing_activity.c.name))
        ).all()
        return [_activity(r) for r in rows]


class SqlPrivacyRegisterUnitOfWork(SqlAlchemyUnitOfWork):
    activities: SqlProcessingActivities

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        super().__init__(session_factory)

    def __enter__(self) -> Self:
        super().__enter__()
        self.activities = SqlProcessingActivities(self.session)
        return self

"""SQL adapters of SLA tracking: policies, tracked cases and their append-only histories
(migration 0026). No personal data: case ids, categories, priorities and instants only."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Any, Self

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    SmallInteger,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    or_,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from elcorp.compliance.sla.domain.sla import (
    ONCE_ONLY,
    CaseEvent,
    CaseType,
    ClockKind,
    EventKind,
    SlaPolicy,
    SlaPolicyExists,
    TrackedCase,
)
from elcorp.shared.infrastructure.db import metadata
from elcorp.shared.infrastructure.unit_of_work import SqlAlchemyUnitOfWork

sla_policy = Table(
    "sla_policy",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("title", Text, nullable=False),
    Column("case_type", Text, nullable=False),
    Column("category", Text, nullable=False, server_default="*"),
    Column("priority", Text, nullable=False, server_default="*"),
    Column("clock", Text, nullable=False),
    Column("response_minutes", Integer, nullable=False),
    Column("resolution_minutes", Integer, nullable=False),
    Column("escalation_minutes", Integer, nullable=False),
    Column("at_risk_percent", SmallInteger, nullable=False, server_default=text("80")),
    Column("pause_on", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    Column("description", Text),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("case_type", "category", "priority", name="uq_sla_policy_case_type"),
    comment="SLA goals per (case type, category, priority); * matches any value.",
)

sla_case = Table(
    "sla_case",
    metadata,
    Column("case_type", Text, primary_key=True),
    Column("case_id", Uuid, primary_key=True),
    Column("category", Text, nullable=False),
    Column("priority", Text, nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_sla_case_closed_at", "closed_at"),
    Index("ix_sla_case_opened_at", "opened_at"),
    comment="A case tracked for its SLA; priority is the one it opened with.",
)

sla_case_event = Table(
    "sla_case_event",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("case_type", Text, nullable=False),
    Column("case_id", Uuid, nullable=False),
    Column("kind", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("data", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("source_event_id", Uuid),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_sla_case_event_case", "case_type", "case_id", "id"),
    Index(
        "uq_sla_case_event_once",
        "case_type",
        "case_id",
        "kind",
        unique=True,
        postgresql_where=text("kind IN ('escalated', 'response_breached', 'resolution_breached')"),
    ),
    UniqueConstraint("source_event_id", "kind", name="uq_sla_case_event_source"),
    ForeignKeyConstraint(
        ["case_type", "case_id"], ["sla_case.case_type", "sla_case.case_id"], name="fk_sla_case_event_case"
    ),
    comment="Append-only history of a tracked case; UPDATE and DELETE are refused by a trigger.",
)

ENDS = (EventKind.RESOLVED.value, EventKind.CLOSED.value)


def _policy(row: Any) -> SlaPolicy:
    return SlaPolicy(
        id=row.id,
        name=row.title,
        case_type=CaseType(row.case_type),
        category=row.category,
        priority=row.priority,
        clock=ClockKind(row.clock),
        response_minutes=row.response_minutes,
        resolution_minutes=row.resolution_minutes,
        escalation_minutes=row.escalation_minutes,
        at_risk_percent=row.at_risk_percent,
        pause_on=tuple(row.pause_on or ()),
        description=row.description,
        active=row.active,
    )


def _policy_values(policy: SlaPolicy) -> dict[str, Any]:
    return {
        "title": policy.name,
        "case_type": policy.case_type.value,
        "category": policy.category,
        "priority": policy.priority,
        "clock": policy.clock.value,
        "response_minutes": policy.response_minutes,
        "resolution_minutes": policy.resolution_minutes,
        "escalation_minutes": policy.escalation_minutes,
        "at_risk_percent": policy.at_risk_percent,
        "pause_on": list(policy.pause_on),
        "description": policy.description,
        "active": policy.active,
    }


class SqlSlaStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    # -- policies -------------------------------------------------------------------------
    def policies(self) -> list[SlaPolicy]:
        return [_policy(r) for r in self._session.execute(select(sla_policy).order_by(sla_policy.c.id))]

    def policy(self, policy_id: uuid.UUID) -> SlaPolicy | None:
        row = self._session.execute(select(sla_policy).where(sla_policy.c.id == policy_id)).first()
        return None if row is None else _policy(row)

    def _write(self, statement: Any) -> None:
        try:
            with self._session.begin_nested():
                self._session.execute(statement)
        except IntegrityError as error:
            if "uq_sla_policy_case_type" in str(error.orig):
                raise SlaPolicyExists() from None
            raise

    def add_policy(self, policy: SlaPolicy, at: datetime) -> None:
        self._write(
            insert(sla_policy).values(id=policy.id, created_at=at, updated_at=at, **_policy_values(policy))
        )

    def save_policy(self, policy: SlaPolicy, at: datetime) -> None:
        self._write(
            update(sla_policy)
            .where(sla_policy.c.id == policy.id)
            .values(updated_at=at, **_policy_values(policy))
        )

    # -- cases ----------------------------------------------------------------------------
    def open_case(
        self, case_type: CaseType, case_id: uuid.UUID, category: str, priority: str, at: datetime
    ) -> bool:
        created = self._session.execute(
            insert(sla_case)
            .values(
                case_type=case_type.value, case_id=case_id, category=category, priority=priority, opened_at=at
            )
            .on_conflict_do_nothing(index_elements=["case_type", "case_id"])
            .returning(sla_case.c.case_id)
        ).first()
        if created is None:
            return False
        self._session.execute(
            insert(sla_case_event).values(
                case_type=case_type.value, case_id=case_id, kind=EventKind.OPENED.value, at=at, data={}
            )
        )
        return True

    def append(
        self,
        case_type: CaseType,
        case_id: uuid.UUID,
        event: CaseEvent,
        *,
        source_event_id: uuid.UUID | None = None,
    ) -> bool:
        known = self._session.execute(
            select(sla_case.c.case_id).where(
                sla_case.c.case_type == case_type.value, sla_case.c.case_id == case_id
            )
        ).first()
        if known is None:
            return False
        statement = insert(sla_case_event).values(
            case_type=case_type.value,
            case_id=case_id,
            kind=event.kind.value,
            at=event.at,
            data=dict(event.data),
            source_event_id=source_event_id,
        )
        if event.kind in ONCE_ONLY:
            statement = statement.on_conflict_do_nothing(
                index_elements=["case_type", "case_id", "kind"],
                index_where=text("kind IN ('escalated', 'response_breached', 'resolution_breached')"),
            )
        elif source_event_id is not None:
            statement = statement.on_conflict_do_nothing(index_elements=["source_event_id", "kind"])
        written = self._session.execute(statement.returning(sla_case_event.c.id)).first()
        if written is None:
            return False
        if event.kind.value in ENDS:
            # The query aid: the first resolution or closure ends the case's activity.
            self._session.execute(
                update(sla_case)
                .where(
                    sla_case.c.case_type == case_type.value,
                    sla_case.c.case_id == case_id,
                    sla_case.c.closed_at.is_(None),
                )
                .values(closed_at=event.at)
            )
        return True

    def case(
        self, case_type: CaseType, case_id: uuid.UUID, *, for_update: bool = False
    ) -> TrackedCase | None:
        query = select(sla_case).where(sla_case.c.case_type == case_type.value, sla_case.c.case_id == case_id)
        if for_update:
            query = query.with_for_update()
        row = self._session.execute(query).first()
        if row is None:
            return None
        return self._with_histories([row])[0]

    def cases(
        self,
        case_type: CaseType | None = None,
        *,
        active_since: datetime | None = None,
        opened_before: datetime | None = None,
    ) -> list[TrackedCase]:
        query = select(sla_case).order_by(sla_case.c.opened_at.desc(), sla_case.c.case_id)
        if case_type is not None:
            query = query.where(sla_case.c.case_type == case_type.value)
        if active_since is not None:
            query = query.where(or_(sla_case.c.closed_at.is_(None), sla_case.c.closed_at >= active_since))
        if opened_before is not None:
            query = query.where(sla_case.c.opened_at < opened_before)
        return self._with_histories(list(self._session.execute(query)))

    def _with_histories(self, rows: list[Any]) -> list[TrackedCase]:
        if not rows:
            return []
        keys = [(r.case_type, r.case_id) for r in rows]
        events: dict[tuple[str, uuid.UUID], list[CaseEvent]] = defaultdict(list)
        found = self._session.execute(
            select(sla_case_event)
            .where(tuple_(sla_case_event.c.case_type, sla_case_event.c.case_id).in_(keys))
            .order_by(sla_case_event.c.id)
        )
        for e in found:
            events[(e.case_type, e.case_id)].append(CaseEvent(EventKind(e.kind), e.at, dict(e.data or {})))
        return [
            TrackedCase(
                case_type=CaseType(r.case_type),
                case_id=r.case_id,
                category=r.category,
                opened_priority=r.priority,
                opened_at=r.opened_at,
                events=tuple(events[(r.case_type, r.case_id)]),
            )
            for r in rows
        ]


class SqlSlaUnitOfWork(SqlAlchemyUnitOfWork):
    sla: SqlSlaStore

    def __enter__(self) -> Self:
        super().__enter__()
        self.sla = SqlSlaStore(self.session)
        return self


def sla_unit_of_work(session_factory: Callable[[], Session]) -> Callable[[], SqlSlaUnitOfWork]:
    return lambda: SqlSlaUnitOfWork(session_factory)

"""POPIA s22 breach-notification records in PostgreSQL: the `breach_notification` table
(migration 0025), its mapper and store."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Table,
    Text,
    Uuid,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from elcorp.compliance.incidents.domain.breach import BreachAlreadyRecorded, BreachNotification, Channel
from elcorp.shared.domain.personal_data import Classification, Disposal, PersonalData, RetentionBasis
from elcorp.shared.infrastructure.db import metadata
from elcorp.shared.infrastructure.personal_data import declare

breach_notification = Table(
    "breach_notification",
    metadata,
    Column("incident_id", Uuid, ForeignKey("incident.id", ondelete="RESTRICT"), primary_key=True),
    Column("discovered_at", DateTime(timezone=True), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", Text, nullable=False),
    Column("consequences", Text, nullable=False),
    Column("measures", Text, nullable=False),
    Column("recommendations", Text, nullable=False),
    Column("unauthorised_party", Text),
    Column("regulator_notified_at", DateTime(timezone=True)),
    Column("regulator_reference", Text),
    Column("subjects_notified_at", DateTime(timezone=True)),
    Column("channel", Text),
    Column("last_escalated_at", DateTime(timezone=True)),
    Column("escalations", Integer, nullable=False, server_default="0"),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint(
        "channel IS NULL OR channel IN "
        "('post', 'email', 'website', 'news_media', 'as_directed_by_regulator')",
        name="channel",
    ),
    CheckConstraint("(regulator_notified_at IS NULL) = (regulator_reference IS NULL)", name="regulator"),
    CheckConstraint("(subjects_notified_at IS NULL) = (channel IS NULL)", name="subjects"),
    CheckConstraint(
        "coalesce(regulator_notified_at, discovered_at) >= discovered_at "
        "AND coalesce(subjects_notified_at, discovered_at) >= discovered_at",
        name="after_discovery",
    ),
    Index("ix_breach_notification_discovered_at", "discovered_at"),
    comment="POPIA s22 records of incidents that compromised personal information.",
)
# s22(5)(d): who the unauthorised person is, when known - possibly a natural person.
declare(
    "compliance",
    breach_notification,
    "unauthorised_party",
    PersonalData(
        "incident.breach.unauthorised_party",
        "Notifying a security compromise to the Information Regulator and the data subjects (POPIA s22)",
        Classification.CONFIDENTIAL,
        RetentionBasis.AUDIT,
        Disposal.PSEUDONYMISE,
    ),
)

_FIELDS = (
    "incident_id",
    "discovered_at",
    "recorded_at",
    "recorded_by",
    "consequences",
    "measures",
    "recommendations",
    "unauthorised_party",
    "regulator_notified_at",
    "regulator_reference",
    "subjects_notified_at",
    "last_escalated_at",
    "escalations",
)


def to_breach(row: Any) -> BreachNotification:
    values = {name: getattr(row, name) for name in _FIELDS}
    return BreachNotification(**values, channel=None if row.channel is None else Channel(row.channel))


def to_row(breach: BreachNotification) -> dict[str, Any]:
    values = {name: getattr(breach, name) for name in _FIELDS}
    values["channel"] = None if breach.channel is None else breach.channel.value
    return values


class SqlBreachStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, breach: BreachNotification) -> None:
        done = self._session.execute(
            pg_insert(breach_notification)
            .values(**to_row(breach))
            .on_conflict_do_nothing(index_elements=["incident_id"])
            .returning(breach_notification.c.incident_id)
        ).first()
        if done is None:
            raise BreachAlreadyRecorded()

    def save(self, breach: BreachNotification) -> None:
        values = to_row(breach)
        values.pop("incident_id")
        self._session.execute(
            update(breach_notification)
            .where(breach_notification.c.incident_id == breach.incident_id)
            .values(**values, updated_at=func.now())
        )

    def get(self, incident_id: uuid.UUID, *, for_update: bool = False) -> BreachNotification | None:
        query = select(breach_notification).where(breach_notification.c.incident_id == incident_id)
        if for_update:
            query = query.with_for_update()
        row = self._session.execute(query).one_or_none()
        return None if row is None else to_breach(row)

    def of_incidents(self, incident_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, BreachNotification]:
        if not incident_ids:
            return {}
        rows = self._session.execute(
            select(breach_notification).where(breach_notification.c.incident_id.in_(list(incident_ids)))
        ).all()
        return {r.incident_id: to_breach(r) for r in rows}

    def due_for_escalation(self, not_since: datetime) -> list[BreachNotification]:
        c = breach_notification.c
        rows = self._session.execute(
            select(breach_notification)
            .where(
                or_(c.regulator_notified_at.is_(None), c.subjects_notified_at.is_(None)),
                or_(c.last_escalated_at.is_(None), c.last_escalated_at < not_since),
            )
            .order_by(c.discovered_at, c.incident_id)
            .with_for_update(skip_locked=True)
        ).all()
        return [to_breach(r) for r in rows]

    def discovered_between(self, start: datetime, end: datetime) -> list[BreachNotification]:
        c = breach_notification.c
        rows = self._session.execute(
            select(breach_notification)
            .where(c.discovered_at >= start, c.discovered_at < end)
            .order_by(c.discovered_at, c.incident_id)
        ).all()
        return [to_breach(r) for r in rows]

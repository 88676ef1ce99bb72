"""Incidents in PostgreSQL: `incident`, its append-only `incident_timeline` and the
`incident_lockout_signal` counter of account lockouts per IP (migration 0025); mappers,
stores and the unit of work of the incident and breach-notification use cases."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any, Self

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    SmallInteger,
    Table,
    Text,
    Uuid,
    delete,
    exists,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from elcorp.compliance.incidents.application.incidents import AlarmIncidentExists, IncidentQuery
from elcorp.compliance.incidents.domain.incidents import (
    ACTIVE,
    Incident,
    IncidentStatus,
    IncidentType,
    Severity,
    Source,
    TimelineEntry,
)
from elcorp.compliance.incidents.infrastructure.breach import SqlBreachStore
from elcorp.shared.domain.personal_data import Classification, Disposal, PersonalData, RetentionBasis
from elcorp.shared.infrastructure.db import metadata
from elcorp.shared.infrastructure.personal_data import declare
from elcorp.shared.infrastructure.unit_of_work import SqlAlchemyUnitOfWork

_ACTIVE_SQL = "status IN ('open', 'acknowledged', 'investigating')"

incident = Table(
    "incident",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("type", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("impact", SmallInteger, nullable=False),
    Column("urgency", SmallInteger, nullable=False),
    Column("priority", Text, nullable=False),
    Column("severity", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("reported_by", Text, nullable=False),
    Column("owner_id", Uuid, ForeignKey("user_account.id", ondelete="SET NULL")),
    Column("affected_systems", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("data_categories", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("affected_subjects", Integer),
    Column("root_cause", Text),
    Column("remediation", Text),
    Column("post_incident_actions", Text),
    Column("resolution_note", Text),
    Column("alarm_key", Text),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("acknowledged_at", DateTime(timezone=True)),
    Column("investigating_at", DateTime(timezone=True)),
    Column("resolved_at", DateTime(timezone=True)),
    Column("closed_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("type IN ('security', 'privacy', 'availability', 'aml', 'operational')", name="type"),
    CheckConstraint(
        "status IN ('open', 'acknowledged', 'investigating', 'resolved', 'closed')", name="status"
    ),
    CheckConstraint("severity IN ('low', 'medium', 'high', 'critical')", name="severity"),
    CheckConstraint("source IN ('manual', 'automatic')", name="source"),
    CheckConstraint("priority IN ('P1', 'P2', 'P3', 'P4', 'P5')", name="priority"),
    CheckConstraint("impact BETWEEN 1 AND 5 AND urgency BETWEEN 1 AND 5", name="impact_urgency"),
    CheckConstraint("affected_subjects IS NULL OR affected_subjects >= 0", name="affected_subjects"),
    CheckConstraint("status NOT IN ('resolved', 'closed') OR resolved_at IS NOT NULL", name="resolved"),
    Index("ix_incident_queue", "status", "priority", "opened_at"),
    Index("ix_incident_opened_at", "opened_at"),
    # One active automatic incident per alarm key: repeats become timeline notes.
    Index(
        "uq_incident_active_alarm",
        "alarm_key",
        unique=True,
        postgresql_where=text(f"alarm_key IS NOT NULL AND {_ACTIVE_SQL}"),
    ),
    comment="Incidents (ITIL lifecycle, impact x urgency priority), opened by staff or from alarms.",
)
_INCIDENT_HANDLING = "Handling security and operational incidents (POPIA s19, s22)"
# Free text written by staff or built from an alarm (it may name a user id or an IP address).
_INCIDENT_CONTENT = PersonalData(
    "incident.content",
    _INCIDENT_HANDLING,
    Classification.CONFIDENTIAL,
    RetentionBasis.AUDIT,
    Disposal.PSEUDONYMISE,
)
declare("compliance", incident, "description", _INCIDENT_CONTENT)
declare("compliance", incident, "resolution_note", _INCIDENT_CONTENT)
declare("compliance", incident, "alarm_key", _INCIDENT_CONTENT)  # e.g. `lockouts:<ip>`

incident_timeline = Table(
    "incident_timeline",
    metadata,
    Column("seq", BigInteger, Identity(), primary_key=True, autoincrement=True),
    Column("incident_id", Uuid, ForeignKey("incident.id", ondelete="RESTRICT"), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", Text, nullable=False),  # a user id, or `system`
    Column("kind", Text, nullable=False),
    Column("note", Text),
    Column("data", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("event_id", Uuid, unique=True),  # the alarm event recorded here (redelivery guard)
    Index("ix_incident_timeline_incident", "incident_id", "seq"),
    comment="Append-only timeline of each incident: who did what, when (UPDATE/DELETE refused).",
)
declare("compliance", incident_timeline, "note", _INCIDENT_CONTENT)
declare("compliance", incident_timeline, "data", _INCIDENT_CONTENT)  # an alarm's facts (user id, IP)

incident_lockout_signal = Table(
    "incident_lockout_signal",
    metadata,
    Column("event_id", Uuid, primary_key=True),
    Column("ip", Text, nullable=False),
    Column("user_id", Uuid),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Index("ix_incident_lockout_signal_ip", "ip", "occurred_at"),
    comment="Account lockouts per client IP within the detection window (older rows are deleted).",
)
declare(
    "compliance",
    incident_lockout_signal,
    "ip",
    PersonalData(
        "security.lockout.ip_address",
        "Detecting repeated account lockouts from one address (protecting the accounts, POPIA s19)",
        Classification.CONFIDENTIAL,
        RetentionBasis.SECURITY,
        Disposal.DELETE,
    ),
)

_FIELDS = (
    "id",
    "title",
    "description",
    "impact",
    "urgency",
    "priority",
    "reported_by",
    "owner_id",
    "affected_subjects",
    "root_cause",
    "remediation",
    "post_incident_actions",
    "resolution_note",
    "alarm_key",
    "opened_at",
    "acknowledged_at",
    "investigating_at",
    "resolved_at",
    "closed_at",
)


def to_incident(row: Any, timeline: list[TimelineEntry]) -> Incident:
    values = {name: getattr(row, name) for name in _FIELDS}
    return Incident(
        **values,
        type=IncidentType(row.type),
        severity=Severity(row.severity),
        status=IncidentStatus(row.status),
        source=Source(row.source),
        affected_systems=list(row.affected_systems or []),
        data_categories=list(row.data_categories or []),
        timeline=timeline,
    )


def to_row(item: Incident) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(item, name) for name in _FIELDS}
    values.update(
        type=item.type.value,
        severity=item.severity.value,
        status=item.status.value,
        source=item.source.value,
        affected_systems=list(item.affected_systems),
        data_categories=list(item.data_categories),
    )
    return values


def _entry(row: Any) -> TimelineEntry:
    return TimelineEntry(row.at, row.actor, row.kind, row.note, dict(row.data or {}))


class SqlIncidentStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, item: Incident) -> None:
        try:
            with self._session.begin_nested():
                self._session.execute(insert(incident).values(**to_row(item)))
                self._append(item)
        except IntegrityError as exc:
            if "uq_incident_active_alarm" in str(exc.orig):
                raise AlarmIncidentExists(item.alarm_key) from None
            raise

    def save(self, item: Incident) -> None:
        values = to_row(item)
        values.pop("id")
        self._session.execute(
            update(incident).where(incident.c.id == item.id).values(**values, updated_at=func.now())
        )
        self._append(item)

    def _append(self, item: Incident) -> None:
        if not item.new_entries:
            return
        self._session.execute(
            insert(incident_timeline),
            [
                {
                    "incident_id": item.id,
                    "at": e.at,
                    "actor": e.actor,
                    "kind": e.kind,
                    "note": e.note,
                    "data": e.data,
                    "event_id": _event_id(e.data),
                }
                for e in item.new_entries
            ],
        )
        item.new_entries.clear()

    def _timelines(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[TimelineEntry]]:
        found: dict[uuid.UUID, list[TimelineEntry]] = {i: [] for i in ids}
        if not ids:
            return found
        rows = self._session.execute(
            select(incident_timeline)
            .where(incident_timeline.c.incident_id.in_(ids))
            .order_by(incident_timeline.c.incident_id, incident_timeline.c.seq)
        ).all()
        for row in rows:
            found[row.incident_id].append(_entry(row))
        return found

    def _many(self, rows: list[Any]) -> list[Incident]:
        timelines = self._timelines([r.id for r in rows])
        return [to_incident(r, timelines[r.id]) for r in rows]

    def get(self, incident_id: uuid.UUID, *, for_update: bool = False) -> Incident | None:
        query = select(incident).where(incident.c.id == incident_id)
        if for_update:
            query = query.with_for_update()
        row = self._session.execute(query).one_or_none()
        return None if row is None else self._many([row])[0]

    def active_for_alarm(self, alarm_key: str, *, for_update: bool = False) -> Incident | None:
        query = select(incident).where(
            incident.c.alarm_key == alarm_key, incident.c.status.in_([s.value for s in ACTIVE])
        )
        if for_update:
            query = query.with_for_update()
        row = self._session.execute(query).one_or_none()
        return None if row is None else self._many([row])[0]

    def has_seen_event(self, event_id: uuid.UUID) -> bool:
        return bool(
            self._session.execute(select(exists().where(incident_timeline.c.event_id == event_id))).scalar()
        )

    def search(self, query: IncidentQuery) -> tuple[list[Incident], int]:
        conditions: list[Any] = []
        if query.status is not None:
            conditions.append(incident.c.status == query.status.value)
        if query.type is not None:
            conditions.append(incident.c.type == query.type.value)
        if query.priority is not None:
            conditions.append(incident.c.priority == query.priority)
        if query.source is not None:
            conditions.append(incident.c.source == query.source.value)
        total = self._session.execute(
            select(func.count()).select_from(incident).where(*conditions)
        ).scalar_one()
        rows = self._session.execute(
            select(incident)
            .where(*conditions)
            .order_by(incident.c.opened_at.desc(), incident.c.id)
            .offset(query.page.offset)
            .limit(query.page.per_page)
        ).all()
        return self._many(list(rows)), int(total)

    def opened_between(self, start: datetime, end: datetime) -> list[Incident]:
        rows = self._session.execute(
            select(incident)
            .where(incident.c.opened_at >= start, incident.c.opened_at < end)
            .order_by(incident.c.opened_at, incident.c.id)
        ).all()
        return [to_incident(r, []) for r in rows]


def _event_id(data: dict[str, Any]) -> uuid.UUID | None:
    raw = data.get("event_id") or (data.get("facts") or {}).get("event_id")
    return None if raw is None else uuid.UUID(str(raw))


class SqlLockoutSignals:
    def __init__(self, session: Session) -> None:
        self._session = session

    def record(
        self, event_id: uuid.UUID, ip: str, user_id: uuid.UUID | None, at: datetime, window_seconds: int
    ) -> int:
        since = at - timedelta(seconds=window_seconds)
        self._session.execute(
            delete(incident_lockout_signal).where(incident_lockout_signal.c.occurred_at < since)
        )
        self._session.execute(
            pg_insert(incident_lockout_signal)
            .values(event_id=event_id, ip=ip, user_id=user_id, occurred_at=at)
            .on_conflict_do_nothing(index_elements=["event_id"])
        )
        count = self._session.execute(
            select(func.count())
            .select_from(incident_lockout_signal)
            .where(incident_lockout_signal.c.ip == ip, incident_lockout_signal.c.occurred_at >= since)
        ).scalar_one()
        return int(count)


class SqlIncidentsUnitOfWork(SqlAlchemyUnitOfWork):
    incidents: SqlIncidentStore
    breaches: SqlBreachStore
    lockouts: SqlLockoutSignals

    def __enter__(self) -> Self:
        super().__enter__()
        self.incidents = SqlIncidentStore(self.session)
        self.breaches = SqlBreachStore(self.session)
        self.lockouts = SqlLockoutSignals(self.session)
        return self

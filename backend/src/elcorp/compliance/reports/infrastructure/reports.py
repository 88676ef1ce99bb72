"""Regulatory reports in PostgreSQL: the `regulatory_report` records (migration
0027_risks_reports), their store and unit of work, and the figures the privacy-request and
audit report sources read (read-only queries on compliance's own tables)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Self

from sqlalchemy import (
    CHAR,
    Column,
    DateTime,
    Index,
    Integer,
    Row,
    Table,
    Text,
    Uuid,
    case,
    cast,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from elcorp.compliance.audit.infrastructure.tables import audit_chain
from elcorp.compliance.privacy.infrastructure.privacy_requests import privacy_request
from elcorp.compliance.reports.application.reports_sources import AuditMonth, PrivacyRequestFacts
from elcorp.compliance.reports.domain.reports import RegulatoryReport, ReportFormat, ReportPeriod
from elcorp.shared.domain.personal_data import Classification, Disposal, PersonalData, RetentionBasis
from elcorp.shared.infrastructure.db import metadata
from elcorp.shared.infrastructure.personal_data import declare
from elcorp.shared.infrastructure.tables import audit_log
from elcorp.shared.infrastructure.unit_of_work import SqlAlchemyUnitOfWork

regulatory_report = Table(
    "regulatory_report",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("report_type", Text, nullable=False),
    Column("period", CHAR(7), nullable=False),  # YYYY-MM, a month in Africa/Windhoek
    Column("format", Text, nullable=False),
    Column("sha256", CHAR(64), nullable=False),
    Column("size_bytes", Integer, nullable=False),
    Column("row_count", Integer, nullable=False),
    Column("generated_by", Text, nullable=False),  # a user id, or "system"
    Column("generated_at", DateTime(timezone=True), nullable=False),
    Index("ix_regulatory_report_period", "report_type", "period", "format"),
    Index("ix_regulatory_report_generated_at", "generated_at", "id"),
    comment="Every generated regulatory report: type, month, format and the SHA-256 of the file.",
)
# Who generated a report (a user id): part of the accountability trail, like an audit actor.
declare(
    "compliance",
    regulatory_report,
    "generated_by",
    PersonalData(
        category="audit.trail.actor",
        purpose="accountability: who did what (POPIA s8, s19; FIA 2012)",
        classification=Classification.INTERNAL,
        retention=RetentionBasis.AUDIT,
        disposal=Disposal.PSEUDONYMISE,
    ),
)


def _record(row: Row[Any]) -> RegulatoryReport:
    year, month = row.period.split("-")
    return RegulatoryReport(
        id=row.id,
        report_type=row.report_type,
        period=ReportPeriod(int(year), int(month)),
        format=ReportFormat(row.format),
        sha256=row.sha256,
        size_bytes=row.size_bytes,
        row_count=row.row_count,
        generated_by=row.generated_by,
        generated_at=row.generated_at,
    )


class SqlReportRecords:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, report: RegulatoryReport) -> None:
        self._session.execute(
            insert(regulatory_report).values(
                id=report.id,
                report_type=report.report_type,
                period=str(report.period),
                format=report.format.value,
                sha256=report.sha256,
                size_bytes=report.size_bytes,
                row_count=report.row_count,
                generated_by=report.generated_by,
                generated_at=report.generated_at,
            )
        )

    def list(
        self, *, report_type: str | None, period: ReportPeriod | None, offset: int, limit: int
    ) -> tuple[list[RegulatoryReport], int]:
        conditions = []
        if report_type is not None:
            conditions.append(regulatory_report.c.report_type == report_type)
        if period is not None:
            conditions.append(regulatory_report.c.period == str(period))
        rows = self._session.execute(
            select(regulatory_report)
            .where(*conditions)
            .order_by(regulatory_report.c.generated_at.desc(), regulatory_report.c.id.desc())
            .offset(offset)
            .limit(limit)
        ).all()
        total = self._session.execute(
            select(func.count()).select_from(regulatory_report).where(*conditions)
        ).scalar_one()
        return [_record(r) for r in rows], total

    def exists(self, report_type: str, period: ReportPeriod, fmt: ReportFormat, generated_by: str) -> bool:
        return bool(
            self._session.execute(
                select(
                    exists().where(
                        regulatory_report.c.report_type == report_type,
                        regulatory_report.c.period == str(period),
                        regulatory_report.c.format == fmt.value,
                        regulatory_report.c.generated_by == generated_by,
                    )
                )
            ).scalar()
        )


class SqlReportsUnitOfWork(SqlAlchemyUnitOfWork):
    reports: SqlReportRecords

    def __enter__(self) -> Self:
        super().__enter__()
        self.reports = SqlReportRecords(self.session)
        return self


class SqlPrivacyRequestFigures:
    """Implements reports_sources.PrivacyRequestFigures."""

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._sessions = session_factory

    def overlapping(self, start: datetime, end: datetime) -> list[PrivacyRequestFacts]:
        r = privacy_request.c
        query = (
            select(r.type, r.status, r.received_at, r.due_at, r.closed_at)
            .where(r.received_at < end, or_(r.closed_at.is_(None), r.closed_at >= start))
            .order_by(r.received_at, r.id)
        )
        with self._sessions() as session:
            rows = session.execute(query).all()
        return [PrivacyRequestFacts(x.type, x.status, x.received_at, x.due_at, x.closed_at) for x in rows]


# The actor's type: the system, or the highest role the actor held when acting.
_ROLES = cast(audit_log.c.entry, JSONB)["actor_roles"]
ACTOR_TYPE = case(
    (audit_log.c.actor_id == "system", literal("system")),
    (_ROLES.has_key("admin"), literal("admin")),
    (_ROLES.has_key("staff"), literal("staff")),
    else_=literal("user"),
)


class SqlAuditFigures:
    """Implements reports_sources.AuditFigures."""

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._sessions = session_factory

    def month(self, start: datetime, end: datetime) -> AuditMonth:
        in_month = (audit_log.c.occurred_at >= start, audit_log.c.occurred_at < end)
        category = func.split_part(audit_log.c.action, ".", 1).label("category")
        actor_type = ACTOR_TYPE.label("actor_type")
        with self._sessions() as session:
            grouped = session.execute(
                select(category, actor_type, func.count().label("n"))
                .where(*in_month)
                .group_by(category, actor_type)
            ).all()
            chain = session.execute(
                select(
                    func.count(audit_chain.c.seq).label("chained"),
                    func.min(audit_chain.c.seq).label("first"),
                    func.max(audit_chain.c.seq).label("last"),
                )
                .select_from(audit_log)
                .join(audit_chain, audit_chain.c.entry_id == audit_log.c.id)
                .where(*in_month)
            ).one()
        counts = {(g.category, g.actor_type): int(g.n) for g in grouped}
        return AuditMonth(
            counts=counts,
            entries=sum(counts.values()),
            chained=int(chain.chained),
            first_seq=None if chain.first is None else int(chain.first),
            last_seq=None if chain.last is None else int(chain.last),
        )

"""Regulatory reports: generate a month's report as CSV or PDF, digest it, keep its record,
audit it; list the records; pre-generate last month's reports (the monthly job).

Each report type's content comes from its `ReportSource` (report_ports); the service owns
what every report shares: the period rule (a month in Africa/Windhoek that has ended), the
two renderings, the SHA-256 and the `regulatory_report` record with its `report.generated`
audit entry, written in one transaction.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from elcorp.compliance.reports.application.report_ports import REPORT_TYPES, ReportSource, ReportTable
from elcorp.compliance.reports.domain.reports import (
    RegulatoryReport,
    ReportFormat,
    ReportPeriod,
    ReportSourceUnavailable,
    UnknownReportType,
    render_csv,
)
from elcorp.governance.application.api import AccessControl
from elcorp.shared.application.audit import SYSTEM_ACTOR, Actor, Changes, Resource
from elcorp.shared.application.pagination import Page, PageRequest
from elcorp.shared.application.unit_of_work import UnitOfWork
from elcorp.shared.domain.clock import Clock, SystemClock
from elcorp.shared.domain.errors import AccessDenied

GENERATE = "report:generate"
logger = logging.getLogger("elcorp.compliance.reports")


class ReportDocuments(Protocol):
    def pdf(self, table: ReportTable, *, report_type: str, period: ReportPeriod) -> bytes:
        """The table as a PDF whose bytes depend on the table and the period only."""
        ...


class ReportRecords(Protocol):
    def add(self, report: RegulatoryReport) -> None: ...

    def list(
        self, *, report_type: str | None, period: ReportPeriod | None, offset: int, limit: int
    ) -> tuple[list[RegulatoryReport], int]:
        """Newest first, and the total."""
        ...

    def exists(
        self, report_type: str, period: ReportPeriod, fmt: ReportFormat, generated_by: str
    ) -> bool: ...


class ReportsUnitOfWork(UnitOfWork, Protocol):
    @property
    def reports(self) -> ReportRecords: ...


@dataclass(frozen=True, slots=True)
class GeneratedReport:
    record: RegulatoryReport
    content: bytes

    @property
    def filename(self) -> str:
        return f"{self.record.report_type}-{self.record.period}.{self.record.format.value}"


class RegulatoryReports:
    def __init__(
        self,
        uow: Callable[[], ReportsUnitOfWork],
        access: AccessControl,
        sources: Sequence[ReportSource],
        documents: ReportDocuments,
        *,
        clock: Clock | None = None,
    ) -> None:
        self._uow = uow
        self._access = access
        self._sources = {source.report_type: source for source in sources}
        self._documents = documents
        self._clock = clock or SystemClock()

    @property
    def available_types(self) -> tuple[str, ...]:
        """The report types with a source, in REPORT_TYPES order."""
        return tuple(t for t in REPORT_TYPES if t in self._sources)

    def now(self) -> datetime:
        return self._clock.now()

    def generate(
        self, caller: uuid.UUID | None, report_type: str, period: str, fmt: ReportFormat
    ) -> GeneratedReport:
        """The report of `report_type` for the month `period` (caller None = the system)."""
        actor = self._actor(caller)
        _require_known(report_type)
        month = ReportPeriod.parse(period)
        month.require_ended(self._clock.now())
        table = self._source_of(report_type).table(month.start, month.end)
        if fmt is ReportFormat.CSV:
            content = render_csv(table.columns, table.rows)
        else:
            content = self._documents.pdf(table, report_type=report_type, period=month)
        record = RegulatoryReport(
            id=uuid.uuid4(),
            report_type=report_type,
            period=month,
            format=fmt,
            sha256=hashlib.sha256(content).hexdigest(),
            size_bytes=len(content),
            row_count=len(table.rows),
            generated_by=actor.id,
            generated_at=self._clock.now(),
        )
        self._keep(record, actor)
        return GeneratedReport(record, content)

    def _source_of(self, report_type: str) -> ReportSource:
        source = self._sources.get(report_type)
        if source is None:
            raise ReportSourceUnavailable(
                f"The {report_type} report has no data source on this deployment yet",
                details={"available": list(self.available_types)},
            )
        return source

    def _keep(self, record: RegulatoryReport, actor: Actor) -> None:
        """The report's record (its digest, never its content) and its audit entry."""
        with self._uow() as uow:
            uow.reports.add(record)
            uow.audit.record(
                "report.generated",
                actor,
                Resource("regulatory_report", str(record.id)),
                Changes(
                    after={
                        "type": record.report_type,
                        "period": str(record.period),
                        "format": record.format.value,
                        "sha256": record.sha256,
                        "size_bytes": record.size_bytes,
                        "rows": record.row_count,
                    }
                ),
            )
            uow.commit()

    def stored(
        self,
        caller: uuid.UUID,
        page: PageRequest,
        *,
        report_type: str | None = None,
        period: str | None = None,
    ) -> Page[RegulatoryReport]:
        """The records of generated reports, newest first."""
        self._actor(caller)
        if report_type is not None:
            _require_known(report_type)
        month = None if period is None else ReportPeriod.parse(period)
        with self._uow() as uow:
            found, total = uow.reports.list(
                report_type=report_type, period=month, offset=page.offset, limit=page.per_page
            )
        return Page(found, page.page, page.per_page, total)

    def generate_monthly(self) -> list[RegulatoryReport]:
        """Last month's report of every type with a source, in both formats, as the system
        (the monthly job). A report the system already generated is not generated again. A
        source that fails is logged, the others still run, and then its error is raised, so
        the job fails visibly (and a transient error is retried: what was done is skipped)."""
        month = ReportPeriod.containing(self._clock.now()).previous()
        done: list[RegulatoryReport] = []
        failure: Exception | None = None
        for report_type in self.available_types:
            for fmt in ReportFormat:
                with self._uow() as uow:
                    if uow.reports.exists(report_type, month, fmt, SYSTEM_ACTOR):
                        continue
                try:
                    done.append(self.generate(None, report_type, str(month), fmt).record)
                except Exception as exc:  # raised again once the others ran
                    logger.exception("report.generation_failed type=%s period=%s", report_type, month)
                    failure = failure or exc
        if failure is not None:
            raise failure
        return done

    def _actor(self, caller: uuid.UUID | None) -> Actor:
        if caller is None:
            return Actor(SYSTEM_ACTOR)
        grants = self._access.grants_for(caller)
        if not grants.allows(GENERATE):
            raise AccessDenied(f"{GENERATE} required")
        return Actor(str(caller), tuple(sorted(grants.roles)))


def _require_known(report_type: str) -> None:
    if report_type not in REPORT_TYPES:
        raise UnknownReportType(
            f"There is no report {report_type!r}; the types are {', '.join(REPORT_TYPES)}"
        )

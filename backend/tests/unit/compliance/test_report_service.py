"""The report service with fakes: the order of its checks, the record and audit entry of
each generation, and the monthly job (once per report, a failing source does not stop it)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime

import pytest

from elcorp.compliance.reports.application.report_ports import ReportTable
from elcorp.compliance.reports.application.reports import RegulatoryReports
from elcorp.compliance.reports.domain.reports import (
    ReportFormat,
    ReportPeriodNotOver,
    ReportSourceUnavailable,
    UnknownReportType,
)
from elcorp.shared.domain.errors import AccessDenied

NOW = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
ADMIN, NOBODY = uuid.uuid4(), uuid.uuid4()


class Clock:
    def now(self):
        return NOW


class Grants:
    def __init__(self, allowed):
        self.roles = {"admin"} if allowed else {"user"}
        self._allowed = allowed

    def allows(self, permission):
        return self._allowed and permission == "report:generate"


class Access:
    def grants_for(self, user_id):
        return Grants(user_id == ADMIN)


class Audit:
    def __init__(self):
        self.entries = []

    def record(self, action, actor, resource, changes=None, reason=None):
        self.entries.append((action, actor, resource, changes))


class Records:
    def __init__(self):
        self.rows = []

    def add(self, report):
        self.rows.append(report)

    def list(self, *, report_type, period, offset, limit):
        found = [r for r in self.rows if report_type in (None, r.report_type)]
        return found[offset : offset + limit], len(found)

    def exists(self, report_type, period, fmt, generated_by):
        return any(
            (r.report_type, r.period, r.format, r.generated_by) == (report_type, period, fmt, generated_by)
            for r in self.rows
        )


class UnitOfWork:
    def __init__(self, store):
        self.reports, self.audit, self.committed = store.records, store.audit, False
        self._store = store

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def publish(self, event):
        pass

    def commit(self):
        self._store.commits += 1

    def rollback(self):
        pass


class Store:
    def __init__(self):
        self.records, self.audit, self.commits = Records(), Audit(), 0


class Source:
    def __init__(self, report_type, *, fails=False):
        self.report_type, self.fails = report_type, fails

    def table(self, start, end):
        if self.fails:
            raise RuntimeError("source down")
        return ReportTable("T", ("a",), (("1",), ("2",)))


class Documents:
    def pdf(self, table, *, report_type, period):
        return f"%PDF {report_type} {period}".encode()


@pytest.fixture
def store():
    return Store()


def service(store, *sources):
    return RegulatoryReports(
        lambda: UnitOfWork(store),
        Access(),
        list(sources) or [Source("transactions")],
        Documents(),
        clock=Clock(),
    )


def test_a_generation_is_recorded_and_audited_with_its_digest(store):
    report = service(store).generate(ADMIN, "transactions", "2026-11", ReportFormat.CSV)
    assert report.content == b"a\n1\n2\n"
    assert report.record.sha256 == hashlib.sha256(report.content).hexdigest()
    assert report.record.row_count == 2
    assert report.filename == "transactions-2026-11.csv"
    assert store.records.rows == [report.record]
    ((action, actor, resource, changes),) = store.audit.entries
    assert (action, actor.id, resource.id) == ("report.generated", str(ADMIN), str(report.record.id))
    assert changes.after["sha256"] == report.record.sha256
    assert store.commits == 1


def test_permission_is_checked_before_anything_else(store):
    with pytest.raises(AccessDenied):
        service(store).generate(NOBODY, "payroll", "bad", ReportFormat.CSV)


def test_unknown_type_then_period_then_source(store):
    with pytest.raises(UnknownReportType):
        service(store).generate(ADMIN, "payroll", "2026-12", ReportFormat.CSV)
    with pytest.raises(ReportPeriodNotOver):
        service(store).generate(ADMIN, "sla", "2026-12", ReportFormat.CSV)
    with pytest.raises(ReportSourceUnavailable):
        service(store).generate(ADMIN, "sla", "2026-11", ReportFormat.CSV)
    assert store.records.rows == [] and store.audit.entries == []


def test_the_monthly_job_generates_last_month_once_and_a_failing_source_fails_it_after_the_others(store):
    reports = service(store, Source("transactions"), Source("audit", fails=True), Source("privacy-requests"))
    with pytest.raises(RuntimeError, match="source down"):
        reports.generate_monthly()
    done = store.records.rows
    assert sorted((r.report_type, r.format.value) for r in done) == [
        ("privacy-requests", "csv"),
        ("privacy-requests", "pdf"),
        ("transactions", "csv"),
        ("transactions", "pdf"),
    ]
    assert {str(r.period) for r in done} == {"2026-11"}
    assert {r.generated_by for r in done} == {"system"}
    with pytest.raises(RuntimeError):  # a retry generates nothing twice
        reports.generate_monthly()
    assert len(store.records.rows) == 4

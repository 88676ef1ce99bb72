"""Regulatory reports: GET /reports/{type}?period=YYYY-MM&format=csv|pdf and GET /reports.

The reports of a month are generated with a clock set after that month (only an ended
month is reported). Ledger and privacy-request data are created now, so their month is the
current one; the audit report reads a past month whose entries are written directly (the
report's own `report.generated` entries land in the current month, outside it).
"""

from __future__ import annotations

import base64
import csv
import dataclasses
import hashlib
import io
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from elcorp.compliance.reports.domain.reports import ReportFormat, ReportPeriod
from elcorp.compliance.wiring import build_reports, report_sources
from elcorp.main import create_app
from elcorp.shared.domain.clock import utc_now
from support.audit import audit_entries, insert_entry
from support.containers import replacing, serve
from support.identity import grant_roles, signed_in, staff_with_mfa
from support.payments import fund, wallet_of
from support.privacy_requests import filed

REPORTS = "/api/v1/reports"
OWNED = ("transactions", "large-transactions", "privacy-requests", "audit")
THIS_MONTH = ReportPeriod.containing(utc_now())
AUDIT_MONTH = THIS_MONTH.previous().previous().previous()


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.moment = now

    def now(self) -> datetime:
        return self.moment


def own_sources(container):
    """The sources this module tests (the ledger's, the requests', the audit trail's)."""
    return [s for s in report_sources(container.compliance_module) if s.report_type in OWNED]


def period_for(report_type: str) -> ReportPeriod:
    return AUDIT_MONTH if report_type == "audit" else THIS_MONTH


@pytest.fixture
def clock(client, container):
    """The report service of the client's app, its clock a day after the current month."""
    fixed = FixedClock(THIS_MONTH.end + timedelta(days=1))
    serve(client, replacing(container, reports=build_reports(container.compliance_module, clock=fixed)))
    return fixed


@pytest.fixture
def admin(client, container):
    return staff_with_mfa(client, container, "admin")


@pytest.fixture
def teller(client, container):
    user = signed_in(client)
    grant_roles(container, user, "staff")
    return user


@pytest.fixture
def customer(client, container, teller):
    user = signed_in(client)
    user.wallet = wallet_of(client, container, user)
    fund(container, teller, user.wallet["id"], "1000.00")
    return user


def old_audit_entry(container, action: str, *, actor_id: str = "system", day: int = 10) -> None:
    when = datetime(AUDIT_MONTH.year, AUDIT_MONTH.month, day, 12, 0, tzinfo=UTC)
    with container.session_factory() as session:
        session.execute(text("SELECT audit_log_create_partition(:m)"), {"m": when.date()})
        insert_entry(session, when, action, actor_id=actor_id)
        session.commit()


@pytest.fixture
def audit_data(container):
    old_audit_entry(container, "payment.deposit")
    old_audit_entry(container, "payment.transfer", actor_id=str(uuid.uuid4()))
    old_audit_entry(container, "auth.login", actor_id=str(uuid.uuid4()))


def get(client, user, report_type: str, period: ReportPeriod | str, fmt: str = "csv"):
    return client.get(f"{REPORTS}/{report_type}?period={period}&format={fmt}", headers=user.auth)


def generated(client, user, report_type: str, fmt: str = "csv") -> tuple[bytes, str]:
    response = get(client, user, report_type, period_for(report_type), fmt)
    assert response.status_code == 200, response.get_json()
    return response.data, response.headers["Repr-Digest"]


def rows_of(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


def change_data(report_type: str, client, container, teller, customer) -> None:
    if report_type in ("transactions", "large-transactions"):
        fund(container, teller, customer.wallet["id"], "30000.00")
    elif report_type == "privacy-requests":
        filed(client, customer, "access")
    else:
        old_audit_entry(container, "report.generated", day=20)


# -- reproducibility (the acceptance line) -----------------------------------------------------
@pytest.mark.parametrize("fmt", ["csv", "pdf"])
@pytest.mark.parametrize("report_type", OWNED)
def test_the_same_period_twice_gives_the_same_digest(
    client, container, clock, admin, customer, audit_data, report_type, fmt
):
    first, first_digest = generated(client, admin, report_type, fmt)
    second, second_digest = generated(client, admin, report_type, fmt)
    assert first == second
    assert first_digest == second_digest
    expected = base64.b64encode(hashlib.sha256(first).digest()).decode()
    assert first_digest == f"sha-256=:{expected}:"


@pytest.mark.parametrize("fmt", ["csv", "pdf"])
@pytest.mark.parametrize("report_type", OWNED)
def test_a_data_change_changes_the_digest(
    client, container, clock, admin, teller, customer, audit_data, report_type, fmt
):
    _, before = generated(client, admin, report_type, fmt)
    change_data(report_type, client, container, teller, customer)
    _, after = generated(client, admin, report_type, fmt)
    assert before != after


def test_the_pdf_is_a_pdf_dated_at_the_end_of_the_period(client, clock, admin, customer):
    body, _ = generated(client, admin, "transactions", "pdf")
    assert body.startswith(b"%PDF-")
    stamp = THIS_MONTH.end.astimezone(UTC).strftime("%Y%m%d%H%M%S")
    assert f"/CreationDate (D:{stamp}Z)".encode() in body


# -- the record and the audit entry ------------------------------------------------------------
def test_each_generation_is_stored_and_audited_with_its_digest(client, container, clock, admin, customer):
    response = get(client, admin, "transactions", THIS_MONTH, "csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="transactions-{THIS_MONTH}.csv"'
    sha = hashlib.sha256(response.data).hexdigest()
    listed = client.get(f"{REPORTS}?type=transactions", headers=admin.auth).get_json()
    (record,) = [r for r in listed["data"] if r["id"] == response.headers["X-Report-Id"]]
    assert record["sha256"] == sha
    assert record["period"] == str(THIS_MONTH)
    assert record["format"] == "csv"
    assert record["size_bytes"] == len(response.data)
    assert record["generated_by"] == admin.id
    (entry,) = [
        e
        for e in audit_entries(container, "report.generated")
        if e["resource_id"] == response.headers["X-Report-Id"]
    ]
    assert entry["actor_id"] == admin.id
    assert entry["changes"]["after"] == {
        "type": "transactions",
        "period": str(THIS_MONTH),
        "format": "csv",
        "sha256": sha,
        "size_bytes": len(response.data),
        "rows": record["rows"],
    }


def test_stored_reports_are_paged_newest_first(client, clock, admin, customer):
    for fmt in ("pdf", "csv", "csv"):
        clock.moment += timedelta(minutes=1)
        assert get(client, admin, "transactions", THIS_MONTH, fmt).status_code == 200
    first = client.get(f"{REPORTS}?per_page=2&type=transactions", headers=admin.auth).get_json()
    cursor = first["meta"]["next_cursor"]
    assert first["meta"] == {"has_more": True, "next_cursor": cursor, "limit": 2, "total": 3}
    assert [r["format"] for r in first["data"]] == ["csv", "csv"]
    second = client.get(f"{REPORTS}?per_page=2&page=2&type=transactions", headers=admin.auth).get_json()
    assert [r["format"] for r in second["data"]] == ["pdf"]
    assert second["meta"]["has_more"] is False and second["meta"]["next_cursor"] is None
    by_cursor = client.get(
        REPORTS, headers=admin.auth, query_string={"limit": 2, "cursor": cursor, "type": "transactions"}
    )
    assert by_cursor.get_json()["data"] == second["data"]
    assert second["data"][0]["generated_at"] <= first["data"][1]["generated_at"]


# -- the content of each report ----------------------------------------------------------------
def test_the_transaction_summary_sums_per_currency_type_and_status(
    client, container, clock, admin, teller, customer
):
    fund(container, teller, customer.wallet["id"], "250.50")
    before = rows_of(generated(client, admin, "transactions")[0])
    fund(container, teller, customer.wallet["id"], "100.00")
    after = rows_of(generated(client, admin, "transactions")[0])

    def line(rows, type_, status):
        (found,) = [
            r for r in rows if r["currency"] == "NAD" and r["type"] == type_ and r["status"] == status
        ]
        return found

    assert list(after[0]) == ["currency", "type", "status", "count", "amount", "fees"]
    deposits_before, deposits_after = (
        line(before, "deposit", "completed"),
        line(after, "deposit", "completed"),
    )
    assert int(deposits_after["count"]) == int(deposits_before["count"]) + 1
    assert Decimal(deposits_after["amount"]) == Decimal(deposits_before["amount"]) + Decimal("100.00")
    assert len(deposits_after["amount"].split(".")[1]) == 2  # the currency's minor units, as in the API
    assert int(line(after, "all", "all")["count"]) == int(line(before, "all", "all")["count"]) + 1


def test_large_transactions_lists_each_one_at_or_above_the_threshold(
    client, container, clock, admin, teller, customer
):
    fund(container, teller, customer.wallet["id"], "24999.99")
    fund(container, teller, customer.wallet["id"], "25000.00")
    fund(container, teller, customer.wallet["id"], "30000.00")
    rows = rows_of(generated(client, admin, "large-transactions")[0])
    mine = [r for r in rows if r["destination_wallet_id"] == customer.wallet["id"]]
    assert [r["amount"] for r in mine] == ["25000.00", "30000.00"]
    assert all(r["currency"] == "NAD" and r["type"] == "deposit" for r in mine)
    assert [r["completed_at"] for r in rows] == sorted(r["completed_at"] for r in rows)


def test_the_threshold_is_a_setting(container, teller, customer):
    fund(container, teller, customer.wallet["id"], "600.00")
    module = container.compliance_module
    infra = dataclasses.replace(
        module.upstream.infra,
        settings=container.settings.model_copy(update={"REPORT_LARGE_TRANSACTION_THRESHOLD": Decimal("500")}),
    )
    lowered = dataclasses.replace(module, upstream=dataclasses.replace(module.upstream, infra=infra))
    service = build_reports(lowered, clock=FixedClock(THIS_MONTH.end + timedelta(days=1)))
    report = service.generate(None, "large-transactions", str(THIS_MONTH), ReportFormat.CSV)
    mine = [r for r in rows_of(report.content) if r["destination_wallet_id"] == customer.wallet["id"]]
    assert [r["amount"] for r in mine] == ["1000.00", "600.00"]


def test_privacy_requests_counts_by_type_median_and_overdue(client, container, clock, admin, customer):
    before = {r["type"]: r for r in rows_of(generated(client, admin, "privacy-requests")[0])}
    filed(client, customer, "access")
    after = {r["type"]: r for r in rows_of(generated(client, admin, "privacy-requests")[0])}
    assert list(after) == ["access", "correction", "erasure", "objection", "marketing_opt_out", "all"]
    assert int(after["access"]["received"]) == int(before["access"]["received"]) + 1
    assert int(after["access"]["open_at_period_end"]) == int(before["access"]["open_at_period_end"]) + 1
    assert after["erasure"] == before["erasure"]
    assert int(after["all"]["received"]) == int(before["all"]["received"]) + 1


def test_the_audit_summary_counts_by_category_and_actor_and_reports_the_chain(
    client, clock, admin, audit_data
):
    rows = [tuple(r.values()) for r in rows_of(generated(client, admin, "audit")[0])]
    assert ("entries", "payment", "system", "1") in rows
    assert ("entries", "payment", "user", "1") in rows
    assert ("entries", "auth", "user", "1") in rows
    assert ("chain", "entries_in_period", "", "3") in rows
    assert any(r[:2] == ("chain", "verification") for r in rows)


# -- refusals ----------------------------------------------------------------------------------
def code_of(response) -> str:
    return response.get_json()["error"]["code"]


def test_an_unknown_type_is_404(client, clock, admin):
    response = get(client, admin, "payroll", THIS_MONTH)
    assert response.status_code == 404
    assert code_of(response) == "RPT_001"


@pytest.mark.parametrize("period", ["2026-13", "2026-1", "26-11", "november", "1999-12"])
def test_a_malformed_period_is_422(client, clock, admin, period):
    response = get(client, admin, "transactions", period)
    assert response.status_code == 422
    assert code_of(response) == "RPT_002"


def test_a_month_not_yet_ended_is_422(client, admin):
    response = get(client, admin, "transactions", THIS_MONTH)  # the real clock: this month runs
    assert response.status_code == 422
    assert code_of(response) == "RPT_003"


def test_a_type_without_a_source_is_409(app, client, container, admin):
    reports = build_reports(
        container.compliance_module,
        sources=own_sources(container),
        clock=FixedClock(THIS_MONTH.end + timedelta(days=1)),
    )
    serve(client, replacing(container, reports=reports))
    response = get(client, admin, "sla", THIS_MONTH)
    assert response.status_code == 409
    assert code_of(response) == "RPT_004"
    assert response.get_json()["error"]["details"]["available"] == list(OWNED)


def test_an_unknown_format_is_a_validation_error(client, clock, admin):
    response = get(client, admin, "transactions", THIS_MONTH, "xlsx")
    assert response.status_code == 422
    assert response.get_json()["status"] == "validation_error"


def test_staff_and_customers_may_not_generate_or_list_reports(client, container, clock, customer):
    staff = staff_with_mfa(client, container, "staff")
    for user in (staff, customer):
        assert get(client, user, "transactions", THIS_MONTH).status_code == 403
        assert client.get(REPORTS, headers=user.auth).status_code == 403


def test_a_refused_request_stores_nothing(client, container, clock, admin):
    get(client, admin, "transactions", "2026-13")
    get(client, admin, "payroll", THIS_MONTH)
    assert client.get(REPORTS, headers=admin.auth).get_json()["meta"]["total"] == 0


# -- the monthly job ---------------------------------------------------------------------------
def test_the_monthly_job_pregenerates_last_month_in_both_formats_once(container, customer):
    service = build_reports(
        container.compliance_module,
        sources=own_sources(container),
        clock=FixedClock(THIS_MONTH.end + timedelta(hours=3)),
    )
    done = service.generate_monthly()
    assert sorted((r.report_type, r.format.value) for r in done) == sorted(
        (t, f) for t in OWNED for f in ("csv", "pdf")
    )
    assert {str(r.period) for r in done} == {str(THIS_MONTH)}
    assert {r.generated_by for r in done} == {"system"}
    assert {e["actor_id"] for e in audit_entries(container, "report.generated")} == {"system"}
    assert service.generate_monthly() == []


def test_the_monthly_task_runs_from_the_beat_schedule(container):
    from elcorp.jobs.schedule import beat_schedule
    from support.jobs import job_task

    reports = build_reports(container.compliance_module, sources=own_sources(container))
    jobs = create_app(container=replacing(container, reports=reports))
    entry = beat_schedule(container)["compliance-monthly-reports"]
    assert entry["task"] == "elcorp.compliance.generate_monthly_reports"
    generate_monthly_reports = job_task(jobs, "elcorp.compliance.generate_monthly_reports")
    with jobs.app_context():
        first = generate_monthly_reports.run()
        again = generate_monthly_reports.run()
    assert first["generated"] == 2 * len(OWNED)
    assert again["generated"] == 0


def test_the_audit_summary_verifies_the_chained_entries_and_reports_tampering(container, audit_data):
    container.audit_sequencer.run()
    service = build_reports(
        container.compliance_module,
        sources=own_sources(container),
        clock=FixedClock(THIS_MONTH.end + timedelta(days=1)),
    )

    def rows() -> dict[tuple[str, str], str]:
        report = service.generate(None, "audit", str(AUDIT_MONTH), ReportFormat.CSV)
        return {(r["section"], r["item"]): r["value"] for r in rows_of(report.content)}

    clean = rows()
    assert clean[("chain", "chained")] == "3"
    assert clean[("chain", "not_yet_chained")] == "0"
    assert clean[("chain", "verification")] == "ok"
    with container.session_factory() as session:  # what a superuser could do behind the triggers
        session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete"))
        session.execute(
            text(
                "UPDATE audit_log SET entry = replace(entry, 'auth.login', 'auth.logout') "
                "WHERE action = 'auth.login'"
            )
        )
        session.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete"))
        session.commit()
    assert rows()[("chain", "verification")] == "failed"


def test_the_listing_refuses_an_unknown_type_or_a_malformed_period(client, admin):
    unknown = client.get(f"{REPORTS}?type=payroll", headers=admin.auth)
    assert unknown.status_code == 404
    assert code_of(unknown) == "RPT_001"
    malformed = client.get(f"{REPORTS}?period=2026-13", headers=admin.auth)
    assert malformed.status_code == 422
    assert code_of(malformed) == "RPT_002"


@pytest.mark.parametrize("fmt", ["csv", "pdf"])
def test_every_report_type_gives_the_same_digest_twice_when_no_data_changed(
    client, container, clock, admin, customer, audit_data, fmt
):
    """All six sources as the composition root wires them (the ledger, the requests, the
    audit trail, the SLA tracking, the incidents), each with data in its period."""
    opened = client.post(
        "/api/v1/incidents",
        headers=admin.auth,
        json={"type": "operational", "title": "Batch late", "description": "x", "impact": 2, "urgency": 2},
    )
    assert opened.status_code == 201, opened.get_json()
    container.outbox.dispatch_pending()  # the SLA tracking opens the incident's case
    for report_type in (
        "transactions",
        "large-transactions",
        "sla",
        "incidents",
        "privacy-requests",
        "audit",
    ):
        first_body, first = generated(client, admin, report_type, fmt)
        second_body, second = generated(client, admin, report_type, fmt)
        assert first == second and first_body == second_body, report_type

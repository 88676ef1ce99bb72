"""Reconciliation runs over HTTP (`POST/GET /api/v1/reconciliation/runs`): a bank
statement CSV matched against the ledger's completed deposits (+) and withdrawals (-) of
the statement's business days (Africa/Windhoek), by reference, amount and currency. A
malformed file is reported row by row and changes nothing."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from support.audit import audit_entries
from support.bank import book, row_counts, statement_upload
from support.identity import staff_with_mfa

RUNS = "/api/v1/reconciliation/runs"
# 2026-12-01 in Windhoek (UTC+2) runs from 2026-11-30T22:00Z to 2026-12-01T22:00Z.
DEC_1_MORNING = datetime(2026, 12, 1, 7, 30, tzinfo=UTC)
DEC_1_LAST_SECOND = datetime(2026, 12, 1, 21, 59, 59, tzinfo=UTC)
DEC_2_FIRST_SECOND = datetime(2026, 12, 1, 22, 0, 0, tzinfo=UTC)
TABLES = ("reconciliation_run", "reconciliation_item", "audit_log")


@pytest.fixture
def admin(client, container):
    return staff_with_mfa(client, container, "admin")


@pytest.fixture
def ledger(client, container, teller, bob):
    """On 2026-12-01 (Windhoek): three deposits and a withdrawal, booked by the teller on
    Bob's wallet, one of them in the day's last second; one deposit in the next day's
    first second; and a deposit still waiting for approval."""
    wallet = bob.wallet["id"]
    ids = {
        "BANK-001": book(container, teller, wallet, "deposit", "100.00", "BANK-001", at=DEC_1_MORNING),
        "BANK-002": book(container, teller, wallet, "deposit", "250.50", "BANK-002", at=DEC_1_MORNING),
        "BANK-003": book(container, teller, wallet, "deposit", "75.00", "BANK-003", at=DEC_1_LAST_SECOND),
        "PAYOUT-001": book(container, teller, wallet, "withdrawal", "40.00", "PAYOUT-001", at=DEC_1_MORNING),
        "BANK-004": book(container, teller, wallet, "deposit", "10.00", "BANK-004", at=DEC_2_FIRST_SECOND),
        "BANK-BIG": book(container, teller, wallet, "deposit", "60000.00", "BANK-BIG", at=DEC_1_MORNING),
    }
    return ids


def upload(client, user, content, **kwargs):
    return client.post(
        RUNS, headers=user.auth, data=statement_upload(content, **kwargs), content_type="multipart/form-data"
    )


STATEMENT = (
    "Date,Reference,Amount,Currency,Narrative\n"
    "2026-12-01,BANK-001,100.00,NAD,EFT from customer\n"
    "2026-12-01,BANK-002,250.00,NAD,amount differs from the ledger\n"
    "2026-12-01,PAYOUT-001,-40.00,NAD,payout\n"
    "2026-12-01,EXTRA-009,12.00,NAD,unknown to the ledger\n"
    "2026-12-01,BANK-001,100.00,NAD,the same reference twice\n"
)


def test_a_statement_reports_matched_missing_and_extra_rows_and_the_run_is_kept(
    client, container, admin, ledger
):
    response = upload(client, admin, STATEMENT)

    assert response.status_code == 201, response.get_json()
    run = response.get_json()["data"]
    assert response.headers["Location"] == f"{RUNS}/{run['id']}"
    assert run["status"] == "completed"
    assert [
        (m["line"], m["reference"], m["amount"], m["transaction_id"], m["type"]) for m in run["matched"]
    ] == [
        (2, "BANK-001", "100.00", str(ledger["BANK-001"]), "deposit"),
        (4, "PAYOUT-001", "-40.00", str(ledger["PAYOUT-001"]), "withdrawal"),
    ]
    # Extra: in the bank, not in the ledger (an amount that differs, an unknown reference,
    # a reference already matched once).
    assert [(u["line"], u["reference"], u["amount"]) for u in run["unmatched_in_bank"]] == [
        (3, "BANK-002", "250.00"),
        (5, "EXTRA-009", "12.00"),
        (6, "BANK-001", "100.00"),
    ]
    # Missing: booked on the statement's business day, not seen by the bank. The next
    # day's deposit and the one still waiting for approval are not compared.
    assert [
        (u["reference"], u["amount"], u["date"], u["transaction_id"]) for u in run["unmatched_in_ledger"]
    ] == [
        ("BANK-002", "250.50", "2026-12-01", str(ledger["BANK-002"])),
        ("BANK-003", "75.00", "2026-12-01", str(ledger["BANK-003"])),
    ]
    assert run["counts"] == {"matched": 2, "unmatched_in_bank": 3, "unmatched_in_ledger": 2}
    assert (run["statement_from"], run["statement_to"], run["statement_lines"]) == (
        "2026-12-01",
        "2026-12-01",
        5,
    )
    assert run["file_sha256"] == hashlib.sha256(STATEMENT.encode()).hexdigest()
    assert run["file_name"] == "statement.csv" and run["created_by"] == admin.id

    stored = client.get(f"{RUNS}/{run['id']}", headers=admin.auth)
    assert stored.status_code == 200
    assert stored.get_json()["data"] == run

    (entry,) = audit_entries(container, "reconciliation.run")
    assert (entry["actor_id"], entry["resource_id"]) == (admin.id, run["id"])
    assert entry["changes"]["after"]["file_sha256"] == run["file_sha256"]
    assert entry["changes"]["after"]["matched"] == 2


def test_a_malformed_statement_is_reported_by_line_and_changes_nothing(client, container, admin, ledger):
    before = row_counts(container, *TABLES)
    malformed = (
        "date,reference,amount,currency\n"
        "2026-12-01,BANK-001,100.00,NAD\n"
        "01/12/2026,BANK-002,250.50,NAD\n"
        "2026-12-01,PAYOUT-001,-40.00,NAD\n"
        "2026-12-01,BANK-003,seventy-five,NAD\n"
        "2026-12-01,BANK-009\n"
    )

    response = upload(client, admin, malformed)

    assert response.status_code == 422
    body = response.get_json()
    assert body["status"] == "validation_error" and body["error"]["code"] == "REC_001"
    assert [d["line"] for d in body["error"]["details"]] == [3, 5, 6]
    assert "YYYY-MM-DD" in body["error"]["details"][0]["message"]
    assert "seventy-five" in body["error"]["details"][1]["message"]
    assert row_counts(container, *TABLES) == before
    assert client.get(RUNS, headers=admin.auth).get_json()["meta"]["total"] == 0


def test_movements_outside_the_statements_business_days_are_not_compared(client, container, admin, ledger):
    statement = "date,reference,amount,currency\n2026-12-02,BANK-004,10.00,NAD\n"

    run = upload(client, admin, statement).get_json()["data"]

    assert [m["reference"] for m in run["matched"]] == ["BANK-004"]
    assert run["unmatched_in_bank"] == [] and run["unmatched_in_ledger"] == []


def test_runs_are_listed_newest_first_with_their_counts(client, container, admin, ledger):
    first = upload(client, admin, STATEMENT).get_json()["data"]
    second = upload(client, admin, "date,reference,amount,currency\n2026-12-02,BANK-004,10.00,NAD\n")
    second = second.get_json()["data"]

    page = client.get(f"{RUNS}?limit=1", headers=admin.auth).get_json()
    assert page["meta"]["has_more"] is True and page["meta"]["limit"] == 1 and page["meta"]["total"] == 2
    assert [r["id"] for r in page["data"]] == [second["id"]]
    assert page["data"][0]["counts"] == second["counts"] and "matched" not in page["data"][0]
    rest = client.get(f"{RUNS}?limit=1&cursor={page['meta']['next_cursor']}", headers=admin.auth).get_json()
    assert [r["id"] for r in rest["data"]] == [first["id"]]
    assert (rest["meta"]["has_more"], rest["meta"]["next_cursor"]) == (False, None)
    # The earlier page/per_page parameters stay accepted as aliases.
    alias = client.get(f"{RUNS}?page=2&per_page=1", headers=admin.auth).get_json()
    assert [r["id"] for r in alias["data"]] == [first["id"]]
    unknown = client.get(f"{RUNS}?sort=oldest", headers=admin.auth)
    assert unknown.status_code == 422 and unknown.get_json()["error"]["details"][0]["field"] == "sort"


@pytest.mark.parametrize(
    ("content", "kwargs", "status", "code"),
    [
        (
            b"date,reference,amount,currency\n2026-12-01,B,1,NAD\n",
            {"content_type": "image/png"},
            415,
            "REC_003",
        ),
        (
            b"date,reference,amount,currency\n2026-12-01,B,1,NAD\n",
            {"name": "s.pdf", "content_type": "application/octet-stream"},
            415,
            "REC_003",
        ),
        (b"date,reference,amount,currency\n2026-12-01,B\x00,1,NAD\n", {}, 415, "REC_003"),
        ("date,reference,amount,currency\n2026-12-01,Zürich,1,NAD\n".encode("latin-1"), {}, 422, "REC_004"),
        (b"", {}, 400, "REC_002"),
        (b"date,reference,amount,currency\n", {}, 422, "REC_001"),
        (b"date,reference,amount,currency\n2026-10-01,A,1,NAD\n2026-12-02,B,1,NAD\n", {}, 422, "REC_006"),
        (b"x" * 1_000_001, {}, 413, "REC_005"),
    ],
    ids=["image", "pdf-named", "binary", "latin-1", "empty", "no-rows", "period-too-long", "too-large"],
)
def test_a_file_that_is_not_a_utf8_csv_statement_is_refused_with_its_code(
    client, container, admin, content, kwargs, status, code
):
    before = row_counts(container, *TABLES)

    response = upload(client, admin, content, **kwargs)

    assert (response.status_code, response.get_json()["error"]["code"]) == (status, code), response.get_json()
    assert row_counts(container, *TABLES) == before


def test_a_statement_named_csv_sent_as_octet_stream_and_with_a_bom_is_taken(client, admin, ledger):
    content = "\ufeffdate,reference,amount,currency\n2026-12-02,BANK-004,10.00,NAD\n".encode()

    response = upload(client, admin, content, content_type="application/octet-stream")

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["data"]["counts"]["matched"] == 1


def test_a_request_without_the_file_field_is_refused(client, admin):
    response = client.post(RUNS, headers=admin.auth, data={}, content_type="multipart/form-data")
    assert (response.status_code, response.get_json()["error"]["code"]) == (400, "REC_002")
    as_json = client.post(RUNS, headers=admin.auth, json={})
    assert (as_json.status_code, as_json.get_json()["error"]["code"]) == (400, "REC_002")


def test_reconciliation_is_for_holders_of_payment_reconcile_only(client, container, teller, ledger):
    staff = staff_with_mfa(client, container, "staff")
    response = upload(client, staff, STATEMENT)
    assert (response.status_code, response.get_json()["error"]["code"]) == (403, "ACC_001")
    assert client.get(RUNS, headers=staff.auth).status_code == 403
    assert row_counts(container, "reconciliation_run")["reconciliation_run"] == 0


def test_an_unknown_run_is_404(client, admin):
    response = client.get(f"{RUNS}/7f1c9a52-7a3e-4b7e-9a50-3f1d2c4b5a60", headers=admin.auth)
    assert (response.status_code, response.get_json()["error"]["code"]) == (404, "RES_001")


def test_stored_runs_cannot_be_altered(container, client, admin, ledger):
    run = upload(client, admin, STATEMENT).get_json()["data"]
    for statement in (
        "UPDATE reconciliation_run SET matched_count = 0 WHERE id = :id",
        "DELETE FROM reconciliation_item WHERE run_id = :id",
    ):
        with container.session_factory() as session, pytest.raises(DBAPIError, match="append-only"):
            session.execute(text(statement), {"id": run["id"]})

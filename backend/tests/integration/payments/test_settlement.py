"""Settlement batches (`/api/v1/settlement/batches`): one per business day (Africa/Windhoek)
and currency, holding the deposits and withdrawals completed that day, with counts and
exact totals; closing is idempotent, a transaction is settled at most once, a closed batch
never changes; the CSV export carries its SHA-256 in `Repr-Digest`; the nightly job closes
yesterday's batches."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from celery.schedules import crontab
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from elcorp.jobs.factory import celery_init_app
from elcorp.jobs.schedule import beat_schedule
from elcorp.payments.domain.settlement import business_day_bounds, previous_business_date
from support.audit import audit_entries
from support.bank import book, row_counts
from support.identity import staff_with_mfa
from support.payments import transfer

BATCHES = "/api/v1/settlement/batches"
CLOSE = f"{BATCHES}/close"
DEC_1 = date(2026, 12, 1)
NOV_30_LAST_SECOND = datetime(2026, 11, 30, 21, 59, 59, tzinfo=UTC)  # 23:59:59 in Windhoek
DEC_1_FIRST_SECOND = datetime(2026, 11, 30, 22, 0, 0, tzinfo=UTC)  # 00:00:00 in Windhoek
DEC_1_NOON = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def admin(client, container):
    return staff_with_mfa(client, container, "admin")


@pytest.fixture
def day(container, teller, bob, alice, client):
    """Bob's wallet on 2026-12-01 (Windhoek): deposits of 100.10, 200.20 and 0.30 (sums a
    float gets wrong), one in the day's first second, and a withdrawal of 50.05. Around
    them: a deposit in the last second of 30 November, a transfer on 1 December, and a
    deposit still waiting for approval."""
    wallet = bob.wallet["id"]
    ids = {
        "first": book(container, teller, wallet, "deposit", "100.10", "DEP-1", at=DEC_1_FIRST_SECOND),
        "second": book(container, teller, wallet, "deposit", "200.20", "DEP-2", at=DEC_1_NOON),
        "third": book(container, teller, wallet, "deposit", "0.30", '=HYPERLINK("x")', at=DEC_1_NOON),
        "out": book(container, teller, wallet, "withdrawal", "50.05", "WD-1", at=DEC_1_NOON),
        "november": book(container, teller, wallet, "deposit", "7.00", "DEP-NOV", at=NOV_30_LAST_SECOND),
        "pending": book(container, teller, wallet, "deposit", "60000.00", "DEP-BIG", at=DEC_1_NOON),
    }
    assert transfer(client, alice, alice.wallet["id"], wallet, "5.00").status_code == 201
    with container.session_factory() as session:  # the transfer, and alice's funding, on 1 December
        session.execute(
            text(
                "UPDATE payment_transaction SET completed_at = :at WHERE type = 'transfer' OR id <> ALL(:ids)"
            ),
            {"at": DEC_1_NOON, "ids": list(ids.values())},
        )
        session.commit()
    return ids


def close(client, user, **body):
    return client.post(CLOSE, headers=user.auth, json=body)


def items_of(container, batch_id: str) -> set[str]:
    with container.session_factory() as session:
        return {
            str(t)
            for t in session.execute(
                text("SELECT transaction_id FROM settlement_item WHERE batch_id = :b"), {"b": batch_id}
            ).scalars()
        }


def test_closing_a_day_settles_its_deposits_and_withdrawals_with_exact_totals(client, container, admin, day):
    response = close(client, admin, date="2026-12-01", currency="NAD")

    assert response.status_code == 201, response.get_json()
    batch = response.get_json()["data"]
    assert response.headers["Location"] == f"/api/v1/settlement/batches/{batch['id']}"
    assert (batch["business_date"], batch["currency"], batch["status"]) == ("2026-12-01", "NAD", "closed")
    # alice's funding deposit (1 000.00, moved to 1 December by the fixture) is settled too.
    assert (batch["deposits_count"], batch["deposits_total"]) == (4, "1300.60")
    assert (batch["withdrawals_count"], batch["withdrawals_total"]) == (1, "50.05")
    assert (batch["net"], batch["count"]) == ("1250.55", 5)
    assert batch["closed_by"] == admin.id and batch["closed_at"] is not None
    settled = items_of(container, batch["id"])
    assert {str(day[k]) for k in ("first", "second", "third", "out")} <= settled
    assert str(day["november"]) not in settled and str(day["pending"]) not in settled

    (entry,) = audit_entries(container, "settlement.batch_closed")
    assert (entry["actor_id"], entry["resource_id"]) == (admin.id, batch["id"])
    assert entry["changes"]["before"] == {"status": "open"}
    assert entry["changes"]["after"]["net"] == "1250.55"


def test_closing_again_answers_the_same_closed_batch_and_changes_nothing(client, container, admin, day):
    first = close(client, admin, date="2026-12-01").get_json()["data"]
    counts = row_counts(container, "settlement_batch", "settlement_item")

    again = close(client, admin, date="2026-12-01", currency="NAD")

    assert again.status_code == 200
    assert again.get_json()["data"] == first
    assert row_counts(container, "settlement_batch", "settlement_item") == counts
    assert len(audit_entries(container, "settlement.batch_closed")) == 1


def test_each_day_takes_its_own_movements_and_a_transaction_is_settled_once(client, container, admin, day):
    november = close(client, admin, date="2026-11-30").get_json()["data"]
    december = close(client, admin, date="2026-12-01").get_json()["data"]

    assert items_of(container, november["id"]) == {str(day["november"])}
    assert (november["deposits_total"], november["net"]) == ("7.00", "7.00")
    assert str(day["november"]) not in items_of(container, december["id"])
    with container.session_factory() as session, pytest.raises(DBAPIError, match="uq_settlement_item"):
        session.execute(
            text(
                "INSERT INTO settlement_batch (id, business_date, currency) "
                "VALUES (:other, '2026-11-29', 'NAD');"
                "INSERT INTO settlement_item (batch_id, transaction_id, type, amount, currency, "
                "completed_at) VALUES (:other, :t, 'deposit', 7, 'NAD', now())"
            ),
            {"t": day["november"], "other": uuid.uuid4()},
        )


def test_a_closed_batch_never_changes_and_takes_no_new_items(client, container, admin, day):
    batch = close(client, admin, date="2026-12-01").get_json()["data"]
    for statement in (
        "UPDATE settlement_batch SET net = 0, deposits_total = 0, deposits_count = 0 WHERE id = :b",
        "DELETE FROM settlement_batch WHERE id = :b",
        "DELETE FROM settlement_item WHERE batch_id = :b",
        "INSERT INTO settlement_item (batch_id, transaction_id, type, amount, currency, completed_at) "
        "VALUES (:b, :t, 'deposit', 1, 'NAD', now())",
    ):
        with container.session_factory() as session, pytest.raises(DBAPIError, match=r"closed|append-only"):
            session.execute(text(statement), {"b": batch["id"], "t": day["pending"]})


def test_an_empty_day_closes_with_zero_totals(client, admin):
    response = close(client, admin, date="2026-06-15")
    batch = response.get_json()["data"]
    assert response.status_code == 201
    assert (batch["count"], batch["deposits_total"], batch["withdrawals_total"], batch["net"]) == (
        0,
        "0.00",
        "0.00",
        "0.00",
    )


def test_a_day_that_is_not_over_in_windhoek_cannot_be_closed(client, container, admin):
    today = datetime.now(UTC) + timedelta(hours=2)  # the Windhoek date
    for when in (today.date(), today.date() + timedelta(days=3)):
        response = close(client, admin, date=when.isoformat())
        assert (response.status_code, response.get_json()["error"]["code"]) == (422, "SET_001")
    assert row_counts(container, "settlement_batch")["settlement_batch"] == 0


def test_a_currency_the_ledger_does_not_hold_cannot_be_settled(client, container, admin):
    response = close(client, admin, date="2026-12-01", currency="USD")
    assert (response.status_code, response.get_json()["error"]["code"]) == (422, "SET_002")
    malformed = close(client, admin, date="2026-13-01")
    assert (malformed.status_code, malformed.get_json()["error"]["code"]) == (422, "VAL_001")
    assert row_counts(container, "settlement_batch")["settlement_batch"] == 0


def test_settlement_is_for_holders_of_payment_reconcile_only(client, container, day):
    staff = staff_with_mfa(client, container, "staff")
    response = close(client, staff, date="2026-12-01")
    assert (response.status_code, response.get_json()["error"]["code"]) == (403, "ACC_001")
    assert client.get(BATCHES, headers=staff.auth).status_code == 403
    assert row_counts(container, "settlement_batch")["settlement_batch"] == 0


def test_batches_are_listed_newest_day_first_and_read_one_by_one(client, admin, day):
    november = close(client, admin, date="2026-11-30").get_json()["data"]
    december = close(client, admin, date="2026-12-01").get_json()["data"]

    page = client.get(f"{BATCHES}?per_page=1", headers=admin.auth).get_json()
    meta = page["meta"]
    assert meta == {"has_more": True, "next_cursor": meta["next_cursor"], "limit": 1, "total": 2}
    assert [b["id"] for b in page["data"]] == [december["id"]]
    by_cursor = client.get(f"{BATCHES}?limit=1&cursor={page['meta']['next_cursor']}", headers=admin.auth)
    assert [b["id"] for b in by_cursor.get_json()["data"]] == [november["id"]]
    assert by_cursor.get_json()["meta"]["has_more"] is False
    second = client.get(f"{BATCHES}?page=2&per_page=1", headers=admin.auth).get_json()["data"]
    assert [b["id"] for b in second] == [november["id"]]
    filtered = client.get(f"{BATCHES}?from=2026-12-01&currency=NAD&status=closed", headers=admin.auth)
    assert [b["id"] for b in filtered.get_json()["data"]] == [december["id"]]
    one = client.get(f"{BATCHES}/{november['id']}", headers=admin.auth)
    assert one.status_code == 200 and one.get_json()["data"] == november
    unknown = client.get(f"{BATCHES}/7f1c9a52-7a3e-4b7e-9a50-3f1d2c4b5a60", headers=admin.auth)
    assert unknown.status_code == 404
    too_many = client.get(f"{BATCHES}?per_page=101", headers=admin.auth)
    assert (too_many.status_code, too_many.get_json()["error"]["code"]) == (422, "VAL_001")


def test_the_export_lists_each_transaction_and_the_totals_under_its_digest(client, admin, day):
    batch = close(client, admin, date="2026-12-01").get_json()["data"]

    response = client.get(f"{BATCHES}/{batch['id']}/export", headers=admin.auth)

    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data()
    digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
    assert response.headers["Repr-Digest"] == f"sha-256=:{digest}:"
    assert response.headers["Content-Disposition"] == 'attachment; filename="settlement-NAD-2026-12-01.csv"'
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    movements = [r for r in rows if r["transaction_id"]]
    assert len(movements) == 5
    by_id = {r["transaction_id"]: r for r in movements}
    first = by_id[str(day["first"])]
    assert (first["type"], first["amount"], first["currency"], first["reference"]) == (
        "deposit",
        "100.10",
        "NAD",
        "DEP-1",
    )
    assert first["completed_at"] == "2026-11-30T22:00:00.000Z"
    assert by_id[str(day["out"])]["type"] == "withdrawal"
    assert by_id[str(day["third"])]["reference"] == '\'=HYPERLINK("x")'  # no formula in a spreadsheet
    totals = {r["type"]: (r["amount"], r["count"]) for r in rows if not r["transaction_id"]}
    assert totals == {
        "deposits_total": ("1300.60", "4"),
        "withdrawals_total": ("50.05", "1"),
        "net": ("1250.55", "5"),
    }
    again = client.get(f"{BATCHES}/{batch['id']}/export", headers=admin.auth)
    assert again.get_data() == body


def test_the_nightly_job_closes_yesterday_in_each_currency_and_is_idempotent(
    app, container, settings, teller, bob
):
    now = datetime.now(UTC)
    yesterday = previous_business_date(now)
    start, _ = business_day_bounds(yesterday)
    book(container, teller, bob.wallet["id"], "deposit", "12.34", "DEP-Y", at=start + timedelta(hours=1))
    missed = yesterday - timedelta(days=3)  # a night the job did not run
    book(container, teller, bob.wallet["id"], "deposit", "1.00", "DEP-M", at=business_day_bounds(missed)[0])
    close_settlement = celery_init_app(app, settings).tasks["elcorp.payments.close_settlement"]

    with app.app_context():
        first = close_settlement.run()
        second = close_settlement.run()

    assert len(first["closed"]) == 2 and first["already_closed"] == 0
    assert second == {"closed": [], "already_closed": 1}
    with container.session_factory() as session:
        batches = {
            r.business_date: r
            for r in session.execute(
                text(
                    "SELECT business_date, currency, status, deposits_total, closed_by FROM settlement_batch"
                )
            ).all()
        }
    assert set(batches) == {yesterday, missed}
    assert batches[yesterday].deposits_total == Decimal("12.34") and batches[yesterday].status == "closed"
    assert batches[yesterday].closed_by is None  # the job
    (entry, _) = audit_entries(container, "settlement.batch_closed")
    assert entry["actor_id"] == "system"


def test_the_settlement_close_is_scheduled_shortly_after_midnight_in_windhoek(container):
    entry = beat_schedule(container)["payments-settlement-close"]
    assert entry["task"] == "elcorp.payments.close_settlement"
    assert entry["schedule"] == crontab(minute=15, hour=22)  # UTC: 00:15 in Windhoek (UTC+2)

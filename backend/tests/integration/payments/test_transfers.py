"""Transfers over HTTP on real PostgreSQL: balances, idempotency (Stripe semantics),
maker-checker, object-level access, and what the database refuses on its own."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from support.audit import audit_entries
from support.identity import signed_in, staff_with_mfa
from support.payments import TRANSFERS, balance, fund, transfer, wallet_of


def test_a_new_user_has_an_empty_nad_wallet(client, container):
    user = signed_in(client)
    wallet = wallet_of(client, container, user)
    assert wallet["balance"] == "0.00" and wallet["available_balance"] == "0.00"
    assert set(wallet) >= {"id", "currency", "balance", "available_balance", "held"}
    container.outbox.dispatch_pending()  # a second delivery opens nothing more
    assert len(client.get("/api/v1/wallets", headers=user.auth).get_json()["data"]) == 1


def test_a_transfer_moves_money_and_is_audited(client, container, alice, bob):
    response = transfer(client, alice, alice.wallet["id"], bob.wallet["id"], "250.50", description="rent")
    assert response.status_code == 201, response.get_json()
    data = response.get_json()["data"]
    assert data["status"] == "completed" and data["type"] == "transfer"
    assert data["amount"] == "250.50" and data["currency"] == "NAD"
    assert data["source_wallet_id"] == alice.wallet["id"]
    assert balance(client, alice, alice.wallet["id"]) == Decimal("749.50")
    assert balance(client, bob, bob.wallet["id"]) == Decimal("250.50")
    (entry,) = [e for e in audit_entries(container, "transfer.completed") if e["resource_id"] == data["id"]]
    assert (
        entry["changes"]["after"]["amount"] == "250.50000000"
        or entry["changes"]["after"]["amount"] == "250.50"
    )
    assert entry["actor_id"] == alice.id


def test_a_transfer_to_a_wallet_address(client, container, alice, bob):
    response = client.post(
        TRANSFERS,
        headers={**alice.auth, "Idempotency-Key": "by-address"},
        json={
            "source_wallet_id": alice.wallet["id"],
            "destination_wallet_address": bob.wallet["address"],
            "amount": "10",
        },
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["data"]["destination_wallet_id"] == bob.wallet["id"]


def test_the_same_key_and_body_replays_the_first_response_byte_for_byte(client, alice, bob):
    first = transfer(client, alice, alice.wallet["id"], bob.wallet["id"], "100", key="pay-rent-2026-11")
    again = transfer(client, alice, alice.wallet["id"], bob.wallet["id"], "100", key="pay-rent-2026-11")
    assert first.status_code == again.status_code == 201
    assert again.get_data() == first.get_data()
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert balance(client, alice, alice.wallet["id"]) == Decimal("900.00")  # moved once


def test_the_same_key_with_another_body_is_a_422(client, alice, bob):
    assert transfer(client, alice, alice.wallet["id"], bob.wallet["id"], "100", key="k-1").status_code == 201
    response = transfer(client, alice, alice.wallet["id"], bob.wallet["id"], "101", key="k-1")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "PAY_005"
    assert balance(client, alice, alice.wallet["id"]) == Decimal("900.00")


@pytest.mark.parametrize("key", [None, "", "x" * 256])
def test_a_missing_or_overlong_key_is_a_400(client, alice, bob, key):
    headers = dict(alice.auth)
    if key is not None:
        headers["Idempotency-Key"] = key
    body = {"source_wallet_id": alice.wallet["id"], "destination_wallet_id": bob.wallet["id"], "amount": "1"}
    response = client.post(TRANSFERS, headers=headers, json=body)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "PAY_004"


def test_insufficient_funds_is_a_422_writes_nothing_and_keeps_the_key_free(client, container, alice, bob):
    response = transfer(client, alice, alice.wallet["id"], bob.wallet["id"], "1000.01", key="too-much")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "PAY_001"
    with container.session_factory() as session:
        count = session.execute(
            text("SELECT count(*) FROM payment_transaction WHERE source_account_id = :w"),
            {"w": alice.wallet["id"]},
        ).scalar()
    assert count == 0
    ok = transfer(client, alice, alice.wallet["id"], bob.wallet["id"], "1000.00", key="too-much")
    assert ok.status_code == 201  # the refused attempt stored nothing under its key


@pytest.mark.parametrize(
    ("amount", "code"),
    [("0", "VAL_004"), ("0.001", "VAL_004"), ("-5", "VAL_001"), ("1e3", "VAL_001"), ("abc", "VAL_001")],
)
def test_bad_amounts_are_refused(client, alice, bob, amount, code):
    response = transfer(client, alice, alice.wallet["id"], bob.wallet["id"], amount)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == code


def test_a_float_amount_is_refused(client, alice, bob):
    body = {"source_wallet_id": alice.wallet["id"], "destination_wallet_id": bob.wallet["id"], "amount": 12.5}
    response = client.post(TRANSFERS, headers={**alice.auth, "Idempotency-Key": "f"}, json=body)
    assert response.status_code == 422


def test_someone_elses_wallet_cannot_be_the_source_or_read(client, alice, bob):
    stolen = transfer(client, bob, alice.wallet["id"], bob.wallet["id"], "1")
    assert stolen.status_code == 404 and stolen.get_json()["error"]["code"] == "RES_001"
    read = client.get(f"/api/v1/wallets/{alice.wallet['id']}", headers=bob.auth)
    assert read.status_code == 404


def test_a_user_reading_another_users_transaction_gets_404(client, alice, bob):
    data = transfer(client, alice, alice.wallet["id"], bob.wallet["id"], "5").get_json()["data"]
    stranger = signed_in(client)
    assert client.get(f"/api/v1/transactions/{data['id']}", headers=stranger.auth).status_code == 404
    assert client.get(f"/api/v1/transactions/{data['id']}", headers=bob.auth).status_code == 200
    listed = client.get("/api/v1/transactions", headers=stranger.auth).get_json()["data"]
    assert listed == []


def test_same_wallet_and_currency_mismatch_are_refused(client, alice, bob):
    same = transfer(client, alice, alice.wallet["id"], alice.wallet["id"], "1")
    assert same.status_code == 422 and same.get_json()["error"]["code"] == "PAY_007"
    other = transfer(client, alice, alice.wallet["id"], bob.wallet["id"], "1", currency="ZAR")
    assert other.status_code == 422 and other.get_json()["error"]["code"] == "PAY_002"


# -- maker-checker -------------------------------------------------------------------------
@pytest.fixture
def rich(client, container, teller):
    user = signed_in(client)
    user.wallet = wallet_of(client, container, user)
    fund(container, teller, user.wallet["id"], "50000.00")
    fund(container, teller, user.wallet["id"], "50000.00")
    return user


def test_a_large_transfer_waits_with_the_amount_held_until_a_second_person_approves(
    client, container, rich, bob
):
    response = transfer(client, rich, rich.wallet["id"], bob.wallet["id"], "60000")
    assert response.status_code == 201
    pending = response.get_json()["data"]
    assert pending["status"] == "pending_approval" and pending["expires_at"] is not None
    wallet = client.get(f"/api/v1/wallets/{rich.wallet['id']}", headers=rich.auth).get_json()["data"]
    assert (wallet["balance"], wallet["available_balance"], wallet["held"]) == (
        "100000.00",
        "40000.00",
        "60000.00",
    )
    again = transfer(client, rich, rich.wallet["id"], bob.wallet["id"], "40000.01")
    assert again.get_json()["error"]["code"] == "PAY_001"  # the hold counts

    checker = staff_with_mfa(client, container, "staff")
    decided = client.post(f"/api/v1/transactions/{pending['id']}/approve", headers=checker.auth, json={})
    assert decided.status_code == 200, decided.get_json()
    assert decided.get_json()["data"]["status"] == "completed"
    assert decided.get_json()["data"]["decided_by"] == checker.id
    wallet = client.get(f"/api/v1/wallets/{rich.wallet['id']}", headers=rich.auth).get_json()["data"]
    assert (wallet["balance"], wallet["available_balance"], wallet["held"]) == (
        "40000.00",
        "40000.00",
        "0.00",
    )
    assert balance(client, bob, bob.wallet["id"]) == Decimal("60000.00")
    twice = client.post(f"/api/v1/transactions/{pending['id']}/approve", headers=checker.auth, json={})
    assert twice.status_code == 409
    assert (
        len([e for e in audit_entries(container, "transfer.approved") if e["resource_id"] == pending["id"]])
        == 1
    )


def test_the_initiator_cannot_approve_their_own_transfer(client, container, teller, bob):
    maker = staff_with_mfa(client, container, "staff")
    maker.wallet = wallet_of(client, container, maker)
    fund(container, teller, maker.wallet["id"], "50000.00")
    fund(container, teller, maker.wallet["id"], "50000.00")
    pending = transfer(client, maker, maker.wallet["id"], bob.wallet["id"], "70000").get_json()["data"]
    response = client.post(f"/api/v1/transactions/{pending['id']}/approve", headers=maker.auth, json={})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "ACC_001"
    response = client.post(
        f"/api/v1/transactions/{pending['id']}/reject", headers=maker.auth, json={"reason": "x"}
    )
    assert response.status_code == 403


def test_a_rejection_releases_the_hold(client, container, rich, bob):
    pending = transfer(client, rich, rich.wallet["id"], bob.wallet["id"], "60000").get_json()["data"]
    checker = staff_with_mfa(client, container, "staff")
    response = client.post(
        f"/api/v1/transactions/{pending['id']}/reject", headers=checker.auth, json={"reason": "Unusual payee"}
    )
    assert response.status_code == 200
    assert response.get_json()["data"]["status"] == "rejected"
    assert response.get_json()["data"]["decision_reason"] == "Unusual payee"
    wallet = client.get(f"/api/v1/wallets/{rich.wallet['id']}", headers=rich.auth).get_json()["data"]
    assert (wallet["balance"], wallet["available_balance"], wallet["held"]) == (
        "100000.00",
        "100000.00",
        "0.00",
    )
    assert balance(client, bob, bob.wallet["id"]) == Decimal("0")


def test_pending_transfers_past_their_deadline_expire_and_release_the_hold(client, container, rich, bob):
    pending = transfer(client, rich, rich.wallet["id"], bob.wallet["id"], "60000").get_json()["data"]
    with container.session_factory() as session:
        session.execute(
            text("UPDATE payment_transaction SET expires_at = now() - interval '1 minute' WHERE id = :id"),
            {"id": pending["id"]},
        )
        session.commit()
    assert container.payments.expire_pending() == 1
    found = client.get(f"/api/v1/transactions/{pending['id']}", headers=rich.auth).get_json()["data"]
    assert found["status"] == "expired"
    wallet = client.get(f"/api/v1/wallets/{rich.wallet['id']}", headers=rich.auth).get_json()["data"]
    assert wallet["available_balance"] == "100000.00"
    assert container.payments.expire_pending() == 0


# -- the database on its own ----------------------------------------------------------------
def test_the_database_refuses_an_unbalanced_journal_entry(container, alice, bob):
    txn, entry = uuid.uuid4(), uuid.uuid4()
    with container.session_factory() as session:
        session.execute(
            text(
                "INSERT INTO payment_transaction (id, type, status, amount, currency, source_account_id, "
                "destination_account_id, initiated_by) "
                "VALUES (:t, 'transfer', 'completed', 5, 'NAD', :a, :b, :u)"
            ),
            {"t": txn, "a": alice.wallet["id"], "b": bob.wallet["id"], "u": alice.id},
        )
        session.execute(
            text("INSERT INTO journal_entry (id, transaction_id) VALUES (:e, :t)"), {"e": entry, "t": txn}
        )
        session.execute(
            text(
                "INSERT INTO posting (journal_entry_id, account_id, currency, amount, account_seq, hash) "
                "VALUES (:e, :a, 'NAD', -5, 0, ''), (:e, :b, 'NAD', 4, 0, '')"
            ),
            {"e": entry, "a": alice.wallet["id"], "b": bob.wallet["id"]},
        )
        with pytest.raises(DBAPIError, match="does not balance"):
            session.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))  # what COMMIT checks


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE posting SET amount = amount * 2",
        "DELETE FROM posting",
        "TRUNCATE posting CASCADE",
        "UPDATE journal_entry SET created_at = now()",
        "DELETE FROM journal_entry",
    ],
)
def test_ledger_rows_cannot_be_changed_even_by_raw_sql(client, container, alice, bob, statement):
    transfer(client, alice, alice.wallet["id"], bob.wallet["id"], "1")
    with container.session_factory() as session:
        session.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))  # the test's outer transaction is open
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(text(statement))


def test_a_wallet_can_never_go_below_zero_even_by_raw_sql(container, bob):
    with container.session_factory() as session, pytest.raises(DBAPIError, match="ck_account_funds"):
        session.execute(text("UPDATE account SET balance = -1 WHERE id = :w"), {"w": bob.wallet["id"]})


# -- integrity reports -------------------------------------------------------------------------
def test_trial_balance_and_chain_verification(client, container, alice, bob):
    for amount in ("1", "2.50", "3"):
        transfer(client, alice, alice.wallet["id"], bob.wallet["id"], amount)
    staff = staff_with_mfa(client, container, "staff")
    report = client.get("/api/v1/ledger/trial-balance", headers=staff.auth).get_json()["data"]
    assert report["balanced"] is True and report["mismatched_accounts"] == []
    assert Decimal(report["totals"]["NAD"]) == 0
    chains = client.get("/api/v1/ledger/verify", headers=staff.auth).get_json()["data"]
    assert chains["ok"] is True and chains["postings_checked"] >= 8
    assert client.get("/api/v1/ledger/trial-balance", headers=alice.auth).status_code == 403


def test_the_history_pages_newest_first_and_filters(client, container, alice, bob):
    ids = [
        transfer(client, alice, alice.wallet["id"], bob.wallet["id"], str(n)).get_json()["data"]["id"]
        for n in (1, 2, 3)
    ]
    seen, cursor = [], None
    while True:
        query = {"limit": 2, "type": "transfer", **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/v1/transactions", headers=alice.auth, query_string=query).get_json()
        seen += [t["id"] for t in body["data"]]
        cursor = body["meta"]["next_cursor"]
        if cursor is None:
            break
    assert seen == ids[::-1]
    big = client.get(
        "/api/v1/transactions", headers=alice.auth, query_string={"amount_min": "2.50", "type": "transfer"}
    ).get_json()
    assert [t["id"] for t in big["data"]] == [ids[2]]
    bad = client.get("/api/v1/transactions", headers=alice.auth, query_string={"cursor": "not-a-cursor"})
    assert bad.status_code == 422


def test_the_openapi_document_declares_the_idempotency_key_header(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in (
        "/api/v1/transfers",
        "/api/v1/wallets/{wallet_id}/deposits",
        "/api/v1/wallets/{wallet_id}/withdrawals",
        "/api/v1/transactions/{transaction_id}/reversals",
    ):
        headers = [p for p in paths[path]["post"].get("parameters", []) if p["in"] == "header"]
        assert [(h["name"], h["required"]) for h in headers] == [("Idempotency-Key", True)], path
    roles = [
        p["name"] for p in paths["/api/v1/users/{user_id}/roles"]["put"]["parameters"] if p["in"] == "header"
    ]
    assert roles == ["X-Emergency-Reason"]


def test_staff_list_a_customers_wallets_and_a_customer_cannot(client, container, alice, bob):
    """GET /wallets?owner_id=: staff open a customer's wallets from the dashboard; another
    customer naming that owner learns nothing (an empty list, not a refusal that confirms
    the user exists)."""
    staff = staff_with_mfa(client, container, "staff")
    listed = client.get("/api/v1/wallets", query_string={"owner_id": alice.id}, headers=staff.auth)
    assert listed.status_code == 200, listed.get_json()
    assert [w["id"] for w in listed.get_json()["data"]] == [alice.wallet["id"]]

    snooped = client.get("/api/v1/wallets", query_string={"owner_id": alice.id}, headers=bob.auth)
    assert snooped.status_code == 200 and snooped.get_json()["data"] == []
    own = client.get("/api/v1/wallets", query_string={"owner_id": bob.id}, headers=bob.auth)
    assert [w["id"] for w in own.get_json()["data"]] == [bob.wallet["id"]]
    bad = client.get("/api/v1/wallets", query_string={"owner_id": "not-a-uuid"}, headers=bob.auth)
    assert bad.status_code == 422 and bad.get_json()["status"] == "validation_error"

"""Customer-facing money over HTTP: transactions seen from the caller's wallets (direction,
counterparty, signed amount) in one shape on create, read and list; the transaction list's
cursor contract; the PDF statement beside the CSV; top-ups completed by staff or by a
reconciliation run; and the initiator named in the decision event."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader

from elcorp.payments.domain.settlement import business_date
from support.bank import statement_upload
from support.identity import signed_in, staff_with_mfa
from support.incidents import outbox_events
from support.payments import balance, transfer, wallet_of

TRANSACTIONS = "/api/v1/transactions"


@pytest.fixture
def checker(client, container):
    return staff_with_mfa(client, container, "staff")


@pytest.fixture
def admin(client, container):
    return staff_with_mfa(client, container, "admin")


def top_up(client, user, wallet_id: str, amount: str, reference: str, *, key: str | None = None):
    return client.post(
        f"/api/v1/wallets/{wallet_id}/top-ups",
        headers={**user.auth, "Idempotency-Key": key or str(uuid.uuid4())},
        json={"amount": amount, "currency": "NAD", "external_reference": reference},
    )


# -- direction, counterparty, signed amount -----------------------------------------------------
def test_each_party_sees_the_transfer_from_their_side_in_one_shape(client, checker, alice, bob):
    created = transfer(client, alice, alice.wallet["id"], bob.wallet["id"], "12.50", key="side-1")
    assert created.status_code == 201, created.get_json()
    made = created.get_json()["data"]
    assert created.headers["Location"] == f"{TRANSACTIONS}/{made['id']}"
    assert (made["direction"], made["signed_amount"]) == ("out", "-12.50")
    assert made["counterparty"] == {
        "wallet_id": bob.wallet["id"],
        "kind": "wallet",
        "address": bob.wallet["address"],
    }

    read = client.get(f"{TRANSACTIONS}/{made['id']}", headers=alice.auth).get_json()["data"]
    (listed,) = [
        t for t in client.get(TRANSACTIONS, headers=alice.auth).get_json()["data"] if t["id"] == made["id"]
    ]
    assert read == made and listed == made

    payee = client.get(f"{TRANSACTIONS}/{made['id']}", headers=bob.auth).get_json()["data"]
    assert (payee["direction"], payee["signed_amount"]) == ("in", "12.50")
    assert payee["counterparty"] == {
        "wallet_id": alice.wallet["id"],
        "kind": "wallet",
        "address": alice.wallet["address"],
    }
    assert set(payee["counterparty"]) == {"wallet_id", "kind", "address"}  # no one's personal data
    staff = client.get(f"{TRANSACTIONS}/{made['id']}", headers=checker.auth).get_json()["data"]
    assert (staff["direction"], staff["counterparty"], staff["signed_amount"]) == (None, None, None)


def test_a_replayed_transfer_answers_the_same_bytes_and_location(client, alice, bob):
    first = transfer(client, alice, alice.wallet["id"], bob.wallet["id"], "3.00", key="replay-1")
    again = transfer(client, alice, alice.wallet["id"], bob.wallet["id"], "3.00", key="replay-1")
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.data == first.data and again.headers["Location"] == first.headers["Location"]


def test_the_transaction_list_walks_by_cursor_and_refuses_unknown_parameters(client, alice, bob):
    for amount in ("1.00", "2.00", "3.00"):
        transfer(client, alice, alice.wallet["id"], bob.wallet["id"], amount)
    first = client.get(f"{TRANSACTIONS}?limit=2", headers=alice.auth).get_json()
    assert [t["signed_amount"] for t in first["data"]] == ["-3.00", "-2.00"]
    assert first["meta"]["has_more"] is True and first["meta"]["limit"] == 2
    rest = client.get(
        TRANSACTIONS, headers=alice.auth, query_string={"limit": 2, "cursor": first["meta"]["next_cursor"]}
    ).get_json()
    assert [(t["type"], t["signed_amount"]) for t in rest["data"]] == [
        ("transfer", "-1.00"),
        ("deposit", "1000.00"),
    ]
    assert (rest["meta"]["has_more"], rest["meta"]["next_cursor"]) == (False, None)
    default = client.get(TRANSACTIONS, headers=alice.auth).get_json()["meta"]
    assert default["limit"] == 20
    per_page = client.get(f"{TRANSACTIONS}?per_page=1", headers=alice.auth).get_json()
    assert len(per_page["data"]) == 1 and per_page["meta"]["has_more"] is True  # the alias of limit

    unknown = client.get(f"{TRANSACTIONS}?sort=amount", headers=alice.auth)
    assert unknown.status_code == 422
    assert unknown.get_json()["error"]["details"][0]["field"] == "sort"
    paged = client.get(f"{TRANSACTIONS}?page=2", headers=alice.auth)
    assert paged.status_code == 422 and paged.get_json()["error"]["details"][0]["field"] == "page"


def test_a_business_error_names_the_amount_field(client, alice, bob):
    response = transfer(client, alice, alice.wallet["id"], bob.wallet["id"], "10.001")
    assert response.status_code == 422
    assert [d["field"] for d in response.get_json()["error"]["details"]] == ["amount"]
    missing = client.post(
        "/api/v1/transfers",
        headers=alice.auth,
        json={
            "source_wallet_id": alice.wallet["id"],
            "destination_wallet_id": bob.wallet["id"],
            "amount": "1",
        },
    )
    assert missing.status_code == 400 and missing.get_json()["error"]["code"] == "PAY_004"
    assert missing.get_json()["error"]["details"][0]["field"] == "Idempotency-Key"


# -- the PDF statement ----------------------------------------------------------------------------
def test_the_pdf_statement_shows_the_lines_and_totals_that_add_up(client, alice, bob):
    transfer(client, alice, alice.wallet["id"], bob.wallet["id"], "100", description="Groceries")
    transfer(client, bob, bob.wallet["id"], alice.wallet["id"], "40")
    response = client.get(
        f"/api/v1/wallets/{alice.wallet['id']}/statement", headers=alice.auth, query_string={"format": "pdf"}
    )
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].endswith(f'statement-{alice.wallet["id"]}.pdf"')
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Wallet statement" in text and alice.wallet["id"] in text
    assert "Opening balance (NAD) 0.00" in text
    assert "Money in (NAD) 1040.00" in text
    assert "Money out (NAD) 100.00" in text
    assert "Closing balance (NAD) 940.00" in text
    assert "Groceries" in text and "-100.00" in text
    assert "3 posting(s)." in text
    wrong = client.get(
        f"/api/v1/wallets/{alice.wallet['id']}/statement", headers=alice.auth, query_string={"format": "xls"}
    )
    assert wrong.status_code == 422 and wrong.get_json()["error"]["details"][0]["field"] == "format"
    other = client.get(
        f"/api/v1/wallets/{alice.wallet['id']}/statement", headers=bob.auth, query_string={"format": "pdf"}
    )
    assert other.status_code == 404


# -- top-ups --------------------------------------------------------------------------------------
def test_a_top_up_waits_without_changing_the_balance_and_staff_complete_it_once(
    client, container, checker, bob
):
    response = top_up(client, bob, bob.wallet["id"], "300.00", "EFT-BOB-0001", key="bob-top-1")
    assert response.status_code == 201, response.get_json()
    pending = response.get_json()["data"]
    assert response.headers["Location"] == f"{TRANSACTIONS}/{pending['id']}"
    assert (pending["type"], pending["status"], pending["direction"]) == ("deposit", "pending_approval", "in")
    assert (pending["signed_amount"], pending["counterparty"]["kind"]) == ("300.00", "clearing")
    wallet = client.get(f"/api/v1/wallets/{bob.wallet['id']}", headers=bob.auth).get_json()["data"]
    assert (wallet["balance"], wallet["available_balance"], wallet["held"]) == ("0.00", "0.00", "0.00")
    replay = top_up(client, bob, bob.wallet["id"], "300.00", "EFT-BOB-0001", key="bob-top-1")
    assert replay.data == response.data and replay.headers["Idempotent-Replayed"] == "true"
    taken = top_up(client, bob, bob.wallet["id"], "300.00", "eft-bob-0001 ")
    assert taken.status_code == 409 and taken.get_json()["error"]["code"] == "PAY_010"

    approved = client.post(f"{TRANSACTIONS}/{pending['id']}/approve", headers=checker.auth)
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["data"]["status"] == "completed"
    assert balance(client, bob, bob.wallet["id"]) == Decimal("300.00")
    twice = client.post(f"{TRANSACTIONS}/{pending['id']}/approve", headers=checker.auth)
    assert twice.status_code == 409
    assert balance(client, bob, bob.wallet["id"]) == Decimal("300.00")
    (event,) = [
        e
        for e in outbox_events(container, "payments.TransactionDecided")
        if e["transaction_id"] == pending["id"]
    ]
    assert (event["user_id"], event["status"], event["decided_by"]) == (bob.id, "completed", checker.id)


def test_a_top_up_is_only_for_the_callers_own_wallet_and_needs_a_key(client, alice, bob):
    assert top_up(client, bob, alice.wallet["id"], "10.00", "EFT-X-1").status_code == 404
    no_key = client.post(
        f"/api/v1/wallets/{bob.wallet['id']}/top-ups",
        headers=bob.auth,
        json={"amount": "10.00", "external_reference": "EFT-X-2"},
    )
    assert no_key.status_code == 400 and no_key.get_json()["error"]["code"] == "PAY_004"
    assert client.get(TRANSACTIONS, headers=bob.auth).get_json()["data"] == []


def test_a_reconciliation_line_with_the_reference_completes_the_top_up(client, container, admin, bob):
    pending = top_up(client, bob, bob.wallet["id"], "150.00", "EFT-RECON-77").get_json()["data"]
    other = top_up(client, bob, bob.wallet["id"], "20.00", "EFT-RECON-78").get_json()["data"]
    today = business_date(datetime.now(UTC)).isoformat()  # the bank's day, in Windhoek
    statement = (
        "date,reference,amount,currency\n"
        f"{today},EFT-RECON-77,150.00,NAD\n"
        f"{today},EFT-RECON-78,25.00,NAD\n"  # another amount: not this top-up's payment
    )
    run = client.post(
        "/api/v1/reconciliation/runs",
        headers=admin.auth,
        data=statement_upload(statement),
        content_type="multipart/form-data",
    )
    assert run.status_code == 201, run.get_json()
    data = run.get_json()["data"]
    assert [(m["reference"], m["transaction_id"]) for m in data["matched"]] == [
        ("EFT-RECON-77", pending["id"])
    ]
    assert [line["reference"] for line in data["unmatched_in_bank"]] == ["EFT-RECON-78"]
    assert balance(client, bob, bob.wallet["id"]) == Decimal("150.00")
    completed = client.get(f"{TRANSACTIONS}/{pending['id']}", headers=bob.auth).get_json()["data"]
    assert (completed["status"], completed["decided_by"]) == ("completed", admin.id)
    still = client.get(f"{TRANSACTIONS}/{other['id']}", headers=bob.auth).get_json()["data"]
    assert still["status"] == "pending_approval"

    again = client.post(
        "/api/v1/reconciliation/runs",
        headers=admin.auth,
        data=statement_upload(statement),
        content_type="multipart/form-data",
    )
    assert again.status_code == 201
    assert balance(client, bob, bob.wallet["id"]) == Decimal("150.00")  # credited once


def test_a_rejected_transfer_tells_its_initiator(client, container, checker, teller):
    from support.payments import fund

    rich = signed_in(client)
    rich.wallet = wallet_of(client, container, rich)
    fund(container, teller, rich.wallet["id"], "50000.00")
    fund(container, teller, rich.wallet["id"], "50000.00")
    payee = signed_in(client)
    payee.wallet = wallet_of(client, container, payee)
    pending = transfer(client, rich, rich.wallet["id"], payee.wallet["id"], "60000").get_json()["data"]
    rejected = client.post(
        f"{TRANSACTIONS}/{pending['id']}/reject", headers=checker.auth, json={"reason": "Payee not verified"}
    )
    assert rejected.status_code == 200 and rejected.get_json()["data"]["status"] == "rejected"
    (event,) = [
        e
        for e in outbox_events(container, "payments.TransactionDecided")
        if e["transaction_id"] == pending["id"]
    ]
    assert (event["user_id"], event["status"], event["type"], event["amount"]) == (
        rich.id,
        "rejected",
        "transfer",
        "60000.00000000",
    )
    # ... and the initiator reads it in their own event feed, once the outbox is dispatched.
    container.outbox.dispatch_pending()
    feed = client.get("/api/v1/me/events", headers=rich.auth).get_json()["data"]
    decided = [e for e in feed if e["type"] == "transaction.decided"]
    assert [(e["data"]["transaction_id"], e["data"]["status"]) for e in decided] == [
        (pending["id"], "rejected")
    ]
    assert client.get("/api/v1/me/events", headers=payee.auth).get_json()["data"] == []


def test_the_answers_are_exactly_what_the_response_models_declare(client, container, admin, alice, bob):
    from elcorp.payments.interfaces import reconciliation_schemas as rs
    from elcorp.payments.interfaces import schemas as s

    def exactly(model, data: dict) -> None:
        model.model_validate(data)
        assert set(data) == set(model.model_fields), model.__name__

    made = transfer(client, alice, alice.wallet["id"], bob.wallet["id"], "5.00").get_json()["data"]
    exactly(s.Transaction, made)
    exactly(s.TransactionCounterparty, made["counterparty"])
    for item in client.get(TRANSACTIONS, headers=admin.auth).get_json()["data"]:
        exactly(s.Transaction, item)
    exactly(
        s.Wallet, client.get(f"/api/v1/wallets/{alice.wallet['id']}", headers=alice.auth).get_json()["data"]
    )
    exactly(
        s.TrialBalanceReport,
        client.get("/api/v1/ledger/trial-balance", headers=admin.auth).get_json()["data"],
    )
    exactly(s.LedgerVerification, client.get("/api/v1/ledger/verify", headers=admin.auth).get_json()["data"])
    today = business_date(datetime.now(UTC)).isoformat()
    run = client.post(
        "/api/v1/reconciliation/runs",
        headers=admin.auth,
        data=statement_upload(f"date,reference,amount,currency\n{today},NONE-1,1.00,NAD\n"),
        content_type="multipart/form-data",
    ).get_json()["data"]
    exactly(rs.ReconciliationRun, run)
    (listed,) = client.get("/api/v1/reconciliation/runs", headers=admin.auth).get_json()["data"]
    rs.ReconciliationRun.model_validate(listed)
    assert set(rs.ReconciliationRun.model_fields) - set(listed) == {
        "matched",
        "unmatched_in_bank",
        "unmatched_in_ledger",
    }
    batch = client.post("/api/v1/settlement/batches/close", headers=admin.auth, json={}).get_json()["data"]
    exactly(rs.SettlementBatch, batch)

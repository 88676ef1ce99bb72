"""Withdrawals, reversals (partial, never more than the original) and wallet statements."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from support.audit import audit_entries
from support.identity import signed_in, staff_with_mfa
from support.mail import mails
from support.payments import balance, fund, transfer, wallet_of


@pytest.fixture
def staff(client, container):
    return staff_with_mfa(client, container, "staff")


def reverse(client, staff, transaction_id: str, **body):
    return client.post(
        f"/api/v1/transactions/{transaction_id}/reversals",
        headers={**staff.auth, "Idempotency-Key": str(uuid.uuid4())},
        json={"reason": "Paid to the wrong account", **body},
    )


def test_a_partial_then_a_full_reversal_never_return_more_than_the_original(
    client, container, staff, alice, bob
):
    original = transfer(client, alice, alice.wallet["id"], bob.wallet["id"], "300").get_json()["data"]
    part = reverse(client, staff, original["id"], amount="100")
    assert part.status_code == 201, part.get_json()
    data = part.get_json()["data"]
    assert (data["type"], data["amount"], data["reversal_of"]) == ("reversal", "100.00", original["id"])
    assert (
        data["source_wallet_id"] == bob.wallet["id"] and data["destination_wallet_id"] == alice.wallet["id"]
    )
    too_much = reverse(client, staff, original["id"], amount="200.01")
    assert too_much.status_code == 422 and too_much.get_json()["error"]["code"] == "PAY_008"
    rest = reverse(client, staff, original["id"])  # what is left: 200
    assert rest.status_code == 201 and rest.get_json()["data"]["amount"] == "200.00"
    assert balance(client, alice, alice.wallet["id"]) == Decimal("1000.00")
    assert balance(client, bob, bob.wallet["id"]) == Decimal("0.00")
    after = client.get(f"/api/v1/transactions/{original['id']}", headers=staff.auth).get_json()["data"]
    assert after["status"] == "reversed" and after["reversed_amount"] == "300.00"
    again = reverse(client, staff, original["id"], amount="0.01")
    assert again.status_code == 422 and again.get_json()["error"]["code"] == "PAY_008"
    assert len(audit_entries(container, "reversal.completed")) == 2


def test_a_reversal_cannot_take_money_the_recipient_has_spent(client, container, staff, alice, bob):
    original = transfer(client, alice, alice.wallet["id"], bob.wallet["id"], "300").get_json()["data"]
    carol = signed_in(client)
    carol_wallet = wallet_of(client, container, carol)
    assert transfer(client, bob, bob.wallet["id"], carol_wallet["id"], "250").status_code == 201
    response = reverse(client, staff, original["id"])
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "PAY_001"


def test_customers_cannot_reverse(client, alice, bob):
    original = transfer(client, alice, alice.wallet["id"], bob.wallet["id"], "10").get_json()["data"]
    assert reverse(client, bob, original["id"]).status_code == 403


def test_a_withdrawal_pays_out_of_the_wallet(client, container, staff, alice):
    response = client.post(
        f"/api/v1/wallets/{alice.wallet['id']}/withdrawals",
        headers={**staff.auth, "Idempotency-Key": "wd-1"},
        json={"amount": "400.00", "external_reference": "EFT-778812"},
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["data"]["type"] == "withdrawal"
    assert balance(client, alice, alice.wallet["id"]) == Decimal("600.00")
    broke = client.post(
        f"/api/v1/wallets/{alice.wallet['id']}/withdrawals",
        headers={**staff.auth, "Idempotency-Key": "wd-2"},
        json={"amount": "600.01", "external_reference": "EFT-778813"},
    )
    assert broke.status_code == 422 and broke.get_json()["error"]["code"] == "PAY_001"
    customer = client.post(
        f"/api/v1/wallets/{alice.wallet['id']}/withdrawals",
        headers={**alice.auth, "Idempotency-Key": "wd-3"},
        json={"amount": "1", "external_reference": "x"},
    )
    assert customer.status_code == 403


def test_the_statement_has_opening_and_closing_balances(client, alice, bob):
    transfer(client, alice, alice.wallet["id"], bob.wallet["id"], "100", description="=HYPERLINK(evil)")
    transfer(client, bob, bob.wallet["id"], alice.wallet["id"], "40")
    response = client.get(f"/api/v1/wallets/{alice.wallet['id']}/statement", headers=alice.auth)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    digest = base64.b64encode(hashlib.sha256(response.data).digest()).decode()
    assert response.headers["Repr-Digest"] == f"sha-256=:{digest}:"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == [
        "date",
        "transaction_id",
        "type",
        "description",
        "amount",
        "balance",
        "direction",
        "counterparty_wallet_id",
        "counterparty_address",
    ]
    assert rows[1][2:6] == ["opening_balance", "", "", "0.00"]
    assert [(r[2], r[4], r[5]) for r in rows[2:-1]] == [
        ("deposit", "1000.00", "1000.00"),
        ("transfer", "-100.00", "900.00"),
        ("transfer", "40.00", "940.00"),
    ]
    assert rows[3][3] == "'=HYPERLINK(evil)"  # never a live formula in a spreadsheet
    assert [(r[6], r[7], r[8]) for r in rows[3:5]] == [
        ("out", bob.wallet["id"], bob.wallet["address"]),
        ("in", bob.wallet["id"], bob.wallet["address"]),
    ]
    assert rows[2][6] == "in" and rows[2][8] == ""  # a deposit: from the clearing account
    assert rows[-1][2:6] == ["closing_balance", "", "", "940.00"]
    later = client.get(
        f"/api/v1/wallets/{alice.wallet['id']}/statement",
        headers=alice.auth,
        query_string={"from": "2999-01-01T00:00:00Z"},
    )
    rows = list(csv.reader(io.StringIO(later.get_data(as_text=True))))
    assert rows[1][5] == "940.00" and rows[-1][5] == "940.00" and len(rows) == 3
    assert client.get(f"/api/v1/wallets/{alice.wallet['id']}/statement", headers=bob.auth).status_code == 404


def test_pending_approvals_are_reminded_to_approvers_once_per_interval(
    client, container, settings, teller, bob
):
    rich = signed_in(client)
    rich.wallet = wallet_of(client, container, rich)
    fund(container, teller, rich.wallet["id"], "50000.00")
    fund(container, teller, rich.wallet["id"], "50000.00")
    approver = staff_with_mfa(client, container, "staff")
    pending = transfer(client, rich, rich.wallet["id"], bob.wallet["id"], "70000").get_json()["data"]
    service = container.payments
    assert service.remind_pending_approvals(waiting=timedelta(0)) == 1
    assert service.remind_pending_approvals(waiting=timedelta(0)) == 0  # not twice inside 4 hours
    assert service.remind_pending_approvals(waiting=timedelta(0), every=timedelta(0)) == 1
    container.outbox.dispatch_pending()
    subjects = [m["Subject"] for m in mails(settings, approver.email)]
    assert subjects.count("Approval needed: transfer of 70000.00 NAD") == 2
    assert not [
        m for m in mails(settings, rich.email) if "Approval needed" in m["Subject"]
    ]  # not the initiator
    assert pending["status"] == "pending_approval"


def test_expired_idempotency_keys_are_purged(client, container, alice, bob):
    transfer(client, alice, alice.wallet["id"], bob.wallet["id"], "1", key="old-key")
    with container.session_factory() as session:
        session.execute(text("UPDATE idempotency_key SET expires_at = now() - interval '1 second'"))
        session.commit()
    assert container.payments.purge_idempotency_keys() >= 1
    again = transfer(client, alice, alice.wallet["id"], bob.wallet["id"], "1", key="old-key")
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") is None

"""The trial balance writes amounts the way every money field is written (DESIGN.md
section 5: fixed-point strings with the currency's decimals), never in exponent notation:
a zero total summed from NUMERIC(20,8) postings used to come out as "0E-8"."""

from __future__ import annotations

from sqlalchemy import text

from support.identity import staff_with_mfa
from support.payments import transfer


def test_balanced_books_show_a_zero_total_as_0_00(client, container, alice, bob):
    assert transfer(client, alice, alice.wallet["id"], bob.wallet["id"], "2.50").status_code == 201
    staff = staff_with_mfa(client, container, "staff")

    report = client.get("/api/v1/ledger/trial-balance", headers=staff.auth).get_json()["data"]

    assert report["balanced"] is True
    assert report["totals"] == {"NAD": "0.00"}


def test_a_mismatched_account_shows_its_amounts_as_plain_decimals(client, container, alice, bob):
    with container.session_factory() as session:
        session.execute(
            text("UPDATE account SET balance = balance + 5 WHERE id = :w"), {"w": bob.wallet["id"]}
        )
        session.commit()
    staff = staff_with_mfa(client, container, "staff")

    report = client.get("/api/v1/ledger/trial-balance", headers=staff.auth).get_json()["data"]

    (mismatch,) = report["mismatched_accounts"]
    assert mismatch["account_id"] == bob.wallet["id"]
    assert (mismatch["balance"], mismatch["postings_total"], mismatch["held"], mismatch["active_holds"]) == (
        "5.00",
        "0.00",
        "0.00",
        "0.00",
    )

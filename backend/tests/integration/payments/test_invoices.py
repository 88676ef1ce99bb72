"""Invoices over HTTP on real PostgreSQL: drafts with exact totals, issuing (numbered and
frozen, by the database too), paying from the wallet (idempotent, maker-checker above the
threshold), credit notes, the PDF tax invoice and receipt, object-level authorization,
overdue reminders and the audit trail."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import uuid
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from elcorp.shared.domain.clock import WINDHOEK
from support.audit import audit_entries
from support.factories.payments import InvoiceLineBodyFactory
from support.identity import signed_in, staff_with_mfa
from support.mail import mails
from support.payments import balance, fund, wallet_of

INVOICES = "/api/v1/invoices"
NUMBER = re.compile(r"^INV-\d{4}-\d{6}$")
# Hand-computed: 3 x 33.333 = 99.999 -> 100.00; 1.5 x 19.99 = 29.985 -> 29.99 (each line
# half-up to the cent); subtotal 129.99; VAT 15% = 19.4985 -> 19.50; total 149.49.
UNEVEN = [
    InvoiceLineBodyFactory(description="Roadworthy inspection", quantity="3", unit_price="33.333"),
    InvoiceLineBodyFactory(description="Number plates (pair)", quantity="1.5", unit_price="19.99"),
]


@pytest.fixture
def clerk(client, container):
    """Staff who drafts, issues and credits invoices (invoice:create/manage, scope all)."""
    return staff_with_mfa(client, container, "staff")


def windhoek_date(timestamp: str) -> str:
    """The calendar date in Windhoek (what documents print) of a UTC timestamp."""
    return datetime.fromisoformat(timestamp).astimezone(WINDHOEK).date().isoformat()


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def draft(client, clerk, payer, lines=None, **extra) -> dict:
    body = {"payer_id": payer.id, "lines": lines or UNEVEN, **extra}
    response = client.post(INVOICES, headers=clerk.auth, json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


def issued(client, clerk, payer, lines=None, **extra) -> dict:
    invoice = draft(client, clerk, payer, lines, **extra)
    response = client.post(f"{INVOICES}/{invoice['id']}/issue", headers=clerk.auth)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]


def transaction(client, user, transaction_id: str) -> dict:
    response = client.get(f"/api/v1/transactions/{transaction_id}", headers=user.auth)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]


def pay(client, payer, invoice_id: str, key: str | None = None):
    headers = {**payer.auth, "Idempotency-Key": key or str(uuid.uuid4())}
    return client.post(f"{INVOICES}/{invoice_id}/pay", headers=headers)


# -- drafts and totals --------------------------------------------------------------------
def test_a_draft_has_exact_decimal_totals_for_lines_that_do_not_divide_evenly(client, clerk, alice):
    invoice = draft(client, clerk, alice)
    assert invoice["status"] == "draft" and invoice["number"] is None and invoice["issued_at"] is None
    assert [(line["net"], line["quantity"]) for line in invoice["lines"]] == [
        ("100.00", "3"),
        ("29.99", "1.5"),
    ]
    assert (invoice["subtotal"], invoice["vat"], invoice["total"]) == ("129.99", "19.50", "149.49")
    assert invoice["vat_rate"] == "15" and invoice["currency"] == "NAD"
    assert invoice["payer_id"] == alice.id and invoice["amount_due"] == "149.49"
    assert invoice["issuer"]["id"]


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ([InvoiceLineBodyFactory(quantity="0", unit_price="1")], "lines[0]"),
        ([InvoiceLineBodyFactory(description="  ", unit_price="1")], "lines[0]"),
        ([InvoiceLineBodyFactory(quantity="1.00001", unit_price="1")], "lines.0.quantity"),
        ([InvoiceLineBodyFactory(unit_price="-1")], "lines.0.unit_price"),
        ([], "lines"),
    ],
)
def test_bad_lines_are_refused_with_a_field_and_nothing_is_stored(
    client, container, clerk, alice, lines, field
):
    response = client.post(INVOICES, headers=clerk.auth, json={"payer_id": alice.id, "lines": lines})
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert body["error"]["code"] in ("VAL_001", "INV_001")
    assert field in {d["field"] for d in body["error"]["details"]}
    with container.session_factory() as session:
        assert (
            session.execute(
                text("SELECT count(*) FROM invoice WHERE payer_id = :p"), {"p": alice.id}
            ).scalar()
            == 0
        )


def test_an_unknown_payer_or_a_client_chosen_number_is_refused(client, clerk):
    response = client.post(
        INVOICES, headers=clerk.auth, json={"payer_id": str(uuid.uuid4()), "lines": UNEVEN}
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["field"] == "payer_id"
    forged = client.post(
        INVOICES,
        headers=clerk.auth,
        json={"payer_id": str(uuid.uuid4()), "lines": UNEVEN, "number": "INV-2026-000001", "status": "paid"},
    )
    assert forged.status_code == 422  # mass assignment: unknown fields are refused
    foreign = client.post(
        INVOICES, headers=clerk.auth, json={"payer_id": clerk.id, "currency": "XOF", "lines": UNEVEN}
    )
    assert foreign.status_code == 422 and foreign.get_json()["error"]["details"][0]["field"] == "currency"


# -- issuing ------------------------------------------------------------------------------
def test_issuing_numbers_the_invoice_and_freezes_it_in_the_database(client, container, clerk, alice):
    invoice = issued(client, clerk, alice)
    assert invoice["status"] == "issued" and NUMBER.match(invoice["number"]), invoice["number"]
    assert invoice["issuer"]["vat_number"] == "99-000-0001"
    assert invoice["issuer"]["name"] == "Elcorp Namibia (Pty) Ltd"
    again = client.post(f"{INVOICES}/{invoice['id']}/issue", headers=clerk.auth)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "INV_002"

    with container.session_factory() as session:
        for statement in (
            "UPDATE invoice SET total = total + 1, subtotal = subtotal + 1 WHERE id = :id",
            "UPDATE invoice SET number = 'INV-2026-999999' WHERE id = :id",
            "UPDATE invoice_line SET unit_price = 0 WHERE invoice_id = :id",
            "DELETE FROM invoice WHERE id = :id",
        ):
            nested = session.begin_nested()
            with pytest.raises(DBAPIError, match="INV_002"):
                session.execute(text(statement), {"id": invoice["id"]})
            nested.rollback()
    shown = client.get(f"{INVOICES}/{invoice['id']}", headers=alice.auth).get_json()["data"]
    assert (shown["number"], shown["total"]) == (invoice["number"], "149.49")


def test_an_issuer_without_a_vat_number_cannot_issue_a_tax_invoice(client, clerk, alice):
    owner = signed_in(client)
    created = client.post(
        "/api/v1/invoice-issuers",
        headers=clerk.auth,
        json={"name": "Oshakati Motors", "address": "Main Road, Oshakati", "owner_id": owner.id},
    )
    assert created.status_code == 201, created.get_json()
    invoice = draft(client, clerk, alice, issuer_id=created.get_json()["data"]["id"])
    response = client.post(f"{INVOICES}/{invoice['id']}/issue", headers=clerk.auth)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "INV_004"
    assert (
        client.get(f"{INVOICES}/{invoice['id']}", headers=clerk.auth).get_json()["data"]["status"] == "draft"
    )


def test_a_business_issuer_numbers_on_its_own_and_is_paid_into_its_owners_wallet(
    client, container, clerk, alice
):
    owner = signed_in(client)
    owner.wallet = wallet_of(client, container, owner)
    issuer = client.post(
        "/api/v1/invoice-issuers",
        headers=clerk.auth,
        json={
            "name": "Walvis Tyres CC",
            "address": "Sam Nujoma Ave, Walvis Bay",
            "vat_number": "12-345-678",
            "owner_id": owner.id,
        },
    ).get_json()["data"]
    first = issued(client, clerk, alice, issuer_id=issuer["id"])
    second = issued(client, clerk, alice, issuer_id=issuer["id"])
    year = first["number"].split("-")[1]
    assert (first["number"], second["number"]) == (f"INV-{year}-000001", f"INV-{year}-000002")
    assert pay(client, alice, first["id"]).status_code == 200
    assert balance(client, owner, owner.wallet["id"]) == Decimal("149.49")


def test_void_keeps_the_number_used_and_a_void_invoice_cannot_be_paid(client, clerk, alice):
    invoice = issued(client, clerk, alice)
    response = client.post(
        f"{INVOICES}/{invoice['id']}/void", headers=clerk.auth, json={"reason": "wrong payer"}
    )
    assert response.status_code == 200 and response.get_json()["data"]["status"] == "void"
    assert response.get_json()["data"]["number"] == invoice["number"]
    assert pay(client, alice, invoice["id"]).get_json()["error"]["code"] == "INV_002"
    following = issued(client, clerk, alice)
    assert int(following["number"][-6:]) == int(invoice["number"][-6:]) + 1  # never reused


# -- paying -------------------------------------------------------------------------------
def test_paying_moves_the_money_once_and_replays_under_the_same_key(client, container, clerk, alice):
    invoice = issued(client, clerk, alice)
    key = str(uuid.uuid4())
    first = pay(client, alice, invoice["id"], key)
    assert first.status_code == 200, first.get_json()  # an action on an existing invoice
    paid = first.get_json()["data"]
    assert paid["status"] == "paid" and paid["amount_due"] == "0.00"
    shown = client.get(f"{INVOICES}/{invoice['id']}", headers=alice.auth).get_json()["data"]
    assert set(paid) == set(shown)  # the invoice's one shape (credit notes null in action answers)
    moved = transaction(client, alice, paid["paid_transaction_id"])
    assert (moved["amount"], moved["status"]) == ("149.49", "completed")
    assert moved["external_reference"] == invoice["number"]
    assert balance(client, alice, alice.wallet["id"]) == Decimal("1000.00") - Decimal("149.49")

    replay = pay(client, alice, invoice["id"], key)
    assert replay.status_code == 200 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.get_json()["data"]["paid_transaction_id"] == paid["paid_transaction_id"]
    other_key = pay(client, alice, invoice["id"])
    assert other_key.status_code == 409 and other_key.get_json()["error"]["code"] == "INV_002"
    assert balance(client, alice, alice.wallet["id"]) == Decimal("850.51")
    assert [e["resource_id"] for e in audit_entries(container, "invoice.paid")] == [invoice["id"]]


def test_paying_needs_an_idempotency_key_and_enough_money_and_leaves_nothing_half_done(
    client, container, clerk, alice
):
    invoice = issued(
        client, clerk, alice, lines=[InvoiceLineBodyFactory(description="Fleet licence", unit_price="900")]
    )
    missing = client.post(f"{INVOICES}/{invoice['id']}/pay", headers=alice.auth)
    assert missing.status_code == 400 and missing.get_json()["error"]["code"] == "PAY_004"
    short = pay(client, alice, invoice["id"])  # 1 035.00 due, 1 000.00 held
    assert short.status_code == 422 and short.get_json()["error"]["code"] == "PAY_001"
    after = client.get(f"{INVOICES}/{invoice['id']}", headers=alice.auth).get_json()["data"]
    assert (after["status"], after["pending_transaction_id"]) == ("issued", None)
    assert balance(client, alice, alice.wallet["id"]) == Decimal("1000.00")
    with container.session_factory() as session:
        assert (
            session.execute(
                text("SELECT count(*) FROM receipt WHERE invoice_id = :i"), {"i": invoice["id"]}
            ).scalar()
            == 0
        )


def test_only_the_payer_can_pay_and_a_draft_cannot_be_paid(client, clerk, alice, bob):
    invoice = issued(client, clerk, alice)
    assert pay(client, bob, invoice["id"]).status_code == 404
    unissued = draft(client, clerk, alice)
    assert pay(client, alice, unissued["id"]).get_json()["error"]["code"] == "INV_002"


@pytest.fixture
def rich(client, container, teller):
    user = signed_in(client)
    user.wallet = wallet_of(client, container, user)
    fund(container, teller, user.wallet["id"], "50000.00")
    fund(container, teller, user.wallet["id"], "50000.00")
    return user


BIG = [InvoiceLineBodyFactory(description="Truck, used", unit_price="60000")]  # 69 000.00 with VAT


def test_a_payment_above_the_threshold_waits_and_the_approval_settles_the_invoice(
    client, container, clerk, rich
):
    invoice = issued(client, clerk, rich, lines=BIG)
    response = pay(client, rich, invoice["id"])
    assert response.status_code == 200, response.get_json()
    waiting = response.get_json()["data"]
    assert waiting["status"] == "issued" and waiting["paid_transaction_id"] is None
    assert transaction(client, rich, waiting["pending_transaction_id"])["status"] == "pending_approval"
    again = pay(client, rich, invoice["id"])
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "INV_005"
    void = client.post(f"{INVOICES}/{invoice['id']}/void", headers=clerk.auth, json={"reason": "x"})
    assert void.get_json()["error"]["code"] == "INV_005"

    checker = staff_with_mfa(client, container, "staff")
    transaction_id = waiting["pending_transaction_id"]
    decided = client.post(f"/api/v1/transactions/{transaction_id}/approve", headers=checker.auth, json={})
    assert decided.status_code == 200, decided.get_json()
    container.outbox.dispatch_pending()
    container.outbox.dispatch_pending()  # a redelivered event changes nothing
    paid = client.get(f"{INVOICES}/{invoice['id']}", headers=rich.auth).get_json()["data"]
    assert (paid["status"], paid["paid_transaction_id"]) == ("paid", transaction_id)
    assert client.get(f"/api/v1/transactions/{transaction_id}/receipt", headers=rich.auth).status_code == 200
    assert (
        len([e for e in audit_entries(container, "invoice.paid") if e["resource_id"] == invoice["id"]]) == 1
    )


def test_a_rejected_payment_leaves_the_invoice_payable_again(client, container, clerk, rich):
    invoice = issued(client, clerk, rich, lines=BIG)
    key = str(uuid.uuid4())
    transaction_id = pay(client, rich, invoice["id"], key).get_json()["data"]["pending_transaction_id"]
    checker = staff_with_mfa(client, container, "staff")
    rejected = client.post(
        f"/api/v1/transactions/{transaction_id}/reject",
        headers=checker.auth,
        json={"reason": "check the VIN"},
    )
    assert rejected.status_code == 200, rejected.get_json()
    container.outbox.dispatch_pending()
    after = client.get(f"{INVOICES}/{invoice['id']}", headers=rich.auth).get_json()["data"]
    assert (after["status"], after["pending_transaction_id"], after["paid_transaction_id"]) == (
        "issued",
        None,
        None,
    )
    same_key = pay(client, rich, invoice["id"], key)  # that key's payment is spent
    assert same_key.status_code == 409 and same_key.get_json()["error"]["code"] == "INV_007"
    again = pay(client, rich, invoice["id"]).get_json()["data"]
    assert transaction(client, rich, again["pending_transaction_id"])["status"] == "pending_approval"


# -- credit notes -------------------------------------------------------------------------
def test_a_credit_note_lowers_what_is_due_and_never_credits_more_than_is_left(
    client, container, clerk, alice
):
    invoice = issued(client, clerk, alice)
    line = [InvoiceLineBodyFactory(description="Inspection not done", unit_price="33.33")]
    response = client.post(
        f"{INVOICES}/{invoice['id']}/credit-notes",
        headers=clerk.auth,
        json={"lines": line, "reason": "one visit"},
    )
    assert response.status_code == 201, response.get_json()
    note = response.get_json()["data"]
    assert response.headers["Location"] == f"{INVOICES}/{invoice['id']}/credit-notes/{note['id']}"
    assert client.get(response.headers["Location"], headers=alice.auth).get_json()["data"] == note
    assert re.match(r"^CRN-\d{4}-\d{6}$", note["number"]) and note["refund_transaction_id"] is None
    assert (note["subtotal"], note["vat"], note["total"]) == ("33.33", "5.00", "38.33")  # 4.9995 -> 5.00
    after_credit = client.get(f"{INVOICES}/{invoice['id']}", headers=alice.auth).get_json()["data"]
    assert after_credit["amount_due"] == "111.16"  # 149.49 - 38.33
    too_much = [InvoiceLineBodyFactory(description="All of it", unit_price="100")]  # 115.00 > 111.16
    refused = client.post(
        f"{INVOICES}/{invoice['id']}/credit-notes",
        headers=clerk.auth,
        json={"lines": too_much, "reason": "x"},
    )
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "INV_003"

    paid = pay(client, alice, invoice["id"]).get_json()["data"]
    assert transaction(client, alice, paid["paid_transaction_id"])["amount"] == "111.16"
    assert paid["status"] == "paid"
    shown = client.get(f"{INVOICES}/{invoice['id']}", headers=alice.auth).get_json()["data"]
    assert [n["number"] for n in shown["credit_notes"]] == [note["number"]]
    assert shown["total"] == "149.49" and shown["credited"] == "38.33"  # the invoice itself never changed
    assert len(audit_entries(container, "invoice.credited")) == 1


def test_a_credit_note_on_a_paid_invoice_refunds_the_payer_once(client, container, clerk, alice):
    invoice = issued(client, clerk, alice)
    pay(client, alice, invoice["id"])
    line = [
        InvoiceLineBodyFactory(description="Plates returned", quantity="1.5", unit_price="19.99")
    ]  # 29.99 + 4.50
    url = f"{INVOICES}/{invoice['id']}/credit-notes"
    without_key = client.post(url, headers=clerk.auth, json={"lines": line, "reason": "returned"})
    assert without_key.status_code == 400 and without_key.get_json()["error"]["code"] == "PAY_004"
    headers = {**clerk.auth, "Idempotency-Key": str(uuid.uuid4())}
    first = client.post(url, headers=headers, json={"lines": line, "reason": "returned"})
    assert first.status_code == 201, first.get_json()
    note = first.get_json()["data"]
    assert note["total"] == "34.49"
    assert transaction(client, clerk, note["refund_transaction_id"])["type"] == "reversal"
    replay = client.post(url, headers=headers, json={"lines": line, "reason": "returned"})
    assert replay.status_code == 201 and replay.get_json()["data"]["number"] == note["number"]
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.get_json()["data"]["refund_transaction_id"] == note["refund_transaction_id"]
    other = client.post(url, headers=headers, json={"lines": line, "reason": "another reason"})
    assert other.status_code == 422 and other.get_json()["error"]["code"] == "PAY_005"
    assert balance(client, alice, alice.wallet["id"]) == Decimal("850.51") + Decimal("34.49")
    with container.session_factory() as session:
        assert (
            session.execute(
                text("SELECT count(*) FROM credit_note WHERE invoice_id = :i"), {"i": invoice["id"]}
            ).scalar()
            == 1
        )


# -- documents ----------------------------------------------------------------------------
def test_the_tax_invoice_pdf_carries_the_namibian_particulars(client, clerk, alice):
    me = client.get("/api/v1/me", headers=alice.auth).get_json()["data"]
    invoice = issued(client, clerk, alice, payer_address="12 Independence Ave, Windhoek")
    draft_pdf = client.get(f"{INVOICES}/{draft(client, clerk, alice)['id']}/pdf", headers=clerk.auth)
    assert draft_pdf.status_code == 409  # a draft is no tax invoice
    response = client.get(f"{INVOICES}/{invoice['id']}/pdf", headers=alice.auth)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    digest = base64.b64encode(hashlib.sha256(response.data).digest()).decode()
    assert response.headers["Repr-Digest"] == f"sha-256=:{digest}:"
    content = pdf_text(response.data)
    for particular in (
        "Tax Invoice",
        "Elcorp Namibia (Pty) Ltd",
        "Windhoek, Namibia",
        "VAT registration number: 99-000-0001",
        me["full_name"],
        "12 Independence Ave, Windhoek",
        invoice["number"],
        f"Date of issue: {windhoek_date(invoice['issued_at'])}",
        "Roadworthy inspection",
        "33.333",
        "100.00",
        "Total excluding VAT",
        "129.99",
        "VAT at 15%",
        "19.50",
        "Total including VAT",
        "149.49",
    ):
        assert particular in content, particular


def test_a_paid_invoices_receipt_pdf_shows_its_number_vat_and_total(client, clerk, alice, bob):
    invoice = issued(client, clerk, alice)
    transaction_id = pay(client, alice, invoice["id"]).get_json()["data"]["paid_transaction_id"]
    response = client.get(f"/api/v1/transactions/{transaction_id}/receipt", headers=alice.auth)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    content = pdf_text(response.data)
    receipt_number = re.search(r"RCT-\d{4}-\d{6}", content)
    assert receipt_number, content
    for shown in (
        invoice["number"],
        "VAT registration number: 99-000-0001",
        "19.50",
        "149.49",
        transaction_id,
    ):
        assert shown in content, shown
    assert client.get(f"/api/v1/transactions/{transaction_id}/receipt", headers=bob.auth).status_code == 404
    assert client.get(f"/api/v1/transactions/{uuid.uuid4()}/receipt", headers=alice.auth).status_code == 404


# -- who sees what ------------------------------------------------------------------------
def test_payers_see_only_their_invoices_and_customers_cannot_invoice(client, clerk, alice, bob):
    mine = issued(client, clerk, alice)
    issued(client, clerk, bob)
    assert client.get(f"{INVOICES}/{mine['id']}", headers=bob.auth).status_code == 404
    listed = client.get(INVOICES, headers=alice.auth).get_json()
    assert [i["id"] for i in listed["data"]] == [mine["id"]] and listed["meta"]["total"] == 1
    assert client.get(f"{INVOICES}/{mine['id']}/pdf", headers=bob.auth).status_code == 404
    response = client.post(INVOICES, headers=alice.auth, json={"payer_id": bob.id, "lines": UNEVEN})
    assert response.status_code == 403
    assert client.post(f"{INVOICES}/{mine['id']}/issue", headers=alice.auth).status_code == 403
    staff_view = client.get(f"{INVOICES}?status=issued&per_page=100", headers=clerk.auth).get_json()
    assert {mine["id"]} <= {i["id"] for i in staff_view["data"]}


# -- reminders ----------------------------------------------------------------------------
def test_overdue_invoices_are_reminded_once_per_interval(client, container, settings, clerk, alice):
    today = datetime.now(WINDHOEK).date()
    yesterday = (today - timedelta(days=2)).isoformat()
    overdue = issued(client, clerk, alice, due_date=yesterday)
    issued(client, clerk, alice, due_date=(today + timedelta(days=30)).isoformat())
    paid = issued(client, clerk, alice, due_date=yesterday)
    pay(client, alice, paid["id"])
    assert container.invoices.remind_overdue() == 1
    assert container.invoices.remind_overdue() == 0  # not again within INVOICE_REMINDER_DAYS
    with container.session_factory() as session:
        events = (
            session.execute(
                text("SELECT payload FROM outbox_message WHERE event_type = 'payments.InvoiceOverdue'")
            )
            .scalars()
            .all()
        )
    assert [e["invoice_id"] for e in events] == [overdue["id"]]
    assert Decimal(events[0]["amount_due"]) == Decimal("149.49") and events[0]["payer_id"] == alice.id
    container.outbox.dispatch_pending()
    (reminder,) = [m for m in mails(settings, alice.email) if "overdue" in m["Subject"]]
    assert reminder["Subject"] == f"Invoice {overdue['number']} is overdue"
    assert "149.49 NAD" in reminder.get_content() and overdue["id"] in reminder.get_content()


def test_every_invoice_change_is_audited(client, container, clerk, alice):
    invoice = issued(client, clerk, alice)
    pay(client, alice, invoice["id"])
    for action in ("invoice.drafted", "invoice.issued", "invoice.paid"):
        entries = [e for e in audit_entries(container, action) if e["resource_id"] == invoice["id"]]
        assert len(entries) == 1, action
    (issue_entry,) = [
        e for e in audit_entries(container, "invoice.issued") if e["resource_id"] == invoice["id"]
    ]
    assert issue_entry["actor_id"] == clerk.id


def test_the_openapi_document_declares_the_invoice_routes_and_their_idempotency_keys(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    pay_headers = [
        p for p in paths["/api/v1/invoices/{invoice_id}/pay"]["post"]["parameters"] if p["in"] == "header"
    ]
    assert [(h["name"], h["required"]) for h in pay_headers] == [("Idempotency-Key", True)]
    credit = paths["/api/v1/invoices/{invoice_id}/credit-notes"]["post"]["parameters"]
    assert [(h["name"], h["required"]) for h in credit if h["in"] == "header"] == [("Idempotency-Key", False)]
    for path in (
        "/api/v1/invoices",
        "/api/v1/invoices/{invoice_id}/pdf",
        "/api/v1/transactions/{transaction_id}/receipt",
    ):
        assert path in paths, path


# -- the API contract: creations, lists, documented responses ------------------------------
def test_creations_answer_201_with_the_location_of_the_new_resource(client, container, clerk, alice):
    response = client.post(INVOICES, headers=clerk.auth, json={"payer_id": alice.id, "lines": UNEVEN})
    assert response.status_code == 201
    created = response.get_json()["data"]
    assert response.headers["Location"] == f"{INVOICES}/{created['id']}"
    assert client.get(response.headers["Location"], headers=clerk.auth).get_json()["data"] == created

    admin = staff_with_mfa(client, container, "admin")
    owner = signed_in(client)
    made = client.post(
        "/api/v1/invoice-issuers",
        headers=admin.auth,
        json={"name": "Oshakati Motors", "address": "Main Road, Oshakati", "owner_id": owner.id},
    )
    assert made.status_code == 201, made.get_json()
    issuer = made.get_json()["data"]
    assert made.headers["Location"] == f"/api/v1/invoice-issuers/{issuer['id']}"
    assert client.get(made.headers["Location"], headers=admin.auth).get_json()["data"] == issuer
    listed = client.get("/api/v1/invoice-issuers", headers=admin.auth).get_json()
    assert issuer["id"] in {i["id"] for i in listed["data"]}
    assert listed["meta"]["has_more"] is False and listed["meta"]["next_cursor"] is None


def test_the_invoice_list_is_walked_by_cursor_and_keeps_page_and_per_page(client, clerk, alice):
    made = [draft(client, clerk, alice)["id"] for _ in range(3)]
    first = client.get(INVOICES, headers=alice.auth, query_string={"limit": 2}).get_json()
    assert len(first["data"]) == 2
    assert first["meta"] == {
        "has_more": True,
        "next_cursor": first["meta"]["next_cursor"],
        "limit": 2,
        "total": 3,
    }
    assert first["meta"]["next_cursor"]
    second = client.get(
        INVOICES, headers=alice.auth, query_string={"limit": 2, "cursor": first["meta"]["next_cursor"]}
    ).get_json()
    assert (second["meta"]["has_more"], second["meta"]["next_cursor"]) == (False, None)
    assert {i["id"] for i in first["data"] + second["data"]} == set(made)
    aliased = client.get(INVOICES, headers=alice.auth, query_string={"page": 2, "per_page": 2}).get_json()
    assert [i["id"] for i in aliased["data"]] == [i["id"] for i in second["data"]]


@pytest.mark.parametrize(
    ("query", "field"),
    [({"state": "paid"}, "state"), ({"status": "settled"}, "status"), ({"limit": 101}, "limit")],
)
def test_an_unknown_or_invalid_list_parameter_is_refused_naming_it(client, alice, query, field):
    response = client.get(INVOICES, headers=alice.auth, query_string=query)
    assert response.status_code == 422
    assert response.get_json()["status"] == "validation_error"
    assert [d["field"] for d in response.get_json()["error"]["details"]] == [field]


def test_the_invoice_routes_declare_their_success_and_errors(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    pay_op = paths["/api/v1/invoices/{invoice_id}/pay"]["post"]
    assert pay_op["operationId"] == "payInvoice"
    assert "200" in pay_op["responses"] and "201" not in pay_op["responses"]
    assert pay_op["responses"]["200"]["content"]["application/json"]["example"]["data"]["status"] == "paid"
    assert {"409", "422", "400"} <= set(pay_op["responses"])
    create = paths["/api/v1/invoices"]["post"]
    assert "Location" in create["responses"]["201"]["headers"]
    credit = paths["/api/v1/invoices/{invoice_id}/credit-notes"]["post"]
    assert credit["operationId"] == "createCreditNote" and "201" in credit["responses"]
    listing = paths["/api/v1/invoices"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"cursor", "limit", "status", "issuer_id"}


def test_two_drafts_posted_under_one_idempotency_key_make_one_invoice(client, clerk, alice):
    """The symptom the API-contract review measured: the key was silently ignored here."""
    body = {"payer_id": alice.id, "lines": UNEVEN}
    headers = {**clerk.auth, "Idempotency-Key": "draft-2026-12-001"}
    first = client.post(INVOICES, headers=headers, json=body)
    again = client.post(INVOICES, headers=headers, json=body)
    assert first.status_code == again.status_code == 201
    assert again.get_data() == first.get_data() and again.headers["Idempotent-Replayed"] == "true"
    listed = client.get(INVOICES, headers=clerk.auth, query_string={"limit": 100}).get_json()["data"]
    assert [i["id"] for i in listed if i["payer_id"] == alice.id] == [first.get_json()["data"]["id"]]
    other = client.post(INVOICES, headers=headers, json={**body, "currency": "ZAR"})
    assert other.status_code == 422 and other.get_json()["error"]["code"] == "IDEM_001"

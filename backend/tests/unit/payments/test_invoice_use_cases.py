"""Invoice use cases (payments/application/invoicing/) over in-memory fakes: who may do
what, in which order the checks refuse, what is stored, audited and published at commit,
and that a refusal leaves nothing behind."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest

from elcorp.payments.application.invoices import IdempotencyKeyReused, KeySpent
from elcorp.payments.application.ports import InvoiceFilter
from elcorp.payments.domain.events import InvoiceOverdue, TransactionDecided
from elcorp.payments.domain.invoice import IssuerNotVatRegistered, PaymentPending
from elcorp.payments.domain.invoices import InvoiceLineInvalid, InvoiceStateConflict, InvoiceStatus
from elcorp.shared.application.pagination import PageRequest
from elcorp.shared.domain.errors import AccessDenied, NotFound, ValidationFailed
from support.fakes_invoices import NAD, InvoicingWorld


@pytest.fixture
def world() -> InvoicingWorld:
    return InvoicingWorld()


def actions(world: InvoicingWorld) -> list[str]:
    return [entry.action for entry in world.uow.committed_audit]


# -- drafts ------------------------------------------------------------------------------------
def test_a_draft_is_stored_with_the_payers_name_and_audited(world):
    staff, payer = world.staff(), world.customer("Ndapewa Shikongo")
    draft = world.draft(staff, payer, ("Tyre fitting", "4", "250.00"), due_date=date(2027, 3, 31))
    stored = world.book.invoices[draft.id]
    assert stored.status is InvoiceStatus.DRAFT and stored.payer_name == "Ndapewa Shikongo"
    assert (stored.subtotal, stored.vat, stored.total) == (
        Decimal("1000.00"),
        Decimal("150.00"),
        Decimal("1150.00"),
    )
    assert actions(world) == ["invoice.drafted"]
    assert world.uow.committed_audit[0].changes.after["total"] == "1150.00"


def test_the_lines_are_checked_before_the_payer(world):
    with pytest.raises(InvoiceLineInvalid):
        world.draft(world.staff(), uuid.uuid4(), ("", "1", "10.00"))


def test_no_draft_for_a_payer_who_is_not_an_active_user(world):
    with pytest.raises(ValidationFailed) as refused:
        world.draft(world.staff(), uuid.uuid4())
    assert refused.value.details == [{"field": "payer_id", "message": "no active user with this id"}]
    assert world.book.invoices == {}


def test_the_platform_invoices_only_in_currencies_it_has_a_revenue_account_in(world):
    staff, payer = world.staff(), world.customer()
    with pytest.raises(ValidationFailed) as refused:
        world.service.create(staff, payer_id=payer, currency="ZAR", lines=[("Service", "1", "10.00")])
    assert refused.value.details[0]["field"] == "currency"
    assert world.book.invoices == {}


def test_an_unknown_issuer_is_refused(world):
    with pytest.raises(ValidationFailed) as refused:
        world.draft(world.staff(), world.customer(), issuer_id=uuid.uuid4())
    assert refused.value.details[0]["field"] == "issuer_id"


def test_a_business_owner_drafts_only_for_their_own_business(world):
    staff, owner, other = world.staff(), world.business_owner(), world.business_owner()
    issuer = world.service.add_issuer(
        staff, name="Shop CC", address="Oshakati", vat_number="98-1", owner_id=owner
    )
    assert world.draft(owner, world.customer(), issuer_id=issuer.id).issuer_id == issuer.id
    with pytest.raises(AccessDenied):
        world.draft(other, world.customer(), issuer_id=issuer.id)


def test_issuers_are_added_by_staff_for_an_active_owner(world):
    staff, owner = world.staff(), world.business_owner()
    with pytest.raises(AccessDenied):
        world.service.add_issuer(owner, name="Mine CC", address="Rundu", vat_number=None, owner_id=owner)
    with pytest.raises(NotFound):
        world.service.add_issuer(
            staff, name="Ghost CC", address="Rundu", vat_number=None, owner_id=uuid.uuid4()
        )
    world.service.add_issuer(staff, name="Shop CC", address="Rundu", vat_number=None, owner_id=owner)
    assert [i.name for i in world.service.issuers(staff)] == ["Elcorp Namibia (Pty) Ltd", "Shop CC"]


# -- issuing and voiding -------------------------------------------------------------------------
def test_issuing_takes_the_next_number_of_the_year_in_windhoek(world):
    staff, payer = world.staff(), world.customer()
    first, second = world.issued(staff, payer), world.issued(staff, payer)
    assert (first.number, second.number) == ("INV-2027-000001", "INV-2027-000002")
    assert world.book.invoices[first.id].issuer_name == "Elcorp Namibia (Pty) Ltd"
    assert actions(world).count("invoice.issued") == 2


def test_a_refused_issue_takes_no_number(world):
    staff, owner = world.staff(), world.business_owner()
    unregistered = world.service.add_issuer(
        staff, name="No VAT CC", address="Katima", vat_number=None, owner_id=owner
    )
    draft = world.draft(staff, world.customer(), issuer_id=unregistered.id)
    with pytest.raises(IssuerNotVatRegistered):
        world.service.issue(staff, draft.id)
    assert world.book.invoices[draft.id].status is InvoiceStatus.DRAFT
    assert world.book.counters == {}


def test_an_issued_invoice_is_not_issued_again(world):
    staff = world.staff()
    issued = world.issued(staff, world.customer())
    with pytest.raises(InvoiceStateConflict):
        world.service.issue(staff, issued.id)
    assert world.book.invoices[issued.id].number == "INV-2027-000001"


def test_an_invoice_of_another_business_is_not_found(world):
    staff, owner, stranger = world.staff(), world.business_owner(), world.business_owner()
    issuer = world.service.add_issuer(
        staff, name="Shop CC", address="Oshakati", vat_number="98-1", owner_id=owner
    )
    draft = world.draft(owner, world.customer(), issuer_id=issuer.id)
    with pytest.raises(NotFound):
        world.service.issue(stranger, draft.id)


def test_voiding_is_audited_with_its_reason_and_keeps_the_number(world):
    staff = world.staff()
    issued = world.issued(staff, world.customer())
    voided = world.service.void(staff, issued.id, "Wrong customer")
    assert (voided.status, voided.number, voided.void_reason) == (
        InvoiceStatus.VOID,
        "INV-2027-000001",
        "Wrong customer",
    )
    entry = world.uow.committed_audit[-1]
    assert (entry.action, entry.reason, entry.changes.before) == (
        "invoice.voided",
        "Wrong customer",
        {"status": "issued"},
    )


# -- paying ----------------------------------------------------------------------------------------
def test_paying_moves_what_is_due_into_the_platforms_revenue_and_gives_a_receipt(world):
    staff, payer = world.staff(), world.customer()
    issued = world.issued(staff, payer)
    paid = world.service.pay(payer, issued.id, key="pay-1")
    [move] = world.movements.executed
    assert (move.source, move.destination) == (
        world.ledger.wallets_of(payer)[0].id,
        world.ledger.system[("revenue", NAD)],
    )
    assert (move.amount, move.currency, move.description) == (
        Decimal("115.00"),
        NAD,
        "Invoice INV-2027-000001",
    )
    assert paid.invoice.status is InvoiceStatus.PAID and paid.invoice.paid_at == world.clock.now()
    [receipt] = world.book.receipts
    assert (receipt.number, receipt.amount, str(receipt.transaction_id)) == (
        "RCT-2027-000001",
        Decimal("115.00"),
        paid.movement.data["id"],
    )
    assert actions(world)[-1] == "invoice.paid"


def test_a_business_is_paid_into_its_owners_wallet(world):
    staff, owner, payer = world.staff(), world.business_owner(), world.customer()
    issuer = world.service.add_issuer(
        staff, name="Shop CC", address="Oshakati", vat_number="98-1", owner_id=owner
    )
    issued = world.issued(owner, payer, issuer_id=issuer.id)
    world.service.pay(payer, issued.id, key="pay-1")
    assert world.movements.executed[0].destination == world.ledger.wallets_of(owner)[0].id


def test_paying_again_with_the_same_key_answers_the_same_and_moves_nothing(world):
    staff, payer = world.staff(), world.customer()
    issued = world.issued(staff, payer)
    first = world.service.pay(payer, issued.id, key="pay-1")
    again = world.service.pay(payer, issued.id, key="pay-1")
    assert again.movement.data["id"] == first.movement.data["id"] and again.movement.replayed
    assert len(world.movements.executed) == 1 and len(world.book.receipts) == 1


def test_a_paid_invoice_is_not_paid_under_another_key(world):
    staff, payer = world.staff(), world.customer()
    issued = world.issued(staff, payer)
    world.service.pay(payer, issued.id, key="pay-1")
    with pytest.raises(InvoiceStateConflict):
        world.service.pay(payer, issued.id, key="pay-2")
    assert len(world.movements.executed) == 1


def test_only_the_payer_pays(world):
    staff, payer = world.staff(), world.customer()
    issued = world.issued(staff, payer)
    with pytest.raises(NotFound):
        world.service.pay(world.customer("Someone Else"), issued.id, key="pay-1")


def test_a_payer_without_a_wallet_in_the_currency_is_told_so(world):
    staff, payer = world.staff(), world.customer(wallet=False)
    issued = world.issued(staff, payer)
    with pytest.raises(ValidationFailed, match="no NAD wallet") as refused:
        world.service.pay(payer, issued.id, key="pay-1")
    assert [d["field"] for d in refused.value.details] == ["invoice_id"]  # the input, never "body"
    assert world.movements.executed == []


def test_a_payment_held_for_approval_leaves_the_invoice_issued_until_approved(world):
    staff, payer = world.staff(), world.customer()
    issued = world.issued(staff, payer)
    world.movements.hold = True
    pending = world.service.pay(payer, issued.id, key="pay-1")
    assert pending.invoice.status is InvoiceStatus.ISSUED and pending.invoice.payment_pending
    assert actions(world)[-1] == "invoice.payment_pending"
    with pytest.raises(PaymentPending):
        world.service.void(staff, issued.id, "too late")
    transaction_id = uuid.UUID(pending.movement.data["id"])
    world.service.on_transaction_decided(
        TransactionDecided(transaction_id=transaction_id, status="completed")
    )
    assert world.book.invoices[issued.id].status is InvoiceStatus.PAID
    world.service.on_transaction_decided(
        TransactionDecided(transaction_id=transaction_id, status="completed")
    )
    assert len(world.book.receipts) == 1  # a redelivered event changes nothing


def test_a_rejected_payment_makes_the_invoice_payable_again_under_a_new_key(world):
    staff, payer = world.staff(), world.customer()
    issued = world.issued(staff, payer)
    world.movements.hold = True
    pending = world.service.pay(payer, issued.id, key="pay-1")
    world.service.on_transaction_decided(
        TransactionDecided(transaction_id=uuid.UUID(pending.movement.data["id"]), status="rejected")
    )
    stored = world.book.invoices[issued.id]
    assert (stored.status, stored.payment_transaction_id, stored.payment_key) == (
        InvoiceStatus.ISSUED,
        None,
        None,
    )
    assert actions(world)[-1] == "invoice.payment_failed"
    with pytest.raises(KeySpent):
        world.service.pay(payer, issued.id, key="pay-1")
    world.movements.hold = False
    assert world.service.pay(payer, issued.id, key="pay-2").invoice.status is InvoiceStatus.PAID


# -- credit notes ------------------------------------------------------------------------------------
def test_a_credit_note_on_an_unpaid_invoice_lowers_what_is_due(world):
    staff, payer = world.staff(), world.customer()
    issued = world.issued(staff, payer, ("Service", "2", "100.00"))
    credit = world.service.credit(
        staff, issued.id, lines=[("Discount", "1", "50.00")], reason="Loyalty", key=None
    )
    assert (credit.note.number, credit.note.total, credit.refund) == (
        "CRN-2027-000001",
        Decimal("57.50"),
        None,
    )
    assert world.book.invoices[issued.id].due == Decimal("172.50")
    entry = world.uow.committed_audit[-1]
    assert entry.changes.after["credited"] == "57.50" and entry.reason == "Loyalty"


def test_a_credit_note_on_a_paid_invoice_pays_the_credit_back(world):
    staff, payer = world.staff(), world.customer()
    issued = world.issued(staff, payer)
    paid = world.service.pay(payer, issued.id, key="pay-1")
    credit = world.service.credit(
        staff, issued.id, lines=[("Refund", "1", "20.00")], reason="Late", key="crn-1"
    )
    refund = world.movements.executed[-1]
    assert (refund.kind, refund.amount, str(refund.reversal_of)) == (
        "reversal",
        Decimal("23.00"),
        paid.movement.data["id"],
    )
    assert credit.refund is not None and str(credit.note.refund_transaction_id) == credit.refund.data["id"]


def test_crediting_a_paid_invoice_needs_an_idempotency_key(world):
    staff, payer = world.staff(), world.customer()
    issued = world.issued(staff, payer)
    world.service.pay(payer, issued.id, key="pay-1")
    with pytest.raises(ValidationFailed) as refused:
        world.service.credit(staff, issued.id, lines=[("Refund", "1", "20.00")], reason="Late", key=None)
    assert refused.value.code == "PAY_004"


def test_the_same_credit_again_answers_the_same_note_and_another_under_its_key_is_refused(world):
    staff, payer = world.staff(), world.customer()
    issued = world.issued(staff, payer)
    world.service.pay(payer, issued.id, key="pay-1")
    asked = {"lines": [("Refund", "1", "20.00")], "reason": "Late", "key": "crn-1"}
    first = world.service.credit(staff, issued.id, **asked)
    again = world.service.credit(staff, issued.id, **asked)
    assert again.note.id == first.note.id and len(world.movements.executed) == 2
    with pytest.raises(IdempotencyKeyReused):
        world.service.credit(staff, issued.id, lines=[("Refund", "1", "30.00")], reason="Late", key="crn-1")
    assert world.book.invoices[issued.id].credited == Decimal("23.00")


# -- reading, printing, reminding ------------------------------------------------------------------
def test_an_invoice_is_read_by_its_payer_and_staff_only(world):
    staff, payer = world.staff(), world.customer()
    issued = world.issued(staff, payer)
    world.service.credit(staff, issued.id, lines=[("Discount", "1", "10.00")], reason="Goodwill", key=None)
    found, notes = world.service.get(payer, issued.id)
    assert found.id == issued.id and [n.reason for n in notes] == ["Goodwill"]
    with pytest.raises(NotFound):
        world.service.get(world.customer("Someone Else"), issued.id)


def test_a_customer_searches_only_the_invoices_they_pay(world):
    staff, payer, other = world.staff(), world.customer(), world.customer("Other Payer")
    mine, _theirs = world.issued(staff, payer), world.issued(staff, other)
    found = world.service.search(payer, InvoiceFilter(payer_id=other), PageRequest(per_page=10))
    assert [i.id for i in found.items] == [mine.id] and found.total == 1
    assert world.service.search(staff, InvoiceFilter(), PageRequest(per_page=10)).total == 2


def test_a_draft_has_no_tax_invoice_to_print(world):
    staff = world.staff()
    draft = world.draft(staff, world.customer())
    with pytest.raises(InvoiceStateConflict, match="issue it first"):
        world.service.pdf(staff, draft.id)
    issued = world.service.issue(staff, draft.id)
    assert world.service.pdf(staff, issued.id)[1] == b"tax invoice INV-2027-000001"


def test_the_receipt_is_printed_for_the_payment_that_paid_the_invoice(world):
    staff, payer = world.staff(), world.customer()
    issued = world.issued(staff, payer)
    paid = world.service.pay(payer, issued.id, key="pay-1")
    receipt, body = world.service.receipt_pdf(payer, uuid.UUID(paid.movement.data["id"]))
    assert body == b"receipt RCT-2027-000001 of INV-2027-000001" and receipt.invoice_id == issued.id
    with pytest.raises(NotFound):
        world.service.receipt_pdf(world.customer("Someone Else"), receipt.transaction_id)


def test_overdue_invoices_are_reminded_once_per_interval_through_the_outbox(world):
    staff, payer = world.staff(), world.customer()
    overdue = world.issued(staff, payer, due_date=world.clock.now().date() - timedelta(days=1))
    world.issued(staff, payer, due_date=world.clock.now().date() + timedelta(days=30))
    assert world.service.remind_overdue() == 1
    [event] = [e for e in world.uow.committed_events if isinstance(e, InvoiceOverdue)]
    assert (event.invoice_id, event.amount_due, event.payer_id) == (overdue.id, Decimal("115.00"), payer)
    assert world.service.remind_overdue() == 0
    world.clock.advance(timedelta(days=7))
    assert world.service.remind_overdue() == 1


def test_a_refused_change_publishes_and_stores_nothing(world):
    staff = world.staff()
    issued = world.issued(staff, world.customer())
    events_before, audit_before = len(world.uow.committed_events), len(world.uow.committed_audit)
    with pytest.raises(InvoiceStateConflict):
        world.service.issue(staff, issued.id)
    assert (len(world.uow.committed_events), len(world.uow.committed_audit)) == (events_before, audit_before)

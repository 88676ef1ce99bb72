"""The invoice aggregate (payments/domain/invoice.py): each change checks its move first
and changes nothing when it refuses; overdue reminders are recorded as events."""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from elcorp.payments.domain.events import InvoiceOverdue
from elcorp.payments.domain.invoice import (
    CreditNote,
    Draft,
    Invoice,
    IssuerNotVatRegistered,
    NothingDue,
    PaymentPending,
)
from elcorp.payments.domain.invoices import (
    CreditExceedsInvoice,
    InvoiceStateConflict,
    InvoiceStatus,
    Line,
)
from support.factories.payments import DraftInvoiceFactory, InvoiceFactory, IssuerFactory

AT = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
TX = uuid.uuid4()


def unchanged(before: Invoice, after: Invoice) -> bool:
    fields = [f for f in vars(before) if f != "events"]
    return all(getattr(before, f) == getattr(after, f) for f in fields)


def test_a_draft_rounds_each_line_and_the_vat_once():
    payer = uuid.uuid4()
    lines = [
        Line("Tyre fitting", Decimal("3"), Decimal("33.333")),
        Line("Valve", Decimal("1"), Decimal("0.005")),
    ]
    draft = Invoice.draft(
        uuid.uuid4(),
        Draft(uuid.uuid4(), payer, "Ndapewa", "NAD", Decimal("15"), lines),
        by=payer,
        at=AT,
    )
    assert [line.net for line in draft.lines] == [Decimal("100.00"), Decimal("0.01")]
    assert (draft.subtotal, draft.vat, draft.total) == (
        Decimal("100.01"),
        Decimal("15.00"),
        Decimal("115.01"),
    )
    assert draft.status is InvoiceStatus.DRAFT and draft.number is None and draft.credited == 0
    assert draft.events == []


def test_a_stored_status_given_as_text_becomes_the_enum():
    assert InvoiceFactory(status="paid").status is InvoiceStatus.PAID


def test_issuing_numbers_the_draft_and_copies_the_issuers_particulars():
    issuer = IssuerFactory(name="Oshana Tyres CC", address="Main Road, Oshakati", vat_number="98-123-4567")
    draft = DraftInvoiceFactory(issuer_id=issuer.id)
    draft.issue(issuer, number="INV-2027-000007", at=AT)
    assert (
        draft.status is InvoiceStatus.ISSUED and draft.number == "INV-2027-000007" and draft.issued_at == AT
    )
    assert (draft.issuer_name, draft.issuer_address, draft.issuer_vat_number) == (
        "Oshana Tyres CC",
        "Main Road, Oshakati",
        "98-123-4567",
    )


@pytest.mark.parametrize(
    "issuer", [None, IssuerFactory.build(vat_number=None), IssuerFactory.build(vat_number="")]
)
def test_no_tax_invoice_without_the_issuers_vat_number(issuer):
    draft = DraftInvoiceFactory()
    before = copy.deepcopy(draft)
    with pytest.raises(IssuerNotVatRegistered):
        draft.issue(issuer, number="INV-2027-000001", at=AT)
    assert unchanged(before, draft)


@pytest.mark.parametrize("status", ["issued", "paid", "void"])
def test_only_a_draft_is_issued(status):
    found = InvoiceFactory(status=status)
    with pytest.raises(InvoiceStateConflict) as refused:
        found.check_issuable(IssuerFactory())
    assert refused.value.details == {"state": status, "wanted": "issued"}


def test_voiding_keeps_the_reason_and_the_number():
    found = InvoiceFactory(number="INV-2027-000003")
    found.void("Sent to the wrong customer", at=AT)
    assert (found.status, found.voided_at, found.void_reason) == (
        InvoiceStatus.VOID,
        AT,
        "Sent to the wrong customer",
    )
    assert found.number == "INV-2027-000003"


def test_a_draft_can_be_voided():
    found = DraftInvoiceFactory()
    found.void("Never sent", at=AT)
    assert found.status is InvoiceStatus.VOID


@pytest.mark.parametrize("status", ["paid", "void"])
def test_a_paid_or_void_invoice_is_never_voided(status):
    found = InvoiceFactory(status=status)
    with pytest.raises(InvoiceStateConflict):
        found.void("again", at=AT)
    assert found.status == status and found.void_reason is None


def test_an_invoice_whose_payment_waits_for_approval_is_not_voided():
    found = InvoiceFactory(payment_transaction_id=TX, payment_key="k-1")
    with pytest.raises(PaymentPending):
        found.void("changed my mind", at=AT)
    assert found.status is InvoiceStatus.ISSUED


def test_what_is_payable_is_the_total_less_credit_notes():
    found = InvoiceFactory(total=Decimal("115.00"), credited=Decimal("15.00"))
    assert found.check_payable() == Decimal("100.00") == found.due


def test_nothing_to_pay_once_credit_notes_cover_the_total():
    found = InvoiceFactory(total=Decimal("115.00"), credited=Decimal("115.00"))
    with pytest.raises(NothingDue):
        found.check_payable()


@pytest.mark.parametrize("status", ["draft", "paid", "void"])
def test_only_an_issued_invoice_is_paid(status):
    with pytest.raises(InvoiceStateConflict):
        InvoiceFactory(status=status).check_payable()


def test_a_second_payment_waits_for_the_first():
    found = InvoiceFactory()
    found.payment_started(TX, "k-1")
    assert found.payment_pending and (found.payment_transaction_id, found.payment_key) == (TX, "k-1")
    with pytest.raises(PaymentPending):
        found.payment_started(uuid.uuid4(), "k-2")


def test_marking_paid_gives_the_receipt_for_what_was_due():
    found = InvoiceFactory(total=Decimal("115.00"), credited=Decimal("15.00"), currency="NAD")
    found.payment_started(TX, "k-1")
    receipt = found.mark_paid(TX, receipt_id=uuid.uuid4(), number="RCT-2027-000001", at=AT)
    assert found.status is InvoiceStatus.PAID and found.paid_at == AT and found.is_paid
    assert (receipt.invoice_id, receipt.transaction_id, receipt.number) == (found.id, TX, "RCT-2027-000001")
    assert (receipt.amount, receipt.currency, receipt.issued_at) == (Decimal("100.00"), "NAD", AT)


def test_an_invoice_is_paid_once():
    found = InvoiceFactory(status="paid", payment_transaction_id=TX, paid_at=AT)
    with pytest.raises(InvoiceStateConflict):
        found.mark_paid(TX, receipt_id=uuid.uuid4(), number="RCT-2027-000002", at=AT)


def test_a_payment_other_than_the_one_waiting_does_not_settle_it():
    found = InvoiceFactory(payment_transaction_id=TX)
    with pytest.raises(InvoiceStateConflict):
        found.mark_paid(uuid.uuid4(), receipt_id=uuid.uuid4(), number="RCT-2027-000001", at=AT)
    assert found.status is InvoiceStatus.ISSUED


def test_a_failed_payment_makes_the_invoice_payable_again():
    found = InvoiceFactory(payment_transaction_id=TX, payment_key="k-1")
    found.payment_failed()
    assert (found.payment_transaction_id, found.payment_key) == (None, None)
    assert found.check_payable() == found.total


def test_a_payment_fails_only_while_one_waits():
    with pytest.raises(InvoiceStateConflict):
        InvoiceFactory().payment_failed()


def test_a_credit_note_lowers_what_is_due_at_the_invoices_vat_rate():
    found = InvoiceFactory(vat_rate=Decimal("15.00"), total=Decimal("230.00"), credited=Decimal("0"))
    note = found.credit(
        uuid.uuid4(),
        [Line("Discount", Decimal("1"), Decimal("50.00"))],
        number="CRN-2027-000001",
        reason="Loyalty discount",
        refund_transaction_id=None,
        by=found.created_by,
        at=AT,
    )
    assert (note.subtotal, note.vat, note.total) == (Decimal("50.00"), Decimal("7.50"), Decimal("57.50"))
    assert found.credited == Decimal("57.50") and found.due == Decimal("172.50")
    assert (note.invoice_id, note.number, note.reason) == (found.id, "CRN-2027-000001", "Loyalty discount")


def test_never_more_credit_than_is_left_uncredited():
    found = InvoiceFactory(total=Decimal("115.00"), credited=Decimal("100.00"), vat_rate=Decimal("15.00"))
    with pytest.raises(CreditExceedsInvoice):
        found.check_creditable(found.credit_totals([Line("Refund", Decimal("1"), Decimal("20.00"))]))
    assert found.credited == Decimal("100.00")


@pytest.mark.parametrize("status", ["draft", "void"])
def test_a_draft_or_void_invoice_is_not_credited(status):
    found = InvoiceFactory(status=status)
    with pytest.raises(InvoiceStateConflict):
        found.check_creditable(found.credit_totals([Line("x", Decimal("1"), Decimal("1"))]))


def test_no_credit_while_a_payment_waits():
    found = InvoiceFactory(payment_transaction_id=TX)
    with pytest.raises(PaymentPending):
        found.check_creditable(found.credit_totals([Line("x", Decimal("1"), Decimal("1"))]))


def test_a_credit_note_repeats_only_the_same_lines_and_reason():
    note = CreditNote(
        uuid.uuid4(),
        uuid.uuid4(),
        "CRN-2027-000001",
        "Damaged",
        [InvoiceFactory().lines[0]],
        Decimal(1),
        Decimal(0),
        Decimal(1),
        None,
        uuid.uuid4(),
        AT,
    )
    same = [Line(x.description, x.quantity, x.unit_price) for x in note.lines]
    assert note.repeats(same, "Damaged")
    assert not note.repeats(same, "Broken")
    assert not note.repeats([Line("Other", Decimal(1), Decimal(1))], "Damaged")


def test_an_overdue_reminder_is_an_event_with_what_is_due():
    found = InvoiceFactory(
        number="INV-2027-000009",
        total=Decimal("115.00"),
        credited=Decimal("15.00"),
        due_date=date(2027, 1, 31),
    )
    found.remind_overdue(AT)
    [event] = found.events
    assert isinstance(event, InvoiceOverdue)
    assert (event.invoice_id, event.number, event.payer_id) == (found.id, "INV-2027-000009", found.payer_id)
    assert (event.amount_due, event.currency, event.due_date, event.occurred_at) == (
        Decimal("100.00"),
        "NAD",
        "2027-01-31",
        AT,
    )


@pytest.mark.parametrize("status", ["draft", "paid", "void"])
def test_only_an_issued_invoice_is_reminded(status):
    found = InvoiceFactory(status=status)
    with pytest.raises(InvoiceStateConflict):
        found.remind_overdue(AT)
    assert found.events == []

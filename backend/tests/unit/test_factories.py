"""The test-data factories (tests/support/factories) build objects the domain accepts: a
factory that drifted from its model would feed every test that uses it invalid data."""

from __future__ import annotations

from decimal import Decimal

import pytest

from elcorp.governance.domain.service_requests import RequestStatus, ServiceRequest
from elcorp.identity.domain.user import UserStatus, normalize_username, validate_full_name
from elcorp.shared.domain.email import EmailAddress
from elcorp.shared.domain.errors import ValidationFailed
from elcorp.shared.domain.money import Money
from elcorp.shared.domain.phone import PhoneNumber
from support.factories.governance import ApproverFactory, ServiceRequestFactory
from support.factories.identity import RegistrationBodyFactory, UserFactory
from support.factories.payments import (
    DocumentLineFactory,
    InvoiceFactory,
    InvoiceLineBodyFactory,
    LedgerMovementFactory,
    MoneyFactory,
    SettlementItemFactory,
)

CENT = Decimal("0.01")


def two_places(amount: Decimal) -> bool:
    return (
        isinstance(amount, Decimal) and amount == amount.quantize(CENT) and amount.as_tuple().exponent == -2
    )


def test_money_is_a_positive_nad_decimal_with_two_places_and_differs_per_build():
    amounts = MoneyFactory.build_batch(5)
    assert all(isinstance(m, Money) and m.currency == "NAD" for m in amounts)
    assert all(two_places(m.amount) and m.amount > 0 for m in amounts)
    assert len({m.amount for m in amounts}) == 5


def test_a_registration_body_passes_the_domains_own_checks_and_is_unique_per_build():
    first, second = RegistrationBodyFactory.build_batch(2)
    for body in (first, second):
        assert normalize_username(body["username"]) == body["username"]
        assert validate_full_name(body["full_name"]) == body["full_name"]
        assert EmailAddress(body["email"]).value == body["email"]
        assert PhoneNumber.parse(body["phone"]).e164 == body["phone"]
        assert body["agreed_terms"] is True
    for field in ("username", "email", "phone"):
        assert first[field] != second[field], field


def test_a_registration_body_takes_overrides_and_extra_fields():
    body = RegistrationBodyFactory(username="override", organization="Elcorp")
    assert body["username"] == "override" and body["organization"] == "Elcorp"


def test_a_built_user_is_an_active_account_whose_email_and_username_are_valid():
    users = UserFactory.build_batch(3)
    for user in users:
        assert user.email == EmailAddress(user.email.value)
        assert normalize_username(user.username) == user.username
        assert user.phone is not None and PhoneNumber.parse(user.phone.e164) == user.phone
        assert user.status is UserStatus.ACTIVE and user.can_sign_in and not user.email_verified
    assert len({u.id for u in users}) == 3
    assert len({u.email for u in users}) == 3
    assert len({u.wallet_address for u in users}) == 3


def test_an_invoice_totals_its_lines_with_vat_at_15_percent_to_the_cent():
    invoice = InvoiceFactory(
        lines=[
            DocumentLineFactory(quantity=Decimal("3"), unit_price=Decimal("33.33")),
            DocumentLineFactory(quantity=Decimal("1"), unit_price=Decimal("0.03")),
        ]
    )
    assert [line.net for line in invoice.lines] == [Decimal("99.99"), Decimal("0.03")]
    assert (invoice.subtotal, invoice.vat, invoice.total) == (
        Decimal("100.02"),
        Decimal("15.00"),
        Decimal("115.02"),
    )
    assert invoice.currency == "NAD" and invoice.status == "issued"
    assert all(two_places(v) for v in (invoice.subtotal, invoice.vat, invoice.total))


def test_invoices_get_distinct_ids_and_numbers():
    first, second = InvoiceFactory.build_batch(2)
    assert first.id != second.id and first.number != second.number


def test_an_invoice_line_body_is_what_the_api_takes():
    line = InvoiceLineBodyFactory(unit_price="900")
    assert set(line) == {"description", "quantity", "unit_price"}
    assert line["description"].strip() and Decimal(line["quantity"]) == 1 and line["unit_price"] == "900"


def test_ledger_movements_and_settlement_items_are_distinct_nad_decimals_with_two_places():
    movements = LedgerMovementFactory.build_batch(3)
    items = SettlementItemFactory.build_batch(3)
    assert len({m.transaction_id for m in movements}) == 3 and len({m.reference for m in movements}) == 3
    assert len({i.transaction_id for i in items}) == 3
    for value in (*movements, *items):
        assert value.currency == "NAD" and two_places(value.amount) and value.amount > 0
    assert all(i.type == "deposit" and i.completed_at.tzinfo is not None for i in items)


def test_a_service_request_is_a_validated_draft_with_its_own_id_and_title():
    first, second = ServiceRequestFactory.build_batch(2)
    assert isinstance(first, ServiceRequest) and first.status is RequestStatus.DRAFT
    assert first.id != second.id and first.title != second.title
    assert first.created_at.tzinfo is not None and first.history == []


def test_a_service_request_goes_through_the_aggregates_own_validation():
    with pytest.raises(ValidationFailed):
        ServiceRequestFactory(title="   ")
    assert ServiceRequestFactory(title="  Padded  ").title == "Padded"


def test_approvers_are_distinct_people_holding_only_what_they_are_given():
    plain, supervisor = ApproverFactory(), ApproverFactory(roles=frozenset({"supervisor"}))
    assert plain.id != supervisor.id
    assert (plain.roles, plain.permissions) == (frozenset(), frozenset())
    assert supervisor.roles == frozenset({"supervisor"})

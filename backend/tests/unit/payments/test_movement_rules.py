"""The ledger's movement rules in plain Python (wallet, transfer, reversal, idempotency):
what `payments_execute` enforces again under its locks, checked here without a database."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from elcorp.payments.domain.ledger import TransactionStatus, TransactionType
from elcorp.payments.domain.movement import (
    REFUSALS,
    AccountNotActive,
    CurrencyMismatch,
    IdempotencyKeyReused,
    InsufficientFunds,
    LedgerAccountNotFound,
    LedgerRefusal,
    NotReversible,
    OwnWalletRefused,
    ReversalLimitReached,
    SameAccount,
    check_replay,
)
from elcorp.payments.domain.reversal import Original, check_reversal, fully_reversed, reversed_route
from elcorp.payments.domain.transfer import Route, check_movement, checked_route
from elcorp.payments.domain.wallet import (
    AccountKind,
    LedgerAccount,
    check_active,
    check_currency,
    check_funds,
)
from elcorp.shared.domain.errors import DomainError, ErrorCode, ValidationFailed

pytestmark = pytest.mark.unit

ALICE, BOB, TELLER = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def wallet(owner: uuid.UUID = ALICE, *, balance: str = "100", held: str = "0", **extra) -> LedgerAccount:
    return LedgerAccount(
        uuid.uuid4(),
        owner,
        AccountKind.WALLET,
        extra.pop("currency", "NAD"),
        balance=Decimal(balance),
        held=Decimal(held),
        **extra,
    )


def system(kind: AccountKind, **extra) -> LedgerAccount:
    return LedgerAccount(
        uuid.uuid4(), None, kind, "NAD", allow_negative=kind is AccountKind.CLEARING, **extra
    )


def transfer_route(source: LedgerAccount, destination: LedgerAccount, **extra) -> Route:
    return Route(
        TransactionType.TRANSFER, source, destination, source_owner=extra.pop("owner", ALICE), **extra
    )


# -- wallet ---------------------------------------------------------------------------------
def test_available_is_the_balance_less_what_holds_keep_aside():
    assert wallet(balance="100", held="30").available == Decimal(70)


def test_a_wallet_pays_up_to_its_available_balance_and_not_a_cent_more():
    account = wallet(balance="100", held="30")
    assert account.can_pay(Decimal("70"))
    assert not account.can_pay(Decimal("70.01"))


def test_the_clearing_account_may_go_negative():
    assert system(AccountKind.CLEARING).can_pay(Decimal("1000000"))


def test_check_funds_refuses_with_insufficient_funds():
    with pytest.raises(InsufficientFunds) as refused:
        check_funds(wallet(balance="10"), Decimal("10.01"))
    assert refused.value.code == "PAY_001"


@pytest.mark.parametrize("frozen", ["source", "destination"])
@pytest.mark.parametrize("status", ["frozen", "closed"])
def test_a_frozen_or_closed_wallet_neither_pays_nor_receives(frozen, status):
    source, destination = wallet(), wallet(BOB)
    if frozen == "source":
        source = wallet(status=status)
    else:
        destination = wallet(BOB, status=status)
    with pytest.raises(AccountNotActive):
        check_active(source, destination)


def test_both_accounts_must_be_in_the_movements_currency():
    with pytest.raises(CurrencyMismatch):
        check_currency(wallet(), wallet(BOB, currency="ZAR"), "NAD")
    with pytest.raises(CurrencyMismatch):
        check_currency(wallet(currency="ZAR"), wallet(BOB, currency="ZAR"), "NAD")
    check_currency(wallet(), wallet(BOB), "NAD")


# -- routes ---------------------------------------------------------------------------------
def test_a_transfer_goes_from_the_callers_wallet_to_a_wallet():
    source, destination = wallet(), wallet(BOB)
    assert checked_route(transfer_route(source, destination), Decimal(0)) == (source, destination)


def test_a_transfer_from_someone_elses_wallet_is_not_found():
    with pytest.raises(LedgerAccountNotFound, match="source wallet not found"):
        checked_route(transfer_route(wallet(BOB), wallet(), owner=ALICE), Decimal(0))


def test_a_missing_source_or_destination_is_not_found():
    with pytest.raises(LedgerAccountNotFound, match="source"):
        checked_route(Route(TransactionType.TRANSFER, None, wallet(BOB)), Decimal(0))
    with pytest.raises(LedgerAccountNotFound, match="destination"):
        checked_route(transfer_route(wallet(), None), Decimal(0))


@pytest.mark.parametrize(
    "kind", [AccountKind.CLEARING, AccountKind.FEES, AccountKind.REVENUE, AccountKind.SUSPENSE]
)
def test_a_plain_transfer_never_reaches_a_system_account(kind):
    with pytest.raises(LedgerAccountNotFound, match="destination wallet not found"):
        checked_route(transfer_route(wallet(), system(kind)), Decimal(0))


def test_an_invoice_payment_may_reach_the_revenue_account_but_not_clearing():
    revenue = system(AccountKind.REVENUE)
    assert checked_route(transfer_route(wallet(), revenue, invoice_payment=True), Decimal(0))[1] is revenue
    with pytest.raises(LedgerAccountNotFound):
        checked_route(
            transfer_route(wallet(), system(AccountKind.CLEARING), invoice_payment=True), Decimal(0)
        )


def test_a_deposit_comes_from_clearing_and_a_withdrawal_goes_to_it():
    clearing, customer = system(AccountKind.CLEARING), wallet(BOB)
    checked_route(Route(TransactionType.DEPOSIT, clearing, customer), Decimal(0))
    checked_route(Route(TransactionType.WITHDRAWAL, customer, clearing), Decimal(0))
    with pytest.raises(LedgerAccountNotFound, match="source"):
        checked_route(Route(TransactionType.DEPOSIT, wallet(), customer), Decimal(0))
    with pytest.raises(LedgerAccountNotFound, match="destination"):
        checked_route(Route(TransactionType.WITHDRAWAL, customer, system(AccountKind.FEES)), Decimal(0))


def test_a_fee_goes_only_to_the_fees_account():
    route = transfer_route(wallet(), wallet(BOB), fee_account=system(AccountKind.REVENUE))
    with pytest.raises(LedgerAccountNotFound, match="fees account not found"):
        checked_route(route, Decimal("1.00"))
    checked_route(
        transfer_route(wallet(), wallet(BOB), fee_account=system(AccountKind.FEES)), Decimal("1.00")
    )
    checked_route(transfer_route(wallet(), wallet(BOB)), Decimal(0))  # no fee: no fees account needed


# -- every rule, in the store's order -----------------------------------------------------------
def test_a_movement_to_the_same_wallet_is_refused_before_its_funds_are_checked():
    source = wallet(balance="0")
    with pytest.raises(SameAccount):
        check_movement(
            transfer_route(source, source), ALICE, amount=Decimal(5), fee=Decimal(0), currency="NAD"
        )


def test_staff_never_book_on_their_own_wallet():
    own = wallet(TELLER)
    route = Route(TransactionType.DEPOSIT, system(AccountKind.CLEARING), own)
    with pytest.raises(OwnWalletRefused):
        check_movement(route, TELLER, amount=Decimal(5), fee=Decimal(0), currency="NAD")


def test_a_customer_transfer_from_their_own_wallet_is_not_a_staff_movement():
    source, destination = wallet(), wallet(BOB)
    assert check_movement(
        transfer_route(source, destination), ALICE, amount=Decimal(5), fee=Decimal(0), currency="NAD"
    ) == (source, destination)


def test_the_own_wallet_rule_comes_before_the_active_rule():
    own = wallet(TELLER, status="frozen")
    route = Route(TransactionType.DEPOSIT, system(AccountKind.CLEARING), own)
    with pytest.raises(OwnWalletRefused):
        check_movement(route, TELLER, amount=Decimal(5), fee=Decimal(0), currency="NAD")


def test_an_inactive_wallet_is_reported_before_a_currency_mismatch():
    route = transfer_route(wallet(), wallet(BOB, currency="ZAR", status="closed"))
    with pytest.raises(AccountNotActive):
        check_movement(route, ALICE, amount=Decimal(5), fee=Decimal(0), currency="NAD")


def test_a_currency_mismatch_is_reported_before_insufficient_funds():
    route = transfer_route(wallet(balance="0"), wallet(BOB, currency="ZAR"))
    with pytest.raises(CurrencyMismatch):
        check_movement(route, ALICE, amount=Decimal(5), fee=Decimal(0), currency="NAD")


def test_the_fee_counts_towards_what_the_source_must_cover():
    route = transfer_route(wallet(balance="10"), wallet(BOB), fee_account=system(AccountKind.FEES))
    with pytest.raises(InsufficientFunds):
        check_movement(route, ALICE, amount=Decimal("9.50"), fee=Decimal("0.51"), currency="NAD")
    check_movement(route, ALICE, amount=Decimal("9.50"), fee=Decimal("0.50"), currency="NAD")


# -- reversals ----------------------------------------------------------------------------------
def original(**extra) -> Original:
    values = {
        "id": uuid.uuid4(),
        "kind": TransactionType.TRANSFER,
        "status": TransactionStatus.COMPLETED,
        "amount": Decimal("40.00"),
        "currency": "NAD",
        "reversed_amount": Decimal(0),
        "source_account_id": uuid.uuid4(),
        "destination_account_id": uuid.uuid4(),
    }
    return Original(**{**values, **extra})


def test_a_reversal_may_return_all_that_is_left():
    check_reversal(original(reversed_amount=Decimal("10")), Decimal("30"), "NAD")


def test_a_reversal_never_returns_more_than_is_left():
    with pytest.raises(ReversalLimitReached, match="at most 10 NAD can still be reversed"):
        check_reversal(original(amount=Decimal(40), reversed_amount=Decimal(30)), Decimal("10.01"), "NAD")


@pytest.mark.parametrize(
    "status", [TransactionStatus.PENDING_APPROVAL, TransactionStatus.REJECTED, TransactionStatus.EXPIRED]
)
def test_only_a_completed_transaction_can_be_reversed(status):
    with pytest.raises(NotReversible):
        check_reversal(original(status=status), Decimal(1), "NAD")


def test_a_partly_reversed_transaction_can_be_reversed_again():
    check_reversal(
        original(status=TransactionStatus.REVERSED, reversed_amount=Decimal(10)), Decimal(1), "NAD"
    )


def test_a_reversal_itself_is_never_reversed():
    with pytest.raises(NotReversible):
        check_reversal(original(kind=TransactionType.REVERSAL), Decimal(1), "NAD")


def test_a_reversal_is_in_the_originals_currency():
    with pytest.raises(CurrencyMismatch, match="original transaction's currency"):
        check_reversal(original(), Decimal(1), "ZAR")


def test_a_reversal_moves_money_back_from_the_destination_to_the_source():
    found = original()
    assert reversed_route(found) == (found.destination_account_id, found.source_account_id)


def test_the_original_is_reversed_once_completed_reversals_returned_all_of_it():
    assert fully_reversed(original(amount=Decimal(40)), Decimal(40))
    assert not fully_reversed(original(amount=Decimal(40)), Decimal("39.99"))


# -- idempotency and the refusals themselves ---------------------------------------------------
def test_the_same_request_under_a_key_replays():
    check_replay("hash-a", "hash-a")


def test_another_request_under_a_used_key_is_refused():
    with pytest.raises(IdempotencyKeyReused) as refused:
        check_replay("hash-a", "hash-b")
    assert refused.value.code == "PAY_005"


def test_every_refusal_has_its_own_code_and_is_found_by_it():
    assert len(REFUSALS) == 11
    for code, refusal in REFUSALS.items():
        assert refusal.code is code
        assert issubclass(refusal, LedgerRefusal)


def test_refusals_are_never_validation_failures_so_the_api_answers_them_as_before():
    """A ValidationFailed would be answered with field details: the store's refusals never were."""
    for refusal in REFUSALS.values():
        assert issubclass(refusal, DomainError)
        assert not issubclass(refusal, ValidationFailed)


def test_a_refusal_keeps_the_message_and_details_it_was_given():
    refusal = LedgerAccountNotFound("transaction not found", details={"transaction_id": "x"})
    assert (refusal.message, refusal.details, refusal.code) == (
        "transaction not found",
        {"transaction_id": "x"},
        ErrorCode.RESOURCE_NOT_FOUND,
    )
    assert InsufficientFunds().message == "insufficient available funds"

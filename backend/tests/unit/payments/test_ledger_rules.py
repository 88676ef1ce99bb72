"""The ledger's pure rules: amounts, fees, thresholds, maker-checker, reversals, display."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from elcorp.payments.domain.ledger import (
    ApprovalThresholds,
    FeeSchedule,
    OwnWalletMovement,
    ReversalExceedsOriginal,
    SegregationOfDuties,
    StaffDailyLimits,
    TransactionStatus,
    TransactionType,
    business_day_start,
    check_decider,
    check_not_own_wallet,
    checked_amount,
    money_text,
    plan_movement,
    reversal_amount,
)
from elcorp.shared.domain.errors import InvalidMoney
from elcorp.shared.domain.money import Money

NAD = "NAD"


@pytest.mark.parametrize("amount", ["0", "-1", "0.001", "10.005"])
def test_amounts_must_be_positive_with_at_most_the_currencys_places(amount):
    with pytest.raises(InvalidMoney):
        checked_amount(Money.of(amount, NAD))


def test_a_valid_amount_passes():
    assert checked_amount(Money.of("10.05", NAD)).amount == Decimal("10.05")


def test_fees_are_percent_plus_fixed_rounded_half_up_to_cents():
    schedule = FeeSchedule(percent=Decimal("1.5"), fixed=Decimal("2.00"))
    assert schedule.fee_for(Money.of("100.00", NAD)).amount == Decimal("3.50")
    assert schedule.fee_for(Money.of("0.33", NAD)).amount == Decimal("2.00")  # 2.00495 -> 2.00
    assert schedule.fee_for(Money.of("0.37", NAD)).amount == Decimal("2.01")  # 2.00555 -> 2.01


def test_only_transfers_pay_the_fee():
    fees, limits = FeeSchedule(fixed=Decimal("1")), ApprovalThresholds()
    assert (
        plan_movement(TransactionType.TRANSFER, Money.of("10"), fees=fees, thresholds=limits).fee.amount == 1
    )
    assert (
        plan_movement(TransactionType.DEPOSIT, Money.of("10"), fees=fees, thresholds=limits).fee.amount == 0
    )


def test_above_the_threshold_a_movement_waits_for_approval_and_the_debit_includes_the_fee():
    limits = ApprovalThresholds(transfers={NAD: Decimal("50000")}, deposits={NAD: Decimal("1000")})
    fees = FeeSchedule(fixed=Decimal("5"))
    at_limit = plan_movement(TransactionType.TRANSFER, Money.of("50000"), fees=fees, thresholds=limits)
    above = plan_movement(TransactionType.TRANSFER, Money.of("50000.01"), fees=fees, thresholds=limits)
    assert at_limit.status is TransactionStatus.COMPLETED
    assert above.status is TransactionStatus.PENDING_APPROVAL
    assert above.debit.amount == Decimal("50005.01")
    deposit = plan_movement(TransactionType.DEPOSIT, Money.of("1000.01"), fees=fees, thresholds=limits)
    assert deposit.status is TransactionStatus.PENDING_APPROVAL


def test_a_currency_without_a_threshold_always_waits():
    plan = plan_movement(
        TransactionType.TRANSFER, Money.of("1", "USD"), fees=FeeSchedule(), thresholds=ApprovalThresholds()
    )
    assert plan.status is TransactionStatus.PENDING_APPROVAL


def test_a_reversal_above_the_threshold_waits_for_a_second_person():
    limits = ApprovalThresholds()
    above = plan_movement(
        TransactionType.REVERSAL, Money.of("50000.01"), fees=FeeSchedule(), thresholds=limits
    )
    at_limit = plan_movement(
        TransactionType.REVERSAL, Money.of("50000"), fees=FeeSchedule(), thresholds=limits
    )
    assert above.status is TransactionStatus.PENDING_APPROVAL
    assert at_limit.status is TransactionStatus.COMPLETED


def test_staff_powers_never_move_money_on_their_own_wallet():
    staff, customer = uuid.uuid4(), uuid.uuid4()
    with pytest.raises(OwnWalletMovement):
        check_not_own_wallet(staff, customer, staff)
    check_not_own_wallet(staff, customer, None)


def test_the_business_day_starts_at_midnight_in_windhoek():
    late_utc = datetime(2026, 12, 7, 22, 30, tzinfo=UTC)  # 00:30 on 8 December in Windhoek
    assert business_day_start(late_utc) == datetime(2026, 12, 7, 22, 0, tzinfo=UTC)
    assert business_day_start(datetime(2026, 12, 7, 21, 59, tzinfo=UTC)) == datetime(
        2026, 12, 6, 22, 0, tzinfo=UTC
    )


def test_a_currency_without_a_staff_daily_limit_allows_nothing_alone():
    limits = StaffDailyLimits()
    assert limits.limit_for("NAD") == Decimal("100000.00")
    assert limits.limit_for("USD") is None


def test_the_initiator_never_decides():
    someone = uuid.uuid4()
    with pytest.raises(SegregationOfDuties):
        check_decider(someone, someone)
    check_decider(someone, uuid.uuid4())


def test_a_reversal_returns_what_is_left_or_less_never_more():
    original = Money.of("300", NAD)
    assert reversal_amount(original, Decimal("0"), None).amount == Decimal("300")
    assert reversal_amount(original, Decimal("100"), None).amount == Decimal("200")
    assert reversal_amount(original, Decimal("100"), Money.of("50", NAD)).amount == Decimal("50")
    with pytest.raises(ReversalExceedsOriginal):
        reversal_amount(original, Decimal("100"), Money.of("200.01", NAD))
    with pytest.raises(InvalidMoney):
        reversal_amount(original, Decimal("0"), Money.of("5", "ZAR"))


@given(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999999.99"), places=2, allow_nan=False),
    st.decimals(min_value=0, max_value=Decimal("10"), places=3, allow_nan=False),
)
def test_a_planned_movement_always_balances(amount, percent):
    plan = plan_movement(
        TransactionType.TRANSFER,
        Money(amount, NAD),
        fees=FeeSchedule(percent=percent),
        thresholds=ApprovalThresholds(),
    )
    legs = [-plan.debit.amount, plan.amount.amount, plan.fee.amount]
    assert sum(legs) == 0
    assert plan.fee.amount >= 0 and plan.fee.amount == plan.fee.amount.quantize(Decimal("0.01"))


@pytest.mark.parametrize(
    ("amount", "shown"),
    [("12.5", "12.50"), ("12.50000000", "12.50"), ("0", "0.00"), ("1.23450000", "1.2345"), ("-3", "-3.00")],
)
def test_amounts_are_shown_with_the_currencys_places_or_more_when_needed(amount, shown):
    assert money_text(Decimal(amount), NAD) == shown

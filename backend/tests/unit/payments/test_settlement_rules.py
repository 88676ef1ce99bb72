"""Settlement rules (payments/domain/settlement.py): Windhoek business days as UTC bounds,
which day may be settled, and a batch's counts and exact Decimal totals."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from elcorp.payments.domain.settlement import (
    BusinessDayNotOver,
    SettlementItem,
    business_date,
    business_day_bounds,
    check_day_over,
    previous_business_date,
    settlement_totals,
)
from support.factories.payments import SettlementItemFactory

D = Decimal
AT = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def item(kind: str, amount: str) -> SettlementItem:
    return SettlementItemFactory(type=kind, amount=D(amount), completed_at=AT)


def test_a_windhoek_business_day_runs_from_22_00_utc_the_day_before():
    assert business_day_bounds(date(2026, 12, 1)) == (
        datetime(2026, 11, 30, 22, 0, tzinfo=UTC),
        datetime(2026, 12, 1, 22, 0, tzinfo=UTC),
    )


def test_an_instant_belongs_to_the_windhoek_date():
    assert business_date(datetime(2026, 11, 30, 21, 59, 59, tzinfo=UTC)) == date(2026, 11, 30)
    assert business_date(datetime(2026, 11, 30, 22, 0, tzinfo=UTC)) == date(2026, 12, 1)
    assert previous_business_date(datetime(2026, 12, 1, 22, 15, tzinfo=UTC)) == date(2026, 12, 1)


def test_only_a_day_that_is_over_in_windhoek_may_be_settled():
    check_day_over(date(2026, 12, 1), datetime(2026, 12, 1, 22, 0, tzinfo=UTC))
    with pytest.raises(BusinessDayNotOver) as refused:
        check_day_over(date(2026, 12, 1), datetime(2026, 12, 1, 21, 59, 59, tzinfo=UTC))
    assert str(refused.value.code) == "SET_001"


def test_totals_are_exact_decimals_per_direction_and_net_is_in_less_out():
    totals = settlement_totals(
        [
            item("deposit", "0.10"),
            item("deposit", "0.20"),
            item("withdrawal", "0.30"),
            item("deposit", "1.005"),
        ]
    )
    assert (totals.deposits_count, totals.deposits_total) == (3, D("1.305"))
    assert (totals.withdrawals_count, totals.withdrawals_total) == (1, D("0.30"))
    assert totals.net == D("1.005") and totals.count == 4


def test_an_empty_day_has_zero_totals():
    totals = settlement_totals([])
    assert (totals.count, totals.deposits_total, totals.withdrawals_total, totals.net) == (0, 0, 0, 0)


def test_only_deposits_and_withdrawals_are_settled():
    with pytest.raises(ValueError, match="transfer"):
        settlement_totals([item("transfer", "1.00")])

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from elcorp.shared.domain.errors import InvalidMoney
from elcorp.shared.domain.money import Money

amounts = st.decimals(min_value=Decimal("-1e11"), max_value=Decimal("1e11"), places=8, allow_nan=False)


def test_parses_decimal_strings_exactly():
    assert Money.of("12.50").amount == Decimal("12.50")
    assert Money.of("0.00000001").amount == Decimal("0.00000001")


def test_default_currency_is_namibian_dollar():
    assert Money.of("1").currency == "NAD"


def test_refuses_floats_even_when_they_look_exact():
    with pytest.raises(InvalidMoney):
        Money.of(12.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidMoney):
        Money(0.1, "NAD")  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", ["abc", "", "1e", "NaN", "Infinity", "1.000000001", "1000000000000"])
def test_refuses_non_amounts_and_out_of_range(raw):
    with pytest.raises(InvalidMoney):
        Money.of(raw)


def test_refuses_booleans():
    with pytest.raises(InvalidMoney):
        Money.of(True)  # type: ignore[arg-type]


def test_refuses_unknown_currency_and_normalises_case():
    with pytest.raises(InvalidMoney):
        Money.of("1", "XOF")
    assert Money.of("1", "zar").currency == "ZAR"


def test_arithmetic_within_one_currency():
    assert Money.of("10.10") + Money.of("0.15") == Money.of("10.25")
    assert Money.of("1") - Money.of("1.5") == Money.of("-0.5")
    assert (-Money.of("2")).is_negative


def test_mixing_currencies_is_an_error():
    with pytest.raises(InvalidMoney):
        _ = Money.of("1", "NAD") + Money.of("1", "ZAR")
    with pytest.raises(InvalidMoney):
        _ = Money.of("1", "NAD") < Money.of("1", "ZAR")


@pytest.mark.parametrize(
    ("raw", "text"), [("12.5", "12.50"), ("12", "12.00"), ("0.12345678", "0.12345678"), ("100.000", "100.00")]
)
def test_json_form_is_a_decimal_string_with_at_least_cents(raw, text):
    assert Money.of(raw).to_json() == text


@given(amounts, amounts)
def test_addition_is_exact_and_commutative(a, b):
    assert (Money(a) + Money(b)).amount == a + b
    assert Money(a) + Money(b) == Money(b) + Money(a)


@given(amounts)
def test_json_round_trip_preserves_value(a):
    assert Money.of(Money(a).to_json()).amount == a

"""What a VIN reports about its vehicle (vininfo's tables), never a reason to refuse it."""

from __future__ import annotations

import pytest

from elcorp.payments.infrastructure.vin_decoder import VinDecoding, decode_vin


@pytest.mark.parametrize(
    ("vin", "expected"),
    [
        ("1HGCM82633A004352", VinDecoding("Honda", "United States", 2003)),
        # position 7 is a digit: the 1980-2009 cycle, so 1989 and not 2019
        ("1M8GDM9AXKP042788", VinDecoding("Mercury", "United States", 1989)),
        ("WVWZZZ1JZ3W386752", VinDecoding("Volkswagen", "Germany", 2003)),
        ("AAVZZZ6RZEU012345", VinDecoding("Volkswagen", "South Africa", 2014)),
        ("JTDBR32E720123456", VinDecoding("Toyota", "Japan", 2002)),
    ],
)
def test_a_vin_reports_its_manufacturer_country_and_model_year(vin, expected):
    assert decode_vin(vin, this_year=2026) == expected


def test_a_maker_missing_from_the_tables_is_reported_as_unknown():
    assert decode_vin("11111111111111111", this_year=2026).manufacturer is None


def test_a_model_year_is_never_after_next_years_models():
    assert decode_vin("AAVZZZ6RZEU012345", this_year=2012).model_year == 1984  # not 2014

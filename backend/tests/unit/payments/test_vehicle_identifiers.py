"""VIN and chassis-number rules (payments/domain/vehicles.py): real-world VINs with and
without a North American check digit, each forbidden letter, wrong lengths, wrong check
digits where the region mandates one, and Japanese chassis numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from vininfo import Vin

from elcorp.payments.domain.vehicles import (
    ChassisNumberInvalid,
    IdentifierType,
    VinCharacterInvalid,
    VinCheckDigitMismatch,
    VinLengthInvalid,
    check_digit,
    parse_chassis_number,
    parse_vin,
)

# Published VINs whose position 9 is a correct check digit (X stands for 10 in the second).
NORTH_AMERICAN = ["1HGCM82633A004352", "1M8GDM9AXKP042788", "5GZCZ43D13S812715", "3VWFE21C04M000001"]
# Makers outside North America and China often put a letter or a zero at position 9.
WITHOUT_CHECK_DIGIT = {
    "WVWZZZ1JZ3W386752": "Germany (Volkswagen)",
    "AAVZZZ6RZEU012345": "South Africa (Volkswagen, Uitenhage)",
    "JTDBR32E720123456": "Japan (Toyota)",
}


@pytest.mark.parametrize("vin", NORTH_AMERICAN)
def test_north_american_vins_with_their_check_digit_are_accepted(vin):
    identifier = parse_vin(vin)
    assert (identifier.value, identifier.type, identifier.check_digit_valid) == (
        vin,
        IdentifierType.VIN,
        True,
    )
    assert identifier.check_digit_required


@pytest.mark.parametrize("vin", sorted(WITHOUT_CHECK_DIGIT))
def test_vins_from_regions_without_a_mandatory_check_digit_are_accepted_and_the_mismatch_reported(vin):
    identifier = parse_vin(vin)
    assert identifier.check_digit_valid is False
    assert not identifier.check_digit_required


def test_a_vin_is_read_in_capitals_without_surrounding_spaces():
    assert parse_vin("  1hgcm82633a004352 ").value == "1HGCM82633A004352"


@pytest.mark.parametrize("length", [0, 16, 18])
def test_a_vin_of_another_length_is_refused(length):
    with pytest.raises(VinLengthInvalid) as refused:
        parse_vin("1HGCM82633A004352Z"[:length] if length <= 18 else "")
    assert str(refused.value.code) == "VEH_001"


@pytest.mark.parametrize(("letter", "position"), [("I", 4), ("O", 11), ("Q", 17)])
def test_each_forbidden_letter_is_refused_with_its_position(letter, position):
    vin = list("1HGCM82633A004352")
    vin[position - 1] = letter
    with pytest.raises(VinCharacterInvalid) as refused:
        parse_vin("".join(vin))
    assert str(refused.value.code) == "VEH_002"
    assert f"letter {letter} at position {position}" in refused.value.details[0]["message"]


@pytest.mark.parametrize("char", ["-", "*", "Ä", " "])
def test_other_characters_are_refused(char):
    with pytest.raises(VinCharacterInvalid):
        parse_vin("1HGCM8" + char + "633A004352")


def test_a_wrong_check_digit_is_refused_where_the_region_mandates_it():
    with pytest.raises(VinCheckDigitMismatch) as refused:
        parse_vin("1HGCM82643A004352")  # position 9 should be 3
    assert str(refused.value.code) == "VEH_003"
    assert "United States" in refused.value.message and "must be 3" in refused.value.message


def test_a_chinese_vin_must_carry_its_check_digit_too():
    with pytest.raises(VinCheckDigitMismatch):
        parse_vin("LSGGF53W38H123456")  # the check digit of this one is 4
    assert parse_vin("LSGGF53W48H123456").check_digit_valid is True


_VIN_CHARS = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"


@given(st.text(alphabet=_VIN_CHARS, min_size=16, max_size=16))
def test_the_check_digit_agrees_with_the_maintained_vininfo_library(rest):
    vin = "1" + rest  # a North American WMI, where vininfo checks the digit
    assert (vin[8] == check_digit(vin)) is Vin(vin).verify_checksum(check_year=False)


@pytest.mark.parametrize("chassis", ["SV30-0169266", "AE86-123456", "NZE1213012345"[:12], "kdh200-12345"])
def test_japanese_chassis_numbers_are_accepted_without_a_checksum(chassis):
    identifier = parse_chassis_number(chassis)
    assert (identifier.type, identifier.check_digit_valid) == (IdentifierType.CHASSIS, None)
    assert identifier.value == chassis.upper()


@pytest.mark.parametrize(
    "chassis",
    [
        "SV30-016",
        "GRS182-0012345X",
        "SV30--0169266",
        "-SV300169266",
        "SV300169266-",
        "ABCDEFGHIJ",
        "SV30_0169266",
    ],
)
def test_malformed_chassis_numbers_are_refused(chassis):
    with pytest.raises(ChassisNumberInvalid) as refused:
        parse_chassis_number(chassis)
    assert str(refused.value.code) == "VEH_004"

"""How a vehicle is identified: a 17-character VIN (ISO 3779), or, for the many Japanese
used imports on Namibian roads, a chassis (frame) number such as `SV30-0169266`.

VIN rules, each refused with its own code:

- exactly 17 characters (`VEH_001`);
- digits and capital letters except I, O and Q, which look like 1 and 0 (`VEH_002`);
- position 9 is a check digit (ISO 3779 / 49 CFR 565.15). It is mandatory where the
  manufacturer's region requires it, North America (WMI 1-5) and China (WMI L), so there a
  wrong one is refused (`VEH_003`); elsewhere many makers fill position 9 with a letter or a
  zero, so a mismatch is only reported (`check_digit_valid: false`), never refused.

A chassis number has no checksum: 9 to 12 characters, capital letters and digits, with at
most one hyphen between a model code and a serial (`VEH_004`).

Pure: decoding the manufacturer, country and model year is the infrastructure's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from elcorp.shared.domain.errors import ValidationFailed

VIN_LENGTH = 17
CHECK_POSITION = 9  # 1-based, as the standards count
FORBIDDEN_LETTERS = frozenset("IOQ")
# Regions whose law makes the check digit mandatory, by the VIN's first character.
CHECK_DIGIT_REGIONS: dict[str, str] = {
    "1": "United States",
    "4": "United States",
    "5": "United States",
    "2": "Canada",
    "3": "Mexico",
    "L": "China",
}
# ISO 3779 transliteration of letters to values, and the weight of each position.
_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_CHASSIS = re.compile(r"^(?=.*[0-9])[A-Z0-9]+(?:-[A-Z0-9]+)?$")
CHASSIS_LENGTHS = range(9, 13)


class IdentifierType(StrEnum):
    VIN = "vin"
    CHASSIS = "chassis"


class VinLengthInvalid(ValidationFailed):
    code = "VEH_001"
    default_message = "A VIN has exactly 17 characters"


class VinCharacterInvalid(ValidationFailed):
    code = "VEH_002"
    default_message = "A VIN holds digits and capital letters other than I, O and Q"


class VinCheckDigitMismatch(ValidationFailed):
    code = "VEH_003"
    default_message = "The VIN's check digit (position 9) does not match the rest of it"


class ChassisNumberInvalid(ValidationFailed):
    code = "VEH_004"
    default_message = (
        "A chassis number has 9 to 12 capital letters and digits, with at most one hyphen "
        "between the model code and the serial"
    )


@dataclass(frozen=True, slots=True)
class VehicleIdentifier:
    """A checked identifier: `check_digit_valid` is None for a chassis number (none to check)."""

    value: str
    type: IdentifierType
    check_digit_valid: bool | None

    @property
    def check_digit_required(self) -> bool:
        return self.type is IdentifierType.VIN and self.value[0] in CHECK_DIGIT_REGIONS


def _normalised(raw: str) -> str:
    return raw.strip().upper()


def check_digit(vin: str) -> str:
    """The ISO 3779 check character for a 17-character VIN of valid characters: the
    weighted sum of the transliterated values modulo 11, with 10 written as X."""
    total = sum(_VALUES[char] * weight for char, weight in zip(vin, _WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def parse_vin(raw: str) -> VehicleIdentifier:
    """A VIN as typed (case and surrounding spaces are forgiven), checked by the rules above."""
    vin = _normalised(raw)
    if len(vin) != VIN_LENGTH:
        raise VinLengthInvalid(
            f"A VIN has exactly 17 characters; this one has {len(vin)}",
            details=[{"field": "vin", "message": f"{len(vin)} characters instead of 17"}],
        )
    for position, char in enumerate(vin, start=1):
        if char in FORBIDDEN_LETTERS:
            raise VinCharacterInvalid(
                f"A VIN never contains the letter {char} (position {position}): it would be read as "
                f"{'1' if char == 'I' else '0'}",
                details=[{"field": "vin", "message": f"letter {char} at position {position}"}],
            )
        if char not in _VALUES:
            raise VinCharacterInvalid(
                f"A VIN holds only digits and capital letters; position {position} is {char!r}",
                details=[{"field": "vin", "message": f"character {char!r} at position {position}"}],
            )
    given, expected = vin[CHECK_POSITION - 1], check_digit(vin)
    identifier = VehicleIdentifier(vin, IdentifierType.VIN, given == expected)
    if given != expected and identifier.check_digit_required:
        raise VinCheckDigitMismatch(
            f"The check digit of a VIN from {CHECK_DIGIT_REGIONS[vin[0]]} must be {expected}, not {given}",
            details=[{"field": "vin", "message": f"check digit {given}, expected {expected}"}],
        )
    return identifier


def parse_chassis_number(raw: str) -> VehicleIdentifier:
    """A chassis (frame) number as typed: 9-12 characters, one hyphen at most, no checksum."""
    chassis = _normalised(raw)
    if len(chassis) not in CHASSIS_LENGTHS or not _CHASSIS.match(chassis):
        raise ChassisNumberInvalid(
            details=[{"field": "chassis_number", "message": f"{chassis!r} is not one"}]
        )
    return VehicleIdentifier(chassis, IdentifierType.CHASSIS, None)

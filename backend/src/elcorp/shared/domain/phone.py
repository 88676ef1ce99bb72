"""PhoneNumber: an E.164 number; local numbers are read as Namibian (+264) by default.

`phonenumbers` (Google's libphonenumber metadata) is a pure data library, allowed in the
domain the way `decimal` is: it does no I/O and belongs to no framework.
"""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers

from elcorp.shared.domain.errors import InvalidPhoneNumber

DEFAULT_REGION = "NA"


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    """A valid phone number, held in E.164 form (e.g. +264811234567)."""

    e164: str

    @classmethod
    def parse(cls, raw: str, default_region: str = DEFAULT_REGION) -> PhoneNumber:
        if not isinstance(raw, str) or not raw.strip() or len(raw) > 32:
            raise InvalidPhoneNumber("Enter a phone number, such as +264 81 123 4567")
        try:
            parsed = phonenumbers.parse(raw, default_region)
        except phonenumbers.NumberParseException as exc:
            raise InvalidPhoneNumber("Enter a phone number, such as +264 81 123 4567") from exc
        if not phonenumbers.is_valid_number(parsed):
            raise InvalidPhoneNumber("This phone number does not exist in its country's plan")
        return cls(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))

    def __post_init__(self) -> None:
        if not (
            isinstance(self.e164, str)
            and self.e164.startswith("+")
            and self.e164[1:].isascii()
            and self.e164[1:].isdigit()
        ):
            raise InvalidPhoneNumber("Phone numbers are stored in E.164 form")

    @property
    def region(self) -> str | None:
        return phonenumbers.region_code_for_number(phonenumbers.parse(self.e164))

    def __str__(self) -> str:
        return self.e164

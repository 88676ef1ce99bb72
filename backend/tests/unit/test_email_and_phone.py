import pytest

from elcorp.shared.domain.email import EmailAddress
from elcorp.shared.domain.errors import InvalidEmail, InvalidPhoneNumber
from elcorp.shared.domain.phone import PhoneNumber


def test_email_equality_and_lookup_key_ignore_case():
    a = EmailAddress("Nangula.Shilongo@Example.NA")
    assert a == EmailAddress("nangula.shilongo@example.na")
    assert a.normalized == "nangula.shilongo@example.na"
    assert a.value == "Nangula.Shilongo@Example.NA"
    assert a.domain == "example.na"


@pytest.mark.parametrize(
    "raw",
    ["", "plain", "a@b", "a@@b.na", "a b@c.na", "a@-b.na", "x" * 65 + "@b.na", "a@" + "b" * 250 + ".na"],
)
def test_invalid_emails_are_refused(raw):
    with pytest.raises(InvalidEmail):
        EmailAddress(raw)


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("081 123 4567", "+264811234567"),
        ("+264 81 123 4567", "+264811234567"),
        ("+27 82 123 4567", "+27821234567"),
    ],
)
def test_phone_numbers_normalise_to_e164_with_namibia_as_default_region(raw, e164):
    assert PhoneNumber.parse(raw).e164 == e164


def test_phone_region_is_derived_from_the_number():
    assert PhoneNumber.parse("0811234567").region == "NA"


@pytest.mark.parametrize("raw", ["", "12", "not a number", "+264 1", "+1" + "9" * 40])
def test_invalid_phone_numbers_are_refused(raw):
    with pytest.raises(InvalidPhoneNumber):
        PhoneNumber.parse(raw)

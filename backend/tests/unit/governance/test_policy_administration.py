"""The holiday calendar adapter and the canonical form of stored policy parameters."""

from __future__ import annotations

from datetime import date

import pytest

from elcorp.governance.application.policies import canonical_params
from elcorp.governance.infrastructure.calendar import CountryHolidayCalendar
from elcorp.shared.domain.errors import ValidationFailed


def test_namibian_public_holidays_and_proclaimed_days():
    calendar = CountryHolidayCalendar("NA", extra=[date(2026, 11, 27)])
    assert calendar.is_holiday(date(2026, 3, 21))  # Independence Day
    assert calendar.is_holiday(date(2026, 5, 1))  # Workers' Day
    assert calendar.is_holiday(date(2027, 12, 10))  # another year, loaded on demand
    assert calendar.is_holiday(date(2026, 11, 27))  # proclaimed
    assert not calendar.is_holiday(date(2026, 5, 5))


def test_an_unknown_country_fails_at_construction():
    with pytest.raises(NotImplementedError):
        CountryHolidayCalendar("ZZ")


def test_params_are_stored_in_canonical_form():
    params = {
        "actions": ["payment:approve"],
        "thresholds": {"nad": 10},
        "approval_permission": "payment:approve",
    }
    assert canonical_params("amount_threshold", params)["thresholds"] == {"NAD": "10"}
    assert canonical_params("business_hours", {"actions": ["role:manage"]})["weekdays"] == [
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
    ]


def test_bad_params_name_the_field_under_params():
    with pytest.raises(ValidationFailed) as failed:
        canonical_params("segregation_of_duties", {"actions": [], "oops": True})
    assert [d["field"] for d in failed.value.details] == ["params.oops"]
    with pytest.raises(ValidationFailed) as failed:
        canonical_params("ownership", [1, 2])
    assert [d["field"] for d in failed.value.details] == ["params"]

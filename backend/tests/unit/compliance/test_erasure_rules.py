"""The rules of erasure against retention, legal holds and retention policies, without I/O."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from elcorp.compliance.retention.domain.erasure import (
    RetentionYears,
    add_years,
    keep_until,
    kept_bases,
    legal_basis,
)
from elcorp.compliance.retention.domain.legal_hold import (
    LegalHold,
    LegalHoldAlreadyReleased,
    LegalHoldTargetInvalid,
)
from elcorp.compliance.retention.domain.retention import (
    PolicyDisposal,
    RetentionBelowLegalMinimum,
    RetentionPolicy,
    Trigger,
    legal_minimum_days,
)

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
ACTOR = uuid.uuid4()


def test_a_customer_keeps_the_fia_bases_and_a_user_who_never_transacted_keeps_none():
    assert kept_bases(True) == {"fia_customer", "fia_transaction"}
    assert kept_bases(False) == frozenset()


def test_identification_is_kept_five_years_after_the_relationship_and_transactions_after_the_last_one():
    years = RetentionYears()
    end, last = date(2026, 12, 2), date(2025, 3, 1)
    assert keep_until("fia_customer", relationship_end=end, last_transaction=last, years=years) == date(
        2031, 12, 2
    )
    assert keep_until("fia_transaction", relationship_end=end, last_transaction=last, years=years) == date(
        2030, 3, 1
    )
    assert keep_until("account", relationship_end=end, last_transaction=last, years=years) is None
    assert keep_until(
        "fia_customer", relationship_end=end, last_transaction=None, years=RetentionYears(7, 7)
    ) == (date(2033, 12, 2))


def test_a_leap_day_plus_whole_years_is_the_28th_of_february():
    assert add_years(date(2028, 2, 29), 5) == date(2033, 2, 28)


def test_the_legal_basis_is_written_out_with_the_configured_years():
    assert "Financial Intelligence Act 2012" in legal_basis("fia_customer", RetentionYears(6, 5))
    assert "6 years" in legal_basis("fia_customer", RetentionYears(6, 5))


@pytest.mark.parametrize(
    "target",
    [
        {},
        {"subject_id": uuid.uuid4(), "record_table": "invoice", "record_id": "1"},
        {"record_table": "invoice"},
    ],
)
def test_a_hold_names_a_subject_or_a_record(target):
    with pytest.raises(LegalHoldTargetInvalid):
        LegalHold.place(reason="court order", placed_by=ACTOR, at=NOW, **target)


def test_a_hold_covers_its_subject_or_its_record_until_released():
    subject = uuid.uuid4()
    on_subject = LegalHold.place(reason="case", placed_by=ACTOR, at=NOW, subject_id=subject)
    on_record = LegalHold.place(
        reason="case", placed_by=ACTOR, at=NOW, record_table="invoice", record_id="42"
    )
    assert on_subject.covers(subject, set()) and not on_subject.covers(uuid.uuid4(), set())
    assert on_record.covers(uuid.uuid4(), {("invoice", "42")}) and not on_record.covers(subject, set())
    on_subject.release(by=ACTOR, at=NOW, reason="closed")
    assert not on_subject.covers(subject, set())
    with pytest.raises(LegalHoldAlreadyReleased):
        on_subject.release(by=ACTOR, at=NOW, reason=None)


def policy(basis: str) -> RetentionPolicy:
    return RetentionPolicy(
        "c", "d", 1826, Trigger.TRANSACTION_DATE, PolicyDisposal.CRYPTO_SHRED, basis, "law"
    )


def test_an_fia_policy_never_drops_below_the_acts_period():
    minimum = legal_minimum_days("fia_transaction", customer_years=5, transaction_years=5)
    assert minimum == 1826
    with pytest.raises(RetentionBelowLegalMinimum):
        policy("fia_transaction").change(
            period_days=1825, disposal=None, description=None, minimum_days=minimum, by=ACTOR, at=NOW
        )
    changed = policy("security").change(
        period_days=3, disposal=PolicyDisposal.DELETE, description=None, minimum_days=0, by=ACTOR, at=NOW
    )
    assert changed == {"period_days": (1826, 3), "disposal": ("crypto_shred", "delete")}

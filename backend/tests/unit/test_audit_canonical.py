"""The fast canonical-JSON path produces exactly RFC 8785's bytes."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
import rfc8785
from hypothesis import example, given
from hypothesis import strategies as st

from elcorp.compliance.audit.domain.audit_chain import (
    ChainedEntry,
    canonical,
    canonical_json,
    link_hash,
    verify_chain,
)
from elcorp.shared.domain.audit_entry import entry_timestamp

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**60), max_value=2**60) | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=25,
)
finite_floats = st.floats(allow_nan=False, allow_infinity=False)


@given(json_values)
def test_canonical_equals_rfc8785(value):
    try:
        expected = rfc8785.dumps(value)
    except rfc8785.IntegerDomainError:
        return  # outside I-JSON: rfc8785 refuses, and so does the fallback path
    assert canonical(value) == expected


@given(st.dictionaries(st.text(max_size=4), finite_floats, max_size=4))
def test_floats_take_the_rfc8785_path(value):
    assert canonical(value) == rfc8785.dumps(value)


def entry(n: int) -> dict:
    return {
        "id": f"id-{n}",
        "occurred_at": "2026-11-23T09:00:00.000000Z",
        "action": "a",
        "actor_id": "u",
        "actor_roles": [],
        "resource_type": "t",
        "resource_id": str(n),
        "changes": {},
        "reason": None,
        "ip": None,
        "user_agent": None,
        "request_id": None,
    }


def chain(n: int) -> list[ChainedEntry]:
    items, prev = [], None
    for i in range(1, n + 1):
        prev = link_hash(prev, canonical_json(entry(i)))
        items.append(ChainedEntry(i, prev, canonical_json(entry(i))))
    return items


def test_an_intact_chain_verifies():
    count, head, problem = verify_chain(chain(5))
    assert (count, problem) == (5, None)
    assert head == chain(5)[-1].hash


def test_an_altered_entry_is_named():
    items = chain(5)
    items[2] = ChainedEntry(3, items[2].hash, canonical_json({**entry(3), "action": "forged"}))
    _, _, problem = verify_chain(items)
    assert problem is not None and problem.seq == 3


def test_a_missing_entry_is_named():
    items = chain(5)
    del items[1]
    _, _, problem = verify_chain(items)
    assert problem is not None and problem.seq == 3 and "missing" in problem.reason


def strftime_spelling(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


OFFSETS = [UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30))]


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 11, 23, 9, 0, tzinfo=UTC), "2026-11-23T09:00:00.000000Z"),
        (datetime(2026, 11, 23, 9, 0, 0, 7, tzinfo=UTC), "2026-11-23T09:00:00.000007Z"),
        (datetime(2026, 1, 1, 1, 30, 0, 999999, tzinfo=OFFSETS[1]), "2025-12-31T23:30:00.999999Z"),
        (datetime(2025, 12, 31, 20, 45, 5, 120000, tzinfo=OFFSETS[2]), "2026-01-01T02:15:05.120000Z"),
        (datetime(2024, 2, 29, 23, 59, 59, 500000, tzinfo=OFFSETS[2]), "2024-03-01T05:29:59.500000Z"),
    ],
)
def test_entry_timestamp_is_utc_with_microseconds_and_z(moment, expected):
    assert entry_timestamp(moment) == expected == strftime_spelling(moment)


# Local bounds one day inside years 1000..9999, so that no offset converts outside them
# (strftime's %Y pads only to four digits from year 1000 on).
@given(
    st.datetimes(
        min_value=datetime(1000, 1, 2),  # noqa: DTZ001 - hypothesis takes naive bounds
        max_value=datetime(9999, 12, 30),  # noqa: DTZ001
        timezones=st.sampled_from(OFFSETS),
    )
)
@example(datetime(1000, 1, 2, tzinfo=OFFSETS[1]))
@example(datetime(9999, 12, 30, 23, 59, 59, 999999, tzinfo=OFFSETS[2]))
def test_entry_timestamp_matches_strftime(moment):
    assert entry_timestamp(moment) == strftime_spelling(moment)

"""The fast canonical-JSON path produces exactly RFC 8785's bytes."""

import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from elcorp.compliance.domain.audit_chain import ChainedEntry, canonical, chain_hash, verify_chain

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
        prev = chain_hash(prev, entry(i))
        items.append(ChainedEntry(i, prev, entry(i)))
    return items


def test_an_intact_chain_verifies():
    count, head, problem = verify_chain(chain(5))
    assert (count, problem) == (5, None)
    assert head == chain(5)[-1].hash


def test_an_altered_entry_is_named():
    items = chain(5)
    items[2] = ChainedEntry(3, items[2].hash, {**entry(3), "action": "forged"})
    _, _, problem = verify_chain(items)
    assert problem is not None and problem.seq == 3


def test_a_missing_entry_is_named():
    items = chain(5)
    del items[1]
    _, _, problem = verify_chain(items)
    assert problem is not None and problem.seq == 3 and "missing" in problem.reason

"""Grants.covers: the rule behind "nobody grants what they do not hold"."""

from __future__ import annotations

import pytest

from elcorp.governance.domain.rbac import ROLE_NAME, Grants, Scope

GRANTS = Grants(frozenset({"x"}), {"user:read": Scope.OWN, "audit:view": Scope.ALL})


@pytest.mark.parametrize(
    ("permission", "scope", "covered"),
    [
        ("audit:view", Scope.ALL, True),
        ("audit:view", Scope.OWN, True),
        ("user:read", Scope.OWN, True),
        ("user:read", Scope.ALL, False),  # `own` never covers `all`
        ("payment:create", Scope.OWN, False),
    ],
)
def test_a_grant_covers_only_what_is_held_at_least_as_widely(permission, scope, covered):
    assert GRANTS.covers(permission, scope) is covered


@pytest.mark.parametrize("name", ["auditor", "role-manager", "tier_2", "a1"])
def test_role_names_are_lower_case_slugs(name):
    assert ROLE_NAME.fullmatch(name)


@pytest.mark.parametrize("name", ["Auditor", "a b", "-a", "a-", "a--b", "ä"])
def test_other_role_names_are_refused(name):
    assert not ROLE_NAME.fullmatch(name)

"""Grants.covers: the rule behind "nobody grants what they do not hold"."""

from __future__ import annotations

import pytest

from elcorp.governance.domain.rbac import (
    CATALOGUE,
    DEFAULT_GRANTS,
    ROLE_NAME,
    USER,
    Grants,
    Scope,
    unsupported_scope,
)

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


# -- supported scopes: a narrower scope never fails open (issue 17, item 3) -----------------
@pytest.mark.parametrize(
    "permission",
    ["incident:read", "risk:read", "privacy:read", "privacy:manage", "sla:read", "audit:export"],
)
@pytest.mark.parametrize("scope", [Scope.OWN, Scope.ORGANIZATION])
def test_a_narrow_grant_of_an_all_only_permission_grants_nothing(permission, scope):
    grants = Grants.merge(frozenset({"custom"}), [(permission, scope)])
    assert not grants.allows(permission)


def test_an_unsupported_organization_scope_narrows_to_own():
    grants = Grants.merge(frozenset({"custom"}), [("payment:create", Scope.ORGANIZATION)])
    assert grants.scope_of("payment:create") is Scope.OWN


def test_the_widest_supported_grant_wins_across_roles():
    grants = Grants.merge(frozenset({"a", "b"}), [("incident:read", Scope.OWN), ("incident:read", Scope.ALL)])
    assert grants.scope_of("incident:read") is Scope.ALL


def test_an_unknown_permission_grants_nothing():
    assert not Grants.merge(frozenset({"x"}), [("ledger:rewrite", Scope.ALL)]).allows("ledger:rewrite")


def test_every_permission_declares_scopes_and_the_system_roles_use_only_supported_ones():
    for spec in CATALOGUE:
        assert spec.scopes, spec.name
    for role, grants in DEFAULT_GRANTS.items():
        for permission, scope in grants.items():
            assert not unsupported_scope(permission, scope), (role, permission, scope)


def test_the_customer_set_is_exactly_what_is_not_privileged():
    # The user role holds every non-privileged permission, and nothing privileged.
    unprivileged = {spec.name for spec in CATALOGUE if not spec.privileged}
    assert set(DEFAULT_GRANTS[USER]) == unprivileged
    assert all(scope is Scope.OWN for scope in DEFAULT_GRANTS[USER].values())


# -- MFA follows privileges, not role names (issue 17, items 1 and 2) -----------------------
MFA_ROLES = frozenset({"admin", "staff"})


def test_a_customer_session_without_mfa_keeps_everything():
    customer = Grants.merge(frozenset({USER}), list(DEFAULT_GRANTS[USER].items()))
    assert customer.without_mfa(MFA_ROLES) == customer


@pytest.mark.parametrize("permission", ["payment:approve", "role:manage", "payment:deposit", "audit:view"])
def test_a_custom_role_with_a_privileged_permission_needs_mfa(permission):
    grants = Grants.merge(frozenset({"finance"}), [(permission, Scope.ALL), ("payment:create", Scope.OWN)])
    cut = grants.without_mfa(MFA_ROLES)
    assert not cut.allows(permission)
    assert permission in cut.withheld
    assert cut.scope_of("payment:create") is Scope.OWN  # the customer set stays
    assert cut.roles == frozenset()


def test_a_wide_grant_of_a_customer_permission_is_cut_to_own():
    grants = Grants.merge(frozenset({"support"}), [("user:read", Scope.ALL)])
    cut = grants.without_mfa(MFA_ROLES)
    assert cut.scope_of("user:read") is Scope.OWN
    assert "user:read" in cut.withheld


def test_staff_and_admin_without_mfa_hold_only_the_customer_set():
    for role in ("staff", "admin"):
        grants = Grants.merge(
            frozenset({role, USER}), [*DEFAULT_GRANTS[role].items(), *DEFAULT_GRANTS[USER].items()]
        )
        cut = grants.without_mfa(MFA_ROLES)
        assert set(cut.permissions) <= set(DEFAULT_GRANTS[USER])
        assert all(scope is Scope.OWN for scope in cut.permissions.values())
        assert cut.roles == frozenset({USER})


def test_a_role_named_in_the_settings_needs_mfa_even_without_privileges():
    grants = Grants.merge(frozenset({"auditor"}), [("vehicle:read", Scope.OWN)])
    assert grants.without_mfa(frozenset({"auditor"})).roles == frozenset()
    assert grants.without_mfa(MFA_ROLES) == grants

"""Who a service request may be assigned to (domain/assignment.py). No I/O."""

from __future__ import annotations

import uuid

import pytest

from elcorp.governance.domain.assignment import (
    AssigneeNotEligible,
    Candidate,
    RequestParties,
    TeamNotEligible,
    TeamOutsideOrganization,
    ensure_team_assignable,
    ensure_user_assignable,
    may_work_on,
)
from elcorp.governance.domain.rbac import Scope

ORG, OTHER_ORG = uuid.uuid4(), uuid.uuid4()
REQUESTER = uuid.uuid4()
OF_ORG = RequestParties(REQUESTER, ORG)
OF_NOBODY = RequestParties(REQUESTER, None)


def candidate(
    manage: Scope | None, read: Scope | None, organization: uuid.UUID | None = ORG, user_id=None
) -> Candidate:
    return Candidate(user_id or uuid.uuid4(), organization, manage, read)


def test_platform_staff_may_work_on_any_request():
    staff = candidate(Scope.ALL, Scope.ALL, organization=None)
    assert may_work_on(staff, OF_ORG) and may_work_on(staff, OF_NOBODY)
    ensure_user_assignable(staff, OF_ORG)


def test_organization_scoped_staff_work_on_their_own_organizations_requests_only():
    officer = candidate(Scope.ORGANIZATION, Scope.ORGANIZATION)
    assert may_work_on(officer, OF_ORG)
    assert not may_work_on(officer, RequestParties(REQUESTER, OTHER_ORG))
    assert not may_work_on(officer, OF_NOBODY)
    assert not may_work_on(candidate(Scope.ORGANIZATION, Scope.ORGANIZATION, organization=None), OF_NOBODY)


@pytest.mark.parametrize(
    ("manage", "read"),
    [
        (None, None),  # a customer of the organization
        (None, Scope.ALL),  # may read everything but manages nothing
        (Scope.OWN, Scope.OWN),  # `own` never covers a request to work on
        (Scope.ALL, None),  # manages but could not see it
        (Scope.ALL, Scope.OWN),  # sees only their own requests
    ],
)
def test_a_user_who_cannot_manage_or_see_the_request_is_refused_with_gov_001(manage, read):
    with pytest.raises(AssigneeNotEligible) as refused:
        ensure_user_assignable(candidate(manage, read), OF_ORG)
    assert refused.value.code == "GOV_001"
    assert refused.value.details[0]["field"] == "user_id"


def test_the_requester_sees_their_own_request_but_still_needs_manage_covering_it():
    assert may_work_on(candidate(Scope.ALL, Scope.OWN, user_id=REQUESTER), OF_ORG)
    assert not may_work_on(candidate(Scope.OWN, Scope.OWN, user_id=REQUESTER), OF_ORG)


def test_a_team_of_the_requests_organization_with_eligible_members_is_assignable():
    ensure_team_assignable(ORG, [candidate(Scope.ORGANIZATION, Scope.ORGANIZATION)], OF_ORG)


def test_a_team_of_another_organization_is_refused_with_gov_002():
    members = [candidate(Scope.ALL, Scope.ALL, organization=OTHER_ORG)]
    with pytest.raises(TeamOutsideOrganization) as refused:
        ensure_team_assignable(OTHER_ORG, members, OF_ORG)
    assert refused.value.code == "GOV_002"
    with pytest.raises(TeamOutsideOrganization):
        ensure_team_assignable(ORG, members, OF_NOBODY)


def test_an_empty_team_or_one_with_an_ineligible_member_is_refused_with_gov_003():
    with pytest.raises(TeamNotEligible) as empty:
        ensure_team_assignable(ORG, [], OF_ORG)
    assert empty.value.code == "GOV_003"
    customer = candidate(None, Scope.OWN)
    with pytest.raises(TeamNotEligible) as mixed:
        ensure_team_assignable(ORG, [candidate(Scope.ALL, Scope.ALL), customer], OF_ORG)
    assert [d["message"] for d in mixed.value.details] == [
        f"member {customer.user_id} cannot work on this request"
    ]

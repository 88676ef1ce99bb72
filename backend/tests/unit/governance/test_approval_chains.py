"""Approval chains: validation, which levels apply, and who may approve or reject."""

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from elcorp.governance.domain.approval_chains import (
    AlreadyApproved,
    ApprovalChain,
    ApprovalLevel,
    ApprovalRecord,
    Approver,
    ApproverNotEligible,
    SelfApprovalForbidden,
)
from elcorp.governance.domain.rbac import Grants, Scope
from elcorp.shared.domain.errors import AccessDenied, Conflict, ErrorCode, ValidationFailed
from support.factories.governance import ApproverFactory

AT = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
REQUESTER = uuid.uuid4()

CHAIN = ApprovalChain(
    "refund",
    1,
    (
        ApprovalLevel(required_role="supervisor", name="supervisor"),
        ApprovalLevel(
            required_permission="payment:approve", threshold=Decimal("10000"), approvers_required=2
        ),
        ApprovalLevel(required_role="director", threshold=Decimal("100000")),
    ),
)


def person(*roles: str, permissions: tuple[str, ...] = ()) -> Approver:
    return ApproverFactory(roles=frozenset(roles), permissions=frozenset(permissions))


@pytest.mark.parametrize(
    ("amount", "levels"),
    [
        (None, (1,)),
        (Decimal("9999.99"), (1,)),
        (Decimal("10000"), (1, 2)),  # the threshold itself applies (>=)
        (Decimal("99999.99"), (1, 2)),
        (Decimal("100000"), (1, 2, 3)),
    ],
)
def test_levels_apply_from_their_threshold(amount: Decimal | None, levels: tuple[int, ...]) -> None:
    assert CHAIN.applicable_levels(amount) == levels


def test_progress_counts_approvals_per_level_and_names_the_waiting_level():
    approvals = [ApprovalRecord(uuid.uuid4(), 1, AT), ApprovalRecord(uuid.uuid4(), 2, AT)]
    progress = CHAIN.progress(Decimal("50000"), approvals)
    assert progress.applicable == (1, 2)
    assert dict(progress.approvals) == {1: 1, 2: 1}
    assert progress.current_level == 2
    assert not progress.complete
    approvals.append(ApprovalRecord(uuid.uuid4(), 2, AT))
    assert CHAIN.progress(Decimal("50000"), approvals).complete


def test_an_approval_counts_for_the_first_unsatisfied_level():
    supervisor = person("supervisor")
    assert CHAIN.approval_level_for(supervisor, REQUESTER, Decimal("50000"), []) == 1
    approvals = [ApprovalRecord(supervisor.id, 1, AT)]
    checker = person(permissions=("payment:approve",))
    assert CHAIN.approval_level_for(checker, REQUESTER, Decimal("50000"), approvals) == 2


def test_levels_are_satisfied_in_order():
    director = person("director")
    with pytest.raises(ApproverNotEligible) as caught:
        CHAIN.approval_level_for(director, REQUESTER, Decimal("500000"), [])
    assert "level 1 needs the supervisor role" in caught.value.message


def test_the_requester_may_not_approve_or_reject_even_when_eligible():
    requester = Approver(REQUESTER, frozenset({"supervisor"}))
    with pytest.raises(SelfApprovalForbidden) as caught:
        CHAIN.approval_level_for(requester, REQUESTER, None, [])
    assert caught.value.code is ErrorCode.ACCESS_DENIED
    with pytest.raises(SelfApprovalForbidden):
        CHAIN.rejection_level_for(requester, REQUESTER, None, [])


def test_no_person_approves_twice_or_at_two_levels():
    everything = person("supervisor", "director", permissions=("payment:approve",))
    approvals = [ApprovalRecord(everything.id, 1, AT)]
    with pytest.raises(AlreadyApproved) as caught:
        CHAIN.approval_level_for(everything, REQUESTER, Decimal("500000"), approvals)
    assert caught.value.code is ErrorCode.CONFLICT
    assert "level 1" in caught.value.message


def test_approving_a_satisfied_chain_is_a_conflict():
    approvals = [ApprovalRecord(uuid.uuid4(), 1, AT)]
    with pytest.raises(Conflict):
        CHAIN.approval_level_for(person("supervisor"), REQUESTER, None, approvals)


def test_rejection_needs_eligibility_for_a_pending_level():
    approvals = [ApprovalRecord(uuid.uuid4(), 1, AT)]
    amount = Decimal("500000")
    assert CHAIN.rejection_level_for(person("director"), REQUESTER, amount, approvals) == 3
    assert (
        CHAIN.rejection_level_for(person(permissions=("payment:approve",)), REQUESTER, amount, approvals) == 2
    )
    with pytest.raises(ApproverNotEligible):  # level 1 is already satisfied
        CHAIN.rejection_level_for(person("supervisor"), REQUESTER, amount, approvals)
    with pytest.raises(AccessDenied):
        CHAIN.rejection_level_for(person("clerk"), REQUESTER, amount, [])
    with pytest.raises(ApproverNotEligible):  # level 3 does not apply to a small amount
        CHAIN.rejection_level_for(person("director"), REQUESTER, Decimal(5), [])


def test_approver_from_rbac_grants():
    grants = Grants(frozenset({"staff"}), {"payment:approve": Scope.ALL})
    approver = Approver.from_grants(REQUESTER, grants)
    assert approver.roles == frozenset({"staff"})
    assert approver.permissions == frozenset({"payment:approve"})


def test_revised_chain_is_the_next_version_and_leaves_the_old_one_alone():
    revised = CHAIN.revised([ApprovalLevel(required_role="manager")])
    assert (revised.category, revised.version) == ("refund", 2)
    assert CHAIN.version == 1
    assert len(CHAIN.levels) == 3


def test_chain_round_trips_through_json():
    data = CHAIN.to_dict()
    assert data["levels"][1] == {  # type: ignore[index]
        "name": "",
        "required_role": None,
        "required_permission": "payment:approve",
        "threshold": "10000",
        "approvers_required": 2,
    }
    assert ApprovalChain.from_dict(data) == CHAIN


@pytest.mark.parametrize(
    "build",
    [
        lambda: ApprovalLevel(),
        lambda: ApprovalLevel(required_role="a", required_permission="payment:approve"),
        lambda: ApprovalLevel(required_role=" "),
        lambda: ApprovalLevel(required_permission="approve"),
        lambda: ApprovalLevel(required_role="a", threshold=Decimal(-1)),
        lambda: ApprovalLevel(required_role="a", threshold=Decimal("NaN")),
        lambda: ApprovalLevel(required_role="a", threshold=5.0),  # type: ignore[arg-type]
        lambda: ApprovalLevel(required_role="a", approvers_required=0),
        lambda: ApprovalChain("refund", 1, ()),
        lambda: ApprovalChain("refund", 0, (ApprovalLevel(required_role="a"),)),
        lambda: ApprovalChain("Refund Requests!", 1, (ApprovalLevel(required_role="a"),)),
        lambda: ApprovalChain("refund", 1, (ApprovalLevel(required_role="a", threshold=Decimal(1)),)),
        lambda: ApprovalChain.from_dict(
            {"category": "refund", "version": 1, "levels": [{"required_role": 5}]}
        ),
        lambda: ApprovalChain.from_dict({"category": "refund", "version": 1, "levels": [{"role": "a"}]}),
        lambda: ApprovalChain.from_dict(
            {"category": "refund", "version": 1, "levels": [{"required_role": "a", "threshold": 1.5}]}
        ),
        lambda: ApprovalChain.from_dict({"category": "refund", "version": "1", "levels": []}),
        lambda: ApprovalChain.from_dict([]),
    ],
)
def test_invalid_chains_are_refused(build: object) -> None:
    with pytest.raises(ValidationFailed):
        build()  # type: ignore[operator]

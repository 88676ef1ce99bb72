"""The service-request use cases (application/service_request_*.py, approval_reminders.py)
through the `ServiceRequests` entry point, on in-memory ports: who sees and changes what,
what is saved, published and audited, and what is refused before anything is. No I/O."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from elcorp.governance.application.approval_reminders import ApprovalReminderDue
from elcorp.governance.application.service_request_access import command_permission
from elcorp.governance.application.service_requests import ServiceRequests
from elcorp.governance.application.workflow_ports import Category, PendingApproval, StoredRequest
from elcorp.governance.domain.approval_chains import ApprovalChain, ApprovalLevel
from elcorp.governance.domain.rbac import Scope
from elcorp.governance.domain.service_requests import (
    Assignee,
    Command,
    RequestStatus,
    ServiceRequest,
    ServiceRequestSubmitted,
)
from elcorp.shared.domain.errors import AccessDenied, Conflict, NotFound, ValidationFailed
from support.fakes import FakeClock
from unit.governance.workflow_fakes import (
    FakePolicies,
    FakeSla,
    FakeUsers,
    FakeWorkflowStore,
    FakeWorkflowUnitOfWork,
    access_with,
    grants,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
REQUESTER, COLLEAGUE, STRANGER, AGENT, MANAGER = (uuid.uuid4() for _ in range(5))
ORG, OTHER_ORG = uuid.uuid4(), uuid.uuid4()
READ, CREATE, MANAGE, APPROVE = (
    "service_request:read",
    "service_request:create",
    "service_request:manage",
    "service_request:approve",
)
CHAIN = ApprovalChain("refund", 1, (ApprovalLevel(required_role="supervisor"),))


class World:
    """One service on fakes, with a requester, a colleague in the same organization, a
    stranger in another, an agent who may work requests, and a manager."""

    def __init__(self) -> None:
        self.store = FakeWorkflowStore()
        self.store.category_rows["refund"] = Category("refund", "", True, 1)
        self.store.chains["refund"] = [CHAIN]
        self.store.organizations.update({REQUESTER: ORG, COLLEAGUE: ORG, AGENT: ORG, STRANGER: OTHER_ORG})
        self.uow = FakeWorkflowUnitOfWork(self.store)
        self.policies = FakePolicies()
        self.users = FakeUsers({REQUESTER, COLLEAGUE, STRANGER, AGENT, MANAGER})
        self.grants = {
            REQUESTER: grants(READ, CREATE, scope=Scope.OWN),
            COLLEAGUE: grants(READ, CREATE, scope=Scope.ORGANIZATION),
            STRANGER: grants(READ, CREATE, scope=Scope.ORGANIZATION),
            AGENT: grants(READ, MANAGE, scope=Scope.ORGANIZATION),
            MANAGER: grants(READ, MANAGE, APPROVE, roles={"supervisor"}),
        }
        self.clock = FakeClock(NOW)
        self.service = ServiceRequests(
            lambda: self.uow,
            access_with(self.grants),
            self.policies,  # type: ignore[arg-type]
            self.users,
            FakeSla(),
            clock=self.clock,
        )

    def draft(self, amount: Decimal | None = None) -> uuid.UUID:
        view = self.service.open(REQUESTER, category="refund", title="Refund invoice 42", amount=amount)
        return view.request.id

    def stored(self, request_id: uuid.UUID) -> StoredRequest:
        found = self.store.get(request_id)
        assert found is not None
        return found


@pytest.fixture
def world() -> World:
    return World()


# -- open -----------------------------------------------------------------------------------
def test_opening_stores_a_draft_in_the_requesters_organization_and_audits_it(world):
    view = world.service.open(REQUESTER, category="refund", title="Refund 42", amount=Decimal("120.50"))

    stored = world.stored(view.request.id)
    assert (stored.request.status, stored.organization_id, stored.due_at) == (RequestStatus.DRAFT, ORG, None)
    [entry] = world.uow.committed_audit
    assert entry.action == "service_request.created"
    assert entry.changes is not None and entry.changes.after["amount"] == "120.50"
    assert [(c, a) for c, a, _ in world.policies.asked] == [(REQUESTER, CREATE)]
    assert view.allowed == {Command.SUBMIT, Command.CANCEL}


def test_opening_in_an_inactive_category_is_refused_before_the_policy_engine_is_asked(world):
    world.store.category_rows["refund"] = Category("refund", "", False, 1)

    with pytest.raises(ValidationFailed) as refused:
        world.draft()

    assert refused.value.details == [{"field": "category", "message": "no active category 'refund'"}]
    assert world.policies.asked == [] and world.store.rows == {}


def test_a_policy_deny_stops_the_opening_before_anything_is_stored(world):
    world.policies.deny.add(CREATE)

    with pytest.raises(AccessDenied):
        world.draft()

    assert world.store.rows == {} and world.uow.commits == 0


# -- who sees what ----------------------------------------------------------------------------
def test_a_request_is_seen_by_its_requester_and_their_organization_and_hidden_from_others(world):
    request_id = world.draft()

    assert world.service.get(REQUESTER, request_id).request.id == request_id
    assert world.service.get(COLLEAGUE, request_id).request.id == request_id
    with pytest.raises(NotFound):  # never a 403: the request's existence does not leak
        world.service.get(STRANGER, request_id)


def test_only_the_requester_is_offered_submit_and_cancel(world):
    request_id = world.draft()

    assert world.service.get(REQUESTER, request_id).allowed == {Command.SUBMIT, Command.CANCEL}
    assert world.service.get(COLLEAGUE, request_id).allowed == frozenset()


def test_the_permission_a_command_is_checked_under():
    request = ServiceRequest.create(requester_id=REQUESTER, category="refund", title="t", at=NOW)
    mine, managing = grants(CREATE), grants(CREATE, MANAGE)

    assert command_permission(REQUESTER, mine, Command.SUBMIT, request) == CREATE
    assert command_permission(MANAGER, managing, Command.CANCEL, request) == MANAGE
    with pytest.raises(AccessDenied, match="Only the requester may submit"):
        command_permission(MANAGER, managing, Command.SUBMIT, request)
    with pytest.raises(AccessDenied, match="service_request:manage is required to assign"):
        command_permission(REQUESTER, mine, Command.ASSIGN, request)


# -- workflow commands ------------------------------------------------------------------------
def test_submitting_takes_the_current_chain_starts_the_sla_clock_publishes_and_audits(world):
    request_id = world.draft()
    world.clock.advance(300)

    view = world.service.command(REQUESTER, request_id, Command.SUBMIT, comment="  please  ")

    submitted_at = NOW + timedelta(minutes=5)
    stored = world.stored(request_id)
    assert (stored.request.status, stored.request.chain_version) == (RequestStatus.SUBMITTED, 1)
    assert (stored.submitted_at, stored.due_at) == (submitted_at, submitted_at + timedelta(hours=72))
    assert [type(e) for e in world.uow.committed_events] == [ServiceRequestSubmitted]
    entry = world.uow.committed_audit[-1]
    assert (entry.action, entry.reason) == ("service_request.submit", "please")
    assert entry.changes is not None
    assert (entry.changes.before["status"], entry.changes.after["status"]) == ("draft", "submitted")
    assert view.stored.due_at == stored.due_at


def test_a_category_without_a_chain_cannot_be_submitted_and_nothing_is_saved(world):
    request_id = world.draft()
    world.store.chains["refund"] = []
    commits = world.uow.commits

    with pytest.raises(Conflict, match="has no approval chain"):
        world.service.command(REQUESTER, request_id, Command.SUBMIT)

    assert world.stored(request_id).request.status is RequestStatus.DRAFT
    assert world.uow.commits == commits


def test_assigning_needs_an_assignee(world):
    request_id = world.draft()
    world.service.command(REQUESTER, request_id, Command.SUBMIT)

    with pytest.raises(ValidationFailed) as refused:
        world.service.command(MANAGER, request_id, Command.ASSIGN)

    assert refused.value.details == [{"field": "assignee", "message": "give a user_id or a team_id"}]
    assert world.stored(request_id).request.status is RequestStatus.SUBMITTED


def test_an_unknown_or_inactive_user_cannot_be_assigned(world):
    request_id = world.draft()
    world.service.command(REQUESTER, request_id, Command.SUBMIT)
    world.users.active.discard(AGENT)

    with pytest.raises(ValidationFailed) as refused:
        world.service.command(MANAGER, request_id, Command.ASSIGN, assignee=Assignee.user(AGENT))

    assert refused.value.details == [{"field": "user_id", "message": "no such active user"}]


def test_an_unknown_team_cannot_be_assigned(world):
    request_id = world.draft()
    world.service.command(REQUESTER, request_id, Command.SUBMIT)

    with pytest.raises(ValidationFailed) as refused:
        world.service.command(MANAGER, request_id, Command.ASSIGN, assignee=Assignee.team(uuid.uuid4()))

    assert refused.value.details == [{"field": "team_id", "message": "no such team"}]


def test_an_agent_of_the_organization_is_assigned_and_the_request_goes_into_review(world):
    request_id = world.draft()
    world.service.command(REQUESTER, request_id, Command.SUBMIT)

    view = world.service.command(MANAGER, request_id, Command.ASSIGN, assignee=Assignee.user(AGENT))

    assert view.request.status is RequestStatus.IN_REVIEW
    assert world.stored(request_id).request.assignee == Assignee.user(AGENT)
    assert world.uow.committed_audit[-1].action == "service_request.assign"


def test_the_policy_engine_sees_the_request_as_its_rules_need_it(world):
    request_id = world.draft(amount=Decimal("5000"))
    world.policies.asked.clear()

    world.service.command(REQUESTER, request_id, Command.CANCEL, comment="no longer needed")

    [(caller, action, resource)] = world.policies.asked
    assert (caller, action) == (REQUESTER, CREATE)
    assert (resource.owner_id, resource.organization_id, resource.maker_id) == (REQUESTER, ORG, REQUESTER)
    assert (resource.amount, resource.currency) == (Decimal("5000"), "NAD")
    assert world.stored(request_id).request.status is RequestStatus.CANCELLED


def test_a_command_on_a_request_out_of_sight_is_a_404_and_the_policy_engine_is_not_asked(world):
    request_id = world.draft()
    world.policies.asked.clear()

    with pytest.raises(NotFound):
        world.service.command(STRANGER, request_id, Command.CANCEL)

    assert world.policies.asked == []


# -- comments ---------------------------------------------------------------------------------
def test_a_comment_is_stored_and_only_its_length_is_audited(world):
    request_id = world.draft()

    comment = world.service.add_comment(COLLEAGUE, request_id, "  Call me on 081 123 4567  ")

    assert comment.body == "Call me on 081 123 4567"
    assert world.service.comments(REQUESTER, request_id) == [comment]
    entry = world.uow.committed_audit[-1]
    assert entry.changes is not None and entry.changes.after == {"comment_id": str(comment.id), "length": 23}


@pytest.mark.parametrize(("body", "message"), [("   ", "is required"), ("x" * 2001, "at most")])
def test_an_empty_or_overlong_comment_is_refused(world, body, message):
    request_id = world.draft()

    with pytest.raises(ValidationFailed) as refused:
        world.service.add_comment(REQUESTER, request_id, body)

    assert refused.value.details[0]["field"] == "body"
    assert message in refused.value.details[0]["message"]


# -- categories -------------------------------------------------------------------------------
def test_a_chain_level_must_name_a_known_role(world):
    world.grants[MANAGER] = grants("workflow:manage")
    world.store.roles = frozenset({"supervisor"})

    with pytest.raises(ValidationFailed) as refused:
        world.service.add_category(
            MANAGER, name="travel", description="", levels=[{"required_role": "auditor"}]
        )

    assert refused.value.details == [{"field": "levels[1].required_role", "message": "no role 'auditor'"}]
    assert "travel" not in world.store.category_rows


def test_a_revised_chain_is_a_new_version_and_is_audited_against_the_old_one(world):
    world.grants[MANAGER] = grants("workflow:manage")
    world.store.roles = frozenset({"supervisor", "manager"})

    chain = world.service.revise_chain(MANAGER, "refund", [{"required_role": "manager"}])

    assert chain.version == 2
    assert [c.version for c in world.service.chain_versions(MANAGER, "refund")] == [1, 2]
    entry = world.uow.committed_audit[-1]
    assert (entry.action, entry.resource.id) == ("approval_chain.revised", "refund@2")
    assert entry.changes is not None and entry.changes.before == CHAIN.to_dict()


def test_a_category_description_is_at_most_500_characters(world):
    world.grants[MANAGER] = grants("workflow:manage")

    with pytest.raises(ValidationFailed) as refused:
        world.service.update_category(MANAGER, "refund", description="x" * 501, active=None)

    assert refused.value.details == [{"field": "description", "message": "at most 500 characters"}]


# -- reminders --------------------------------------------------------------------------------
def test_reminders_go_to_active_eligible_approvers_who_have_not_approved_never_the_requester(world):
    request_id = world.draft()
    approved, inactive = uuid.uuid4(), uuid.uuid4()
    waiting_since = NOW - timedelta(hours=30)
    world.store.pending = [
        PendingApproval(
            request_id, REQUESTER, ORG, "Refund", 1, CHAIN.levels[0], frozenset({approved}), waiting_since
        )
    ]
    world.store.approvers = frozenset({MANAGER, REQUESTER, approved, inactive})
    world.users.active |= {approved}

    assert world.service.remind_pending_approvers(at=NOW) == 1

    [event] = world.uow.committed_events
    assert isinstance(event, ApprovalReminderDue)
    assert (event.approver_id, event.request_id, event.level, event.waiting_since) == (
        MANAGER,
        request_id,
        1,
        waiting_since,
    )
    # Claimed: the same person is not reminded again within the interval, and is after it.
    assert world.service.remind_pending_approvers(at=NOW + timedelta(hours=1)) == 0
    assert world.service.remind_pending_approvers(at=NOW + timedelta(hours=4)) == 1


def test_a_request_waiting_less_than_a_day_is_not_reminded_of(world):
    world.store.pending = [
        PendingApproval(
            uuid.uuid4(), REQUESTER, ORG, "Refund", 1, CHAIN.levels[0], frozenset(), NOW - timedelta(hours=23)
        )
    ]
    world.store.approvers = frozenset({MANAGER})

    assert world.service.remind_pending_approvers(at=NOW) == 0
    assert world.uow.committed_events == []

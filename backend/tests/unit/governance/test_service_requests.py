"""The service-request aggregate: its workflow, every illegal transition, history and events."""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from elcorp.governance.application.event_types import EVENT_TYPES as GOVERNANCE_EVENTS
from elcorp.governance.domain.approval_chains import (
    AlreadyApproved,
    ApprovalChain,
    ApprovalLevel,
    ApproverNotEligible,
    SelfApprovalForbidden,
)
from elcorp.governance.domain.service_requests import (
    ALLOWED_IN,
    Assignee,
    Command,
    IllegalTransition,
    Priority,
    RequestStatus,
    ServiceRequest,
    ServiceRequestApprovalRecorded,
    ServiceRequestApproved,
    ServiceRequestAssigned,
    ServiceRequestCancelled,
    ServiceRequestCompleted,
    ServiceRequestRejected,
    ServiceRequestSubmitted,
    Transition,
    allowed_commands,
)
from elcorp.shared.domain.errors import Conflict, ErrorCode, ValidationFailed
from elcorp.shared.domain.events import event_class, register_event_types
from support.factories.governance import ApproverFactory, ServiceRequestFactory

T0 = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
REQUESTER, AGENT = uuid.uuid4(), uuid.uuid4()
TEAM = Assignee.team(uuid.uuid4())
SUPERVISOR = ApproverFactory(roles=frozenset({"supervisor"}))
MANAGER = ApproverFactory(roles=frozenset({"manager"}))
MANAGER_2 = ApproverFactory(roles=frozenset({"manager"}))

SIMPLE = ApprovalChain("refund", 1, (ApprovalLevel(required_role="supervisor"),))
TIERED = ApprovalChain(
    "refund",
    2,
    (
        ApprovalLevel(required_role="supervisor"),
        ApprovalLevel(required_role="manager", threshold=Decimal("10000"), approvers_required=2),
    ),
)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def draft(amount: Decimal | None = None) -> ServiceRequest:
    return ServiceRequestFactory(requester_id=REQUESTER, title="Refund invoice 42", at=T0, amount=amount)


def request_in(status: RequestStatus) -> ServiceRequest:
    """A request driven to `status` through its own commands."""
    request = draft()
    if status is RequestStatus.DRAFT:
        return request
    if status is RequestStatus.CANCELLED:
        request.cancel(REQUESTER, at(1))
        return request
    request.submit(REQUESTER, at(1), SIMPLE)
    if status is RequestStatus.SUBMITTED:
        return request
    request.assign(AGENT, TEAM, at(2))
    if status is RequestStatus.IN_REVIEW:
        return request
    if status is RequestStatus.REJECTED:
        request.reject(SUPERVISOR, at(3), "not eligible for a refund")
        return request
    request.approve(SUPERVISOR, at(3))
    if status is RequestStatus.APPROVED:
        return request
    request.start(AGENT, at(4))
    if status is RequestStatus.IN_PROGRESS:
        return request
    request.complete(AGENT, at(5))
    return request


COMMANDS: dict[Command, Callable[[ServiceRequest], None]] = {
    Command.SUBMIT: lambda r: r.submit(REQUESTER, at(9), SIMPLE),
    Command.ASSIGN: lambda r: r.assign(AGENT, Assignee.user(AGENT), at(9)),
    Command.APPROVE: lambda r: r.approve(MANAGER, at(9)),
    Command.REJECT: lambda r: r.reject(MANAGER, at(9), "no"),
    Command.START: lambda r: r.start(AGENT, at(9)),
    Command.COMPLETE: lambda r: r.complete(AGENT, at(9)),
    Command.CANCEL: lambda r: r.cancel(REQUESTER, at(9)),
}

ILLEGAL = [
    (command, status) for command in Command for status in RequestStatus if status not in ALLOWED_IN[command]
]


@pytest.mark.parametrize("status", list(RequestStatus))
def test_request_in_reaches_each_state(status: RequestStatus) -> None:
    assert request_in(status).status is status


@pytest.mark.parametrize(("command", "status"), ILLEGAL, ids=[f"{c.value}-in-{s.value}" for c, s in ILLEGAL])
def test_every_illegal_transition_is_refused_and_names_the_state(
    command: Command, status: RequestStatus
) -> None:
    request = request_in(status)
    before = (request.status, list(request.history), list(request.approvals), request.assignee)
    request.pull_events()
    with pytest.raises(IllegalTransition) as caught:
        COMMANDS[command](request)
    error = caught.value
    assert isinstance(error, Conflict)
    assert error.code is ErrorCode.CONFLICT
    assert error.message == f"Cannot {command.value} a service request that is {status.value}"
    assert error.details["state"] == status.value
    assert error.details["action"] == command.value
    assert (error.command, error.state) == (command, status)
    assert (request.status, request.history, request.approvals, request.assignee) == before
    assert request.pull_events() == []


def test_the_illegal_list_covers_the_workflow():
    assert len(ILLEGAL) == 7 * 8 - sum(len(states) for states in ALLOWED_IN.values())
    assert allowed_commands(RequestStatus.DRAFT) == {Command.SUBMIT, Command.CANCEL}
    assert allowed_commands(RequestStatus.IN_REVIEW) == {Command.ASSIGN, Command.APPROVE, Command.REJECT}
    for terminal in (RequestStatus.REJECTED, RequestStatus.COMPLETED, RequestStatus.CANCELLED):
        assert allowed_commands(terminal) == frozenset()
        assert request_in(terminal).is_terminal


def test_the_whole_workflow_keeps_a_history_and_raises_events():
    request = draft(Decimal("250.00"))
    request.submit(REQUESTER, at(1), SIMPLE, comment="please")
    request.assign(AGENT, TEAM, at(2))
    request.approve(SUPERVISOR, at(3), comment="ok")
    request.assign(AGENT, Assignee.user(AGENT), at(4))
    request.start(AGENT, at(5))
    request.complete(AGENT, at(6), comment="refunded")
    assert request.status is RequestStatus.COMPLETED
    assert request.completed_at == at(6)
    assert request.assignee == Assignee.user(AGENT)
    assert request.history == [
        Transition(RequestStatus.DRAFT, RequestStatus.SUBMITTED, REQUESTER, at(1), "please"),
        Transition(RequestStatus.SUBMITTED, RequestStatus.IN_REVIEW, AGENT, at(2)),
        Transition(RequestStatus.IN_REVIEW, RequestStatus.APPROVED, SUPERVISOR.id, at(3), "ok"),
        Transition(RequestStatus.APPROVED, RequestStatus.IN_PROGRESS, AGENT, at(5)),
        Transition(RequestStatus.IN_PROGRESS, RequestStatus.COMPLETED, AGENT, at(6), "refunded"),
    ]
    events = request.pull_events()
    assert [type(e) for e in events] == [
        ServiceRequestSubmitted,
        ServiceRequestAssigned,
        ServiceRequestApprovalRecorded,
        ServiceRequestApproved,
        ServiceRequestAssigned,
        ServiceRequestCompleted,
    ]
    assert all(e.request_id == request.id for e in events)  # type: ignore[attr-defined]
    assert [e.occurred_at for e in events] == [at(1), at(2), at(3), at(3), at(4), at(6)]
    submitted = events[0]
    assert isinstance(submitted, ServiceRequestSubmitted)
    assert (submitted.chain_version, submitted.amount, submitted.currency) == (1, Decimal("250.00"), "NAD")
    assert request.pull_events() == []


def test_events_round_trip_through_the_outbox_payload():
    register_event_types(GOVERNANCE_EVENTS)  # what the composition root does
    request = request_in(RequestStatus.REJECTED)
    for event in request.pull_events():
        assert event_class(event.event_type).from_payload(event.to_payload()) == event
    assert ServiceRequestRejected.event_type == "governance.ServiceRequestRejected"


def test_rejection_records_the_reason_and_raises_an_event():
    request = request_in(RequestStatus.IN_REVIEW)
    request.pull_events()
    request.reject(SUPERVISOR, at(5), "  duplicate of SR-17  ")
    assert request.status is RequestStatus.REJECTED
    assert request.history[-1] == Transition(
        RequestStatus.IN_REVIEW, RequestStatus.REJECTED, SUPERVISOR.id, at(5), "duplicate of SR-17"
    )
    (event,) = request.pull_events()
    assert isinstance(event, ServiceRequestRejected)
    assert (event.rejected_by, event.level, event.reason) == (SUPERVISOR.id, 1, "duplicate of SR-17")


def test_rejection_needs_a_reason():
    request = request_in(RequestStatus.IN_REVIEW)
    with pytest.raises(ValidationFailed):
        request.reject(SUPERVISOR, at(5), "   ")
    assert request.status is RequestStatus.IN_REVIEW


def test_cancel_from_draft_and_from_submitted():
    for status in (RequestStatus.DRAFT, RequestStatus.SUBMITTED):
        request = request_in(status)
        request.pull_events()
        request.cancel(REQUESTER, at(7), reason="no longer needed")
        assert request.status is RequestStatus.CANCELLED
        assert request.history[-1].comment == "no longer needed"
        assert [type(e) for e in request.pull_events()] == [ServiceRequestCancelled]


def test_reassigning_in_review_keeps_the_state_and_same_assignee_is_a_no_op():
    request = request_in(RequestStatus.IN_REVIEW)
    history = list(request.history)
    request.pull_events()
    request.assign(AGENT, TEAM, at(8))
    assert request.pull_events() == []
    request.assign(AGENT, Assignee.user(MANAGER.id), at(8))
    assert request.status is RequestStatus.IN_REVIEW
    assert request.history == history
    (event,) = request.pull_events()
    assert isinstance(event, ServiceRequestAssigned)
    assert (event.assignee_kind, event.assignee_id) == ("user", MANAGER.id)


def test_approved_only_after_every_applicable_level_by_distinct_people():
    request = draft(Decimal("20000"))
    request.submit(REQUESTER, at(1), TIERED)
    request.assign(AGENT, TEAM, at(2))
    request.approve(SUPERVISOR, at(3))
    assert request.status is RequestStatus.IN_REVIEW
    request.approve(MANAGER, at(4))
    assert request.status is RequestStatus.IN_REVIEW
    with pytest.raises(AlreadyApproved):
        request.approve(MANAGER, at(5))
    request.approve(MANAGER_2, at(6))
    assert request.status is RequestStatus.APPROVED
    assert [(a.approver_id, a.level) for a in request.approvals] == [
        (SUPERVISOR.id, 1),
        (MANAGER.id, 2),
        (MANAGER_2.id, 2),
    ]
    recorded = [e for e in request.pull_events() if isinstance(e, ServiceRequestApprovalRecorded)]
    assert [e.pending_level for e in recorded] == [2, 2, None]


def test_small_amounts_skip_levels_above_their_threshold():
    request = draft(Decimal("9999.99"))
    request.submit(REQUESTER, at(1), TIERED)
    request.assign(AGENT, TEAM, at(2))
    request.approve(SUPERVISOR, at(3))
    assert request.status is RequestStatus.APPROVED


def test_the_requester_cannot_approve_their_own_request():
    request = ServiceRequestFactory(requester_id=SUPERVISOR.id, title="Mine", at=T0)
    request.submit(SUPERVISOR.id, at(1), SIMPLE)
    request.assign(AGENT, TEAM, at(2))
    with pytest.raises(SelfApprovalForbidden):
        request.approve(SUPERVISOR, at(3))
    with pytest.raises(SelfApprovalForbidden):
        request.reject(SUPERVISOR, at(3), "changed my mind")
    assert request.approvals == []
    assert request.status is RequestStatus.IN_REVIEW


def test_an_ineligible_approver_changes_nothing():
    request = request_in(RequestStatus.IN_REVIEW)
    request.pull_events()
    with pytest.raises(ApproverNotEligible):
        request.approve(MANAGER, at(3))
    assert request.approvals == []
    assert request.pull_events() == []


def test_a_request_keeps_the_chain_version_it_was_submitted_under():
    request = draft(Decimal("50000"))
    request.submit(REQUESTER, at(1), SIMPLE)
    stricter = SIMPLE.revised([ApprovalLevel(required_role="director")])
    assert stricter.version == 2
    request.assign(AGENT, TEAM, at(2))
    request.approve(SUPERVISOR, at(3))  # still version 1: a supervisor suffices
    assert request.chain_version == 1
    assert request.status is RequestStatus.APPROVED


def test_submit_refuses_another_categorys_chain():
    request = draft()
    other = ApprovalChain("it.access", 1, (ApprovalLevel(required_role="it"),))
    with pytest.raises(ValidationFailed):
        request.submit(REQUESTER, at(1), other)
    assert request.status is RequestStatus.DRAFT
    assert request.chain is None


def test_approval_progress_is_none_before_submission():
    request = draft()
    assert request.approval_progress() is None
    assert request.chain_version is None
    request.submit(REQUESTER, at(1), SIMPLE)
    progress = request.approval_progress()
    assert progress is not None
    assert progress.current_level == 1


def test_create_validates_and_normalises_its_input():
    request = ServiceRequest.create(
        requester_id=REQUESTER,
        category="it.access",
        title="  VPN access  ",
        description=" for the audit ",
        priority="critical",
        amount=Decimal("12.5"),
        currency="zar",
        at=datetime(2025, 3, 3, 10, 0, tzinfo=UTC).astimezone(),
    )
    assert (request.title, request.description) == ("VPN access", "for the audit")
    assert request.priority is Priority.CRITICAL
    assert request.currency == "ZAR"
    assert request.created_at.tzinfo is UTC
    assert request.status is RequestStatus.DRAFT
    assert request.history == []


@pytest.mark.parametrize(
    "overrides",
    [
        {"title": "   "},
        {"title": "x" * 256},
        {"category": "Not A Slug"},
        {"priority": "urgent"},
        {"amount": Decimal("-1")},
        {"amount": Decimal("0.000000001")},
        {"amount": 10.5},
        {"currency": "XXX"},
        {"at": datetime(2025, 3, 3, 10, 0)},  # noqa: DTZ001 - naive on purpose
    ],
)
def test_create_refuses_bad_input(overrides: dict[str, object]) -> None:
    values: dict[str, object] = {"requester_id": REQUESTER, "category": "refund", "title": "Refund", "at": T0}
    values.update(overrides)
    with pytest.raises(ValidationFailed):
        ServiceRequest.create(**values)  # type: ignore[arg-type]


def test_commands_refuse_a_naive_time():
    request = draft()
    with pytest.raises(ValidationFailed):
        request.submit(REQUESTER, datetime(2025, 3, 3, 10, 0), SIMPLE)  # noqa: DTZ001 - naive on purpose
    assert request.status is RequestStatus.DRAFT

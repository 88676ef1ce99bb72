"""Stateful property test: random commands by random people against one service request.

Hypothesis drives sequences of submit / assign / approve / reject / start / complete /
cancel, each by an actor drawn from a small crowd that includes the requester (who holds
approver roles too, so self-approval is tried in earnest). A simple model predicts whether
each command must succeed; after every step the invariants check that the state is legal,
the history is consistent, nobody approved their own request, and an approved request
satisfied every applicable level of its pinned chain with distinct, eligible approvers.
"""

import dataclasses
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from elcorp.governance.domain.approval_chains import ApprovalChain, ApprovalLevel, Approver
from elcorp.governance.domain.service_requests import (
    ALLOWED_IN,
    Assignee,
    Command,
    IllegalTransition,
    RequestStatus,
    ServiceRequest,
    ServiceRequestApprovalRecorded,
    ServiceRequestApproved,
    ServiceRequestAssigned,
    ServiceRequestCancelled,
    ServiceRequestCompleted,
    ServiceRequestRejected,
    ServiceRequestSubmitted,
)
from elcorp.shared.domain.errors import DomainError

ROLES = ("supervisor", "manager", "director")
PERMISSION = "payment:approve"
T0 = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
APPROVED_OR_LATER = {RequestStatus.APPROVED, RequestStatus.IN_PROGRESS, RequestStatus.COMPLETED}
# The state each successful command leads to (assign from submitted goes into review).
NEXT = {
    Command.SUBMIT: RequestStatus.SUBMITTED,
    Command.START: RequestStatus.IN_PROGRESS,
    Command.COMPLETE: RequestStatus.COMPLETED,
    Command.CANCEL: RequestStatus.CANCELLED,
    Command.REJECT: RequestStatus.REJECTED,
}

thresholds = st.none() | st.sampled_from([Decimal(0), Decimal(1000), Decimal(10000), Decimal("50000.50")])
levels = st.builds(
    lambda requirement, threshold, count: ApprovalLevel(
        required_role=None if requirement == PERMISSION else requirement,
        required_permission=PERMISSION if requirement == PERMISSION else None,
        threshold=threshold,
        approvers_required=count,
    ),
    st.sampled_from([*ROLES, PERMISSION]),
    thresholds,
    st.integers(1, 2),
)


def _chain(version: int, chain_levels: list[ApprovalLevel]) -> ApprovalChain:
    if all(level.threshold is not None for level in chain_levels):  # a chain needs an unconditional level
        chain_levels[0] = dataclasses.replace(chain_levels[0], threshold=None)
    return ApprovalChain("refund", version, tuple(chain_levels))


chains = st.builds(_chain, st.integers(1, 5), st.lists(levels, min_size=1, max_size=3))
amounts = (
    st.none() | st.sampled_from([Decimal(0), Decimal(999), Decimal(10000)]) | st.decimals(0, 100000, places=2)
)
people = st.lists(
    st.tuples(st.frozensets(st.sampled_from(ROLES)), st.booleans()),
    min_size=4,
    max_size=6,
).map(
    lambda specs: [
        Approver(uuid.uuid4(), roles, frozenset({PERMISSION}) if holds else frozenset())
        for roles, holds in specs
    ]
)
actor_index = st.integers(0, 5)


class ServiceRequestWorkflow(RuleBasedStateMachine):
    request: ServiceRequest
    chain: ApprovalChain
    crowd: list[Approver]
    requester: Approver
    now: datetime

    @initialize(chain=chains, amount=amounts, crowd=people)
    def create(self, chain: ApprovalChain, amount: Decimal | None, crowd: list[Approver]) -> None:
        self.chain, self.crowd, self.now = chain, crowd, T0
        # The requester holds every approver role, so self-approval is really tried.
        crowd[0] = Approver(crowd[0].id, frozenset(ROLES), frozenset({PERMISSION}))
        self.requester = crowd[0]
        self.request = ServiceRequest.create(
            requester_id=self.requester.id, category="refund", title="Refund", amount=amount, at=T0
        )

    # ----------------------------------------------------------------- helpers

    def actor(self, index: int) -> Approver:
        return self.crowd[index % len(self.crowd)]

    def tick(self) -> datetime:
        self.now += timedelta(minutes=7)
        return self.now

    def pending_level(self) -> int | None:
        """The model's own reading of the chain: the first applicable level short of approvers."""
        amount = self.request.amount
        for number, level in enumerate(self.chain.levels, start=1):
            applies = level.threshold is None or (amount is not None and amount >= level.threshold)
            given = sum(1 for a in self.request.approvals if a.level == number)
            if applies and given < level.approvers_required:
                return number
        return None

    def run(
        self,
        command: Command,
        action: Callable[[], None],
        *,
        may_succeed: bool,
        events: list[type],
        next_status: RequestStatus | None = None,
    ) -> None:
        """Run one command; check it succeeded exactly when the model says, and that a
        failure changed nothing."""
        before = dataclasses.asdict(self.request)
        status = self.request.status
        legal = status in ALLOWED_IN[command]
        failure: DomainError | None = None
        try:
            action()
        except DomainError as error:
            failure = error
        if failure is not None:
            assert not (legal and may_succeed), f"{command} in {status} should have succeeded: {failure!r}"
            assert isinstance(failure, IllegalTransition) == (not legal)
            assert dataclasses.asdict(self.request) == before, "a failed command changed the request"
            return
        assert legal, f"{command} succeeded in {status}"
        assert may_succeed, f"{command} by an ineligible actor succeeded"
        assert [type(e) for e in self.request.pull_events()] == events
        if next_status is not None:
            assert self.request.status is next_status

    # ----------------------------------------------------------------- rules

    @rule(who=actor_index)
    def submit(self, who: int) -> None:
        self.run(
            Command.SUBMIT,
            lambda: self.request.submit(self.actor(who).id, self.tick(), self.chain),
            may_succeed=True,
            events=[ServiceRequestSubmitted],
            next_status=RequestStatus.SUBMITTED,
        )

    @rule(who=actor_index, team=st.booleans())
    def assign(self, who: int, team: bool) -> None:
        target = self.actor(who + 1)
        assignee = Assignee.team(target.id) if team else Assignee.user(target.id)
        status = self.request.status
        unchanged = assignee == self.request.assignee and status is not RequestStatus.SUBMITTED
        self.run(
            Command.ASSIGN,
            lambda: self.request.assign(self.actor(who).id, assignee, self.tick()),
            may_succeed=True,
            events=[] if unchanged else [ServiceRequestAssigned],
            next_status=RequestStatus.IN_REVIEW if status is RequestStatus.SUBMITTED else status,
        )

    @rule(who=actor_index)
    def approve(self, who: int) -> None:
        approver = self.actor(who)
        level = self.pending_level()
        eligible = (
            approver.id != self.requester.id
            and all(a.approver_id != approver.id for a in self.request.approvals)
            and level is not None
            and self.chain.level(level).accepts(approver)
        )
        events: list[type] = [ServiceRequestApprovalRecorded]
        completes = False
        if eligible and level is not None:
            given = sum(1 for a in self.request.approvals if a.level == level) + 1
            later = [
                n
                for n in self.chain.applicable_levels(self.request.amount)
                if n > level or (n == level and given < self.chain.level(n).approvers_required)
            ]
            completes = not later
            if completes:
                events.append(ServiceRequestApproved)
        self.run(
            Command.APPROVE,
            lambda: self.request.approve(approver, self.tick(), comment="ok"),
            may_succeed=eligible,
            events=events,
            next_status=RequestStatus.APPROVED if completes else RequestStatus.IN_REVIEW,
        )

    @rule(who=actor_index, reason=st.sampled_from(["", "incomplete documents"]))
    def reject(self, who: int, reason: str) -> None:
        approver = self.actor(who)
        pending = [
            n
            for n in self.chain.applicable_levels(self.request.amount)
            if sum(1 for a in self.request.approvals if a.level == n) < self.chain.level(n).approvers_required
        ]
        eligible = (
            approver.id != self.requester.id
            and bool(reason)
            and any(self.chain.level(n).accepts(approver) for n in pending)
        )
        self.run(
            Command.REJECT,
            lambda: self.request.reject(approver, self.tick(), reason),
            may_succeed=eligible,
            events=[ServiceRequestRejected],
            next_status=RequestStatus.REJECTED,
        )

    @rule(who=actor_index)
    def start(self, who: int) -> None:
        self.run(
            Command.START,
            lambda: self.request.start(self.actor(who).id, self.tick()),
            may_succeed=True,
            events=[],
            next_status=RequestStatus.IN_PROGRESS,
        )

    @rule(who=actor_index)
    def complete(self, who: int) -> None:
        self.run(
            Command.COMPLETE,
            lambda: self.request.complete(self.actor(who).id, self.tick()),
            may_succeed=True,
            events=[ServiceRequestCompleted],
            next_status=RequestStatus.COMPLETED,
        )

    @rule(who=actor_index, dice=st.integers(0, 3))
    def cancel(self, who: int, dice: int) -> None:
        if dice:  # cancelling ends the run, so try it only a quarter of the times it is drawn
            return
        self.run(
            Command.CANCEL,
            lambda: self.request.cancel(self.actor(who).id, self.tick()),
            may_succeed=True,
            events=[ServiceRequestCancelled],
            next_status=RequestStatus.CANCELLED,
        )

    # ----------------------------------------------------------------- invariants

    @invariant()
    def state_is_legal_and_history_is_consistent(self) -> None:
        request = self.request
        assert request.status in set(RequestStatus)
        previous = RequestStatus.DRAFT
        for transition in request.history:
            assert transition.from_status is previous
            assert transition.to_status is not transition.from_status
            if transition.to_status in NEXT.values():
                assert any(transition.to_status is NEXT[c] and previous in ALLOWED_IN[c] for c in NEXT)
            previous = transition.to_status
        assert previous is request.status
        assert [t.at for t in request.history] == sorted(t.at for t in request.history)
        if request.status is not RequestStatus.DRAFT and request.status is not RequestStatus.CANCELLED:
            assert request.chain == self.chain  # pinned at submission, never changed
        assert (request.completed_at is not None) == (request.status is RequestStatus.COMPLETED)

    @invariant()
    def nobody_approved_their_own_request(self) -> None:
        assert all(a.approver_id != self.requester.id for a in self.request.approvals)
        if self.request.status is RequestStatus.REJECTED:
            assert self.request.history[-1].actor_id != self.requester.id

    @invariant()
    def approvals_are_distinct_and_eligible(self) -> None:
        approvers = [a.approver_id for a in self.request.approvals]
        assert len(approvers) == len(set(approvers)), "someone approved twice or at two levels"
        by_id = {person.id: person for person in self.crowd}
        applicable = self.chain.applicable_levels(self.request.amount)
        for approval in self.request.approvals:
            assert approval.level in applicable
            assert self.chain.level(approval.level).accepts(by_id[approval.approver_id])

    @invariant()
    def approved_requests_satisfied_every_applicable_level(self) -> None:
        satisfied = self.pending_level() is None
        if self.request.status in APPROVED_OR_LATER:
            assert satisfied
            assert any(t.to_status is RequestStatus.APPROVED for t in self.request.history)
        elif self.request.status is RequestStatus.IN_REVIEW:
            assert not satisfied
        if self.request.status in {RequestStatus.DRAFT, RequestStatus.SUBMITTED, RequestStatus.CANCELLED}:
            assert self.request.approvals == []


ServiceRequestWorkflow.TestCase.settings = settings(
    max_examples=300,
    stateful_step_count=40,
    deadline=None,
    database=None,  # no .hypothesis directory in the repository
    suppress_health_check=[HealthCheck.too_slow],
)
TestServiceRequestWorkflow = ServiceRequestWorkflow.TestCase

"""The data-subject request service with fakes: what filing and completing each type of
request does, what is audited and announced, and what a legal hold or a failing mail does."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from elcorp.compliance.privacy.application.access_bundle import StoredBundle
from elcorp.compliance.privacy.application.privacy_ports import ErasedCategory, ErasureOutcome
from elcorp.compliance.privacy.application.privacy_requests import LEGAL_HOLD_GROUND, PrivacyRequests
from elcorp.compliance.privacy.domain.privacy_requests import (
    AssigneeNotEligible,
    BundleNotReady,
    InvalidTransition,
    PrivacyRequest,
    PrivacyRequestClosed,
    RequestAlreadyOpen,
    RequestStatus,
    RequestType,
    VerificationMethod,
)
from elcorp.shared.domain.errors import ValidationFailed

from .privacy_request_fakes import (
    FakeAccess,
    FakeCorrector,
    FakeErasure,
    FakeNotices,
    FakeOptOut,
    FakePrivacyRequestsUnitOfWork,
    FakeRecipients,
    FakeStaff,
    FixedClock,
)

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
SUBJECT, STAFF = uuid.uuid4(), uuid.uuid4()


class Service:
    """The service and its fakes, wired as production wires it."""

    def __init__(self) -> None:
        self.uow = FakePrivacyRequestsUnitOfWork()
        self.access = FakeAccess()
        self.staff = FakeStaff(emails={SUBJECT: "subject@example.na"})
        self.corrector = FakeCorrector()
        self.erasure = FakeErasure()
        self.opt_out = FakeOptOut()
        self.recipients = FakeRecipients()
        self.notices = FakeNotices()
        self.service = PrivacyRequests(
            lambda: self.uow,
            access=self.access,
            staff=self.staff,
            corrector=self.corrector,
            erasure=self.erasure,
            opt_out=self.opt_out,
            recipients=self.recipients,
            notices=self.notices,
            clock=FixedClock(NOW),
        )

    def working(self, type_: RequestType, *, correction: tuple[str, str] | None = None) -> PrivacyRequest:
        filed = self.service.submit(SUBJECT, type_, details="please", correction=correction)
        self.service.verify(STAFF, filed.id, VerificationMethod.IDENTITY_DOCUMENT, True, None)
        return self.service.start(STAFF, filed.id)

    def actions(self) -> list[str]:
        return [e.action for e in self.uow.committed_audit]

    def closed_events(self) -> list[PrivacyRequestClosed]:
        return [e for e in self.uow.committed_events if isinstance(e, PrivacyRequestClosed)]


@pytest.fixture
def s() -> Service:
    return Service()


def test_a_marketing_opt_out_is_recorded_at_filing_and_filed_completed(s):
    request = s.service.submit(SUBJECT, RequestType.MARKETING_OPT_OUT, details=None, correction=None)

    assert s.opt_out.calls == [(SUBJECT, "privacy_request", SUBJECT)]
    assert request.status is RequestStatus.COMPLETED
    assert s.actions() == ["privacy_request.created", "privacy_request.completed"]
    assert [e.status for e in s.closed_events()] == ["completed"]
    assert request.notifications == [
        {"recipient": "data_subject", "channel": "email", "queued_at": "2026-12-02T09:00:00.000Z"}
    ]


def test_a_second_open_erasure_request_is_refused_and_nothing_is_recorded(s):
    s.service.submit(SUBJECT, RequestType.ERASURE, details=None, correction=None)
    audited = len(s.uow.committed_audit)

    with pytest.raises(RequestAlreadyOpen):
        s.service.submit(SUBJECT, RequestType.ERASURE, details=None, correction=None)

    assert len(s.uow.requests.rows) == 1
    assert len(s.uow.committed_audit) == audited


def test_the_audit_trail_holds_ids_and_states_never_the_details_or_corrected_value(s):
    s.working(RequestType.CORRECTION, correction=("phone", "+264811234567"))

    for entry in s.uow.committed_audit:
        assert entry.changes is not None
        text = repr(entry.changes)
        assert "+264811234567" not in text
        assert "please" not in text
        assert entry.changes.after["subject_id"] == str(SUBJECT)


def test_only_active_staff_who_manage_privacy_requests_are_assigned(s):
    request = s.working(RequestType.ACCESS)
    manager, former, reader = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    s.staff.active |= {manager, reader}
    s.access.holders = {manager: frozenset({"privacy:manage"}), former: frozenset({"privacy:manage"})}

    for ineligible in (former, reader):
        with pytest.raises(AssigneeNotEligible):
            s.service.assign(STAFF, request.id, ineligible)
    assigned = s.service.assign(STAFF, request.id, manager)

    assert assigned.assignee_id == manager
    assert s.uow.committed_audit[-1].changes.after["assignee_id"] == str(manager)


def test_a_correction_is_made_through_identity_and_its_recipients_are_told(s):
    s.recipients.by_field["phone"] = ["Bank Windhoek"]
    request = s.working(RequestType.CORRECTION, correction=("phone", "+264811234567"))

    done = s.service.complete(STAFF, request.id, None)

    assert s.corrector.calls == [(SUBJECT, "phone", "+264811234567", STAFF)]
    assert done.status is RequestStatus.COMPLETED
    assert done.outcome == {"corrected": {"field": "phone", "changed": True}}
    assert [n["recipient"] for n in done.notifications] == ["data_subject", "Bank Windhoek"]
    assert s.actions()[-1] == "privacy_request.completed"


def test_an_objection_needs_its_handling_before_anything_is_done(s):
    request = s.working(RequestType.OBJECTION)

    with pytest.raises(ValidationFailed):
        s.service.complete(STAFF, request.id, "  ")
    done = s.service.complete(STAFF, request.id, "processing for profiling stopped")

    assert done.outcome == {"objection": "upheld", "handling": "processing for profiling stopped"}
    assert done.resolution == "processing for profiling stopped"


def test_a_request_not_in_progress_cannot_be_completed_and_no_work_is_done(s):
    filed = s.service.submit(SUBJECT, RequestType.CORRECTION, details=None, correction=("phone", "+26481"))

    with pytest.raises(InvalidTransition):
        s.service.complete(STAFF, filed.id, None)

    assert s.corrector.calls == []
    assert s.uow.requests.rows[filed.id].status is RequestStatus.RECEIVED


def test_an_access_request_is_completed_only_once_its_bundle_is_built(s):
    request = s.working(RequestType.ACCESS)

    with pytest.raises(BundleNotReady):
        s.service.complete(STAFF, request.id, None)
    assert s.uow.requests.rows[request.id].status is RequestStatus.IN_PROGRESS

    s.uow.bundles.rows[request.id] = StoredBundle(
        request.id, SUBJECT, "ready", NOW, b"{}", "ab" * 32, NOW, NOW + timedelta(days=30)
    )
    done = s.service.complete(STAFF, request.id, None)

    assert done.outcome == {
        "bundle_sha256": "ab" * 32,
        "bundle_size": 2,
        "bundle_built_at": "2026-12-02T09:00:00.000Z",
        "bundle_expires_at": "2027-01-01T09:00:00.000Z",
    }


def test_an_erasure_also_erases_this_contexts_records_and_mails_the_notice_to_the_address_read_first(s):
    s.erasure.outcome = ErasureOutcome(
        SUBJECT, blocked=False, erased=[ErasedCategory("user.contact.phone", "crypto_shred", 1)]
    )
    s.uow.requests.erasable = {"privacy_request.details": 2, "privacy.access_bundle": 1, "other": 0}
    request = s.working(RequestType.ERASURE)

    done = s.service.complete(STAFF, request.id, None)

    assert s.erasure.calls == [(SUBJECT, request.id, STAFF)]
    assert done.status is RequestStatus.COMPLETED
    assert done.details is None
    assert done.outcome is not None
    assert done.outcome["erased"] == [
        {"category": "user.contact.phone", "disposal": "crypto_shred", "count": 1},
        {"category": "privacy_request.details", "disposal": "anonymise", "count": 2},
        {"category": "privacy.access_bundle", "disposal": "delete", "count": 1},
    ]
    assert s.notices.sent == [("subject@example.na", request.id, done.outcome)]


def test_a_legal_hold_refuses_the_erasure_with_its_reason_and_nothing_else_is_erased(s):
    s.erasure.outcome = ErasureOutcome(SUBJECT, blocked=True, hold_reasons=["court order 12/2026"])
    request = s.working(RequestType.ERASURE)

    done = s.service.complete(STAFF, request.id, None)

    assert done.status is RequestStatus.REFUSED
    assert done.legal_ground == LEGAL_HOLD_GROUND
    assert done.resolution == "Erasure blocked: court order 12/2026"
    assert s.uow.requests.erased_subjects == []
    assert s.notices.sent == []
    assert s.actions()[-1] == "privacy_request.refused"
    assert [e.status for e in s.closed_events()] == ["refused"]


def test_a_failing_notice_mail_leaves_the_erasure_completed(s):
    s.notices.fail = True
    request = s.working(RequestType.ERASURE)

    done = s.service.complete(STAFF, request.id, None)

    assert done.status is RequestStatus.COMPLETED
    assert s.uow.requests.rows[request.id].status is RequestStatus.COMPLETED

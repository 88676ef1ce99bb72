"""What a client sees of an access request's bundle (`bundle_status`), and the request's
stored times in the API's format (Z, milliseconds), with fakes."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from elcorp.compliance.privacy.application.access_bundle import (
    BundleState,
    BundleStatus,
    StoredBundle,
    bundle_status,
)
from elcorp.compliance.privacy.application.privacy_requests import PrivacyRequests
from elcorp.compliance.privacy.domain.privacy_requests import RequestType, VerificationMethod
from elcorp.compliance.privacy.interfaces.privacy_requests import with_api_times

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

NOW = datetime(2026, 12, 2, 9, 0, 0, 123456, tzinfo=UTC)
SUBJECT, STAFF = uuid.uuid4(), uuid.uuid4()
API_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


class Desk:
    def __init__(self) -> None:
        self.uow = FakePrivacyRequestsUnitOfWork()
        self.clock = FixedClock(NOW)
        self.recipients = FakeRecipients()
        self.service = PrivacyRequests(
            lambda: self.uow,
            access=FakeAccess(),
            staff=FakeStaff(emails={SUBJECT: "subject@example.na"}),
            corrector=FakeCorrector(),
            erasure=FakeErasure(),
            opt_out=FakeOptOut(),
            recipients=self.recipients,
            notices=FakeNotices(),
            clock=self.clock,
        )

    def status_of(self, request_id: uuid.UUID) -> BundleStatus:
        request = self.service.get(request_id)
        return self.service.bundle_statuses([request])[request_id]

    def built(self, request_id: uuid.UUID, *, expires: datetime) -> None:
        pending = self.uow.bundles.rows[request_id]
        self.uow.bundles.rows[request_id] = StoredBundle(
            request_id, SUBJECT, "ready", pending.requested_at, b"{}", "ab" * 32, NOW, expires
        )


@pytest.fixture
def desk() -> Desk:
    return Desk()


def verified(desk: Desk, type_: RequestType, correction: tuple[str, str] | None = None) -> uuid.UUID:
    filed = desk.service.submit(SUBJECT, type_, details=None, correction=correction)
    desk.service.verify(STAFF, filed.id, VerificationMethod.IDENTITY_DOCUMENT, True, None)
    return filed.id


def test_an_access_requests_bundle_goes_from_not_requested_to_ready_then_expired(desk):
    rid = verified(desk, RequestType.ACCESS)
    seen = [desk.status_of(rid)]
    desk.service.start(STAFF, rid)
    seen.append(desk.status_of(rid))
    desk.built(rid, expires=NOW + timedelta(days=30))
    seen.append(desk.status_of(rid))
    done = desk.service.complete(STAFF, rid, None)
    seen.append(desk.status_of(rid))
    desk.clock.at = NOW + timedelta(days=30)
    seen.append(desk.status_of(rid))
    del desk.uow.bundles.rows[rid]  # the purge job ran
    seen.append(desk.status_of(rid))

    assert seen == ["not_requested", "preparing", "built", "ready", "expired", "expired"]
    assert done.outcome is not None
    assert done.outcome["bundle_sha256"] == "ab" * 32
    assert done.outcome["bundle_expires_at"] == "2027-01-01T09:00:00.123Z"


def test_a_refused_access_request_withholds_its_bundle_and_other_types_have_none(desk):
    rid = verified(desk, RequestType.ACCESS)
    desk.service.start(STAFF, rid)
    desk.built(rid, expires=NOW + timedelta(days=30))
    desk.service.refuse(STAFF, rid, "Identity in doubt", "POPIA s23(1)")
    objection = desk.service.submit(SUBJECT, RequestType.OBJECTION, details=None, correction=None)

    assert desk.status_of(rid) == "withheld"
    assert desk.status_of(objection.id) == "not_applicable"


def test_a_built_bundle_past_its_window_is_expired_even_before_the_purge(desk):
    filed = desk.service.submit(SUBJECT, RequestType.ACCESS, details=None, correction=None)
    later = NOW + timedelta(days=1)

    assert bundle_status(filed, None, NOW) is BundleStatus.NOT_REQUESTED
    assert bundle_status(filed, BundleState("pending", None), NOW) is BundleStatus.PREPARING
    assert bundle_status(filed, BundleState("ready", later), NOW) is BundleStatus.BUILT
    assert bundle_status(filed, BundleState("ready", NOW), NOW) is BundleStatus.EXPIRED


def test_notifications_dispute_and_outcome_times_are_z_with_milliseconds(desk):
    desk.recipients.by_field["phone"] = ["Bank Windhoek"]
    rid = verified(desk, RequestType.CORRECTION, ("phone", "+264811234567"))
    desk.service.start(STAFF, rid)

    refused = desk.service.refuse(STAFF, rid, "The number on record is right", "POPIA s24(3)")

    times = [n["queued_at"] for n in refused.notifications]
    assert refused.dispute is not None
    times.append(refused.dispute["recorded_at"])
    assert len(times) == 3
    assert all(API_TIME.match(t) for t in times), times


def test_times_stored_in_the_earlier_format_are_answered_in_the_api_format():
    stored = {
        "bundle_built_at": "2026-11-05T13:58:12.004321+00:00",
        "kept": [{"category": "payments.transaction", "until": "2031-12-31"}],
        "notes": "at 10:00",
        "nested": [{"queued_at": "2026-11-05T13:58:12+00:00", "recipient": "data_subject"}],
    }

    assert with_api_times(stored) == {
        "bundle_built_at": "2026-11-05T13:58:12.004Z",
        "kept": [{"category": "payments.transaction", "until": "2031-12-31"}],
        "notes": "at 10:00",
        "nested": [{"queued_at": "2026-11-05T13:58:12.000Z", "recipient": "data_subject"}],
    }
